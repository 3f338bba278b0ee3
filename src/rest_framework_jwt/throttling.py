"""Throttles for the obtain and refresh endpoints, on by default.

Rates come from ``JWT_AUTH["JWT_THROTTLE_RATES"]`` (a dict of scope to DRF rate string such as
``"10/min"``; ``None`` for a scope, or for the whole setting, turns throttling off) and the counts
live in the Django cache named by ``JWT_THROTTLE_CACHE``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .settings import DEFAULTS, api_settings
from .tokens import get_username_field


class JWTRateThrottle(SimpleRateThrottle):
    """Base: the rate and the cache come from the ``JWT_AUTH`` settings, read per request."""

    scope_setting = ""

    def __init__(self) -> None:
        # SimpleRateThrottle reads DRF's THROTTLE_RATES here; ours are read in allow_request.
        pass

    @property
    def cache(self) -> Any:  # type: ignore[override]
        return caches[api_settings.JWT_THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        rates = api_settings.JWT_THROTTLE_RATES
        if not rates:  # None or {}: throttling off
            return None
        # A partial dict changes only the scopes it names.
        rate = {**DEFAULTS["JWT_THROTTLE_RATES"], **rates}.get(self.scope_setting)
        return None if rate is None else str(rate)

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def cache_key_for(self, ident: str) -> str:
        return f"rest_framework_jwt:throttle:{self.scope_setting}:{ident}"


class ObtainIPThrottle(JWTRateThrottle):
    """Obtain attempts per client address (``obtain_ip``)."""

    scope_setting = "obtain_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_key_for(self.get_ident(request))


class ObtainUsernameThrottle(JWTRateThrottle):
    """Obtain attempts per username, from any address (``obtain_username``)."""

    scope_setting = "obtain_username"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        try:
            username = request.data.get(get_username_field())
        except Exception:  # an unparsable body: the view answers 400 anyway
            return None
        if not isinstance(username, str) or not username:
            return None
        digest = hashlib.sha256(username.casefold().encode("utf-8", "replace")).hexdigest()
        return self.cache_key_for(digest)


class RefreshIPThrottle(JWTRateThrottle):
    """Refresh attempts per client address (``refresh_ip``)."""

    scope_setting = "refresh_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_key_for(self.get_ident(request))


__all__ = ["JWTRateThrottle", "ObtainIPThrottle", "ObtainUsernameThrottle", "RefreshIPThrottle"]
