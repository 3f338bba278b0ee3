"""Shared fixtures. Keys live in tests/keys/ as files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from rest_framework_jwt import revocation
from tests.helpers import HANG_TIMEOUT, MODES, START, Mode, free_port

KEYS = Path(__file__).parent / "keys"

# Projects with test suites of their own, run by test_projects.py through their manage.py.
collect_ignore = ["projects"]

# The fixtures the package offers to projects' test suites (jwt_client, jwt_token, jwt_clock).
pytest_plugins = ["rest_framework_jwt.pytest_plugin"]


def read_key(name: str) -> str:
    """Return the text of ``tests/keys/<name>``."""
    return (KEYS / name).read_text()


@pytest.fixture
def client() -> APIClient:  # shadows pytest-django's Client on purpose
    return APIClient()


@pytest.fixture
def password() -> str:
    return "abc123"


@pytest.fixture
def user(db, password):
    return get_user_model().objects.create_user(
        username="admin", email="admin@example.com", password=password
    )


@pytest.fixture
def inactive_user(db, password):
    return get_user_model().objects.create_user(
        username="sleeper", email="sleeper@example.com", password=password, is_active=False
    )


@pytest.fixture
def superuser(db, password):
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password=password
    )


@pytest.fixture
def frozen(time_machine):
    """The clock stopped at ``helpers.START``; move it with ``frozen.shift(seconds)``."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def outage_log():
    """The store outage log starts afresh (it logs one record a minute per process)."""
    revocation.outage_log.reset()
    yield
    revocation.outage_log.reset()


@pytest.fixture
def cache_store(settings):
    """The denylist in the "locmem" cache, under a key prefix of the test's own."""
    from tests.test_revocation import Denylist

    store = Denylist("cache:locmem", settings)
    yield store
    store.cleanup()


@pytest.fixture(params=MODES)
def mode(request, settings) -> Mode:
    """Each compat line in turn (1.x, drf-jwt), configured: for behaviour whose wording or
    status differs between them."""
    m = Mode(settings, request.param)
    m.configure()
    return m


@pytest.fixture
def orig(settings) -> Mode:
    """1.x mode, configured."""
    m = Mode(settings, {})
    m.configure()
    return m


@pytest.fixture
def fork(settings) -> Mode:
    """drf-jwt mode, configured."""
    m = Mode(settings, {"JWT_COMPAT": "drf-jwt"})
    m.configure()
    return m


# --- a private Redis server -------------------------------------------------------------------


def _redis_server_binary() -> str:
    """The path of ``redis-server``: on PATH or in the usual Debian places."""
    found = shutil.which("redis-server")
    if found is None:
        for candidate in ("/usr/bin/redis-server", "/usr/sbin/redis-server"):
            if os.access(candidate, os.X_OK):
                found = candidate
                break
    if found is None:
        # Not a skip: these tests are part of the suite. `make test` and .ci/run install it.
        pytest.fail(
            "redis-server is not installed; the outage tests start their own one. "
            "Install it (Debian: apt-get install redis-server) or run `make test` as root, "
            "which installs it.",
            pytrace=False,
        )
    return found


class RedisServer:
    """A ``redis-server`` of the test's own on 127.0.0.1, without persistence.

    ``url`` stays the same across ``stop()`` and ``start()``, so a cache configured with it sees
    the server go away and come back.
    """

    def __init__(self, directory: Path) -> None:
        self.binary = _redis_server_binary()
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
                "--daemonize", "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        # Wait until it answers PING, for as long as the suite's hang timeout: a guard against a
        # server that never answers, not a bound on how fast a loaded machine starts one.
        deadline = time.monotonic() + HANG_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.directory / "redis.log"
                text = log.read_text() if log.exists() else ""
                raise RuntimeError(f"redis-server exited with {self.process.returncode}: {text}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.kill()
        process.wait(timeout=HANG_TIMEOUT)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A running private ``redis-server`` (``.url``, ``.stop()``, ``.start()``), killed after."""
    server = RedisServer(tmp_path / "redis")
    for _ in range(5):  # another process may take the free port before redis-server binds it
        try:
            server.start()
            break
        except RuntimeError:
            if "Address already in use" not in (tmp_path / "redis" / "redis.log").read_text():
                raise
            server = RedisServer(tmp_path / "redis")
    else:
        pytest.fail("no free port for redis-server after 5 tries", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
