"""pytest fixtures for the tests of projects that use rest_framework_jwt (with pytest-django).

Not loaded by itself: name it in the project's top-level ``conftest.py``::

    pytest_plugins = ["rest_framework_jwt.pytest_plugin"]

- ``jwt_client``: an :class:`~rest_framework_jwt.test.APIJWTClient`;
  ``jwt_client.force_jwt(user)`` authenticates it.
- ``jwt_token``: :func:`~rest_framework_jwt.test.token_for`, a real token for a user.
- ``jwt_clock``: the token clock, held for the test (a
  :class:`~rest_framework_jwt.test.TokenClock` to move with ``shift()`` and ``move_to()``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .test import APIJWTClient, TokenClock, freeze_token_clock, token_for


@pytest.fixture
def jwt_client() -> APIJWTClient:
    """A DRF test client with ``force_jwt(user)`` and 1.x's ``login()``."""
    return APIJWTClient()


@pytest.fixture
def jwt_token() -> Callable[[Any], str]:
    """``jwt_token(user)``: a token for ``user``, as the obtain endpoint makes it."""
    return token_for


@pytest.fixture
def jwt_clock() -> Iterator[TokenClock]:
    """The token clock, held at the test's start until it moves it."""
    with freeze_token_clock() as clock:
        yield clock


__all__ = ["jwt_client", "jwt_clock", "jwt_token"]
