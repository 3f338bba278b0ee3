"""1.x (orig) behaviour of the obtain / refresh / verify views in the default mode."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import jwt
import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import resolve

from rest_framework_jwt import utils, views
from tests.helpers import forge, make_token

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())

OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"


def claims(token):
    """The claims, checked against SECRET_KEY only (the clock may have moved since)."""
    return jwt.decode(
        token,
        django_settings.SECRET_KEY,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_iat": False},
    )


def custom_response_handler(token, user=None, request=None):
    return {"token": token, "user": user.get_username(), "path": request.path}


def assert_non_field_error(response, message):
    assert response.status_code == 400, response.content
    assert response.json() == {"non_field_errors": [message]}


def cache_control(response):
    return [part.strip() for part in response["Cache-Control"].split(",")]


# --- obtain ---------------------------------------------------------------------------------


def test_obtain_json(client, user, password):
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["token"]
    assert claims(body["token"])["username"] == "admin"
    assert claims(body["token"])["user_id"] == user.pk


def test_obtain_form(client, user, password):
    response = client.post(
        OBTAIN,
        urlencode({"username": "admin", "password": password}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert claims(response.json()["token"])["username"] == "admin"


def test_obtain_multipart(client, user, password):
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="multipart")
    assert response.status_code == 200
    assert claims(response.json()["token"])["username"] == "admin"


def test_obtained_token_authenticates(client, user, password):
    token = client.post(OBTAIN, {"username": "admin", "password": password}).json()["token"]
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_obtain_payload_is_the_payload_handlers(client, user, password):
    with time_machine.travel(NOW, tick=False):
        token = client.post(OBTAIN, {"username": "admin", "password": password}).json()["token"]
    payload = claims(token)
    assert set(payload) == {"user_id", "username", "email", "exp", "iat", "jti", "pwv"}
    assert payload["exp"] == NOW_TS + 300
    assert payload["email"] == "admin@example.com"


def test_obtain_cache_control_no_store(client, user, password):
    response = client.post(OBTAIN, {"username": "admin", "password": password})
    assert "no-store" in cache_control(response)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "admin", "password": "wrong"},
        {"username": "nobody", "password": "abc123"},
    ],
)
def test_obtain_bad_credentials(client, user, data):
    response = client.post(OBTAIN, data, format="json")
    assert_non_field_error(response, "Unable to log in with provided credentials.")


def test_obtain_inactive_user_default_backend(client, inactive_user, password):
    response = client.post(OBTAIN, {"username": "sleeper", "password": password}, format="json")
    assert_non_field_error(response, "Unable to log in with provided credentials.")


def test_obtain_inactive_user_allow_all_backend(client, inactive_user, password, settings):
    # As 1.x: only reachable with the right password, so it tells nothing to a guesser.
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
    response = client.post(OBTAIN, {"username": "sleeper", "password": password}, format="json")
    assert_non_field_error(response, "User account is disabled.")
    response = client.post(OBTAIN, {"username": "sleeper", "password": "wrong"}, format="json")
    assert_non_field_error(response, "Unable to log in with provided credentials.")


def test_obtain_missing_fields(client, db):
    response = client.post(OBTAIN, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_obtain_missing_password(client, user):
    response = client.post(OBTAIN, {"username": "admin"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_obtain_blank_fields(client, db):
    response = client.post(OBTAIN, {"username": "", "password": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field may not be blank."],
        "password": ["This field may not be blank."],
    }


def test_obtain_errors_set_no_cookie(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt"}
    response = client.post(OBTAIN, {"username": "admin", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "jwt" not in response.cookies


def test_obtain_ignores_authorization_header(client, user, password):
    response = client.post(
        OBTAIN,
        {"username": "admin", "password": password},
        format="json",
        HTTP_AUTHORIZATION="JWT garbage",
    )
    assert response.status_code == 200


def test_obtain_get_not_allowed(client, db):
    response = client.get(OBTAIN)
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}


# --- refresh --------------------------------------------------------------------------------


def test_refresh(client, user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    old = claims(token)
    assert old["orig_iat"] == NOW_TS

    with time_machine.travel(NOW + timedelta(seconds=100), tick=False):
        response = client.post(REFRESH, {"token": token}, format="json")
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    new_token = response.json()["token"]
    new = claims(new_token)
    assert new_token != token
    assert new["orig_iat"] == NOW_TS
    assert new["exp"] == NOW_TS + 100 + 300
    assert new["exp"] > old["exp"]
    assert new["username"] == "admin"
    assert "no-store" in cache_control(response)


def test_refresh_chain_keeps_orig_iat(client, user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    for minutes in (1, 2, 3):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            response = client.post(REFRESH, {"token": token}, format="json")
        assert response.status_code == 200
        token = response.json()["token"]
        assert claims(token)["orig_iat"] == NOW_TS
        assert claims(token)["exp"] == NOW_TS + minutes * 60 + 300


def test_refresh_without_orig_iat(client, user):
    response = client.post(REFRESH, {"token": make_token(user)}, format="json")
    assert_non_field_error(response, "orig_iat field is required.")


def test_refresh_window_over(client, user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True, "JWT_EXPIRATION_DELTA": timedelta(days=30)}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        assert client.post(REFRESH, {"token": token}, format="json").status_code == 200
    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        response = client.post(REFRESH, {"token": token}, format="json")
    assert_non_field_error(response, "Refresh has expired.")


def test_refresh_expired_token(client, user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        response = client.post(REFRESH, {"token": token}, format="json")
    assert_non_field_error(response, "Signature has expired.")


def test_refresh_missing_token(client, db):
    response = client.post(REFRESH, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"token": ["This field is required."]}


def test_refresh_garbage(client, db):
    response = client.post(REFRESH, {"token": "garbage"}, format="json")
    assert_non_field_error(response, "Error decoding signature.")


def test_refresh_inactive_user(client, inactive_user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    response = client.post(REFRESH, {"token": make_token(inactive_user)}, format="json")
    assert_non_field_error(response, "User account is disabled.")


# --- verify ---------------------------------------------------------------------------------


def test_verify(client, user):
    token = make_token(user)
    response = client.post(VERIFY, {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token}
    assert "no-store" in cache_control(response)


def test_verify_form(client, user):
    token = make_token(user)
    response = client.post(
        VERIFY, urlencode({"token": token}), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.json() == {"token": token}


def test_verify_expired(client, user):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        response = client.post(VERIFY, {"token": token}, format="json")
    assert_non_field_error(response, "Signature has expired.")


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_verify_garbage(client, db, token):
    response = client.post(VERIFY, {"token": token}, format="json")
    assert_non_field_error(response, "Error decoding signature.")


def test_verify_bad_signature(client, user):
    token = jwt.encode(
        utils.jwt_payload_handler(user),
        "another-secret-key-that-is-also-long-enough-0123456789",
        algorithm="HS256",
    )
    response = client.post(VERIFY, {"token": token}, format="json")
    assert_non_field_error(response, "Error decoding signature.")


def test_verify_deleted_user(client, user):
    token = make_token(user)
    user.delete()
    response = client.post(VERIFY, {"token": token}, format="json")
    assert_non_field_error(response, "User doesn't exist.")


def test_verify_inactive_user(client, inactive_user):
    response = client.post(VERIFY, {"token": make_token(inactive_user)}, format="json")
    assert_non_field_error(response, "User account is disabled.")


def test_verify_missing_username(client, user):
    payload = utils.jwt_payload_handler(user)
    del payload["username"]
    response = client.post(VERIFY, {"token": forge(payload)}, format="json")
    assert_non_field_error(response, "Invalid payload.")


def test_verify_wrong_audience_is_400_not_500(client, user):
    token = forge({**utils.jwt_payload_handler(user), "aud": "someone-else"})
    response = client.post(VERIFY, {"token": token}, format="json")
    assert_non_field_error(response, "Invalid token.")


def test_refresh_wrong_issuer_is_400_not_500(client, user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True, "JWT_ISSUER": "me"}
    token = forge({**utils.jwt_payload_handler(user), "iss": "mallory"})
    response = client.post(REFRESH, {"token": token}, format="json")
    assert_non_field_error(response, "Invalid token.")


# --- cookie ---------------------------------------------------------------------------------


def test_no_cookie_by_default(client, user, password):
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert not response.cookies


def _assert_token_cookie(response, name):
    token = response.json()["token"]
    morsel = response.cookies[name]
    assert morsel.value == token
    assert morsel["httponly"] is True
    assert morsel["path"] == "/"
    assert not morsel["secure"]
    assert not morsel["samesite"]
    assert not morsel["domain"]
    assert 299 <= int(morsel["max-age"]) <= 301


def test_obtain_sets_cookie(client, user, password, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt"}
    with time_machine.travel(NOW, tick=False):
        response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    _assert_token_cookie(response, "jwt")


def test_refresh_sets_cookie(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt", "JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
        response = client.post(REFRESH, {"token": token}, format="json")
    assert response.status_code == 200
    _assert_token_cookie(response, "jwt")


def test_verify_does_not_set_cookie(client, user, settings):
    # 1.x set it here too; 2.x does not (login CSRF: docs/migrating/from-1x.md).
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt"}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
        response = client.post(VERIFY, {"token": token}, format="json")
    assert response.status_code == 200
    assert "jwt" not in response.cookies


def test_obtained_cookie_authenticates(client, user, password, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt"}
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    # The test client keeps the cookie it was given.
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


# --- view classes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "view_class",
    [
        views.JSONWebTokenAPIView,
        views.ObtainJSONWebToken,
        views.RefreshJSONWebToken,
        views.VerifyJSONWebToken,
    ],
)
def test_views_have_no_permissions_or_authentication(view_class):
    assert tuple(view_class.permission_classes) == ()
    assert tuple(view_class.authentication_classes) == ()


def test_module_callables_are_the_orig_views():
    assert views.obtain_jwt_token.view_class is views.ObtainJSONWebToken
    assert views.refresh_jwt_token.view_class is views.RefreshJSONWebToken
    assert views.verify_jwt_token.view_class is views.VerifyJSONWebToken


def test_views_use_module_response_handler(client, user, password, monkeypatch):
    monkeypatch.setattr(views, "jwt_response_payload_handler", custom_response_handler)
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == "admin"
    assert body["path"] == OBTAIN
    assert claims(body["token"])["username"] == "admin"

    token = body["token"]
    response = client.post(VERIFY, {"token": token}, format="json")
    assert response.json() == {"token": token, "user": "admin", "path": VERIFY}


def test_response_handler_setting(client, user, password, settings):
    settings.JWT_AUTH = {
        "JWT_RESPONSE_PAYLOAD_HANDLER": "tests.test_orig_views.custom_response_handler"
    }
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert response.json()["user"] == "admin"
    assert response.json()["path"] == OBTAIN


# --- included urls --------------------------------------------------------------------------


def test_included_url_names():
    assert resolve("/included/api-token-auth/").url_name == "jwt-obtain"
    assert resolve("/included/api-token-refresh/").url_name == "jwt-refresh"
    assert resolve("/included/api-token-verify/").url_name == "jwt-verify"


def test_included_urls(client, user, password, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    response = client.post(
        "/included/api-token-auth/", {"username": "admin", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    response = client.post("/included/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token}

    response = client.post("/included/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 200
    assert claims(response.json()["token"])["orig_iat"] == claims(token)["orig_iat"]


def test_included_obtain_bad_credentials(client, user):
    response = client.post(
        "/included/api-token-auth/", {"username": "admin", "password": "no"}, format="json"
    )
    assert_non_field_error(response, "Unable to log in with provided credentials.")


# --- browsable API --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [OBTAIN, REFRESH, VERIFY, "/included/api-token-auth/"])
def test_browsable_api_get(client, db, url):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("text/html")


def test_browsable_api_post(client, user, password):
    response = client.post(
        OBTAIN,
        urlencode({"username": "admin", "password": password}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_browsable_api_post_invalid(client, user):
    response = client.post(
        OBTAIN,
        urlencode({"username": "admin", "password": "wrong"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Unable to log in with provided credentials." in response.content.decode()


def test_options_describes_post_fields(client, db):
    response = client.options(OBTAIN)
    assert response.status_code == 200
    post = response.json()["actions"]["POST"]
    assert {"username", "password"} <= set(post)


def marking_encode_handler(payload):
    """Encodes as usual, then marks the token so the test can see this handler ran."""
    return "custom." + utils.jwt_encode_handler(payload)


def test_encode_handler_setting_used_by_obtain(client, user, password, settings):
    settings.JWT_AUTH = {"JWT_ENCODE_HANDLER": "tests.test_orig_views.marking_encode_handler"}
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert response.json()["token"].startswith("custom.")
