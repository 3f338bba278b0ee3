"""The authentication classes for adrf's async views, on the async path (``aauthenticate()``).

adrf (``adrf.views.APIView`` with ``async def`` handlers) runs an authentication class's
``authenticate()`` as it is when it is a plain method, in the thread adrf runs DRF's checks in:
the package's classes then take the sync path. An ``async def authenticate()`` it runs in the
event loop instead (``async_to_sync``). These classes are the package's own with an
``async def authenticate()`` that awaits ``aauthenticate()``: the user, the denylist (database
or cache) and the impersonator through Django's async ORM and cache API::

    from adrf.views import APIView
    from rest_framework_jwt.contrib.adrf import AsyncJSONWebTokenAuthentication

    class Profile(APIView):
        authentication_classes = [AsyncJSONWebTokenAuthentication]

        async def get(self, request):
            ...

They are for adrf views only (adrf's sync views too). DRF's own ``Request`` calls
``authenticate()`` without awaiting it, so on a plain DRF view (the package's token views
among them) keep the classes of :mod:`rest_framework_jwt.authentication`.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from ..authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
    TrustedIssuerAuthentication,
)


class AsyncAuthenticationMixin:
    """Makes ``authenticate()`` the coroutine of ``aauthenticate()`` (adrf awaits it); put it
    first among the bases of a class of the package's own."""

    async def authenticate(self, request: Request) -> tuple[Any, str] | None:
        """:meth:`aauthenticate`, for adrf."""
        return await self.aauthenticate(request)  # type: ignore[attr-defined,no-any-return]


# The ignores: authenticate() is a coroutine here, on purpose (adrf awaits it).
class AsyncJSONWebTokenAuthentication(  # type: ignore[misc]
    AsyncAuthenticationMixin, JSONWebTokenAuthentication
):
    """:class:`~rest_framework_jwt.authentication.JSONWebTokenAuthentication` for adrf."""


class AsyncStatelessJSONWebTokenAuthentication(  # type: ignore[misc]
    AsyncAuthenticationMixin, StatelessJSONWebTokenAuthentication
):
    """:class:`~rest_framework_jwt.authentication.StatelessJSONWebTokenAuthentication` for
    adrf."""


class AsyncTrustedIssuerAuthentication(  # type: ignore[misc]
    AsyncAuthenticationMixin, TrustedIssuerAuthentication
):
    """:class:`~rest_framework_jwt.authentication.TrustedIssuerAuthentication` for adrf."""


__all__ = [
    "AsyncAuthenticationMixin",
    "AsyncJSONWebTokenAuthentication",
    "AsyncStatelessJSONWebTokenAuthentication",
    "AsyncTrustedIssuerAuthentication",
]
