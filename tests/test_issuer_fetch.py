"""Fetching an external issuer's keys when its server answers wrongly: not JSON, JSON that is
no object, a discovery document without ``jwks_uri``, a broken HTTP answer. Each is the 503 of
an unavailable issuer (never a 500) with the reason in the log; a corrupted record in the shared
cache is ignored and fetched again.

The server is a loopback one this file starts per test.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import caches

from rest_framework_jwt import issuers
from tests import test_issuers
from tests.jwks_server import JWKS_PATH
from tests.test_issuers import call, entry, refused, token_of, trusting

# The fixtures of tests/test_issuers.py: a JWKS server of its own per test, the clock moved.
idp = test_issuers.idp
clock = test_issuers.clock


class Answers:
    """A loopback server answering each path with raw bytes (status line included)."""

    def __init__(self, answers: dict[str, bytes]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.wfile.write(outer.answers.get(self.path, b"HTTP/1.0 404 Not Found\r\n\r\n"))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.answers = answers
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(60)


def ok(body: bytes) -> bytes:
    return b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body


@pytest.fixture
def answers():
    started: list[Answers] = []

    def start(found: dict[str, bytes]) -> Answers:
        started.append(Answers(found))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        (ok(b"<html>not json</html>"), "did not answer JSON"),
        (ok(b"\xff\xfe"), "did not answer JSON"),
        (ok(b'["a", "list"]'), "did not answer a JSON object"),
        (b"NOT-HTTP garbage\r\n\r\n", "BadStatusLine fetching"),
    ],
)
def test_a_wrong_answer_is_a_503_with_its_reason_logged(
    idp, clock, caplog, answers, answer, logged
):
    server = answers({JWKS_PATH: answer})
    with trusting(entry(idp, jwks_url=server.base + JWKS_PATH)):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert logged in caplog.text


def test_a_discovery_document_without_jwks_uri_is_a_503(idp, clock, caplog, answers):
    document = f'{{"issuer": "{idp.issuer}"}}'.encode()
    server = answers({"/.well-known/openid-configuration": ok(document)})
    discovery = {"discovery_url": server.base + "/.well-known/openid-configuration"}
    changes = {**discovery, "jwks_url": None}
    issuer_entry = {k: v for k, v in entry(idp, **changes).items() if k != "jwks_url"}
    with trusting(issuer_entry):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert "the discovery document has no jwks_uri" in caplog.text


@pytest.mark.parametrize(
    "corrupted",
    [
        "not a record",
        {"jwks": {"keys": []}},
        {"jwks": {"keys": []}, "fetched_at": "soon", "attempted_at": 0},
    ],
)
def test_a_corrupted_cache_record_is_ignored_and_fetched_again(idp, clock, corrupted):
    with trusting(entry(idp)):
        (issuer,) = issuers.trusted().values()
        caches["locmem"].set(issuer.cache_key, corrupted)
        assert call(token_of(idp)).status_code == 200
    assert idp.fetches == 1
    assert issuers.Record.from_value(corrupted) is None
