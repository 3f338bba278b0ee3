"""Every refusal: the status and the exact message of djangorestframework-jwt 1.11.0 ("orig")
in the default mode, and of drf-jwt 1.19.2 ("fork") with ``JWT_COMPAT = "drf-jwt"``. A row
whose answer is the same in both modes (no ``fork`` column) runs in the default mode only.

The table is shared/docs/compat.md section 8 and the fork columns of section 4. Where 2.x
answers differently on purpose, the row says so and docs/migrating/ gives the reason:

* orig, verify and refresh, "other invalid token": 1.x let the PyJWT error escape (a 500);
  2.x answers 400 "Invalid token." (from-1x.md, difference 7).
* fork, authentication, "token id required but missing": drf-jwt did not check
  ``JWT_TOKEN_ID = "require"`` there and authenticated the request; 2.x refuses it
  (from-drf-jwt.md, "Differences from drf-jwt"). In orig mode, where the setting is drf-jwt's,
  it is refused with the orig wording.
* orig, "blacklisted": 1.x had no blacklist; a revoked token gets 2.x's "Token has been
  revoked." (from-1x.md, revocation).
* fork, obtain, inactive user with ``AllowAllUsersModelBackend``: drf-jwt issued a token; 2.x
  refuses with drf-jwt's wrong-credentials answer (from-drf-jwt.md).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from rest_framework_jwt import revocation, utils, views
from tests.helpers import DROP, NOW, OBTAIN, REFRESH, START, VERIFY, changed, protected

OTHER_KEY = "another-secret-key-that-is-long-enough-for-hs256-0123456789"
ALLOW_ALL = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]

AUTH, VERIFY_, REFRESH_, OBTAIN_, IMPERSONATE = "auth", "verify", "refresh", "obtain", "impersonate"
NOT_PROVIDED = "Authentication credentials were not provided."


def detail(message: str) -> dict:
    return {"detail": message}


def non_field(message: str) -> dict:
    return {"non_field_errors": [message]}


@dataclass(frozen=True)
class Row:
    """One situation on one surface: the answer in 1.x mode, and drf-jwt mode's where it
    differs (``None``: the same answer, so the row runs in 1.x mode only)."""

    situation: str
    surface: str
    orig: tuple[int, dict]
    fork: tuple[int, dict] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    backends: list[str] | None = None

    def modes(self) -> list[str]:
        return ["orig"] if self.fork is None else ["orig", "fork"]

    def answer(self, mode: str) -> tuple[int, dict]:
        return self.fork if mode == "fork" and self.fork is not None else self.orig


def token_rows(situation, auth_orig, auth_fork, serializer_orig, serializer_fork, **extra):
    """The three rows of a token situation: authentication (401 unless given), verify and
    refresh (400)."""

    def answer(value, status, shape):
        return value if isinstance(value, tuple) else (status, shape(value))

    def row(surface, orig, fork):
        return Row(situation, surface, orig, None if fork == orig else fork, **extra)

    return [
        row(AUTH, answer(auth_orig, 401, detail), answer(auth_fork, 401, detail)),
        *(
            row(surface, (400, non_field(serializer_orig)), (400, non_field(serializer_fork)))
            for surface in (VERIFY_, REFRESH_)
        ),
    ]


TABLE = [
    *token_rows(
        "expired",
        "Signature has expired.",
        "Token has expired.",
        "Signature has expired.",
        "Token has expired.",
    ),
    *token_rows(
        "undecodable",
        "Error decoding signature.",
        "Error decoding token.",
        "Error decoding signature.",
        "Error decoding token.",
    ),
    *token_rows(
        "bad_signature",
        "Error decoding signature.",
        "Error decoding token.",
        "Error decoding signature.",
        "Error decoding token.",
    ),
    # orig verify/refresh: a 500 in 1.x (see the module docstring).
    *token_rows(
        "wrong_audience",
        "Incorrect authentication credentials.",
        "Invalid token.",
        "Invalid token.",
        "Invalid token.",
    ),
    *token_rows(
        "algorithm_not_allowed",
        "Incorrect authentication credentials.",
        "Invalid token.",
        "Invalid token.",
        "Invalid token.",
    ),
    Row(
        "bare_prefix",
        AUTH,
        (401, detail("Invalid Authorization header. No credentials provided.")),
        (401, detail(NOT_PROVIDED)),
    ),
    Row(
        "prefix_and_space",
        AUTH,
        (401, detail("Invalid Authorization header. No credentials provided.")),
        (401, detail(NOT_PROVIDED)),
    ),
    Row(
        "spaces",
        AUTH,
        (
            401,
            detail("Invalid Authorization header. Credentials string should not contain spaces."),
        ),
        (401, detail(NOT_PROVIDED)),
    ),
    *token_rows(
        "no_username", "Invalid payload.", "Invalid payload.", "Invalid payload.", "Invalid token."
    ),
    *token_rows(
        "user_missing",
        "Invalid signature.",
        "Invalid token.",
        "User doesn't exist.",
        "User doesn't exist.",
    ),
    # The user whose own secret (JWT_GET_USER_SECRET_KEY) verifies the token is gone. orig: 1.x
    # looked the user up by user_id and failed with a 500 (from-1x.md, difference 8).
    *token_rows(
        "user_missing_with_user_secret",
        "Invalid signature.",
        "Invalid token.",
        "User doesn't exist.",
        "User doesn't exist.",
        settings={"JWT_GET_USER_SECRET_KEY": "tests.test_refusal_table.user_secret"},
    ),
    *token_rows(
        "inactive",
        "User account is disabled.",
        "User account is disabled.",
        "User account is disabled.",
        "User account is disabled.",
    ),
    Row("inactive", IMPERSONATE, (400, non_field("User account is disabled."))),
    Row("inactive", OBTAIN_, (400, non_field("Unable to log in with provided credentials."))),
    Row(
        "inactive_allow_all_backend",
        OBTAIN_,
        (400, non_field("User account is disabled.")),
        (400, non_field("Unable to log in with provided credentials.")),  # drf-jwt: a token
        backends=ALLOW_ALL,
    ),
    Row(
        "bad_credentials", OBTAIN_, (400, non_field("Unable to log in with provided credentials."))
    ),
    Row(
        "unknown_username", OBTAIN_, (400, non_field("Unable to log in with provided credentials."))
    ),
    Row("blank_field", OBTAIN_, (400, {"password": ["This field may not be blank."]})),
    Row("missing_field", OBTAIN_, (400, {"username": ["This field is required."]})),
    *(
        Row("blank_field", surface, (400, {"token": ["This field may not be blank."]}))
        for surface in (VERIFY_, REFRESH_)
    ),
    *(
        Row("missing_field", surface, (400, {"token": ["This field is required."]}))
        for surface in (VERIFY_, REFRESH_)
    ),
    Row(
        "no_orig_iat",
        REFRESH_,
        (400, non_field("orig_iat field is required.")),
        (400, non_field("orig_iat field not found in token.")),
    ),
    Row("refresh_window_over", REFRESH_, (400, non_field("Refresh has expired."))),
    # orig: 1.x had no blacklist (see the module docstring). fork: a 403 from authentication.
    *token_rows(
        "blacklisted",
        "Token has been revoked.",
        (403, detail("Token is blacklisted.")),
        "Token has been revoked.",
        "Token is blacklisted.",
    ),
    # fork authentication: drf-jwt let it through (see the module docstring).
    *token_rows(
        "token_id_required_but_missing",
        "Incorrect authentication credentials.",
        "Invalid token.",
        "Invalid token.",
        "Invalid token.",
        settings={"JWT_TOKEN_ID": "require"},
    ),
]

MODES = {"orig": {}, "fork": {"JWT_COMPAT": "drf-jwt"}}


def _id(row: Row) -> str:
    return f"{row.situation}-{row.surface}"


# ----------------------------------------------------------------------------------------------
# Building each situation


def user_secret(user) -> str:
    return f"the-own-secret-of-user-{user.pk}-that-is-long-enough-for-hs256"


def payload_for(user, **changes) -> dict:
    payload = utils.jwt_payload_handler(user)
    payload.setdefault("orig_iat", NOW)  # refreshable unless the row says otherwise
    return changed(payload, **changes)


def encode(payload: dict) -> str:
    return utils.jwt_encode_handler(payload)


def token_for(situation: str, user, inactive_user) -> str:
    if situation == "expired":
        return encode(payload_for(user, exp=NOW - 1))
    if situation == "undecodable":
        return "not.a.token"
    if situation == "bad_signature":
        return jwt.encode(payload_for(user), OTHER_KEY, algorithm="HS256")
    if situation == "wrong_audience":
        return encode(payload_for(user, aud="someone-else"))
    if situation == "algorithm_not_allowed":
        with warnings.catch_warnings():  # PyJWT finds the test secret short for HS512
            warnings.simplefilter("ignore")
            return jwt.encode(payload_for(user), django_settings.SECRET_KEY, algorithm="HS512")
    if situation == "no_username":
        return encode(payload_for(user, username=DROP))
    if situation == "user_missing":
        return encode(payload_for(user, username="ghost"))
    if situation == "user_missing_with_user_secret":
        ghost = get_user_model().objects.create_user(username="ghost", password="abc123")
        token = encode(payload_for(ghost))
        ghost.delete()
        return token
    if situation == "inactive":
        return encode(payload_for(inactive_user))
    if situation == "no_orig_iat":
        return encode(payload_for(user, orig_iat=DROP))
    if situation == "refresh_window_over":
        return encode(payload_for(user, orig_iat=NOW - 8 * 24 * 3600))
    if situation == "blacklisted":
        payload = payload_for(user)
        token = encode(payload)
        revocation.revoke_token(token, payload, user=user)
        return token
    if situation == "token_id_required_but_missing":
        return encode(payload_for(user, jti=DROP))
    raise AssertionError(situation)  # pragma: no cover


HEADERS = {
    "bare_prefix": "{prefix}",
    "prefix_and_space": "{prefix} ",
    "spaces": "{prefix} abc def",
}

OBTAIN_BODIES = {
    "inactive": {"username": "sleeper", "password": "abc123"},
    "inactive_allow_all_backend": {"username": "sleeper", "password": "abc123"},
    "bad_credentials": {"username": "admin", "password": "wrong"},
    "unknown_username": {"username": "nobody", "password": "abc123"},
    "blank_field": {"username": "admin", "password": ""},
    "missing_field": {"password": "abc123"},
}


def answer(row: Row, user, inactive_user, superuser, prefix: str):
    if row.surface == OBTAIN_:
        return APIClient().post(OBTAIN, OBTAIN_BODIES[row.situation], format="json")
    if row.surface == IMPERSONATE:
        request = APIRequestFactory().post("/x/", {"user": inactive_user.pk}, format="json")
        force_authenticate(request, user=superuser)
        response = views.impersonate_jwt_token(request)
        response.render()
        return response
    if row.surface == AUTH:
        if row.situation in HEADERS:
            return protected(header=HEADERS[row.situation].format(prefix=prefix))
        return protected(header=f"{prefix} {token_for(row.situation, user, inactive_user)}")
    path = VERIFY if row.surface == VERIFY_ else REFRESH
    if row.situation == "blank_field":
        data = {"token": ""}
    elif row.situation == "missing_field":
        data = {}
    else:
        data = {"token": token_for(row.situation, user, inactive_user)}
    return APIClient().post(path, data, format="json")


# ----------------------------------------------------------------------------------------------
# The test


@pytest.mark.parametrize(
    ("row", "mode"),
    [pytest.param(row, mode, id=f"{_id(row)}-{mode}") for row in TABLE for mode in row.modes()],
)
def test_refusal(row, mode, settings, time_machine, user, inactive_user, superuser):
    time_machine.move_to(START, tick=False)
    settings.JWT_AUTH = {**MODES[mode], **row.settings}
    if row.backends:
        settings.AUTHENTICATION_BACKENDS = row.backends
    prefix = "Bearer" if mode == "fork" else "JWT"
    status, body = row.answer(mode)

    response = answer(row, user, inactive_user, superuser, prefix)

    assert response.status_code == status, response.content
    assert json.loads(response.content) == body
    if status == 401:
        assert response["WWW-Authenticate"] == f'{prefix} realm="api"'
    else:
        assert "WWW-Authenticate" not in response


def test_the_table_covers_every_situation_of_compat_md():
    situations = {row.situation for row in TABLE}
    assert situations >= {
        "expired",
        "undecodable",
        "wrong_audience",
        "bare_prefix",
        "spaces",
        "no_username",
        "user_missing",
        "inactive",
        "bad_credentials",
        "blank_field",
        "no_orig_iat",
        "refresh_window_over",
        "blacklisted",
        "token_id_required_but_missing",
    }
    # Every token situation is answered by authentication, verify and refresh.
    for situation in (
        situations
        - set(HEADERS)
        - set(OBTAIN_BODIES)
        - {
            "no_orig_iat",
            "refresh_window_over",
        }
    ):
        assert {row.surface for row in TABLE if row.situation == situation} >= {
            AUTH,
            VERIFY_,
            REFRESH_,
        }, situation


def test_a_missing_user_secret_is_still_pyjwts_invalid_signature(settings, user):
    # 1.x and drf-jwt code that catches PyJWT's errors around the decode handler keeps working.
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": user_secret}
    token = encode(payload_for(user))
    user.delete()

    with pytest.raises(jwt.InvalidSignatureError) as caught:
        utils.jwt_decode_handler(token)
    assert caught.value.code == "user_not_found"
