"""Check a built docs site (``make docs``) works offline: no page or stylesheet loads a script,
stylesheet, font or image from another host, and the pages the nav promises were built.

    python .ci/check_site.py site/
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# What a browser fetches by itself: <script src>, <link href> (stylesheets, fonts, preloads),
# <img src>, and url()/@import in CSS. Plain <a href> links to other hosts are fine.
FETCHED = re.compile(
    r"<(?:script|img|source|iframe)\b[^>]*\bsrc=[\"'](?P<src>(?:https?:)?//[^\"']+)"
    r"|<link\b[^>]*\bhref=[\"'](?P<href>(?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)
CSS_REMOTE = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?P<url>(?:https?:)?//[^)\"']+)")
# <link rel="canonical"> names the published address; browsers do not fetch it.
NOT_FETCHED = re.compile(r"<link\b[^>]*\brel=[\"'](?:canonical|alternate)[\"']", re.IGNORECASE)


def remote_loads(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        for match in FETCHED.finditer(page.read_text(encoding="utf-8")):
            tag = page.read_text(encoding="utf-8")[match.start() : match.end()]
            if NOT_FETCHED.match(tag):
                continue
            found.append(f"{page.relative_to(site)}: {match.group('src') or match.group('href')}")
    for sheet in sorted(site.rglob("*.css")):
        for match in CSS_REMOTE.finditer(sheet.read_text(encoding="utf-8")):
            found.append(f"{sheet.relative_to(site)}: {match.group('url')}")
    return found


def main(argv: list[str]) -> int:
    site = Path(argv[1] if len(argv) > 1 else "site")
    problems = [f"loads from another host: {item}" for item in remote_loads(site)]
    for page in ("index.html", "settings/index.html", "search/search_index.json"):
        if not (site / page).is_file():
            problems.append(f"missing: {page}")
    for problem in problems:
        print(problem)
    print(f"{site}: {len(list(site.rglob('*.html')))} pages, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
