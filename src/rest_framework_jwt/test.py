"""Helpers for the tests of projects that use rest_framework_jwt.

- :func:`force_jwt` authenticates a test client (DRF's ``APIClient``, Django's ``Client`` or
  ``AsyncClient``) or a request from a request factory as a user, with a real token and no
  obtain request. :meth:`APIJWTClient.force_jwt` does the same on the client.
- :func:`token_for` is that token: what the obtain endpoint would give the user.
- :func:`freeze_token_clock` holds the clock tokens are issued and checked by.
- 1.x's :class:`APIJWTClient` (``login()`` obtains a token from ``/api-token-auth/``) and
  :class:`APIJWTTestCase` are kept.

The pytest fixtures are in :mod:`rest_framework_jwt.pytest_plugin`. Written up in
docs/testing.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rest_framework.test import APIClient, APITestCase

from . import claims, serializers
from .settings import api_settings

#: The request header a token is sent in, as a key of ``request.META``.
AUTHORIZATION = "HTTP_AUTHORIZATION"


def token_for(user: Any) -> str:
    """A token for ``user``, made as the obtain endpoint makes it: with the configured payload
    and encode handlers, and in refresh-token mode as a new session's access token.

    Nothing is checked: the user need not be active or have a usable password. No signal is
    sent (it is not a login).
    """
    return str(serializers.issue(user)["token"])


def authorization(token: str) -> str:
    """The ``Authorization`` header value for ``token``, with ``JWT_AUTH_HEADER_PREFIX``."""
    return f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}"


def force_jwt(
    target: Any, user: Any = None, *, token: str | None = None, cookie: bool = False
) -> str | None:
    """Authenticate ``target`` as ``user`` with a real token; return the token.

    ``target`` is a test client (DRF's ``APIClient``: its credentials are replaced; Django's
    ``Client`` or ``AsyncClient``: its default headers) or a request made by a request factory.
    The token is :func:`token_for` ``(user)``, or ``token`` when given. With ``cookie``, it is
    set as the ``JWT_AUTH_COOKIE`` cookie instead of the ``Authorization`` header.

    ``force_jwt(target, None)`` takes the token away again and returns None.
    """
    if token is None and user is not None:
        token = token_for(user)
    if cookie:
        _set_cookie(target, token)
    else:
        _set_header(target, None if token is None else authorization(token))
    return token


def _set_header(target: Any, value: str | None) -> None:
    if isinstance(target, APIClient):
        if value is None:
            target.credentials()
        else:
            target.credentials(**{AUTHORIZATION: value})
        return
    headers = _headers_of(target)
    if value is None:
        headers.pop(AUTHORIZATION, None)
    else:
        headers[AUTHORIZATION] = value


def _headers_of(target: Any) -> dict[str, Any]:
    """The dict of default headers (a Django test client) or the META of a request."""
    for name in ("defaults", "META"):
        headers = getattr(target, name, None)
        if isinstance(headers, dict):
            return headers
    raise TypeError(f"force_jwt() needs a test client or a request, not {type(target).__name__}.")


def _set_cookie(target: Any, token: str | None) -> None:
    name = api_settings.JWT_AUTH_COOKIE
    if not name:
        raise ValueError("force_jwt(cookie=True) needs JWT_AUTH['JWT_AUTH_COOKIE'] to be set.")
    cookies = target.cookies if hasattr(target, "cookies") else target.COOKIES
    if token is None:
        cookies.pop(name, None)
    else:
        cookies[name] = token


class TokenClock:
    """The token clock while :func:`freeze_token_clock` holds it: ``time`` (a POSIX
    timestamp) until moved with :meth:`shift` or :meth:`move_to`."""

    def __init__(self, at: float) -> None:
        self.time = at

    def shift(self, delta: datetime.timedelta | float) -> None:
        """Move the clock ``delta`` (a timedelta or seconds; negative: back)."""
        self.move_to(self.time + claims.seconds(delta))

    def move_to(self, at: datetime.datetime | float) -> None:
        """Set the clock to ``at``: a datetime (naive counts as UTC) or a POSIX timestamp."""
        self.time = float(claims.unix_epoch(at)) if isinstance(at, datetime.datetime) else at
        claims.frozen_at = self.time

    @property
    def utc(self) -> datetime.datetime:
        """The clock's time as an aware UTC datetime."""
        return datetime.datetime.fromtimestamp(self.time, tz=datetime.timezone.utc)


@contextmanager
def freeze_token_clock(at: datetime.datetime | float | None = None) -> Iterator[TokenClock]:
    """Hold the clock that tokens are issued (``iat``, ``exp``) and checked by at ``at``
    (default: now) inside the ``with`` block; the block gets a :class:`TokenClock` to move.

    Only the token clock stops: Django's ``timezone.now()`` (revocation and session times)
    and ``time.time()`` go on; use time-machine to move everything. Blocks may nest.
    """
    previous = claims.frozen_at
    clock = TokenClock(claims.now())
    if at is not None:
        clock.move_to(at)
    claims.frozen_at = clock.time
    try:
        yield clock
    finally:
        claims.frozen_at = previous


class APIJWTClient(APIClient):
    """An APIClient whose ``login()`` obtains a token from ``/api-token-auth/`` (1.x), and
    whose :meth:`force_jwt` authenticates without a request."""

    login_url = "/api-token-auth/"

    def login(self, **credentials: Any) -> bool:
        """POST ``credentials`` as JSON; on 200 send the token on every later request."""
        response = self.post(self.login_url, credentials, format="json")
        if response.status_code in (200, 201):
            token = response.data["token"]
            self.credentials(**{AUTHORIZATION: authorization(token)})
            return True
        self.credentials()
        return False

    def force_jwt(self, user: Any = None, *, token: str | None = None) -> str | None:
        """Send a real token for ``user`` (or ``token``) on every later request; return it.
        ``force_jwt(None)`` sends none again. See :func:`force_jwt`."""
        return force_jwt(self, user, token=token)


class APIJWTTestCase(APITestCase):
    """An APITestCase using :class:`APIJWTClient`."""

    client_class = APIJWTClient
    client: APIJWTClient


__all__ = [
    "APIJWTClient",
    "APIJWTTestCase",
    "TokenClock",
    "authorization",
    "force_jwt",
    "freeze_token_clock",
    "token_for",
]
