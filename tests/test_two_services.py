"""Two services, one issuer (issue 11, item 6): two Django processes on loopback ports.

The issuer (tests/projects/two_services with ``SERVICE=issuer``) issues RS256 tokens with the keys
``manage.py jwt_keys`` made and serves its JWK Set. The resource service (``SERVICE=resource``)
has no key of its own: it trusts the issuer as an external issuer and fetches its JWK Set over
HTTP. ``jwt_keys rotate`` and ``retire`` run as a third process, as an operator would run them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import pytest

import rest_framework_jwt
from tests.helpers import HANG_TIMEOUT

PROJECT = Path(__file__).parent / "projects" / "two_services"
PACKAGE_ROOT = Path(rest_framework_jwt.__file__).resolve().parent.parent
PASSWORD = "a-password-of-alice"
#: The resource service's refusal of a token whose kid its cached set does not have.
UNKNOWN_KEY = {"detail": "Incorrect authentication credentials.", "code": "token_unknown_key"}


class Service:
    """One of the two services: its environment, its commands and its server process."""

    def __init__(self, name: str, directory: Path, **env: str) -> None:
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL", "REDIS_URL"}
        }
        self.env.update(
            PYTHONPATH=f"{PACKAGE_ROOT}{os.pathsep}{PROJECT}",
            PYTHONDONTWRITEBYTECODE="1",
            SERVICE=name,
            **env,
        )
        self.directory = directory
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def manage(self, *args: str, clock: float | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``manage.py <args>``; with ``clock``, at that time (a POSIX timestamp)."""
        if clock is None:
            command = [sys.executable, "manage.py", *args]
        else:
            code = (
                "import sys, time_machine;"
                f"time_machine.travel({clock!r}, tick=False).start();"
                "from django.core.management import execute_from_command_line;"
                "execute_from_command_line(['manage.py', *sys.argv[1:]])"
            )
            command = [sys.executable, "-c", code, *args]
        return subprocess.run(
            command,
            cwd=PROJECT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "services.settings"},
            capture_output=True,
            text=True,
            check=False,
            timeout=HANG_TIMEOUT,
        )

    def start(self) -> None:
        self.log = open(self.directory / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "serve.py"],
            cwd=PROJECT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the server listens (or exits)
        if not line.startswith("port "):
            self.process.wait(timeout=HANG_TIMEOUT)
            raise RuntimeError((self.directory / "server.log").read_text())
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=HANG_TIMEOUT)
            assert self.process.stdout is not None
            self.process.stdout.close()
            self.log.close()

    def request(
        self, path: str, token: str | None = None, data: dict | None = None, scheme: str = "JWT"
    ):
        """(status, JSON body) of a GET, or of a POST with ``data``."""
        headers = {"Authorization": f"{scheme} {token}"} if token else {}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=HANG_TIMEOUT) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def checked(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def clock(tmp_path):
    """The time of both servers (stopped), which the test sets: :func:`set_clock`."""
    path = tmp_path / "clock"
    path.write_text(str(float(int(time.time()))))
    return path


def set_clock(clock: Path, moment: float) -> None:
    clock.write_text(str(moment))


def now(clock: Path) -> float:
    return float(clock.read_text())


@pytest.fixture
def issuer(tmp_path, clock):
    directory = tmp_path / "issuer"
    directory.mkdir()
    service = Service(
        "issuer",
        directory,
        KEY_DIR=str(directory / "keys"),
        DATABASE=str(directory / "db.sqlite3"),
        CLOCK_FILE=str(clock),
    )
    # A new project: the key first (no system check stops jwt_keys), then the rest.
    checked(service.manage("jwt_keys", "generate", "--alg", "RS256", "--kid", "first"))
    checked(service.manage("migrate", "--verbosity", "0"))
    checked(
        service.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user('alice', password={PASSWORD!r})",
        )
    )
    service.start()
    yield service
    service.stop()


