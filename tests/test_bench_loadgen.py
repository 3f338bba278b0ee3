"""bench/loadgen.py, the fallback load generator of ``bench/run.py --gunicorn``, against a small
HTTP server of the test's own on 127.0.0.1: what it sends, what it counts as an error, and that it
refuses other addresses. Every run is bounded by its number of requests; nothing is timed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import loadgen
from tests.helpers import HANG_TIMEOUT


class Handler(BaseHTTPRequestHandler):
    """200 on /ok, 404 elsewhere; a POST's body and every request's headers are recorded."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, dict[str, str], bytes]] = []

    def answer(self, body: bytes = b"") -> None:
        status = 200 if self.path == "/ok" else 404
        self.seen.append((self.command, self.path, dict(self.headers), body))
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer(self.rfile.read(int(self.headers["Content-Length"])))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(HANG_TIMEOUT)


def test_every_request_is_sent_and_answered(server):
    result = loadgen.run(
        f"{server}/ok",
        headers={"Authorization": "JWT abc"},
        duration=HANG_TIMEOUT,
        concurrency=3,
        max_requests=20,
    )
    assert (result.requests, result.errors, len(result.latencies)) == (20, 0, 20)
    assert len(Handler.seen) == 20
    method, path, headers, _ = Handler.seen[0]
    assert (method, path) == ("GET", "/ok")
    assert headers["Authorization"] == "JWT abc"
    # One connection per request, as gunicorn's sync workers have it.
    assert headers["Connection"] == "close"
    assert headers["Host"] == server.removeprefix("http://")


def test_a_post_sends_its_body(server):
    body = b'{"username": "bench"}'
    result = loadgen.run(
        f"{server}/ok",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=body,
        duration=HANG_TIMEOUT,
        max_requests=4,
    )
    assert (result.requests, result.errors) == (4, 0)
    assert {(method, sent) for method, _, _, sent in Handler.seen} == {("POST", body)}


def test_an_answer_of_300_or_more_is_an_error(server):
    result = loadgen.run(f"{server}/missing", duration=HANG_TIMEOUT, max_requests=5)
    assert (result.requests, result.errors) == (5, 5)


@contextlib.contextmanager
def bound_port() -> Iterator[int]:
    """A port of 127.0.0.1 bound but not listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_refused_connection_is_an_error():
    with bound_port() as port:
        result = loadgen.run(
            f"http://127.0.0.1:{port}/ok", duration=HANG_TIMEOUT, concurrency=1, max_requests=3
        )
    assert (result.requests, result.errors) == (3, 3)


def test_an_answer_that_is_not_http_is_an_error():
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def garble() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-nothing\r\n")

        thread = threading.Thread(target=garble, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        result = loadgen.run(
            f"http://127.0.0.1:{port}/ok", duration=HANG_TIMEOUT, concurrency=1, max_requests=1
        )
        thread.join(HANG_TIMEOUT)
    assert (result.requests, result.errors) == (1, 1)


@pytest.mark.parametrize("host", ["192.0.2.1", "10.0.0.1"])
def test_only_loopback_addresses_are_loaded(host):
    with pytest.raises(SystemExit, match="loopback addresses only"):
        loadgen.run(f"http://{host}:8000/ok", duration=HANG_TIMEOUT, max_requests=1)
