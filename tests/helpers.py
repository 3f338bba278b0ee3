"""Helpers shared by several test modules."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import socket
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import revocation, utils
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from tests.urls import ProtectedView

# Routes of tests/urls.py (the 1.x callables at the root, rest_framework_jwt.urls under
# /included/).
OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"
IMPERSONATE = "/api-token-impersonate/"
PROTECTED = "/protected/"
LOGOUT = "/included/api-token-logout/"
LOGOUT_ALL = "/included/api-token-logout-all/"
SESSIONS = "/included/api-token-sessions/"
REVOKE_OTHERS = "/included/api-token-sessions/revoke-others/"

#: Where the ``frozen`` fixture stops the clock: on a minute boundary, so that a throttle window
#: starts with it. ``NOW`` is the same instant as a claim value.
START = dt.datetime(2024, 3, 4, 5, 6, 0, tzinfo=dt.timezone.utc)
NOW = int(START.timestamp())

#: The settings switch of drf-jwt mode, and the two modes as parameters.
FORK = {"JWT_COMPAT": "drf-jwt"}
MODES = [pytest.param({}, id="orig"), pytest.param(FORK, id="fork")]

#: How long a test waits for a subprocess or a server of its own before it gives up: a guard
#: against a hang, not a bound on speed, so generous that a slow run on a loaded machine passes.
HANG_TIMEOUT = 600


def run_python(
    *args: str, cwd: str | Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``python <args>`` (this interpreter) in ``cwd`` with ``env``: its output captured as
    text, bounded only by :data:`HANG_TIMEOUT`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG_TIMEOUT,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (another process may take it before use)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: The protected view with only the JWT authenticator, so a 401 keeps its WWW-Authenticate
#: header (with SessionAuthentication first, DRF answers 403 instead).
jwt_only_view = ProtectedView.as_view(authentication_classes=(JSONWebTokenAuthentication,))
#: The protected view of a service that does not load users (StatelessJSONWebTokenAuthentication).
stateless_view = ProtectedView.as_view(
    authentication_classes=(StatelessJSONWebTokenAuthentication,)
)


def protected(header: str | None = None, cookie: str | None = None, view=jwt_only_view):
    """GET the JWT-only protected view (or ``view``) with this Authorization header and Cookie
    header."""
    extra = {}
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    if cookie is not None:
        extra["HTTP_COOKIE"] = cookie
    response = view(APIRequestFactory().get("/protected/", **extra))
    response.render()
    return response


@contextlib.contextmanager
def capture(signal):
    """Collect the keyword arguments of every send of ``signal``."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def revoke_actor(how: str, actor, actor_token: str) -> None:
    """End every token of ``actor`` the way ``how`` says (``actor_token`` is one of them,
    obtained in orig mode). Each is a revocation that must also end the tokens in which
    ``actor`` impersonates someone."""
    if how == "logout_all":
        response = APIClient().post(LOGOUT_ALL, HTTP_AUTHORIZATION=f"JWT {actor_token}")
        assert response.status_code == 204, response.content
    elif how == "password_change":
        actor.set_password("a-new-password")
        actor.save()
    elif how == "password_update_without_signal":
        get_user_model().objects.filter(pk=actor.pk).update(password=make_password("other"))
    elif how == "deactivation":
        actor.is_active = False
        actor.save()
    elif how == "deletion":
        actor.delete()
    elif how == "admin_cutoff":
        revocation.revoke_user(actor, reason="admin")
    else:  # pragma: no cover
        raise AssertionError(how)


REVOCATIONS = [
    "logout_all",
    "password_change",
    "password_update_without_signal",
    "deactivation",
    "deletion",
    "admin_cutoff",
]


class _Drop:
    """The type of :data:`DROP`; its repr is stable, so test ids made from it are too."""

    def __repr__(self) -> str:
        return "DROP"


def plain_id(value) -> str:
    """A test id: ``ascii(value)`` without its backslashes (pytest cannot select an id that
    has escapes in it from the command line, which mutmut and ``--lf`` do)."""
    return ascii(value).replace("\\", "")


#: A value for :func:`changed` that removes the claim.
DROP = _Drop()


def changed(payload: dict, **changes) -> dict:
    """``payload`` with the given claims set, or removed where the value is :data:`DROP`."""
    for name, value in changes.items():
        if value is DROP:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


