"""Refresh-token mode (``JWT_REFRESH_TOKENS``): access/refresh pairs, rotation, reuse detection.

Each login starts a family (a session). A refresh token is consumed when it is exchanged for a
new pair; the exchange is one conditional UPDATE, so of N concurrent exchanges of one token
exactly one wins. Presenting a consumed token again revokes the whole family, unless it comes
within ``JWT_REFRESH_GRACE_PERIOD`` of its consumption (a client that lost the response).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import claims, revocation
from .exceptions import RefreshTokenReused, TokenError, TokenRevoked, token_error
from .settings import api_settings
from .signals import refresh_token_reused

ACCESS = "access"
REFRESH = "refresh"
TYPE_CLAIM = "token_type"


class WrongTokenType(TokenError):
    """Raised when an access token is used as a refresh token, or the other way round."""

    code = "token_type_invalid"


def enabled() -> bool:
    """True when ``JWT_REFRESH_TOKENS`` is on."""
    return bool(api_settings.JWT_REFRESH_TOKENS)


def refresh_lifetime() -> timedelta:
    return timedelta(seconds=claims.seconds(api_settings.JWT_REFRESH_EXPIRATION_DELTA))


def _client(request: Any) -> tuple[str, str | None]:
    meta = getattr(request, "META", {}) or {}
    agent = str(meta.get("HTTP_USER_AGENT", ""))[:255]
    address = meta.get("REMOTE_ADDR") or None
    return agent, address


def _encode(payload: dict[str, Any]) -> str:
    return api_settings.JWT_ENCODE_HANDLER(payload)  # type: ignore[no-any-return]


def _access(user: Any, family_id: str) -> tuple[str, dict[str, Any]]:
    payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    payload.pop("orig_iat", None)
    payload[TYPE_CLAIM] = ACCESS
    payload["fam"] = family_id
    return _encode(payload), payload


def _refresh(user: Any, family: Any) -> tuple[str, dict[str, Any]]:
    issued = int(claims.now())
    payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    payload.pop("orig_iat", None)
    payload.update(
        {
            TYPE_CLAIM: REFRESH,
            "fam": str(family.pk),
            "jti": str(uuid.uuid4()),
            "iat": issued,
            "exp": issued + int(refresh_lifetime().total_seconds()),
        }
    )
    revocation.model("RefreshToken").objects.create(
        jti=payload["jti"],
        family=family,
        issued_at=timezone.now(),
        expires_at=timezone.now() + refresh_lifetime(),
    )
    return _encode(payload), payload


def _pair(user: Any, family: Any) -> dict[str, Any]:
    access, access_payload = _access(user, str(family.pk))
    refresh, refresh_payload = _refresh(user, family)
    return {
        "token": access,
        "payload": access_payload,
        "refresh_token": refresh,
        "refresh_payload": refresh_payload,
    }


def start(user: Any, request: Any = None) -> dict[str, Any]:
    """A new family for ``user`` (a login) and its first access/refresh pair."""
    agent, address = _client(request)
    with transaction.atomic():
        family = revocation.model("TokenFamily").objects.create(
            user=user,
            expires_at=timezone.now() + refresh_lifetime(),
            user_agent=agent,
            ip_address=address,
        )
        return _pair(user, family)


def require_type(payload: dict[str, Any], expected: str) -> None:
    """Refuse a token of the other type; tokens without the claim count as access tokens."""
    if payload.get(TYPE_CLAIM, ACCESS) != expected:
        raise WrongTokenType("Wrong token type.")


def rotate(payload: dict[str, Any], user: Any, request: Any = None) -> dict[str, Any]:
    """Consume the refresh token ``payload`` and answer the next pair of its family."""
    require_type(payload, REFRESH)
    jti, family_id = payload.get("jti"), payload.get("fam")
    if not isinstance(jti, str) or not isinstance(family_id, str):
        raise token_error(TokenRevoked, "Unknown refresh token.")
    tokens = revocation.model("RefreshToken").objects
    families = revocation.model("TokenFamily").objects
    now = timezone.now()
    reused = False
    with transaction.atomic():
        won = tokens.filter(jti=jti, family_id=family_id, consumed_at__isnull=True).update(
            consumed_at=now
        )
        consumed_at: datetime | None = now
        if won:
            family = families.filter(pk=family_id).first()
        else:
            row = tokens.filter(jti=jti, family_id=family_id).select_related("family").first()
            family = row.family if row is not None else None
            consumed_at = row.consumed_at if row is not None else None
        if family is None or family.revoked_at is not None or str(family.user_id) != str(user.pk):
            raise token_error(TokenRevoked, "Unknown refresh token.")
        if not won:
            grace = claims.seconds(api_settings.JWT_REFRESH_GRACE_PERIOD)
            reused = (
                grace <= 0 or consumed_at is None or now - consumed_at > timedelta(seconds=grace)
            )
        if not reused:
            family.last_used_at = now
            family.expires_at = now + refresh_lifetime()
            family.save(update_fields=["last_used_at", "expires_at"])
            return _pair(user, family)
    # Outside the transaction, so the revocation stays even though we answer an error.
    revocation.revoke_families([family_id], user=user, reason="refresh_reuse")
    refresh_token_reused.send(sender=__name__, user=user, family_id=family_id, request=request)
    raise token_error(RefreshTokenReused, "Refresh token has already been used.")
