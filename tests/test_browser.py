"""The demo page /browser/ in headless Chromium: cookie mode end to end, in a real browser.

The demo project (example/, as `make demo` runs it) is started with `manage.py runserver` on a
free loopback port and a throwaway database; an attacking page is served from a second
loopback port. The two origins are same-site (only the port differs), so the browser sends the
victim's SameSite=Lax cookies along with the attack: only the CSRF check stands in the way.

Chromium and its driver are Debian's (`chromium`, `chromium-driver`); `make test` and
`.ci/run` install them when they are missing. Selenium is pointed at /usr/bin/chromedriver, so
Selenium Manager never downloads a browser or a driver. Every wait is for a condition on the
page, with a generous bound that only guards a hang.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.helpers import HANG_TIMEOUT, free_port, run_python

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "example"
#: The protected endpoint the page's #whoami calls (example/demo/urls.py).
WHOAMI = "/browser/whoami/"
ARTIFACTS = ROOT / ".ci" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: A bound on each wait: far above what a loaded 2-core machine needs, only against a hang.
WAIT = 120


def wait_for_http(url: str, process: subprocess.Popen) -> None:
    """Poll ``url`` until the server answers (any status); fail if the server exits."""
    deadline = threading.Event()
    timer = threading.Timer(HANG_TIMEOUT, deadline.set)
    timer.start()
    try:
        while not deadline.is_set():
            if process.poll() is not None:
                raise AssertionError(f"the demo server exited with {process.returncode}")
            try:
                urllib.request.urlopen(url, timeout=10).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                deadline.wait(0.2)
        raise AssertionError(f"{url} did not answer")
    finally:
        timer.cancel()


def demo_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo.settings",
        "DEMO_DATABASE": str(tmp_path / "demo.sqlite3"),
        **extra,
    }


@contextlib.contextmanager
def demo_server(tmp_path: Path, **extra: str) -> Iterator[str]:
    """The demo project on a free loopback port, as `make demo` runs it: its base URL."""
    env = demo_env(tmp_path, **extra)
    for command in (["migrate", "--noinput"], ["ensure_demo_user"]):
        result = run_python("manage.py", *command, cwd=EXAMPLE, env=env)
        assert result.returncode == 0, result.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=EXAMPLE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/browser/", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module", params=["classic", "refresh-tokens"])
def demo(request, tmp_path_factory) -> Iterator[str]:
    refresh = "1" if request.param == "refresh-tokens" else ""
    with demo_server(tmp_path_factory.mktemp("demo"), DEMO_REFRESH_TOKENS=refresh) as base:
        yield base


@pytest.fixture(scope="module")
def unprotected_demo(tmp_path_factory) -> Iterator[str]:
    """The demo with its CSRF check switched off: the control for the attack tests."""
    with demo_server(tmp_path_factory.mktemp("demo"), DEMO_COOKIE_CSRF="off") as base:
        yield base


#: The attacking pages. Both send a request the browser makes without a CORS preflight, with
#: the victim's cookies: a form POST (the browser then shows the answer) and a fetch with
#: credentials, whose answer the page cannot read but whose effect would be done.
ATTACKS = {
    "form": """<!doctype html><html><body>
<form id="form" method="POST" action="{target}"><input type="hidden" name="note" value="x">
</form>
<script>document.getElementById("form").submit();</script>
</body></html>""",
    "fetch": """<!doctype html><html><body><output id="done"></output>
<script>
fetch("{target}", {{method: "POST", mode: "no-cors", credentials: "include",
                    body: new URLSearchParams({{note: "x"}})}})
  .then(() => "sent", () => "failed")
  .then((outcome) => {{ document.getElementById("done").textContent = outcome; }});
