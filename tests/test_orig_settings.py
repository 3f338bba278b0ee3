"""1.x (orig) settings contract, read at call time (2.x decision)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import override_settings

from rest_framework_jwt import settings as jwt_settings
from rest_framework_jwt import utils
from rest_framework_jwt.settings import api_settings
from tests.helpers import make_token

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())
OTHER_SECRET = "another-secret-key-that-is-also-long-enough-0123456789"
NEW_SECRET_KEY = "a-brand-new-django-secret-key-that-is-long-enough-987654321"


def custom_payload_handler(user):
    payload = utils.jwt_payload_handler(user)
    payload["custom"] = "yes"
    return payload


@pytest.fixture
def reset_api_settings():
    """Drop attributes assigned on ``api_settings`` once the test is over."""
    yield
    with override_settings(SECRET_KEY=django_settings.SECRET_KEY):
        pass


# --- module contents ------------------------------------------------------------------------


def test_module_names():
    assert isinstance(jwt_settings.DEFAULTS, dict)
    assert "JWT_ENCODE_HANDLER" in jwt_settings.IMPORT_STRINGS
    assert hasattr(jwt_settings, "USER_SETTINGS")


def test_import_strings_cover_orig_handlers():
    for name in (
        "JWT_ENCODE_HANDLER",
        "JWT_DECODE_HANDLER",
        "JWT_PAYLOAD_HANDLER",
        "JWT_PAYLOAD_GET_USER_ID_HANDLER",
        "JWT_PAYLOAD_GET_USERNAME_HANDLER",
        "JWT_RESPONSE_PAYLOAD_HANDLER",
        "JWT_GET_USER_SECRET_KEY",
    ):
        assert name in jwt_settings.IMPORT_STRINGS


def test_orig_defaults():
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"
    assert api_settings.JWT_ALLOW_REFRESH is False
    assert timedelta(seconds=300) == api_settings.JWT_EXPIRATION_DELTA
    assert timedelta(days=7) == api_settings.JWT_REFRESH_EXPIRATION_DELTA
    assert api_settings.JWT_ALGORITHM == "HS256"
    assert api_settings.JWT_VERIFY is True
    assert api_settings.JWT_VERIFY_EXPIRATION is True
    assert api_settings.JWT_LEEWAY == 0
    assert api_settings.JWT_AUDIENCE is None
    assert api_settings.JWT_ISSUER is None
    assert api_settings.JWT_AUTH_COOKIE is None
    assert api_settings.JWT_GET_USER_SECRET_KEY is None
    assert api_settings.JWT_PRIVATE_KEY is None
    assert api_settings.JWT_PUBLIC_KEY is None
    assert api_settings.JWT_SECRET_KEY == django_settings.SECRET_KEY


def test_default_handlers_are_the_orig_functions():
    assert api_settings.JWT_ENCODE_HANDLER is utils.jwt_encode_handler
    assert api_settings.JWT_DECODE_HANDLER is utils.jwt_decode_handler
    assert api_settings.JWT_PAYLOAD_HANDLER is utils.jwt_payload_handler
    assert (
        api_settings.JWT_PAYLOAD_GET_USERNAME_HANDLER is utils.jwt_get_username_from_payload_handler
    )
    assert (
        api_settings.JWT_PAYLOAD_GET_USER_ID_HANDLER is utils.jwt_get_user_id_from_payload_handler
    )
    assert api_settings.JWT_RESPONSE_PAYLOAD_HANDLER is utils.jwt_response_payload_handler


def test_unknown_setting_raises_attribute_error():
    with pytest.raises(AttributeError):
        api_settings.JWT_NOT_A_SETTING  # noqa: B018


def test_partial_override_keeps_other_defaults(settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    assert api_settings.JWT_ALLOW_REFRESH is True
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"
    assert timedelta(seconds=300) == api_settings.JWT_EXPIRATION_DELTA


# --- override_settings takes effect immediately ---------------------------------------------


def test_override_prefix(client, user):
    token = make_token(user)
    with override_settings(JWT_AUTH={"JWT_AUTH_HEADER_PREFIX": "Bearer"}):
        assert api_settings.JWT_AUTH_HEADER_PREFIX == "Bearer"
        response = client.get("/protected/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        assert response.json() == {"username": "admin"}
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200


def test_override_expiration_delta(client, user, password):
    with (
        override_settings(JWT_AUTH={"JWT_EXPIRATION_DELTA": timedelta(minutes=1)}),
        time_machine.travel(NOW, tick=False),
    ):
        response = client.post(
            "/api-token-auth/", {"username": "admin", "password": password}, format="json"
        )
    token = response.json()["token"]
    with time_machine.travel(NOW, tick=False):
        assert utils.jwt_decode_handler(token)["exp"] == NOW_TS + 60
    with time_machine.travel(NOW, tick=False):
        assert utils.jwt_payload_handler(user)["exp"] == NOW_TS + 300


def test_override_secret(user):
    token = make_token(user)
    with override_settings(JWT_AUTH={"JWT_SECRET_KEY": OTHER_SECRET}):
        assert api_settings.JWT_SECRET_KEY == OTHER_SECRET
        with pytest.raises(jwt.DecodeError):
            utils.jwt_decode_handler(token)
        other = make_token(user)
        assert jwt.decode(other, OTHER_SECRET, algorithms=["HS256"])["username"] == "admin"
    assert utils.jwt_decode_handler(token)["username"] == "admin"
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_handler(other)


def test_secret_key_change_is_picked_up(user):
    token = make_token(user)
    with override_settings(SECRET_KEY=NEW_SECRET_KEY):
        assert api_settings.JWT_SECRET_KEY == NEW_SECRET_KEY
        with pytest.raises(jwt.DecodeError):
            utils.jwt_decode_handler(token)
        fresh = make_token(user)
        assert jwt.decode(fresh, NEW_SECRET_KEY, algorithms=["HS256"])["username"] == "admin"
    assert api_settings.JWT_SECRET_KEY == django_settings.SECRET_KEY
    assert utils.jwt_decode_handler(token)["username"] == "admin"


def test_settings_fixture_is_picked_up(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_HEADER_PREFIX": "Token"}
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    assert response.status_code == 200


# --- attribute assignment (what the 1.x test suites do) -------------------------------------


def test_attribute_assignment(client, user, reset_api_settings):
    token = make_token(user)
    api_settings.JWT_AUTH_HEADER_PREFIX = "X"
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "X"
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"X {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_attribute_assignment_of_handler(client, user, password, reset_api_settings):
    api_settings.JWT_PAYLOAD_HANDLER = custom_payload_handler
    response = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    )
    token = response.json()["token"]
    assert utils.jwt_decode_handler(token)["custom"] == "yes"


def test_attribute_assignment_lasts_until_override(reset_api_settings):
    api_settings.JWT_AUTH_HEADER_PREFIX = "X"
    with override_settings(JWT_AUTH={"JWT_ALLOW_REFRESH": True}):
        assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"


def test_attribute_assignment_dropped_on_secret_key_reload(reset_api_settings):
    api_settings.JWT_AUTH_HEADER_PREFIX = "X"
    with override_settings(SECRET_KEY=NEW_SECRET_KEY):
        pass
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"


# --- handler values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handler", ["tests.test_orig_settings.custom_payload_handler", custom_payload_handler]
)
def test_payload_handler_dotted_path_or_callable(client, user, password, settings, handler):
    settings.JWT_AUTH = {"JWT_PAYLOAD_HANDLER": handler}
    assert api_settings.JWT_PAYLOAD_HANDLER is custom_payload_handler
    response = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert utils.jwt_decode_handler(token)["custom"] == "yes"


# --- int refresh delta ----------------------------------------------------------------------


def test_int_refresh_expiration_delta(client, user, settings):
    settings.JWT_AUTH = {
        "JWT_ALLOW_REFRESH": True,
        "JWT_EXPIRATION_DELTA": timedelta(days=1),
        "JWT_REFRESH_EXPIRATION_DELTA": 3600,
    }
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=3500), tick=False):
        response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 200
    with time_machine.travel(NOW + timedelta(seconds=3601), tick=False):
        response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Refresh has expired."]}
