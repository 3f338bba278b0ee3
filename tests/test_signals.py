"""Signals for audit logging: the package's token_issued, token_refreshed and token_refused, and
Django's user_login_failed and user_logged_in; last_login is written by token logins only when
JWT_UPDATE_LAST_LOGIN is on."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from rest_framework_jwt import utils
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.signals import token_issued, token_refreshed, token_refused
from rest_framework_jwt.views import (
    ImpersonateJSONWebToken,
    ObtainJSONWebToken,
    RefreshJSONWebToken,
    VerifyJSONWebToken,
)
from tests.helpers import START, capture, decode

OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"
IMPERSONATE = "/api-token-impersonate/"
PROTECTED = "/protected/"


@pytest.fixture
def configured(settings, frozen):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    return settings


def obtain(client, username="admin", password="abc123"):
    return client.post(OBTAIN, {"username": username, "password": password}, format="json")


def token_for(user, **changes) -> str:
    payload = dict(utils.jwt_payload_handler(user))
    payload.update(changes)
    return utils.jwt_encode_handler(payload)


# ----------------------------------------------------------------------------------------------
# token_issued


def test_token_issued_on_obtain(configured, client, user):
    with capture(token_issued) as issued:
        response = obtain(client)
    assert response.status_code == 200
    assert len(issued) == 1
    call = issued[0]
    assert call["sender"] is ObtainJSONWebToken
    assert call["user"] == user
    assert call["payload"] == decode(response.data["token"])
    assert call["request"].method == "POST"
    assert call["request"].path == OBTAIN


def test_token_issued_not_sent_on_failed_obtain(configured, client, user, inactive_user):
    with capture(token_issued) as issued:
        assert obtain(client, password="wrong").status_code == 400
        assert obtain(client, "nobody").status_code == 400
        assert obtain(client, "sleeper").status_code == 400
    assert issued == []


def test_token_issued_on_impersonation(configured, client, user, superuser):
    root_token = obtain(client, "root").data["token"]
    client.credentials(HTTP_AUTHORIZATION=f"JWT {root_token}")
    with capture(token_issued) as issued:
        response = client.post(IMPERSONATE, {"user": user.pk}, format="json")
    assert response.status_code == 201
    assert len(issued) == 1
    call = issued[0]
    assert call["sender"] is ImpersonateJSONWebToken
    assert call["user"] == user
    assert call["payload"]["act"]["sub"] == "root"
    assert call["payload"]["act"]["user_id"] == superuser.pk
    assert call["payload"] == decode(response.data["token"])
    assert call["request"].user == superuser


def test_token_issued_in_fork_mode(settings, frozen, client, user):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    with capture(token_issued) as issued:
        response = obtain(client)
    assert response.status_code == 201
    assert [call["user"] for call in issued] == [user]


# ----------------------------------------------------------------------------------------------
# token_refreshed


def test_token_refreshed(configured, client, user, frozen):
    old = obtain(client).data["token"]
    frozen.shift(30)
    with capture(token_refreshed) as refreshed, capture(token_issued) as issued:
        response = client.post(REFRESH, {"token": old}, format="json")
    assert response.status_code == 200
    assert issued == []
    assert len(refreshed) == 1
    call = refreshed[0]
    assert call["sender"] is RefreshJSONWebToken
    assert call["user"] == user
    assert call["payload"] == decode(response.data["token"])
    assert call["previous"] == decode(old)
    assert call["payload"]["iat"] == call["previous"]["iat"] + 30
    assert call["payload"]["orig_iat"] == call["previous"]["orig_iat"]
    assert call["request"].path == REFRESH


def test_token_refreshed_not_sent_on_failed_refresh(configured, client, user):
    with capture(token_refreshed) as refreshed:
        assert client.post(REFRESH, {"token": "nope"}, format="json").status_code == 400
    assert refreshed == []


# ----------------------------------------------------------------------------------------------
# token_refused


def _auth_cases(user, inactive_user):
    return {
        "expired": (f"JWT {token_for(user, exp=int(START.timestamp()) - 1)}", "token_expired"),
        "garbage": ("JWT abc", "token_decode_error"),
        "bad_signature": (f"JWT {token_for(user)[:-4]}AAAA", "token_decode_error"),
        "spaces": ("JWT a b", "authorization_header_spaces"),
        "no_credentials": ("JWT", "authorization_header_no_credentials"),
        "too_large": ("JWT " + "a" * 9000, "token_too_large"),
        "unknown_user": (f"JWT {token_for(user, username='nobody')}", "user_not_found"),
        "inactive_user": (f"JWT {token_for(inactive_user)}", "user_inactive"),
    }


AUTH_CASES = [
    "expired",
    "garbage",
    "bad_signature",
    "spaces",
    "no_credentials",
    "too_large",
    "unknown_user",
    "inactive_user",
]


@pytest.mark.parametrize("case", AUTH_CASES)
def test_token_refused_on_401(configured, client, user, inactive_user, case):
    header, code = _auth_cases(user, inactive_user)[case]
    with capture(token_refused) as refused:
        response = client.get(PROTECTED, HTTP_AUTHORIZATION=header, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 401
    assert len(refused) == 1
    call = refused[0]
    assert call["sender"] is JSONWebTokenAuthentication
    assert call["code"] == code


@pytest.mark.parametrize("case", AUTH_CASES)
def test_token_refused_on_401_carries_the_request(configured, client, user, inactive_user, case):
    # An audit receiver needs the request (client address, path) for every refusal.
    header, _ = _auth_cases(user, inactive_user)[case]
    with capture(token_refused) as refused:
        client.get(PROTECTED, HTTP_AUTHORIZATION=header, REMOTE_ADDR="192.0.2.7")
    request = refused[0]["request"]
    assert request is not None
    assert request.META["REMOTE_ADDR"] == "192.0.2.7"
    assert request.path == PROTECTED


def test_token_refused_not_sent_for_valid_or_missing_tokens(configured, client, user):
    with capture(token_refused) as refused:
        assert client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token_for(user)}").status_code == 200
        assert client.get(PROTECTED).status_code == 401
        assert client.get(PROTECTED, HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==").status_code == 401
    assert refused == []


@pytest.mark.parametrize(
    ("route", "view"), [(VERIFY, VerifyJSONWebToken), (REFRESH, RefreshJSONWebToken)]
)
@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("expired", "token_expired"),
        ("garbage", "token_decode_error"),
        ("unknown_user", "user_not_found"),
        ("inactive_user", "user_inactive"),
    ],
)
def test_token_refused_on_400(configured, client, user, inactive_user, route, view, case, code):
    token = _auth_cases(user, inactive_user)[case][0].split(" ", 1)[1]
    with capture(token_refused) as refused:
        response = client.post(route, {"token": token}, format="json", REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 400
    assert len(refused) == 1
    call = refused[0]
    assert call["sender"] is view
    assert call["code"] == code
    assert call["request"].META["REMOTE_ADDR"] == "192.0.2.8"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"orig_iat": None}, "orig_iat_invalid"),
        ({"act": {"sub": "root"}}, "impersonation_refresh"),
        ({"orig_iat": int(START.timestamp()) - 8 * 86400}, "refresh_expired"),
    ],
)
def test_token_refused_on_refresh_only_errors(configured, client, user, changes, code):
    token = token_for(user, **changes)
    with capture(token_refused) as refused:
        response = client.post(REFRESH, {"token": token}, format="json")
    assert response.status_code == 400
    assert [(call["sender"], call["code"]) for call in refused] == [(RefreshJSONWebToken, code)]


def test_token_refused_not_sent_for_a_missing_token_field(configured, client):
    # A field error is not a refused token.
    with capture(token_refused) as refused:
        assert client.post(VERIFY, {}, format="json").status_code == 400
    assert refused == []


def test_token_refused_not_sent_on_obtain_failure(configured, client, user, inactive_user):
    with capture(token_refused) as refused, capture(user_login_failed) as failed:
        assert obtain(client, password="wrong").status_code == 400
        assert obtain(client, "nobody").status_code == 400
    assert refused == []
    assert len(failed) == 2


def test_token_refused_in_fork_mode(settings, frozen, client, user):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    with capture(token_refused) as refused:
        assert client.post(VERIFY, {"token": "abc"}, format="json").status_code == 400
        assert client.get(PROTECTED, HTTP_AUTHORIZATION="Bearer abc").status_code == 401
    assert [call["code"] for call in refused] == ["token_decode_error", "token_decode_error"]


# ----------------------------------------------------------------------------------------------
# Django's user_login_failed and user_logged_in


@pytest.mark.parametrize(
    "backends",
    [
        ["django.contrib.auth.backends.ModelBackend"],
        ["django.contrib.auth.backends.AllowAllUsersModelBackend"],
    ],
    ids=["ModelBackend", "AllowAllUsersModelBackend"],
)
@pytest.mark.parametrize(
    ("username", "attempt"),
    [("admin", "wrong"), ("nobody", "abc123"), ("sleeper", "abc123")],
    ids=["wrong_password", "unknown_user", "inactive_user"],
)
def test_user_login_failed_on_obtain_failure(
    configured, client, user, inactive_user, backends, username, attempt
):
    configured.AUTHENTICATION_BACKENDS = backends
    with capture(user_login_failed) as failed, capture(user_logged_in) as logged_in:
        response = obtain(client, username, attempt)
    assert response.status_code == 400
    assert logged_in == []
    assert len(failed) == 1
    call = failed[0]
    assert call["credentials"]["username"] == username
    # The password is never passed on in clear.
    assert attempt not in call["credentials"].values()
    assert call["request"] is not None
    assert call["request"].path == OBTAIN


def test_user_logged_in_on_obtain_success(configured, client, user):
    with capture(user_logged_in) as logged_in, capture(user_login_failed) as failed:
        assert obtain(client).status_code == 200
    assert failed == []
    assert len(logged_in) == 1
    call = logged_in[0]
    assert call["sender"] is get_user_model()
    assert call["user"] == user
    assert call["request"].path == OBTAIN


def test_user_logged_in_not_sent_on_refresh_or_verify(configured, client, user):
    token = token_for(user)
    with capture(user_logged_in) as logged_in:
        assert client.post(REFRESH, {"token": token}, format="json").status_code == 200
        assert client.post(VERIFY, {"token": token}, format="json").status_code == 200
    assert logged_in == []


# ----------------------------------------------------------------------------------------------
# last_login


def test_token_obtain_leaves_last_login_alone_by_default(configured, client, user):
    assert user.last_login is None
    assert obtain(client).status_code == 200
    user.refresh_from_db()
    assert user.last_login is None


def test_token_obtain_updates_last_login_when_asked(settings, frozen, client, user):
    settings.JWT_AUTH = {"JWT_UPDATE_LAST_LOGIN": True}
    assert obtain(client).status_code == 200
    user.refresh_from_db()
    assert user.last_login == START


def test_failed_obtain_never_updates_last_login(settings, frozen, client, user):
    settings.JWT_AUTH = {"JWT_UPDATE_LAST_LOGIN": True}
    assert obtain(client, password="wrong").status_code == 400
    user.refresh_from_db()
    assert user.last_login is None


@pytest.mark.parametrize("update", [False, True])
def test_session_login_still_updates_last_login(settings, frozen, client, user, password, update):
    settings.JWT_AUTH = {"JWT_UPDATE_LAST_LOGIN": update}
    assert client.login(username="admin", password=password)
    user.refresh_from_db()
    assert user.last_login == START


def test_one_last_login_receiver_is_connected():
    receivers = [key for key, *_ in user_logged_in.receivers if key[0] == "update_last_login"]
    assert len(receivers) == 1
