"""Tokens: building payloads, encoding, decoding, and finding the user a token names.

Everything here reads the settings at call time and the parsed keys from ``_state``. The 1.x
handler functions in ``utils`` are thin wrappers around these.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import _state, backend, claims
from .exceptions import (
    DecodeError,
    InvalidClaim,
    InvalidPayload,
    InvalidSignature,
    TokenError,
    TokenRevoked,
    TokenTooLarge,
    UnknownUser,
    UserInactive,
    UserLookupError,
    UserNotFound,
    token_error,
)
from .keys import is_hmac
from .settings import api_settings


def get_username_field() -> str:
    """The user model's ``USERNAME_FIELD`` (``"username"`` if it has none)."""
    return getattr(_state.user_model(), "USERNAME_FIELD", "username")


def get_username(user: Any) -> str:
    """``user.get_username()``, falling back to ``user.username``."""
    try:
        return user.get_username()  # type: ignore[no-any-return]
    except AttributeError:
        return user.username  # type: ignore[no-any-return]


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


#: The claim that ties a token to the user's current password (JWT_REVOKE_ON_PASSWORD_CHANGE).
PASSWORD_CLAIM = "pwv"


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


def check_password_version(user: Any, payload: Mapping[str, Any]) -> None:
    """Raise TokenRevoked if ``payload`` was issued before the user's last password change."""
    claimed = payload.get(PASSWORD_CLAIM)
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


def _user_secret(payload: Mapping[str, Any]) -> Any:
    """The per-user HMAC secret from ``JWT_GET_USER_SECRET_KEY`` for the user ``payload`` names."""
    try:
        user = find_user(payload, active_only=False)
    except UserLookupError:
        raise token_error(UnknownUser, "Signature verification failed.") from None
    user_secret = api_settings.JWT_GET_USER_SECRET_KEY
    assert user_secret is not None  # only called with the setting on
    try:
        return backend.prepare_hmac_secret(user_secret(user))
    except backend.ConfigurationError:
        raise token_error(InvalidSignature, "Signature verification failed.") from None


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


def decode(token: Any) -> dict[str, Any]:
    """Verify ``token`` and its claims and return the payload; raise a TokenError if refused."""
    config = _state.config()
    parsed = backend.parse(token, config.max_size)
    algorithm = backend.check_header(parsed.header, config.allowed)
    # The signature is checked before the payload is parsed (except for per-user secrets,
    # where the payload names the user whose secret verifies it).
    if config.verify:
        if config.user_secret and is_hmac(algorithm):
            keys = [_user_secret(parsed.payload)]
        else:
            keys = backend.candidate_keys(
                config.ring, algorithm, parsed.header.get("kid"), config.insist_on_kid
            )
        backend.verify_signature(parsed, algorithm, keys)
    return _checked_claims(parsed, config)


def _checked_claims(
    parsed: backend.Parsed, config: _state.Config, verify: bool = True
) -> dict[str, Any]:
    """The payload of ``parsed`` after the registered claims are checked (all of them, or
    only those not about time and presence when ``verify`` is off)."""
    claims.validate(
        parsed.payload,
        current=claims.now(),
        leeway=config.leeway,
        verify_exp=config.verify_exp and verify,
        required=config.required if verify else (),
        audience=config.audience,
        issuer=config.issuer,
    )
    return parsed.payload


def decode_with_key(token: Any, key: Any, *, verify: bool = True) -> dict[str, Any]:
    """Decode ``token`` with an explicit ``key`` (drf-jwt's ``compat.jwt_decode``).

    The algorithm must still be allowed by ``JWT_ALGORITHM`` and fit the key's type.
    """
    config = _state.config()
    parsed = backend.parse(token, config.max_size)
    algorithm = backend.check_header(parsed.header, config.allowed)
    if verify:
        try:
            prepared = backend.prepare_key(algorithm, key)
        except backend.ConfigurationError:
            raise token_error(InvalidSignature, "Signature verification failed.") from None
        backend.verify_signature(parsed, algorithm, [prepared])
    return _checked_claims(parsed, config, verify)


def unverified_claims(token: Any) -> dict[str, Any] | None:
    """The claims of a token that a serializer has just issued or accepted, read without
    verifying it again; None if ``token`` is not a readable JWT. Never use this to decide
    whether a token a client sent is valid."""
    try:
        return backend.parse(token, 0).payload
    except TokenError:
        return None


def username_from_payload(payload: Mapping[str, Any]) -> Any:
    """The configured ``JWT_PAYLOAD_GET_USERNAME_HANDLER`` applied to ``payload``."""
    return api_settings.JWT_PAYLOAD_GET_USERNAME_HANDLER(payload)


def find_user(payload: Mapping[str, Any], *, active_only: bool = True) -> Any:
    """The active user ``payload`` names; raise a UserLookupError subclass otherwise."""
    return user_for_username(username_from_payload(payload), active_only=active_only)


def check_username(username: Any) -> None:
    """Raise InvalidPayload or UserNotFound for a username no lookup should be tried with."""
    if not username or not isinstance(username, (str, int)) or isinstance(username, bool):
        raise InvalidPayload("Invalid payload.")
    # No user has one, and the databases refuse them with errors: NUL (PostgreSQL) and lone
    # surrogates (every driver encodes UTF-8).
    if isinstance(username, str) and ("\x00" in username or not _encodable(username)):
        raise UserNotFound("User not found.")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_active(user: Any) -> Any:
    """Return ``user``; raise UserInactive if it is not active."""
    if not getattr(user, "is_active", True):
        raise UserInactive("User account is disabled.")
    return user


def user_for_username(username: Any, *, active_only: bool = True) -> Any:
    """The user with this natural key; raise a UserLookupError subclass if there is none."""
    check_username(username)
    model = _state.user_model()
    try:
        user = model._default_manager.get_by_natural_key(username)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise UserNotFound("User not found.") from None
    return check_active(user) if active_only else user


def refresh_payload(payload: Mapping[str, Any], user: Any) -> dict[str, Any]:
    """The payload of the token that replaces ``payload`` (checked by the caller's serializer)."""
    new_payload = dict(api_settings.JWT_PAYLOAD_HANDLER(user))
    new_payload["orig_iat"] = payload["orig_iat"]
    if api_settings.JWT_TOKEN_ID != "off":
        original = payload.get("orig_jti") or payload.get("jti")
        if isinstance(original, str):
            new_payload["orig_jti"] = original
    return new_payload


def check_refresh_window(payload: Mapping[str, Any]) -> None:
    """Raise RefreshError unless ``payload`` may still be refreshed."""
    if "act" in payload:
        raise RefreshError("impersonation_refresh")
    if "orig_iat" not in payload:
        raise RefreshError("orig_iat_missing")
    try:
        orig_iat = claims.numeric_claim(payload, "orig_iat")
    except InvalidClaim:
        raise RefreshError("orig_iat_invalid") from None
    assert orig_iat is not None
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


def error_code_of(error: Exception) -> str:
    """The stable code of ``error``; PyJWT errors from custom handlers map to our codes."""
    if isinstance(error, TokenError):
        return error.code
    return message_code(error)
