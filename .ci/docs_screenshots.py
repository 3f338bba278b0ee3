"""Look at the built docs site the way a reader would: headless Chromium at 1280 px.

    python .ci/docs_screenshots.py SITE_DIR ARTIFACTS_DIR

Serves SITE_DIR on a free port of 127.0.0.1, opens every page, and fails when a page is wider
than the window or a table needs a sideways scrollbar (the settings summary once did). Saves
screenshots of the index and settings pages (the top of each, and the settings summary table)
in ARTIFACTS_DIR. Needs selenium (the `docs` dependency group) and Debian's `chromium` and
`chromium-driver` (.ci/run installs them when missing).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

WIDTH, HEIGHT = 1280, 1600
# Elements that must not scroll sideways: Material wraps each table in .md-typeset__scrollwrap.
OVERFLOW_JS = """
const out = [];
if (document.documentElement.scrollWidth > window.innerWidth + 1) {
  out.push('page ' + document.documentElement.scrollWidth + 'px wide');
}
for (const el of document.querySelectorAll('.md-typeset__scrollwrap, .md-typeset table')) {
  if (el.scrollWidth > el.clientWidth + 1) {
    const head = el.querySelector('th, td');
    out.push('table starting "' + (head ? head.textContent.trim().slice(0, 30) : '?') + '": '
             + el.scrollWidth + 'px in ' + el.clientWidth + 'px');
  }
}
return out;
"""
# Screenshots show the settled page, not the header's title fading in after a jump to an anchor.
STILL_JS = """
const style = document.createElement('style');
style.textContent = '*, *::before, *::after '
  + '{ transition: none !important; animation: none !important; }';
document.head.appendChild(style);
"""


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size={WIDTH},{HEIGHT}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    return driver


def main(site: Path, artifacts: Path) -> int:
    artifacts.mkdir(parents=True, exist_ok=True)
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted(
        "/" + "".join(f"{part}/" for part in page.relative_to(site).parent.parts)
        for page in site.rglob("index.html")
    )
    problems: list[str] = []
    driver = browser()
    try:
        for page in pages:
            driver.get(base + page.lstrip("/"))
            problems += [f"{page}: {item}" for item in driver.execute_script(OVERFLOW_JS)]
            driver.execute_script(STILL_JS)
            if page in ("/", "/settings/"):
                name = "docs-index" if page == "/" else "docs-settings"
                driver.save_screenshot(str(artifacts / f"{name}.png"))
            if page == "/settings/":
                driver.get(base + "settings/#summary")
                driver.execute_script(STILL_JS)
                driver.save_screenshot(str(artifacts / "docs-settings-summary.png"))
    finally:
        driver.quit()
        server.shutdown()
    for problem in problems:
        print(problem)
    shots = sorted(p.name for p in artifacts.glob("docs-*.png"))
    print(f"{len(pages)} pages at {WIDTH}px, {len(problems)} overflowing; screenshots: {shots}")
    return 1 if problems or len(shots) < 3 else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
