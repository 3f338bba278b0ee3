"""Messages and error codes of refusals, and the one function that maps an error to both.

Each message has its 1.x and its drf-jwt wording (``JWT_COMPAT``), for the 401 of the
authentication class and for the 400 of the serializers. The 1.x texts are kept exactly:
users' tests compare them.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from .exceptions import (
    DecodeError,
    ExpiredSignature,
    InvalidTokenError,
    PyJWTDecodeError,
    RefreshError,
    TokenError,
    TokenTooLarge,
    UserLookupError,
)
from .settings import api_settings

# (1.x, drf-jwt) for authentication (401) and for the serializers (400).
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


def message(code: str, *, serializer: bool) -> Any:
    """The message for ``code``, in the wording of the configured ``JWT_COMPAT`` line."""
    table = _SERIALIZER_MESSAGES if serializer else _AUTH_MESSAGES
    pair = table.get(code)
    if pair is None:
        pair = table["token_decode_error" if code.startswith("token_decode") else "token_invalid"]
    return pair[1] if api_settings.is_drf_jwt else pair[0]


class Refusal(NamedTuple):
    """Why a token was refused: its stable ``code`` and the ``message`` a client reads."""

    code: str
    message: Any


def _message_key(error: Exception) -> str:
    """The message key of ``error`` (ours, or a PyJWT error from a custom decode handler)."""
    if isinstance(error, TokenTooLarge):
        return "token_too_large"
    if isinstance(error, TokenError) and error.code in _OWN_MESSAGE_CODES:
        return error.code
    if isinstance(error, ExpiredSignature):
        return "token_expired"
    if isinstance(error, (DecodeError, PyJWTDecodeError)):
        return "token_decode_error"
    if isinstance(error, InvalidTokenError):
        return "token_invalid"
    return str(getattr(error, "code", "token_invalid"))


def explain(error: Exception, *, serializer: bool) -> Refusal | None:
    """The code and message of ``error`` when it refuses a token: ours (a TokenError, a
    UserLookupError, a RefreshError) or whatever a custom decode handler raises. None when it
    is something else that the caller lets through: a database outage (the views' 503), or
    an exception whose ``code`` names no token failure (a bug)."""
    if isinstance(error, DatabaseError):
        return None
    if isinstance(error, (UserLookupError, RefreshError)):
        return Refusal(error.code, message(error.code, serializer=serializer))
    key = _message_key(error)
    if isinstance(error, TokenError):
        return Refusal(error.code, message(key, serializer=serializer))
    if key not in TOKEN_MESSAGE_CODES:
        return None
    return Refusal(key, message(key, serializer=serializer))


__all__ = ["TOKEN_MESSAGE_CODES", "Refusal", "explain", "message"]
