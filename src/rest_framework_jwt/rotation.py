"""Refresh-token mode (``JWT_REFRESH_TOKENS``): access/refresh pairs, rotation, reuse detection.

Each login starts a family (a session). A refresh token is consumed when it is exchanged for a
new pair; the exchange is one conditional UPDATE, so of N concurrent exchanges of one token
exactly one wins. Presenting a consumed token again revokes the whole family, unless it comes
within ``JWT_REFRESH_GRACE_PERIOD`` of its consumption (a client that lost the response): then
the answer carries the very refresh token the first exchange answered, so a family never has
more than one chain.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from . import claims, revocation
from . import rotation_sql as sql
from .exceptions import RefreshTokenReused, TokenRevoked
from .exceptions import WrongTokenType as WrongTokenType
from .settings import api_settings
from .signals import refresh_token_reused
from .verification import ACCESS as ACCESS
from .verification import REFRESH as REFRESH
from .verification import TYPE_CLAIM as TYPE_CLAIM
from .verification import VerifiedToken


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
    return api_settings.JWT_ENCODE_HANDLER(payload)


def _access(user: Any, family_id: str) -> tuple[str, dict[str, Any]]:
    payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    payload.pop("orig_iat", None)
    payload[TYPE_CLAIM] = ACCESS
    payload["fam"] = family_id
    return _encode(payload), payload


def _refresh_payload(
    user: Any, family_id: str, jti: str, issued: int, expires: int
) -> dict[str, Any]:
    payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    payload.pop("orig_iat", None)
    payload.update(
        {TYPE_CLAIM: REFRESH, "fam": family_id, "jti": jti, "iat": issued, "exp": expires}
    )
    return payload


def _times() -> tuple[int, int]:
    """The issue and expiry times of a refresh token issued now (whole seconds)."""
    issued = int(claims.now())
    return issued, issued + int(refresh_lifetime().total_seconds())


def _refresh(user: Any, family: Any) -> tuple[str, dict[str, Any]]:
    """A new refresh token of ``family``, and its stored row."""
    issued, expires = _times()
    payload = _refresh_payload(user, str(family.pk), str(uuid.uuid4()), issued, expires)
    # The row holds the token's own times (whole seconds), so the token can be rebuilt as it
    # was (see _reissue).
    revocation.model("RefreshToken").objects.create(
        jti=payload["jti"],
        family=family,
        issued_at=_as_datetime(issued),
        expires_at=_as_datetime(expires),
    )
    return _encode(payload), payload


def _reissue(user: Any, row: Any) -> tuple[str, dict[str, Any]]:
    """The refresh token of ``row`` again, as it was issued: same id, family and times."""
    issued, expires = int(row.issued_at.timestamp()), int(row.expires_at.timestamp())
    payload = _refresh_payload(user, str(row.family_id), row.jti, issued, expires)
    return _encode(payload), payload


def _as_datetime(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=dt_timezone.utc)


def _pair(user: Any, family_id: str, refresh: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """An access token of the family ``family_id`` and its ``refresh`` token (and payload)."""
    access, access_payload = _access(user, family_id)
    return {
        "token": access,
        "payload": access_payload,
        "refresh_token": refresh[0],
        "refresh_payload": refresh[1],
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
        return _pair(user, str(family.pk), _refresh(user, family))


def require_type(token: VerifiedToken, expected: str) -> None:
    """Refuse a token of the other type; tokens without the claim count as access tokens."""
    if token.token_type != expected:
        raise WrongTokenType("Wrong token type.")


def rotate(token: VerifiedToken, user: Any, request: Any = None) -> dict[str, Any]:
    """Consume the refresh ``token`` and answer the next pair of its family.

    The rotation (:func:`_consume`) records the successor's id on the consumed row in the
    statement that consumes it, so every later look at the row sees both. When it does not
    consume the token (:func:`_replay`): a replay within the grace period answers that same
    successor (and a new access token), so the family keeps one chain, and whichever holder
    rotates the successor second is caught as a reuse like any other.
    """
    require_type(token, REFRESH)
    jti, family_id = token.token_id, token.family
    if not revocation.is_key(jti) or family_id is None or not _is_uuid(family_id):
        raise TokenRevoked("Unknown refresh token.")
    now = timezone.now()
    successor = str(uuid.uuid4())
    issued, expires = _times()
    rotation = sql.Rotation(
        jti=str(jti),
        family=family_id,
        user_pk=user.pk,
        now=now,
        family_expires=now + refresh_lifetime(),
        successor=successor,
        issued_at=_as_datetime(issued),
        expires_at=_as_datetime(expires),
    )
    if _consume(rotation):
        payload = _refresh_payload(user, family_id, successor, issued, expires)
        return _pair(user, family_id, (_encode(payload), payload))
    return _replay(rotation, user, request)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _consume(rotation: sql.Rotation) -> bool:
    """Consume the refresh token, move the session's expiry and insert the successor's row, all
    or nothing; False (nothing written) when the token is not live in a live session of the
    user: consumed already, unknown, or its session revoked or someone else's.

    On PostgreSQL one statement does all three (:mod:`rotation_sql`), atomic by itself;
    elsewhere three statements in one transaction, the first of which (the conditional
    ``UPDATE``) decides. That check locks the session's row (not on SQLite, which has one
    writer at a time), so a revocation of the session that is not yet committed makes the
    rotation wait, and then refuse.
    """
    store = revocation.model("RefreshToken")
    alias = router.db_for_write(store)
    plan = sql.plan(alias)
    connection = connections[alias]
    if plan.one_statement:
        # Atomic by itself: a transaction only where one is open already (a savepoint, so that
        # a failure leaves the enclosing transaction usable, as the atomic block below does).
        block = transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext()
        with block, connection.cursor() as cursor:
            cursor.execute(plan.one_statement, plan.params_of_one_statement(rotation))
            return bool(cursor.rowcount == 1)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(plan.consume, plan.params_of_consume(rotation))
        if cursor.rowcount != 1:
            return False
        cursor.execute(plan.slide, plan.params_of_slide(rotation))
        cursor.execute(plan.insert, plan.params_of_insert(rotation))
    return True


def _replay(rotation: sql.Rotation, user: Any, request: Any) -> dict[str, Any]:
    """The answer for a refresh token that :func:`_consume` did not consume: the graced
    successor, a TokenRevoked, or (a reuse) the family revoked and RefreshTokenReused."""
    tokens = revocation.model("RefreshToken").objects
    now, family_id = rotation.now, rotation.family
    with transaction.atomic():
        row = tokens.filter(jti=rotation.jti, family_id=family_id).select_related("family").first()
        family = row.family if row is not None else None
        if family is None or family.revoked_at is not None or str(family.user_id) != str(user.pk):
            raise TokenRevoked("Unknown refresh token.")
        again = _graced_successor(row, now)
        if again is not None:
            family.last_used_at = now
            family.expires_at = now + refresh_lifetime()
            family.save(update_fields=["last_used_at", "expires_at"])
            return _pair(user, family_id, _reissue(user, again))
    # Outside the transaction, so the revocation stays even though we answer an error.
    revocation.revoke_families([family_id], user=user, reason="refresh_reuse")
    refresh_token_reused.send(sender=__name__, user=user, family_id=family_id, request=request)
    raise RefreshTokenReused("Refresh token has already been used.")


def _graced_successor(row: Any, now: datetime) -> Any:
    """The row of the successor to answer again for a replay of the consumed ``row``, or None
    when the replay is a reuse: no grace period, outside it, no successor on record (a row
    consumed before successors were recorded), or a successor already rotated in its turn
    (whoever lost the first answer cannot have used the successor; someone else holds it)."""
    grace = claims.seconds(api_settings.JWT_REFRESH_GRACE_PERIOD)
    consumed_at = row.consumed_at
    if grace <= 0 or consumed_at is None or now - consumed_at > timedelta(seconds=grace):
        return None
    if not row.replaced_by:
        return None
    return (
        revocation.model("RefreshToken")
        .objects.filter(jti=row.replaced_by, family_id=row.family_id, consumed_at__isnull=True)
        .first()
    )


__all__ = [
    "ACCESS",
    "REFRESH",
    "TYPE_CLAIM",
    "WrongTokenType",
    "enabled",
    "refresh_lifetime",
    "require_type",
    "rotate",
    "start",
]
