"""The token cookie (``JWT_AUTH_COOKIE`` / ``JWT_IMPERSONATION_COOKIE``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import claims
from .settings import api_settings


def set_token_cookie(response: Any, name: str, token: str, lifetime: Any = None) -> None:
    """Set cookie ``name`` to ``token``: HttpOnly, expiring with the token, with the
    ``JWT_AUTH_COOKIE_DOMAIN``, ``_PATH``, ``_SECURE`` and ``_SAMESITE`` attributes.

    ``lifetime`` defaults to ``JWT_EXPIRATION_DELTA``."""
    if lifetime is None:
        lifetime = api_settings.JWT_EXPIRATION_DELTA
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=claims.seconds(lifetime))
    response.set_cookie(
        name,
        token,
        expires=timezone.now() + lifetime,
        domain=api_settings.JWT_AUTH_COOKIE_DOMAIN,
        path=api_settings.JWT_AUTH_COOKIE_PATH or "/",
        secure=bool(api_settings.JWT_AUTH_COOKIE_SECURE),
        httponly=True,
        samesite=api_settings.JWT_AUTH_COOKIE_SAMESITE,
    )