@pytest.fixture
def resource(tmp_path, issuer, clock):
    directory = tmp_path / "resource"
    directory.mkdir()
    service = Service(
        "resource",
        directory,
        ISSUER_JWKS_URL=f"{issuer.url}/.well-known/jwks.json",
        CLOCK_FILE=str(clock),
    )
    service.start()
    yield service
    service.stop()


def kids(service: Service) -> list[str]:
    status, key_set = service.request("/.well-known/jwks.json")
    assert status == 200
    return [key["kid"] for key in key_set["keys"]]


def obtain(issuer: Service) -> str:
    status, body = issuer.request(
        "/api-token-auth/", data={"username": "alice", "password": PASSWORD}
    )
    assert status == 200, body
    return body["token"]


def test_a_second_service_trusts_the_issuer_through_a_rotation(issuer, resource, clock):
    def at_resource(token):
        return resource.request("/whoami/", token, scheme="Bearer")

    start = now(clock)

    old = obtain(issuer)
    assert at_resource(old) == (200, {"username": "alice", "service": "resource"})

    # The operator rotates on the issuer; the issuer signs with the new key at once.
    checked(issuer.manage("jwt_keys", "rotate", "--kid", "second"))
    new = obtain(issuer)
    assert jwt.get_unverified_header(new)["kid"] == "second"
    assert kids(issuer) == ["first", "second"]

    # The resource service fetched the set at the same time: an unknown kid fetches it again
    # only once JWT_JWKS_REFETCH_INTERVAL (60 s) has passed since, and old tokens keep working.
    set_clock(clock, start + 59)
    assert at_resource(new) == (401, UNKNOWN_KEY)
    assert at_resource(old)[0] == 200
    set_clock(clock, start + 61)
    assert at_resource(new) == (200, {"username": "alice", "service": "resource"})
    assert at_resource(old)[0] == 200

    # Retired on the issuer (once its tokens' lifetime has passed: the command runs two hours
    # later), the old key leaves the set; the resource service drops it when its cached set
    # expires (JWT_JWKS_CACHE_LIFETIME, 600 s after the fetch at +61 s), and its tokens are
    # refused from then on.
    checked(issuer.manage("jwt_keys", "retire", "first", clock=time.time() + 7200))
    assert kids(issuer) == ["second"]
    assert issuer.request("/whoami/", old)[0] == 401
    set_clock(clock, start + 61 + 599)
    assert at_resource(old)[0] == 200  # the cached set still has it
    set_clock(clock, start + 61 + 601)
    assert at_resource(new)[0] == 200  # fetches the set again
    assert at_resource(old) == (401, UNKNOWN_KEY)
    assert at_resource(new)[0] == 200


def test_the_issuer_signs_with_its_key_directory_and_rotates_without_a_restart(issuer):
    token = obtain(issuer)
    assert jwt.get_unverified_header(token)["kid"] == "first"
    assert issuer.request("/whoami/", token) == (200, {"username": "alice", "service": "issuer"})
    status, key_set = issuer.request("/.well-known/jwks.json")
    assert status == 200
    assert [key["kid"] for key in key_set["keys"]] == ["first"]

    checked(issuer.manage("jwt_keys", "rotate", "--kid", "second"))
    new_token = obtain(issuer)
    assert jwt.get_unverified_header(new_token)["kid"] == "second"
    assert [key["kid"] for key in issuer.request("/.well-known/jwks.json")[1]["keys"]] == [
        "first",
        "second",
    ]
    for each in (token, new_token):
        assert issuer.request("/whoami/", each)[0] == 200

    # Retiring is refused while the first key's tokens can be valid, and allowed once they
    # cannot (the command runs two hours later); then the first key's tokens are refused.
    refused = issuer.manage("jwt_keys", "retire", "first")
    assert refused.returncode == 1
    assert "can be valid until" in refused.stderr
    checked(issuer.manage("jwt_keys", "retire", "first", clock=time.time() + 7200))
    assert [key["kid"] for key in issuer.request("/.well-known/jwks.json")[1]["keys"]] == ["second"]
    assert issuer.request("/whoami/", token)[0] == 401
    assert issuer.request("/whoami/", new_token)[0] == 200
