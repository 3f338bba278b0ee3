"""The token cookies and their CSRF protection (docs/cookies.md).

* ``JWT_AUTH_COOKIE`` holds the access token (1.x's cookie), ``JWT_AUTH_REFRESH_COOKIE`` the
  refresh token of refresh-token mode, ``JWT_IMPERSONATION_COOKIE`` drf-jwt's impersonation
  token. All are HttpOnly and carry the ``JWT_AUTH_COOKIE_DOMAIN``, ``_SECURE`` and ``_SAMESITE``
  attributes; the refresh cookie has a path of its own (:func:`refresh_cookie_path`), so that
  it goes to the token endpoints only. They are deleted with exactly those attributes.
* In cookie mode (``JWT_COOKIE_MODE``), a request chooses where its tokens go: a client that
  sends ``X-JWT-Delivery: body`` gets them in the body as 1.x did, any other gets cookies and
  no token in the body (:func:`wants_body`).
* A request that a token cookie authenticated, with an unsafe method, must pass Django's own
  CSRF check (``CsrfViewMiddleware``, with its cookie and ``CSRF_TRUSTED_ORIGINS``; no session
  involved), or it is refused with a 403 of code ``csrf_failed`` (:func:`enforce_csrf`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token, rotate_token
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import claims
from .exceptions import CSRFFailed
from .settings import api_settings

#: The request header a client sends to get its tokens in the body in cookie mode.
DELIVERY_HEADER = "X-JWT-Delivery"
_DELIVERY_META = "HTTP_X_JWT_DELIVERY"
BODY = "body"

#: The methods that need no CSRF token (RFC 9110's safe methods, as Django's check).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

#: The URL names whose common directory is the refresh cookie's default path.
REFRESH_COOKIE_URL_NAMES = ("jwt-refresh", "jwt-logout")

#: Set on the request when a token from a cookie was refused: the package's views then delete
#: the token cookies from their answer (:class:`ClearRefusedCookiesMixin`).
_REFUSED_FLAG = "_jwt_refused_cookie"
#: Set on the request when its CSRF check failed: then no cookie is deleted, whatever else
#: was refused (another site must not be able to end a session).
_CSRF_FAILED_FLAG = "_jwt_csrf_failed"


_CSRF_MESSAGE = _("CSRF check failed: %(reason)s")


# ----------------------------------------------------------------------------------------------
# names and attributes


def access_cookie() -> str | None:
    """The name of the access-token cookie (``JWT_AUTH_COOKIE``), or None."""
    return api_settings.JWT_AUTH_COOKIE or None


def refresh_cookie() -> str | None:
    """The name of the refresh-token cookie (``JWT_AUTH_REFRESH_COOKIE``), or None."""
    return api_settings.JWT_AUTH_REFRESH_COOKIE or None


def _directory(path: str) -> str:
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def refresh_cookie_path() -> str:
    """``JWT_AUTH_REFRESH_COOKIE_PATH``, else the deepest directory that holds both the refresh
    and the logout URL (``jwt-refresh`` and ``jwt-logout`` of ``rest_framework_jwt.urls``:
    ``/auth/`` for ``path("auth/", include(...))``), else the refresh URL's directory, else
    ``JWT_AUTH_COOKIE_PATH``."""
    configured = api_settings.JWT_AUTH_REFRESH_COOKIE_PATH
    if configured:
        return str(configured)
    paths = []
    for name in REFRESH_COOKIE_URL_NAMES:
        try:
            paths.append(_directory(reverse(name)))
        except NoReverseMatch:
            continue
    if not paths:
        return str(api_settings.JWT_AUTH_COOKIE_PATH or "/")
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = _directory(common[:-1])
    return common


def attributes(*, refresh: bool = False) -> dict[str, Any]:
    """The attributes the token cookies are set (and deleted) with."""
    return {
        "domain": api_settings.JWT_AUTH_COOKIE_DOMAIN,
        "path": refresh_cookie_path() if refresh else (api_settings.JWT_AUTH_COOKIE_PATH or "/"),
        "secure": bool(api_settings.JWT_AUTH_COOKIE_SECURE),
        "httponly": True,
        "samesite": api_settings.JWT_AUTH_COOKIE_SAMESITE,
    }


def lifetime_of(payload: Mapping[str, Any] | None) -> timedelta | None:
    """How long a cookie for a token with these claims should live: until its ``exp``."""
    exp: Any = (payload or {}).get("exp")
    if claims.is_numeric_date(exp):
        return timedelta(seconds=max(0, exp - claims.now()))
    return None


def set_token_cookie(
    response: Any, name: str, token: str, lifetime: Any = None, *, refresh: bool = False
) -> None:
    """Set cookie ``name`` to ``token``: HttpOnly, expiring with the token, with the
    ``JWT_AUTH_COOKIE_DOMAIN``, ``_PATH`` (the refresh cookie: its own path), ``_SECURE`` and
    ``_SAMESITE`` attributes.

    ``lifetime`` defaults to ``JWT_EXPIRATION_DELTA``."""
    if lifetime is None:
        lifetime = api_settings.JWT_EXPIRATION_DELTA
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=claims.seconds(lifetime))
    # Max-Age (and Expires = now + Max-Age, which Django adds) to the second of the token's.
    response.set_cookie(
        name, token, max_age=max(0, int(lifetime.total_seconds())), **attributes(refresh=refresh)
    )


def delete_token_cookies(response: HttpResponse) -> None:
    """Delete every token cookie from the browser: each one set again, empty and expired, with
    the attributes it was set with (a browser drops a cookie only when they match)."""
    named = [
        (access_cookie(), False),
        (api_settings.JWT_IMPERSONATION_COOKIE or None, False),
        (refresh_cookie(), True),
    ]
    for name, refresh in named:
        if name:
            response.set_cookie(
                name,
                "",
                max_age=0,
                expires="Thu, 01 Jan 1970 00:00:00 GMT",
                **attributes(refresh=refresh),
            )


# ----------------------------------------------------------------------------------------------
# where the tokens go


def wants_body(request: Any) -> bool:
    """True when the tokens of this answer go in the body: always outside cookie mode; in it,
    when the client sent ``X-JWT-Delivery: body`` (mobile and other API clients)."""
    return not api_settings.cookie_mode or asks_for_body(request)


def asks_for_body(request: Any) -> bool:
    """True when the client sent ``X-JWT-Delivery: body``."""
    value = request.META.get(_DELIVERY_META, "")
    return str(value).strip().lower() == BODY


def token_from_cookie(request: Any, token: Any) -> bool:
    """True when ``token`` is the value of a token cookie of ``request`` and the
    ``Authorization`` header does not carry it: a browser sent it on its own."""
    if not isinstance(token, str) or not token:
        return False
    names = (access_cookie(), api_settings.JWT_IMPERSONATION_COOKIE, refresh_cookie())
    if not any(name and request.COOKIES.get(name) == token for name in names):
        return False
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return token not in (header if isinstance(header, str) else "")


def mark_refused(request: Any) -> None:
    """Note that a token from a cookie of ``request`` was refused (its cookies are cleared)."""
    target = getattr(request, "_request", request)
    setattr(target, _REFUSED_FLAG, True)


def refused(request: Any) -> bool:
    target = getattr(request, "_request", request)
    if getattr(target, _CSRF_FAILED_FLAG, False):
        return False
    return bool(getattr(target, _REFUSED_FLAG, False))


# ----------------------------------------------------------------------------------------------
# CSRF


class _CSRFCheck(CsrfViewMiddleware):
    """Django's CSRF middleware, answering the reason of a refusal instead of a response."""

    def _reject(self, request: Any, reason: str) -> Any:
        return reason