class Mode:
    """One compat line under test (``base`` is its JWT_AUTH switch, ``{}`` for 1.x) and what it
    implies: header prefix, success status of the token views, message wording."""

    def __init__(self, settings, base: dict):
        self.settings = settings
        self.base = base
        self.fork = base.get("JWT_COMPAT") == "drf-jwt"
        self.prefix = "Bearer" if self.fork else "JWT"
        self.other_prefix = "JWT" if self.fork else "Bearer"
        self.ok = 201 if self.fork else 200

    def configure(self, **keys) -> None:
        """JWT_AUTH = this mode's switch plus ``keys``."""
        self.settings.JWT_AUTH = {**self.base, **keys}

    def header(self, token: str) -> str:
        return f"{self.prefix} {token}"

    def msg(self, orig: str, fork: str) -> str:
        """The wording of this mode."""
        return fork if self.fork else orig

    @property
    def expired(self) -> str:
        return self.msg("Signature has expired.", "Token has expired.")

    @property
    def undecodable(self) -> str:
        return self.msg("Error decoding signature.", "Error decoding token.")


#: Marks a test that runs in each mode because its wording or status differs between them, in a
#: module that imports :func:`mode_where_it_differs` (every other test there runs in 1.x mode).
both_modes = pytest.mark.parametrize("mode", MODES, indirect=True)


@pytest.fixture(name="mode")
def mode_where_it_differs(request, settings) -> Mode:
    """1.x mode, configured; each mode in turn for a test marked :data:`both_modes`."""
    m = Mode(settings, getattr(request, "param", {}))
    m.configure()
    return m


# --- tokens made by hand ----------------------------------------------------------------------

DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64(data: bytes) -> str:
    """Unpadded base64url, as JWS segments are."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value) -> str:
    """A JWS segment: bytes as they are, str as raw JSON text, anything else JSON-encoded."""
    if isinstance(value, bytes):
        return b64(value)
    if isinstance(value, str):
        return b64(value.encode())
    return b64(json.dumps(value, separators=(",", ":")).encode())


def sign(payload, header=None, key: str | bytes | None = None, digest: str = "HS256") -> str:
    """An HMAC token over any header and payload (see :func:`segment`), signed with the real
    secret unless ``key`` is given; no library checks what goes in."""
    head = segment({"alg": digest, "typ": "JWT"} if header is None else header)
    body = segment(payload)
    secret = django_settings.SECRET_KEY if key is None else key
    if isinstance(secret, str):
        secret = secret.encode()
    mac = hmac.new(secret, f"{head}.{body}".encode(), DIGESTS[digest]).digest()
    return f"{head}.{body}.{b64(mac)}"


def resign(head: str, body: str) -> str:
    """The segments ``head`` and ``body`` as they are (valid base64url or not), HMAC-SHA256
    signed over that text with SECRET_KEY: only an encoding check can refuse the token."""
    mac = hmac.new(django_settings.SECRET_KEY.encode(), f"{head}.{body}".encode(), hashlib.sha256)
    return f"{head}.{body}.{b64(mac.digest())}"


def stray_bits_segments(claims) -> tuple[str, str]:
    """A header segment with both '-' and '_' in it, and the payload segment of
    ``claims(filler)`` (a dict; ``filler`` grows until it fits): both 2 mod 4 characters long,
    so that their last character carries low bits a lenient decoder ignores."""
    # "???>>>" encodes to "Pz8_Pj4-".
    note = "???>>>"
    while len(head := segment({"alg": "HS256", "typ": "JWT", "note": note})) % 4 != 2:
        note += "."
    filler = ""
    while len(body := segment(claims(filler))) % 4 != 2:
        filler += "."
    assert "-" in head and "_" in head
    return head, body


def flip_low_bit(text: str) -> str:
    """``text`` with the lowest bit of its last base64url character flipped."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return text[:-1] + alphabet[alphabet.index(text[-1]) ^ 1]


def forge(payload: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    """``payload`` signed by plain PyJWT with SECRET_KEY (or ``key``), as 1.x deployments did."""
    return jwt.encode(payload, key or django_settings.SECRET_KEY, algorithm=algorithm)


def decode(token: str, key: str | None = None, **options) -> dict:
    """The claims of an HS256 ``token``, checked against SECRET_KEY (or ``key``) but not against
    the clock, which the test may have moved since; ``options`` are PyJWT's."""
    return jwt.decode(
        token,
        key or django_settings.SECRET_KEY,
        algorithms=["HS256"],
        options={"verify_exp": False, **options},
    )


def make_token(user) -> str:
    """A token for ``user`` built with the 1.x handlers, as 1.x projects do in their tests."""
    return utils.jwt_encode_handler(utils.jwt_payload_handler(user))
