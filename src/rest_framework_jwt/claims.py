"""Registered claims: the clock, and validation of ``exp``, ``nbf``, ``iat``, ``aud``, ``iss``.

Pure Python; the backend calls :func:`validate` after the signature has been checked.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import datetime
import math
import time
import uuid
from calendar import timegm
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from .exceptions import (
    ExpiredToken,
    ImmatureToken,
    InvalidAudience,
    InvalidClaim,
    InvalidIssuer,
    MissingClaim,
)

#: Registered claims whose value must be a string when present (RFC 7519 section 4.1).
STRING_CLAIMS = ("iss", "sub", "jti", "orig_jti")

#: Largest NumericDate accepted (year 9999); bigger values are refused as out of range.
MAX_NUMERIC_DATE = 253402300799


class Claims(TypedDict, total=False):
    """The claims the package writes; a payload may hold others too."""

    user_id: Any
    username: str
    email: str
    exp: int
    iat: int
    nbf: int
    jti: str
    orig_iat: int
    aud: str | list[str]
    iss: str
    act: dict[str, Any]


#: The time the token clock stands at while ``rest_framework_jwt.test.freeze_token_clock``
#: holds it (None: it follows the system clock).
frozen_at: float | None = None


def now() -> float:
    """The current time of the token clock, as a POSIX timestamp: the system clock (which
    time_machine moves), or the time ``freeze_token_clock`` holds it at."""
    frozen = frozen_at
    return time.time() if frozen is None else frozen


def unix_epoch(value: datetime.datetime | None = None) -> int:
    """Return ``value`` (default: now) as an int POSIX timestamp; naive datetimes count as UTC."""
    if value is None:
        return int(now())
    return timegm(value.utctimetuple())


def seconds(value: datetime.timedelta | float | int) -> float:
    """Return a timedelta or a number of seconds as float seconds."""
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return float(value)


def is_numeric_date(value: Any) -> bool:
    """True for an int or float (not bool) that is finite and within the NumericDate range."""
    if type(value) is int:
        return -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE
    if type(value) is float:
        return math.isfinite(value) and -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE
    return False


def is_uuid(value: Any) -> bool:
    """True for a UUID as a string in canonical form (``str(uuid.UUID(...))``)."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def numeric_claim(payload: Mapping[str, Any], name: str) -> float | None:
    """Return claim ``name`` if present, refusing anything that is not a NumericDate."""
    if name not in payload:
        return None
    value = payload[name]
    if not is_numeric_date(value):
        raise InvalidClaim(f"The {name} claim must be a number.")
    return float(value)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return list(value)
    return [value]


def validate(
    payload: Mapping[str, Any],
    *,
    current: float,
    leeway: float,
    verify_exp: bool,
    required: Iterable[str] = (),
    audience: Any = None,
    issuer: Any = None,
) -> None:
    """Check the registered claims of ``payload``; raise a TokenError subclass if one fails."""
    for name in required:
        if name not in payload:
            raise MissingClaim(name)
    _validate_types(payload)
    validate_times(payload, current, leeway, verify_exp)
    if audience is not None or "aud" in payload:
        _validate_audience(payload, audience)
    if issuer is not None:
        _validate_issuer(payload, issuer)


def _validate_types(payload: Mapping[str, Any]) -> None:
    for name in STRING_CLAIMS:
        if name in payload and not isinstance(payload[name], str):
            raise InvalidClaim(f"The {name} claim must be a string.")
    # The refresh-token family (refresh-token mode) of this package's tokens.
    if "fam" in payload and not is_uuid(payload["fam"]):
        raise InvalidClaim("The fam claim must be a UUID.")


def validate_times(
    payload: Mapping[str, Any], current: float, leeway: float, verify_exp: bool
) -> None:
    """Check ``exp``, ``nbf`` and ``iat`` against ``current`` (the part of :func:`validate`
    that depends on the time)."""
    exp = numeric_claim(payload, "exp")
    if verify_exp and exp is not None and exp <= current - leeway:
        raise ExpiredToken("Signature has expired.")
    for name in ("nbf", "iat"):
        value = numeric_claim(payload, name)
        if value is not None and value > current + leeway:
            raise ImmatureToken(f"The token is not yet valid ({name}).")


def _validate_audience(payload: Mapping[str, Any], audience: Any) -> None:
    if audience is None:
        if "aud" in payload:
            raise InvalidAudience("Invalid audience.")
        return
    if "aud" not in payload:
        raise MissingClaim("aud")
    offered = _as_list(payload["aud"])
    if not offered or not all(isinstance(item, str) for item in offered):
        raise InvalidAudience("Invalid claim format in token.")
    if not set(_as_list(audience)).intersection(offered):
        raise InvalidAudience("Audience doesn't match.")


def _validate_issuer(payload: Mapping[str, Any], issuer: Any) -> None:
    if "iss" not in payload:
        raise MissingClaim("iss")
    value = payload["iss"]
    if not isinstance(value, str) or value not in _as_list(issuer):
        raise InvalidIssuer("Invalid issuer.")


__all__ = [
    "MAX_NUMERIC_DATE",
    "STRING_CLAIMS",
    "Claims",
    "frozen_at",
    "is_numeric_date",
    "is_uuid",
    "now",
    "numeric_claim",
    "seconds",
    "unix_epoch",
    "validate",
    "validate_times",
]
