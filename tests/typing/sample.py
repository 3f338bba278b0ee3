"""A sample of user code that mypy checks strictly (``mypy``, part of ``make typecheck`` and
of CI's lint section; pyproject's ``[tool.mypy]``). It is type-checked, not run.

Each ``assert_type`` fails the check when a type the package promises changes; each
``# type: ignore[code]`` fails it (as an unused ignore) when mypy stops finding that error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from typing_extensions import assert_type

from rest_framework_jwt.authentication import TokenUser
from rest_framework_jwt.settings import api_settings
from rest_framework_jwt.test import (
    APIJWTClient,
    APIJWTTestCase,
    TokenClock,
    force_jwt,
    freeze_token_clock,
    token_for,
)

Duration = datetime.timedelta | int | float


def settings_have_types() -> None:
    assert_type(api_settings.JWT_AUTH_HEADER_PREFIX, str)
    assert_type(api_settings.JWT_VERIFY, bool)
    assert_type(api_settings.JWT_EXPIRATION_DELTA, Duration)
    assert_type(api_settings.JWT_AUDIENCE, str | None)
    assert_type(api_settings.JWT_ALGORITHM, str | Sequence[str])
    assert_type(api_settings.JWT_MAX_TOKEN_SIZE, int)
    assert_type(api_settings.JWT_DENYLIST_BACKEND, Literal["database", "cache"])
    assert_type(api_settings.JWT_THROTTLE_RATES, Mapping[str, str | None] | None)
    assert_type(api_settings.JWT_ENCODE_HANDLER, Callable[[dict[str, Any]], str])
    token: str = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(object()))
    payload: dict[str, Any] = api_settings.JWT_DECODE_HANDLER(token)
    assert payload
    # 1.x code assigns settings; the value must have the setting's type.
    api_settings.JWT_LEEWAY = datetime.timedelta(seconds=10)
    api_settings.JWT_VERIFY = "yes"  # type: ignore[assignment]
    api_settings.JWT_NOT_A_SETTING  # type: ignore[attr-defined]  # noqa: B018


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        if isinstance(request.user, TokenUser):
            # Reachable: mypy --strict with warn_unreachable reports it otherwise.
            return Response({"id": request.user.pk, "claims": request.user.payload})
        return Response({"username": request.user.get_username()})


def plain_view(request: HttpRequest) -> str:
    user = request.user
    if isinstance(user, TokenUser):
        assert_type(user.is_authenticated, Literal[True])
        return user.get_username()
    return ""


def token_user_methods(user: TokenUser) -> bool:
    assert_type(user.get_username(), str)
    assert_type(user.get_all_permissions(), set[str])
    return user.has_perm("app.view") or user.has_perms(["app.view"]) or user.has_module_perms("a")


class MyTests(APIJWTTestCase):
    def test_it(self) -> None:
        assert_type(self.client, APIJWTClient)
        assert_type(self.client.force_jwt(object()), str | None)
        assert_type(self.client.login(username="a", password="b"), bool)


def helpers(client: APIJWTClient) -> None:
    assert_type(token_for(object()), str)
    assert_type(force_jwt(client, object()), str | None)
    with freeze_token_clock(datetime.datetime(2030, 1, 1)) as clock:
        assert_type(clock, TokenClock)
        clock.shift(datetime.timedelta(minutes=5))
        clock.shift(1.5)
        clock.move_to(0)
        assert_type(clock.time, float)
        assert_type(clock.utc, datetime.datetime)
        clock.shift("5m")  # type: ignore[arg-type]
