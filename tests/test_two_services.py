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
        """Run ``manage.py <args>``; with ``clock``, the command's clock is that far ahead."""
        if clock is None:
            command = [sys.executable, "manage.py", *args]
        else:
            code = (
                "import sys, time, time_machine;"
                f"time_machine.travel(time.time() + {clock!r}, tick=False).start();"
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
        self.process = subprocess.Popen(
            [sys.executable, "serve.py"],
            cwd=PROJECT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=open(self.directory / "server.log", "w"),  # noqa: SIM115 - the server's
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the server listens (or exits)
        if not line.startswith("port "):
            self.process.wait(timeout=HANG_TIMEOUT)
            raise RuntimeError((self.directory / "server.log").read_text())
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=HANG_TIMEOUT)

    def request(self, path: str, token: str | None = None, data: dict | None = None):
        """(status, JSON body) of a GET, or of a POST with ``data``."""
        headers = {"Authorization": f"JWT {token}"} if token else {}
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
def issuer(tmp_path):
    directory = tmp_path / "issuer"
    directory.mkdir()
    service = Service(
        "issuer",
        directory,
        KEY_DIR=str(directory / "keys"),
        DATABASE=str(directory / "db.sqlite3"),
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


def obtain(issuer: Service) -> str:
    status, body = issuer.request(
        "/api-token-auth/", data={"username": "alice", "password": PASSWORD}
    )
    assert status == 200, body
    return body["token"]


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
    # cannot (the command's clock an hour ahead); then the first key's tokens are refused.
    refused = issuer.manage("jwt_keys", "retire", "first")
    assert refused.returncode == 1
    assert "can be valid until" in refused.stderr
    checked(issuer.manage("jwt_keys", "retire", "first", clock=3600))
    assert [key["kid"] for key in issuer.request("/.well-known/jwks.json")[1]["keys"]] == ["second"]
    assert issuer.request("/whoami/", token)[0] == 401
    assert issuer.request("/whoami/", new_token)[0] == 200
