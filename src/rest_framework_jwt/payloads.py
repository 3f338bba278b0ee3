"""Payloads: the claims of a new token, signing it, and the classic refresh (``JWT_ALLOW_REFRESH``).

Everything here reads the settings at call time and the parsed keys from ``_state``.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from . import _state, backend, claims
from .exceptions import RefreshError, UserLookupError
from .keys import is_hmac
from .revocation import password_version
from .settings import api_settings
from .users import find_user, get_username, get_username_field
from .verification import PASSWORD_CLAIM, VerifiedToken


def base_claims(now: int | None = None) -> dict[str, Any]:
    """The time, id, audience and issuer claims every token gets."""
    issued = int(claims.now()) if now is None else now
    payload: dict[str, Any] = {
        "exp": issued + int(claims.seconds(api_settings.JWT_EXPIRATION_DELTA))
    }
    if api_settings.JWT_PAYLOAD_INCLUDE_IAT:
        payload["iat"] = issued
    if api_settings.JWT_TOKEN_ID != "off":
        payload["jti"] = str(uuid.uuid4())
    if api_settings.JWT_ALLOW_REFRESH:
        payload["orig_iat"] = issued
    if api_settings.JWT_AUDIENCE is not None:
        payload["aud"] = api_settings.JWT_AUDIENCE
    if api_settings.JWT_ISSUER is not None:
        payload["iss"] = api_settings.JWT_ISSUER
    return payload


def build_payload(user: Any, *, drf_jwt: bool = False) -> dict[str, Any]:
    """The default payload for ``user``: 1.x claims, or drf-jwt's set when ``drf_jwt``."""
    username = get_username(user)
    payload: dict[str, Any] = {}
    if api_settings.JWT_PAYLOAD_INCLUDE_USER_ID:
        pk = user.pk
        payload["user_id"] = str(pk) if isinstance(pk, uuid.UUID) else pk
    payload["username"] = username
    if not drf_jwt:
        payload[get_username_field()] = username
        if hasattr(user, "email"):
            payload["email"] = user.email
    payload.update(base_claims())
    if api_settings.JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION:
        version = password_version(user)
        if version is not None:
            payload[PASSWORD_CLAIM] = version
    return payload


def encode(payload: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
    """Sign ``payload`` with the configured algorithm and signing key."""
    ring = _state.config().ring
    key = None
    if api_settings.JWT_GET_USER_SECRET_KEY is not None and is_hmac(ring.algorithm or ""):
        try:
            user = find_user(payload, active_only=False)
        except UserLookupError:
            user = None
        if user is not None:
            key = backend.prepare_hmac_secret(api_settings.JWT_GET_USER_SECRET_KEY(user))
    return backend.encode(payload, ring, headers, key=key)


def refresh_payload(token: VerifiedToken, user: Any) -> dict[str, Any]:
    """The payload of the token that replaces ``token`` (checked by the caller's serializer)."""
    new_payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    new_payload["orig_iat"] = token.claims["orig_iat"]
    if api_settings.JWT_TOKEN_ID != "off" and token.chain_id:
        new_payload["orig_jti"] = token.chain_id
    return new_payload


def check_refresh_window(token: VerifiedToken) -> None:
    """Raise RefreshError unless ``token`` may still be refreshed."""
    if token.is_impersonation:
        raise RefreshError("impersonation_refresh")
    if "orig_iat" not in token.claims:
        raise RefreshError("orig_iat_missing")
    orig_iat = token.refresh_started_at
    if orig_iat is None:
        raise RefreshError("orig_iat_invalid")
    current = claims.now()
    if orig_iat > current + claims.seconds(api_settings.JWT_LEEWAY):
        raise RefreshError("orig_iat_invalid")
    limit = orig_iat + claims.seconds(api_settings.JWT_REFRESH_EXPIRATION_DELTA)
    if current > limit:
        raise RefreshError("refresh_expired")


__all__ = [
    "base_claims",
    "build_payload",
    "check_refresh_window",
    "encode",
    "refresh_payload",
]
