"""Names that 1.x and drf-jwt exposed in ``rest_framework_jwt.compat``, kept for their users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import include
from django.urls import re_path as url
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from . import backend, users, verification
from .cookies import set_token_cookie


class Serializer(serializers.Serializer):  # type: ignore[type-arg]
    """A DRF serializer whose ``.object`` is its ``validated_data`` (1.x API)."""

    @property
    def object(self) -> Any:
        return self.validated_data


class PasswordField(serializers.CharField):
    """A CharField rendered as a password input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        style = dict(kwargs.pop("style", {}) or {})
        style.setdefault("input_type", "password")
        kwargs["style"] = style
        super().__init__(*args, **kwargs)


def get_username_field() -> str:
    """The user model's ``USERNAME_FIELD``, falling back to ``"username"``."""
    try:
        return users.get_username_field()
    except AttributeError:
        return "username"


def get_username(user: Any) -> str:
    """The user's username, falling back to ``user.username``."""
    return users.get_username(user)


def has_set_cookie_samesite() -> bool:
    """True: every supported Django version accepts ``samesite`` in ``set_cookie``."""
    return True


def set_cookie_with_token(response: Any, name: str, token: str) -> None:
    """Set cookie ``name`` to ``token`` with the ``JWT_AUTH_COOKIE_*`` attributes."""
    set_token_cookie(response, name, token)


jwt_version = int(backend.PYJWT_VERSION.split(".")[0])
ExpiredSignature = backend.ExpiredSignature


def jwt_decode(token: str | bytes, key: Any, verify: Any = None, **kwargs: Any) -> Any:
    """drf-jwt's shim over ``jwt.decode``: decode ``token`` with ``key``.

    ``verify=False`` skips the signature (and expiry) check. Unlike ``jwt.decode``, only the
    algorithms of ``JWT_ALGORITHM`` are accepted, and the key must fit the token's algorithm.
    """
    return verification.decode_with_key(token, key, verify=verify is not False)


__all__ = [
    "ExpiredSignature",
    "PasswordField",
    "Serializer",
    "get_user_model",
    "get_username",
    "get_username_field",
    "gettext_lazy",
    "has_set_cookie_samesite",
    "include",
    "jwt_decode",
    "jwt_version",
    "set_cookie_with_token",
    "smart_str",
    "url",
]
