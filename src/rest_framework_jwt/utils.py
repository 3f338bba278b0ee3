"""The 1.x handler functions, under their 1.x names and under drf-jwt's.

Each is the default of a ``JWT_*_HANDLER`` setting; code that calls them directly (common in
tests written for 1.x) gets the same behaviour as the views.
"""

from __future__ import annotations

import datetime
import inspect
import warnings
from functools import lru_cache
from typing import Any

from rest_framework import serializers

from . import messages, payloads, users
from .claims import unix_epoch as _unix_epoch
from .exceptions import TokenError, UserLookupError
from .settings import api_settings
from .verification import jwt_decode_handler as jwt_decode_handler

#: The DeprecationWarning 1.x's ``jwt_payload_handler`` emits on every call. Text, category and
#: location (this module, as 1.x's ``stacklevel``) are 1.x's, which test suites written for 1.x
#: assert or filter on.
_PAYLOAD_HANDLER_WARNING = (
    "The following fields will be removed in the future: `email` and `user_id`. "
)
#: The DeprecationWarning of 1.x's ``jwt_get_user_id_from_payload_handler`` (deprecated in 1.7).
_USER_ID_HANDLER_WARNING = (
    "The following will be removed in the future. Use `JWT_PAYLOAD_GET_USERNAME_HANDLER` instead."
)


def jwt_payload_handler(user: Any) -> dict[str, Any]:
    """The payload of a new token for ``user`` (1.x claims plus ``iat`` and ``jti``).

    Emits 1.x's DeprecationWarning on every call, as 1.x did; drf-jwt's
    :func:`jwt_create_payload` does not.
    """
    warnings.warn(_PAYLOAD_HANDLER_WARNING, DeprecationWarning, stacklevel=1)
    return payloads.build_payload(user, drf_jwt=api_settings.is_drf_jwt)


def jwt_create_payload(user: Any) -> dict[str, Any]:
    """drf-jwt's payload for ``user``: no ``email`` and no ``USERNAME_FIELD`` claim."""
    return payloads.build_payload(user, drf_jwt=True)


def jwt_get_user_id_from_payload_handler(payload: dict[str, Any]) -> Any:
    """The ``user_id`` claim (deprecated since 1.7: users are found by username).

    Emits 1.x's DeprecationWarning on every call, as 1.x did.
    """
    warnings.warn(_USER_ID_HANDLER_WARNING, DeprecationWarning, stacklevel=1)
    return payload.get("user_id")


def jwt_get_username_from_payload_handler(payload: dict[str, Any]) -> Any:
    """The ``username`` claim."""
    return payload.get("username")


def jwt_encode_handler(payload: dict[str, Any]) -> str:
    """Sign ``payload`` and return the token as a str."""
    return payloads.encode(payload)


jwt_encode_payload = jwt_encode_handler


# The default JWT_DECODE_HANDLER lives with the pipeline that recognises it.
jwt_decode_token = jwt_decode_handler


def jwt_response_payload_handler(
    token: str, user: Any = None, request: Any = None
) -> dict[str, Any]:
    """The body of a successful obtain, refresh or verify response: ``{"token": token}``."""
    return {"token": token}


def jwt_create_response_payload(
    token: str, user: Any = None, request: Any = None, issued_at: Any = None
) -> dict[str, Any]:
    """drf-jwt's response body: ``{"pk": issued_at, "token": token}``."""
    return {"pk": issued_at, "token": token}


def jwt_get_secret_key(payload: dict[str, Any] | None = None) -> Any:
    """The HMAC secret for ``payload``: the user's own with ``JWT_GET_USER_SECRET_KEY``."""
    if api_settings.JWT_GET_USER_SECRET_KEY is not None and payload is not None:
        user = users.find_user(payload, active_only=False)
        return api_settings.JWT_GET_USER_SECRET_KEY(user)
    return api_settings.JWT_SECRET_KEY


def unix_epoch(datetime_object: datetime.datetime | None = None) -> int:
    """``datetime_object`` (default: now) as an int POSIX timestamp."""
    return _unix_epoch(datetime_object)


def get_username_field() -> str:
    """The user model's ``USERNAME_FIELD``."""
    return users.get_username_field()


def get_username(user: Any) -> str:
    """The user's username value."""
    return users.get_username(user)


def check_payload(token: str) -> dict[str, Any]:
    """drf-jwt's helper: decode ``token`` or raise a DRF ValidationError."""
    try:
        return api_settings.JWT_DECODE_HANDLER(token)
    except TokenError as error:
        raise _invalid(error) from None


def check_user(payload: dict[str, Any]) -> Any:
    """drf-jwt's helper: the active user ``payload`` names, or a DRF ValidationError."""
    try:
        return users.find_user(payload)
    except UserLookupError as error:
        raise _invalid(error) from None


def _invalid(error: TokenError | UserLookupError) -> serializers.ValidationError:
    refusal = messages.explain(error, serializer=True)
    assert refusal is not None  # (every TokenError and UserLookupError is a refusal)
    return serializers.ValidationError(refusal.message, code=refusal.code)


@lru_cache(maxsize=32)
def _accepts_issued_at(handler: Any) -> bool:
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 4 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def call_response_handler(handler: Any, token: str, user: Any, request: Any, issued_at: Any) -> Any:
    """Call a response handler with 3 arguments (1.x) or 4 (drf-jwt), as it accepts."""
    if _accepts_issued_at(handler):
        return handler(token, user, request, issued_at)
    return handler(token, user, request)


__all__ = [
    "check_payload",
    "check_user",
    "get_username",
    "get_username_field",
    "jwt_create_payload",
    "jwt_create_response_payload",
    "jwt_decode_handler",
    "jwt_decode_token",
    "jwt_encode_handler",
    "jwt_encode_payload",
    "jwt_get_secret_key",
    "jwt_get_user_id_from_payload_handler",
    "jwt_get_username_from_payload_handler",
    "jwt_payload_handler",
    "jwt_response_payload_handler",
    "unix_epoch",
]