</script>
</body></html>""",
}


@pytest.fixture
def attacker() -> Iterator[tuple[str, dict[str, str]]]:
    """A second origin (another loopback port) that serves attack pages: (base URL, pages)."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=60)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Debian Chromium through Debian's chromedriver: no skip when they are missing."""
    for path in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(path), (
            f"{path} is missing: install Debian's chromium and chromium-driver "
            "(`make test` and .ci/run do so with apt-get)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=1000,800",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """The demo page, driven by its element ids."""

    def __init__(self, driver: webdriver.Chrome, base: str) -> None:
        self.driver, self.base = driver, base

    def open(self) -> None:
        self.driver.get(self.base + "/browser/")
        self.until(lambda d: d.find_element(By.ID, "login"))

    def until(self, condition):
        return WebDriverWait(self.driver, WAIT).until(condition)

    def text(self, element_id: str) -> str:
        return self.driver.find_element(By.ID, element_id).text

    def click(self, element_id: str) -> tuple[str, str]:
        """Click a button and wait until its request finished: (status, result)."""
        status = self.driver.find_element(By.ID, "status")
        before = int(status.get_attribute("data-requests"))
        self.driver.find_element(By.ID, element_id).click()
        self.until(lambda d: int(status.get_attribute("data-requests")) > before)
        return self.text("status"), self.text("result")

    def login(self, username: str = "admin", password: str = "abc123") -> tuple[str, str]:
        for element_id, value in (("username", username), ("password", password)):
            field = self.driver.find_element(By.ID, element_id)
            field.clear()
            field.send_keys(value)
        return self.click("login")

    def document_cookie(self) -> str:
        return str(self.driver.execute_script("return document.cookie"))

    def cookies(self) -> dict[str, dict]:
        """Every cookie the browser holds, whatever its path (HttpOnly ones too)."""
        found = self.driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
        return {cookie["name"]: cookie for cookie in found}

    def cookies_sent_here(self) -> set[str]:
        """The names of the cookies the browser sends to the page's own URL."""
        return {cookie["name"] for cookie in self.driver.get_cookies()}


def token_cookie_values(page: Page) -> list[str]:
    # The browser's own view, which includes HttpOnly cookies.
    return [c["value"] for name, c in page.cookies().items() if name in ("jwt", "jwt-refresh")]


def test_the_page_logs_in_refreshes_and_logs_out(browser, demo, request):
    page = Page(browser, demo)
    page.open()
    assert page.click("whoami")[0] == "401"  # not logged in yet
    assert page.text("result") == ""

    assert page.login(password="wrong")[0] == "400"
    assert page.login() == ("200", "logged in")
    mode = request.node.callspec.params["demo"]
    refresh_tokens = mode == "refresh-tokens"
    cookies = page.cookies()
    assert cookies["jwt"]["httpOnly"] is True
    assert cookies["jwt"]["sameSite"] == "Lax"
    assert cookies["jwt"]["path"] == "/"
    assert ("jwt-refresh" in cookies) is refresh_tokens
    if refresh_tokens:
        assert cookies["jwt-refresh"]["httpOnly"] is True
        assert cookies["jwt-refresh"]["sameSite"] == "Lax"
        assert cookies["jwt-refresh"]["path"] == "/browser/api/"
        # Path-scoped: the browser does not send it to the page, nor to the API the page calls,
        # only to the token endpoints.
        assert "jwt-refresh" not in page.cookies_sent_here()
        assert not WHOAMI.startswith(cookies["jwt-refresh"]["path"])
        assert "jwt" in page.cookies_sent_here()
    # The page sees the CSRF token but never a token.
    visible = page.document_cookie()
    assert "csrftoken=" in visible
    tokens = token_cookie_values(page)
    assert tokens and all(token not in visible for token in tokens)
    assert "jwt=" not in visible

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"browser-after-login-{mode}.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 0

    assert page.click("whoami") == ("200", "admin")
    before = token_cookie_values(page)
    assert page.click("refresh") == ("200", "refreshed")
    assert token_cookie_values(page) != before
    assert all(token not in page.document_cookie() for token in token_cookie_values(page))
    assert page.click("whoami") == ("200", "admin")

    assert page.click("logout") == ("204", "logged out")
    assert "jwt" not in page.cookies()
    assert "jwt-refresh" not in page.cookies()
    assert page.click("whoami")[0] == "401"
    assert page.click("refresh")[0] in ("400", "401")


def test_the_fetch_snippet_of_the_docs_runs_in_the_browser(browser, demo):
    """docs/cookies.md's ``fetch`` example, as it is written there, run by the browser on the
    demo's page (with the demo's routes for its URLs): the login sets the cookies, the cookie
    authenticates, refresh and logout answer, and after the logout the cookie is gone."""
    from tests.test_docs_snippets import blocks

    (block,) = [b for b in blocks("docs/cookies.md") if b.lang == "javascript"]
    script = block.text.replace("/auth/", "/browser/api/").replace("/api/me/", WHOAMI)
    script, calls = re.subn(
        r"^await (api\([^;]*\));", r"statuses.push((await \1).status);", script, flags=re.M
    )
    assert calls == 4
    page = Page(browser, demo)
    page.open()
    statuses = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const [username, password] = ['admin', 'abc123'];"
        "const statuses = [];"
        f"(async () => {{ {script} }})().then(() => done(statuses), (e) => done(String(e)));"
    )
    assert statuses == [200, 200, 200, 204]
    assert "jwt" not in page.cookies()
    assert page.click("whoami")[0] == "401"


