"""The names of 2.0 previews' ``tokens`` module, at their homes now: :mod:`payloads` (new
tokens, encoding, classic refresh), :mod:`verification` (decoding), :mod:`users` (the user a
payload names) and :mod:`revocation` (the password-version claim).

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from typing import Any

from . import verification
from .exceptions import RefreshError
from .payloads import base_claims, build_payload, check_refresh_window, encode, refresh_payload
from .revocation import check_password_version, password_version
from .users import (
    check_active,
    check_username,
    find_user,
    get_username,
    get_username_field,
    user_for_username,
    username_from_payload,
)
from .verification import PASSWORD_CLAIM, decode_with_key, unverified_claims


def decode(token: Any) -> dict[str, Any]:
    """Verify ``token`` and its claims and return the payload as a dict; raise a TokenError
    if it is refused (:func:`verification.decode`)."""
    return verification.decode(token).payload


__all__ = [
    "PASSWORD_CLAIM",
    "RefreshError",
    "base_claims",
    "build_payload",
    "check_active",
    "check_password_version",
    "check_refresh_window",
    "check_username",
    "decode",
    "decode_with_key",
    "encode",
    "find_user",
    "get_username",
    "get_username_field",
    "password_version",
    "refresh_payload",
    "unverified_claims",
    "user_for_username",
    "username_from_payload",
]
