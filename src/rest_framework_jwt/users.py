"""Finding the user a token names, through the ORM (``get_by_natural_key``).

The request path uses the precompiled query of :mod:`lookup` where it is exactly equivalent
and falls back to these functions everywhere else.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.base_user import BaseUserManager

from . import _state
from .exceptions import InvalidPayload, UserInactive, UserNotFound
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


async def auser_for_username(username: Any, *, active_only: bool = True) -> Any:
    """:func:`user_for_username` for async code, through Django's async ORM.

    With the default ``get_by_natural_key`` the query is the same one, run with ``aget()``.
    A manager's own ``aget_by_natural_key`` is awaited; a manager that overrides only the sync
    ``get_by_natural_key`` has it run in a thread (``sync_to_async``), so its lookup is kept.
    """
    check_username(username)
    model = _state.user_model()
    manager = model._default_manager
    lookup = type(manager).get_by_natural_key
    try:
        if isinstance(manager, BaseUserManager) and lookup is BaseUserManager.get_by_natural_key:
            user = await manager.aget(**{model.USERNAME_FIELD: username})
        elif _own_async_lookup(type(manager)):
            user = await manager.aget_by_natural_key(username)
        else:
            user = await sync_to_async(manager.get_by_natural_key)(username)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise UserNotFound("User not found.") from None
    return check_active(user) if active_only else user


def _own_async_lookup(manager_class: type) -> bool:
    """True when ``aget_by_natural_key`` is defined where ``get_by_natural_key`` is, or below:
    the manager's async lookup is its own, not Django's (which ignores a sync override)."""
    mro = manager_class.__mro__
    owners = {
        name: next((k for k in mro if name in vars(k)), None)
        for name in ("get_by_natural_key", "aget_by_natural_key")
    }
    sync_owner, async_owner = owners["get_by_natural_key"], owners["aget_by_natural_key"]
    return (
        async_owner is not None and sync_owner is not None and issubclass(async_owner, sync_owner)
    )


__all__ = [
    "auser_for_username",
    "check_active",
    "check_username",
    "find_user",
    "get_username",
    "get_username_field",
    "user_for_username",
    "username_from_payload",
]
