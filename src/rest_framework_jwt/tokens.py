"""Tokens: building payloads, encoding, classic refresh, the password-version claim, and
the messages of refusals.

Everything here reads the settings at call time and the parsed keys from ``_state``. The 1.x
handler functions in ``utils`` are thin wrappers around these. Decoding lives in
:mod:`verification` and the ORM user lookup in :mod:`users`; their names are re-exported here
for code that imported them from this module.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from . import _state, backend, claims, verification
from .exceptions import (
    DecodeError,
    InvalidClaim,
    TokenError,
    TokenRevoked,
    TokenTooLarge,
    UserLookupError,
    token_error,
)
from .keys import is_hmac
from .settings import api_settings

# Re-exported: their homes are users and verification.
from .users import (
    check_active as check_active,
)
from .users import (
    check_username as check_username,
)
from .users import (
    find_user as find_user,
)
from .users import (
    get_username as get_username,
)
from .users import (
    get_username_field as get_username_field,
)
from .users import (
    user_for_username as user_for_username,
)
from .users import (
    username_from_payload as username_from_payload,
)
from .verification import PASSWORD_CLAIM as PASSWORD_CLAIM
from .verification import decode_with_key as decode_with_key
from .verification import unverified_claims as unverified_claims


def decode(token: Any) -> dict[str, Any]:
    """Verify ``token`` and its claims and return the payload; raise a TokenError if refused
    (:func:`verification.decode`, as a dict)."""
    return verification.decode(token).payload


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


def password_version(user: Any, key: bytes | None = None) -> str | None:
    """A short HMAC of the user's password hash, keyed by the server's secret.

    It changes when the password changes, and tells nothing about the password: without
    SECRET_KEY it cannot be computed or tested against guesses. None when the setting is off or
    the user has no password field. ``key`` defaults to the one derived from SECRET_KEY.
    """
    if not api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE:
        return None
    password = getattr(user, "password", None)
    if not isinstance(password, str):
        return None
    if key is None:
        key = _state.config().password_keys[0]
    message = f"{user.pk}:{password}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def check_password_version(user: Any, claimed: Any) -> None:
    """Raise TokenRevoked if ``claimed`` (a token's ``pwv``) was made before the user's last
    password change; InvalidClaim if it is not a string."""
    if claimed is None or not api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE:
        return
    if not isinstance(claimed, str):
        raise token_error(InvalidClaim, "The pwv claim must be a string.")
    # Tokens issued before a SECRET_KEY rotation stay valid while the old key is a fallback.
    for key in _state.config().password_keys:
        current = password_version(user, key)
        if current is None or hmac.compare_digest(
            claimed.encode("utf-8", "surrogatepass"), current.encode("ascii")
        ):
            return  # (None: a user without a password field, e.g. TokenUser, is not checked)
    raise TokenRevoked("The password has changed since the token was issued.")


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


def refresh_payload(token: verification.VerifiedToken, user: Any) -> dict[str, Any]:
    """The payload of the token that replaces ``token`` (checked by the caller's serializer)."""
    new_payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    new_payload["orig_iat"] = token.claims["orig_iat"]
    if api_settings.JWT_TOKEN_ID != "off" and token.chain_id:
        new_payload["orig_jti"] = token.chain_id
    return new_payload


def check_refresh_window(token: verification.VerifiedToken) -> None:
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


class RefreshError(Exception):
    """Raised when a token may not be refreshed; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Messages: (1.x, drf-jwt) for authentication (401) and for the serializers (400).
# The 1.x texts are kept exactly: users' tests compare them.
_INVALID_TOKEN = _("Invalid token.")
_AUTH_MESSAGES: dict[str, tuple[Any, Any]] = {
    "token_expired": (_("Signature has expired."), _("Token has expired.")),
    "token_decode_error": (_("Error decoding signature."), _("Error decoding token.")),
    "token_invalid": (_("Incorrect authentication credentials."), _INVALID_TOKEN),
    "token_too_large": (_("Token is too large."), _("Token is too large.")),
    "token_revoked": (_("Token has been revoked."), _("Token is blacklisted.")),
    "refresh_token_reused": (
        _("Refresh token has already been used."),
        _("Token is blacklisted."),
    ),
    "token_type_invalid": (_("Wrong token type."), _INVALID_TOKEN),
    "payload_invalid": (_("Invalid payload."), _("Invalid payload.")),
    "user_not_found": (_("Invalid signature."), _INVALID_TOKEN),
    "user_inactive": (_("User account is disabled."), _("User account is disabled.")),
}
_SERIALIZER_MESSAGES: dict[str, tuple[Any, Any]] = {
    **_AUTH_MESSAGES,
    "token_invalid": (_INVALID_TOKEN, _INVALID_TOKEN),
    "payload_invalid": (_("Invalid payload."), _INVALID_TOKEN),
    "user_not_found": (_("User doesn't exist."), _("User doesn't exist.")),
    "orig_iat_missing": (
        _("orig_iat field is required."),
        _("orig_iat field not found in token."),
    ),
    "orig_iat_invalid": (_INVALID_TOKEN, _INVALID_TOKEN),
    "refresh_expired": (_("Refresh has expired."), _("Refresh has expired.")),
    "impersonation_refresh": (
        _("Impersonation tokens cannot be refreshed."),
        _("Impersonation tokens cannot be refreshed."),
    ),
    "invalid_credentials": (
        _("Unable to log in with provided credentials."),
        _("Unable to log in with provided credentials."),
    ),
}


#: The message keys of token failures (as opposed to user or refresh failures).
TOKEN_MESSAGE_CODES = frozenset(
    {"token_expired", "token_decode_error", "token_invalid", "token_too_large", "user_not_found"}
)
#: Codes of TokenError subclasses that have a message of their own.
_OWN_MESSAGE_CODES = frozenset(
    {"token_revoked", "refresh_token_reused", "token_type_invalid", "user_not_found"}
)


def error_code(error: Exception) -> str:
    """The stable code of a token or user error."""
    return str(getattr(error, "code", "token_invalid"))


def message(code: str, *, serializer: bool) -> Any:
    """The message for ``code``, in the wording of the configured ``JWT_COMPAT`` line."""
    table = _SERIALIZER_MESSAGES if serializer else _AUTH_MESSAGES
    pair = table.get(code)
    if pair is None:
        pair = table["token_decode_error" if code.startswith("token_decode") else "token_invalid"]
    return pair[1] if api_settings.is_drf_jwt else pair[0]


def message_code(error: Exception) -> str:
    """The message key for ``error`` (ours, or a PyJWT error from a custom decode handler)."""
    if isinstance(error, TokenTooLarge):
        return "token_too_large"
    if isinstance(error, TokenError) and error.code in _OWN_MESSAGE_CODES:
        return error.code
    if isinstance(error, backend.ExpiredSignature):
        return "token_expired"
    if isinstance(error, (DecodeError, backend.PyJWTDecodeError)):
        return "token_decode_error"
    if isinstance(error, (TokenError, backend.InvalidTokenError)):
        return "token_invalid"
    return error_code(error)


def refusal(error: Exception) -> str | None:
    """The message key of ``error`` when it refuses a token (ours, or what a custom decode
    handler raises), None when it is something else (a bug, a database outage: the 503 of the
    views) to let through."""
    if isinstance(error, DatabaseError):
        return None
    code = message_code(error)
    return code if code in TOKEN_MESSAGE_CODES else None


def error_code_of(error: Exception) -> str:
    """The stable code of ``error``; PyJWT errors from custom handlers map to our codes."""
    if isinstance(error, TokenError):
        return error.code
    return message_code(error)