def _no_response(request: Any) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


def csrf_required(request: Any) -> bool:
    """True when a cookie-borne credential of ``request`` needs a CSRF token: an unsafe method,
    with ``JWT_AUTH_COOKIE_CSRF`` on."""
    return bool(api_settings.JWT_AUTH_COOKIE_CSRF) and request.method not in SAFE_METHODS


def enforce_csrf(request: Any) -> None:
    """Run Django's CSRF check on ``request`` (the token from the ``csrftoken`` cookie echoed in
    the ``X-CSRFToken`` header or the form field, the ``Origin``/``Referer`` against the host
    and ``CSRF_TRUSTED_ORIGINS``); raise :class:`CSRFFailed` (403) when it fails."""
    check = _CSRFCheck(_no_response)
    check.process_request(request)
    reason = check.process_view(request, _no_response, (), {})
    if reason:
        setattr(getattr(request, "_request", request), _CSRF_FAILED_FLAG, True)
        raise CSRFFailed(_CSRF_MESSAGE % {"reason": reason}, with_code=True)


def csrf_header_name() -> str:
    """The header a client echoes the CSRF token in: ``CSRF_HEADER_NAME`` as sent
    (``HTTP_X_CSRFTOKEN`` -> ``X-CSRFTOKEN``)."""
    name = str(settings.CSRF_HEADER_NAME)
    if name.startswith("HTTP_"):
        name = name[len("HTTP_") :]
    return name.replace("_", "-")


def issue_csrf_token(request: Any, response: HttpResponse, *, rotate: bool = False) -> str:
    """Make sure ``response`` sets Django's CSRF cookie (a new token when ``rotate``, as at a
    login), whether or not ``CsrfViewMiddleware`` is installed; return the token."""
    target = getattr(request, "_request", request)
    if rotate:
        rotate_token(target)
    token = get_token(target)
    CsrfViewMiddleware(_no_response).process_response(target, response)
    return token


def csrf_description() -> dict[str, str]:
    """What a browser body says about CSRF: the cookie to read and the header to echo it in."""
    return {"csrf_cookie": str(settings.CSRF_COOKIE_NAME), "csrf_header": csrf_header_name()}


class ClearRefusedCookiesMixin:
    """For an ``APIView`` of the package: when a token from a cookie was refused while
    answering (the token cookie expired, was revoked, or its refresh token was reused), the
    answer deletes the token cookies, so the browser does not keep a dead session."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if refused(request):
            delete_token_cookies(response)
        return response


__all__ = ["enforce_csrf"]