#: Three logins of admin through the API (tokens in the body): three sessions.
THREE_LOGINS = """
const login = () => fetch("/browser/api/api-token-auth/", {
  method: "POST",
  headers: {"Content-Type": "application/json", "X-JWT-Delivery": "body"},
  body: JSON.stringify({username: "admin", password: "abc123"}),
}).then((answer) => answer.json());
await login();
await login();
const accessToken = (await login()).token;
"""


def test_the_revoke_others_snippet_of_the_docs_runs_in_the_browser(browser, tmp_path):
    """docs/revocation.md's "log out other devices" ``fetch``, as it is written there, after
    three logins on a fresh demo in refresh-token mode: it answers what the page shows."""
    from tests.test_docs_snippets import blocks

    (block,) = [b for b in blocks("docs/revocation.md") if b.lang == "javascript"]
    shown = json.loads(re.search(r"^// -> (.*)$", block.text, re.M)[1])
    script = block.text.replace("/auth/", "/browser/api/")
    script = script.replace("await fetch(", "const answer = await fetch(", 1)
    assert script.count("const answer") == 1
    with demo_server(tmp_path, DEMO_REFRESH_TOKENS="1") as base:
        Page(browser, base).open()
        answered = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"(async () => {{ {THREE_LOGINS} {script}"
            "return [answer.status, await answer.json()]; })()"
            ".then(done, (error) => done(String(error)));"
        )
    assert answered == [200, shown]


def attack(browser, demo: str, attacker, kind: str) -> None:
    """Load the attacking page of ``kind``, aimed at "log out everywhere", and wait until the
    browser has sent its request and had the answer."""
    base, pages = attacker
    pages[f"/{kind}.html"] = ATTACKS[kind].format(
        target=f"{demo}/browser/api/api-token-logout-all/"
    )
    browser.get(f"{base}/{kind}.html")
    wait = WebDriverWait(browser, WAIT)
    if kind == "form":  # the browser navigates to the API's answer
        wait.until(lambda d: d.current_url.startswith(demo))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    else:
        wait.until(lambda d: d.find_element(By.ID, "done").text == "sent")


@pytest.mark.parametrize("kind", ["form", "fetch"])
def test_a_page_on_another_origin_cannot_act_with_the_victims_cookies(
    browser, demo, attacker, kind
):
    page = Page(browser, demo)
    page.open()
    assert page.login() == ("200", "logged in")
    attack(browser, demo, attacker, kind)
    if kind == "form":
        assert "csrf_failed" in browser.find_element(By.TAG_NAME, "body").text
    # The victim is still logged in: the forged "log out everywhere" did nothing.
    page.open()
    assert "jwt" in page.cookies()
    assert page.click("whoami") == ("200", "admin")


@pytest.mark.parametrize("kind", ["form", "fetch"])
def test_without_the_csrf_check_the_same_attack_succeeds(browser, unprotected_demo, attacker, kind):
    """The control: the victim's SameSite=Lax cookies do go with these requests (the two
    origins are the same site), so it is the CSRF check that stops them above."""
    page = Page(browser, unprotected_demo)
    page.open()
    assert page.login() == ("200", "logged in")
    attack(browser, unprotected_demo, attacker, kind)
    page.open()
    assert page.click("whoami")[0] == "401"
