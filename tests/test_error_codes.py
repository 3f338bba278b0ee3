"""JWT_RESPONSE_ERROR_CODES: one rule for every error answer of the package's views.

With the setting off, the bodies are DRF's (and 1.x's); with it on, each is the same body with
the refusal's stable code at the top level: ``{"detail": message, "code": code}``, or the field
errors plus ``"code"``. (``body_invalid`` and ``temporarily_unavailable`` carry theirs always.)

A refusal runs in drf-jwt mode too where its wording there differs (``fork_says``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIClient

from rest_framework_jwt import utils
from rest_framework_jwt.settings import api_settings
from tests.helpers import (
    IMPERSONATE,
    LOGOUT,
    LOGOUT_ALL,
    MODES,
    OBTAIN,
    REFRESH,
    REVOKE_OTHERS,
    SESSIONS,
    VERIFY,
)

pytestmark = pytest.mark.urls("tests.urls_blacklist")
BLACKLIST = "/blacklist/"


@dataclass(frozen=True)
class Refusal:
    method: str
    url: str
    status: int
    code: str
    #: The body: a dict, or a callable of the tokens (``own``, ``other``) that builds one.
    body: Any = None
    #: Whose token authenticates the request: None, "own" or "other".
    as_: str | None = None
    content_type: str = "application/json"
    #: The body with the setting off, in 1.x mode; ``fork_says`` is drf-jwt mode's where it
    #: differs (the row then runs in both modes).
    says: dict[str, Any] | None = None
    fork_says: dict[str, Any] | None = None

    def modes(self) -> list[Any]:
        return MODES if self.fork_says is not None else MODES[:1]

    def expected(self, mode: dict) -> dict[str, Any] | None:
        return self.fork_says if mode and self.fork_says is not None else self.says


GARBAGE = "not.a.token"
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
DECODE_ERROR = "Error decoding signature."
FORK_DECODE_ERROR = "Error decoding token."

REFUSALS = {
    "obtain: wrong password": Refusal(
        "post",
        OBTAIN,
        400,
        "invalid_credentials",
        {"username": "admin", "password": "wrong"},
        says={"non_field_errors": ["Unable to log in with provided credentials."]},
    ),
    "obtain: a field missing": Refusal(
        "post",
        OBTAIN,
        400,
        "required",
        {"username": "admin"},
        says={"password": ["This field is required."]},
    ),
    "obtain: GET": Refusal(
        "get", OBTAIN, 405, "method_not_allowed", says={"detail": 'Method "GET" not allowed.'}
    ),
    "obtain: a content type no parser reads": Refusal(
        "post",
        OBTAIN,
        415,
        "unsupported_media_type",
        "x",
        content_type="text/csv",
        says={"detail": 'Unsupported media type "text/csv" in request.'},
    ),
    **{
        f"{name}: not a token": Refusal(
            "post",
            url,
            400,
            "token_decode_error",
            {"token": GARBAGE},
            says={field: [DECODE_ERROR]},
            fork_says={field: [FORK_DECODE_ERROR]},
        )
        for name, url, field in [
            ("verify", VERIFY, "non_field_errors"),
            ("refresh", REFRESH, "non_field_errors"),
            ("logout", LOGOUT, "token"),
            ("BlacklistView", BLACKLIST, "token"),
        ]
    },
    "impersonate: anonymous": Refusal(
        "post", IMPERSONATE, 401, "not_authenticated", {"user": 1}, says=NOT_AUTHENTICATED
    ),
    "impersonate: not a superuser": Refusal(
        "post",
        IMPERSONATE,
        403,
        "permission_denied",
        {"user": 1},
        as_="own",
        says={"detail": "You do not have permission to perform this action."},
    ),
    "logout: no token": Refusal(
        "post", LOGOUT, 400, "token_missing", {}, says={"token": ["No token to revoke."]}
    ),
    "logout: another user's token": Refusal(
        "post",
        LOGOUT,
        400,
        "token_invalid",
        lambda own, other: {"token": other},
        as_="own",
        says={"token": ["Invalid token."]},
    ),
    "logout: a token that is not a string": Refusal(
        "post", LOGOUT, 400, "invalid", {"token": {"a": 1}}, says={"token": ["Not a valid string."]}
    ),
    "logout-all: anonymous": Refusal(
        "post", LOGOUT_ALL, 401, "not_authenticated", {}, says=NOT_AUTHENTICATED
    ),
    "sessions: anonymous": Refusal(
        "get", SESSIONS, 401, "not_authenticated", says=NOT_AUTHENTICATED
    ),
    "sessions: DELETE of an unknown session": Refusal(
        "delete",
        f"{SESSIONS}{uuid.uuid4()}/",
        404,
        "not_found",
        as_="own",
        says={"detail": "Not found."},
    ),
    "sessions: PUT": Refusal(
        "put",
        SESSIONS,
        405,
        "method_not_allowed",
        {},
        as_="own",
        says={"detail": 'Method "PUT" not allowed.'},
    ),
    "revoke-others: anonymous": Refusal(
        "post", REVOKE_OTHERS, 401, "not_authenticated", {}, says=NOT_AUTHENTICATED
    ),
    "BlacklistView: no token": Refusal(
        "post", BLACKLIST, 400, "token_missing", {}, says={"token": ["No token to revoke."]}
    ),
}


@pytest.fixture
def tokens(user, db, password):
    other = get_user_model().objects.create_user(username="other", password=password)
    return {
        "own": utils.jwt_encode_handler(utils.jwt_payload_handler(user)),
        "other": utils.jwt_encode_handler(utils.jwt_payload_handler(other)),
    }


def send(refusal: Refusal, tokens: dict[str, str]):
    client = APIClient()
    if refusal.as_ is not None:
        header = f"{api_settings.JWT_AUTH_HEADER_PREFIX} {tokens[refusal.as_]}"
        client.credentials(HTTP_AUTHORIZATION=header)
    body = refusal.body(**tokens) if callable(refusal.body) else refusal.body
    if refusal.content_type == "application/json":
        return getattr(client, refusal.method)(refusal.url, body, format="json")
    return client.generic(refusal.method.upper(), refusal.url, body, refusal.content_type)


def off_and_on(settings, mode: dict, answer):
    """The responses of ``answer()`` with the setting off, then on."""
    settings.JWT_AUTH = {**mode, "JWT_ALLOW_REFRESH": True}
    off = answer()
    settings.JWT_AUTH = {**mode, "JWT_ALLOW_REFRESH": True, "JWT_RESPONSE_ERROR_CODES": True}
    on = answer()
    return off, on


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        pytest.param(name, mode.values[0], id=f"{name}-{mode.id}")
        for name, refusal in REFUSALS.items()
        for mode in refusal.modes()
    ],
)
def test_every_refusal_of_the_packages_views_follows_the_setting(settings, tokens, mode, name):
    refusal = REFUSALS[name]
    off, on = off_and_on(settings, mode, lambda: send(refusal, tokens))
    assert off.status_code == on.status_code == refusal.status, (off.content, on.content)
    assert off.json() == refusal.expected(mode)
    assert on.json() == {**off.json(), "code": refusal.code}


def test_a_throttled_request_follows_the_setting(settings, user, time_machine):
    time_machine.move_to("2031-01-01 00:00:10", tick=False)  # both attempts in one window

    def answer():
        caches["locmem"].clear()
        client = APIClient()
        client.post(OBTAIN, {"username": "admin", "password": "wrong"}, format="json")
        return client.post(OBTAIN, {"username": "admin", "password": "wrong"}, format="json")

    rates = {"JWT_THROTTLE_CACHE": "locmem", "JWT_THROTTLE_RATES": {"obtain_ip": "1/min"}}
    off, on = off_and_on(settings, rates, answer)
    assert off.status_code == on.status_code == 429
    assert "code" not in off.json()
    assert on.json() == {**off.json(), "code": "throttled"}


def test_the_revocation_endpoints_without_the_app_follow_the_setting(settings, tokens):
    apps = [a for a in django_settings.INSTALLED_APPS if a != "rest_framework_jwt.blacklist"]
    with override_settings(INSTALLED_APPS=apps):
        off, on = off_and_on(settings, {}, lambda: APIClient().post(LOGOUT_ALL, {}))
    assert off.status_code == on.status_code == 501
    assert "code" not in off.json()
    assert on.json() == {**off.json(), "code": "revocation_unavailable"}
