"""The types of ``api_settings`` (settings.JWTSettings' annotations, which mypy reads; the
typing test itself is tests/typing/sample.py, checked by ``mypy``): every setting has one,
and every default fits it, in both compatibility modes."""

from __future__ import annotations

import collections.abc
import types
import typing

import pytest
from django.test import override_settings

from rest_framework_jwt.settings import COMPAT_MODES, DEFAULTS, JWTSettings, api_settings

HINTS = typing.get_type_hints(JWTSettings)


def fits(value: object, hint: object) -> bool:
    """A small runtime reading of the annotations the settings use."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return True
    if hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin is collections.abc.Callable:
        return callable(value)
    if origin is collections.abc.Mapping:
        return isinstance(value, collections.abc.Mapping) and all(
            fits(k, args[0]) and fits(v, args[1]) for k, v in value.items()
        )
    if origin is collections.abc.Sequence:
        return (
            isinstance(value, collections.abc.Sequence)
            and not isinstance(value, (str, bytes))
            and all(fits(item, args[0]) for item in value)
        )
    assert origin is None, hint
    return isinstance(value, hint)  # type: ignore[arg-type]


def test_every_setting_has_a_type():
    assert set(DEFAULTS) <= set(HINTS), set(DEFAULTS) - set(HINTS)


@pytest.mark.parametrize("mode", COMPAT_MODES)
@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_default_fits_its_type(mode, name):
    with override_settings(JWT_AUTH={"JWT_COMPAT": mode}):
        assert fits(getattr(api_settings, name), HINTS[name]), (name, HINTS[name])


@pytest.mark.parametrize(
    ("value", "hint", "expected"),
    [
        (5, HINTS["JWT_LEEWAY"], True),
        ("5", HINTS["JWT_LEEWAY"], False),
        ("cache", HINTS["JWT_DENYLIST_BACKEND"], True),
        ("redis", HINTS["JWT_DENYLIST_BACKEND"], False),
        ({"obtain_ip": None}, HINTS["JWT_THROTTLE_RATES"], True),
        ({"obtain_ip": 5}, HINTS["JWT_THROTTLE_RATES"], False),
        ("HS256", HINTS["JWT_ALGORITHM"], True),
        (["HS256", 1], HINTS["JWT_ALGORITHM"], False),
        (None, HINTS["JWT_AUTH_HEADER_PREFIX"], False),
    ],
)
def test_the_reading_of_the_annotations_can_fail(value, hint, expected):
    assert fits(value, hint) is expected
