"""Django Ninja authentication with the tokens of rest_framework_jwt (needs ``django-ninja``).

One token works for the DRF views and the Ninja operations of a project: :class:`JWTAuth` (for
sync operations) and :class:`AsyncJWTAuth` (for ``async def`` operations) run exactly the checks
of :class:`~rest_framework_jwt.authentication.JSONWebTokenAuthentication` (the same header
prefix and cookies, user lookup, revocation), through its ``authenticate()`` and
``aauthenticate()``::

    from ninja import NinjaAPI
    from rest_framework_jwt.contrib.ninja import AsyncJWTAuth, JWTAuth

    api = NinjaAPI(auth=JWTAuth())

    @api.get("/me")
    def me(request):
        return {"username": request.auth.get_username()}

The operation's ``request.auth`` and ``request.user`` are the user; ``request.verified_token``
(where the authentication class sets it) the token. A request without a token is Ninja's 401
"Unauthorized"; a refused token the status and message DRF would answer (401, the drf-jwt
403 for a revoked token, 503 when the store is down), as ``{"detail": message}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security.http import HttpAuthBase
from rest_framework.exceptions import APIException

from ..authentication import BaseJSONWebTokenAuthentication, JSONWebTokenAuthentication


class JWTAuth(HttpAuthBase):
    """Ninja auth for sync operations; ``authentication_class`` checks the token (a subclass
    may name another, such as ``StatelessJSONWebTokenAuthentication``)."""

    openapi_scheme = "bearer"
    openapi_bearerFormat = "JWT"
    authentication_class: type[BaseJSONWebTokenAuthentication] = JSONWebTokenAuthentication

    def authenticator(self) -> BaseJSONWebTokenAuthentication:
        """The authentication class's instance for one request (its ``__init__`` is free)."""
        return self.authentication_class()

    def __call__(self, request: HttpRequest) -> Any:
        try:
            found = self.authenticator().authenticate(request)  # type: ignore[arg-type]
        except APIException as error:
            raise _as_http_error(error) from error
        return _accepted(request, found)


class AsyncJWTAuth(JWTAuth):
    """Ninja auth for ``async def`` operations: the same checks, through ``aauthenticate()``
    (Django's async ORM and cache calls)."""

    async def __call__(self, request: HttpRequest) -> Any:
        try:
            found = await self.authenticator().aauthenticate(request)  # type: ignore[arg-type]
        except APIException as error:
            raise _as_http_error(error) from error
        return _accepted(request, found)


def _accepted(request: HttpRequest, found: tuple[Any, str] | None) -> Any:
    """The user of an accepted token (also set as ``request.user``), or None without one."""
    if found is None:
        return None
    user = found[0]
    request.user = user
    return user


def _as_http_error(error: APIException) -> HttpError:
    detail = error.detail
    if isinstance(detail, dict):
        detail = detail.get("detail", detail)
    return HttpError(error.status_code, str(detail))


__all__ = ["AsyncJWTAuth", "JWTAuth"]
