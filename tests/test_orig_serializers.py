"""1.x (orig) behaviour of ``rest_framework_jwt.serializers`` in the default mode."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from rest_framework import serializers as drf_serializers

from rest_framework_jwt import serializers, utils
from tests.helpers import forge, make_token

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())


# --- JSONWebTokenSerializer -----------------------------------------------------------------


def test_obtain_serializer_fields(db):
    serializer = serializers.JSONWebTokenSerializer()
    assert serializer.username_field == "username"
    assert set(serializer.fields) >= {"username", "password"}
    password = serializer.fields["password"]
    assert password.write_only is True
    assert password.style.get("input_type") == "password"
    assert serializer.fields["username"].required is True
    assert password.required is True


def test_obtain_serializer_unbound_data(db):
    assert serializers.JSONWebTokenSerializer().data == {"username": "", "password": ""}


def test_obtain_serializer_valid(user, password):
    serializer = serializers.JSONWebTokenSerializer(
        data={"username": "admin", "password": password}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.object["user"] == user
    assert serializer.object == serializer.validated_data
    token = serializer.object["token"]
    assert isinstance(token, str)
    assert utils.jwt_decode_handler(token)["username"] == "admin"


def test_obtain_serializer_invalid_credentials(user):
    serializer = serializers.JSONWebTokenSerializer(data={"username": "admin", "password": "x"})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "non_field_errors": ["Unable to log in with provided credentials."]
    }
    assert serializer.errors["non_field_errors"][0].code == "invalid_credentials"


def test_obtain_serializer_inactive_user_with_allow_all_backend(inactive_user, password, settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
    serializer = serializers.JSONWebTokenSerializer(
        data={"username": "sleeper", "password": password}
    )
    assert not serializer.is_valid()
    # As 1.x: the backend accepted the password, the account is disabled.
    assert serializer.errors == {"non_field_errors": ["User account is disabled."]}
    assert serializer.errors["non_field_errors"][0].code == "user_inactive"


def test_obtain_serializer_required_fields(db):
    serializer = serializers.JSONWebTokenSerializer(data={})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


# --- VerificationBaseSerializer -------------------------------------------------------------


def test_verification_base_validate_is_abstract():
    with pytest.raises(NotImplementedError):
        serializers.VerificationBaseSerializer().validate({"token": "x"})


def test_verification_base_helpers(user):
    token = make_token(user)
    base = serializers.VerificationBaseSerializer()
    payload = base._check_payload(token=token)
    assert payload["username"] == "admin"
    assert base._check_user(payload=payload) == user


def test_verification_base_check_payload_errors(user):
    base = serializers.VerificationBaseSerializer()
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        base._check_payload(token="garbage")
    assert excinfo.value.detail == ["Error decoding signature."]
    assert excinfo.value.get_codes() == ["token_decode_error"]


def test_verification_base_check_user_errors(user, inactive_user):
    base = serializers.VerificationBaseSerializer()
    cases = [
        ({"user_id": 1}, "Invalid payload.", "payload_invalid"),
        ({"username": "ghost"}, "User doesn't exist.", "user_not_found"),
        ({"username": "sleeper"}, "User account is disabled.", "user_inactive"),
    ]
    for payload, message, code in cases:
        with pytest.raises(drf_serializers.ValidationError) as excinfo:
            base._check_user(payload=payload)
        assert excinfo.value.detail == [message]
        assert excinfo.value.get_codes() == [code]


# --- VerifyJSONWebTokenSerializer -----------------------------------------------------------


def test_verify_serializer_valid(user):
    token = make_token(user)
    serializer = serializers.VerifyJSONWebTokenSerializer(data={"token": token})
    assert serializer.is_valid(), serializer.errors
    assert serializer.object["token"] == token
    assert serializer.object["user"] == user


def test_verify_serializer_expired(user):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        serializer = serializers.VerifyJSONWebTokenSerializer(data={"token": token})
        assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["Signature has expired."]}
    assert serializer.errors["non_field_errors"][0].code == "token_expired"


def test_verify_serializer_unknown_user(db):
    token = forge({"username": "ghost", "user_id": 42, "exp": NOW_TS + 10**8})
    serializer = serializers.VerifyJSONWebTokenSerializer(data={"token": token})
    assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["User doesn't exist."]}


def test_verify_serializer_other_invalid_token(user):
    token = forge({**utils.jwt_payload_handler(user), "aud": "someone-else"})
    serializer = serializers.VerifyJSONWebTokenSerializer(data={"token": token})
    assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["Invalid token."]}
    # The brief names this code "token_invalid"; a more specific suffix is allowed.
    assert serializer.errors["non_field_errors"][0].code.startswith("token_invalid")


# --- RefreshJSONWebTokenSerializer ----------------------------------------------------------


def test_refresh_serializer_valid(user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=60), tick=False):
        serializer = serializers.RefreshJSONWebTokenSerializer(data={"token": token})
        assert serializer.is_valid(), serializer.errors
        new = utils.jwt_decode_handler(serializer.object["token"])
    assert serializer.object["user"] == user
    assert new["orig_iat"] == NOW_TS
    assert new["exp"] == NOW_TS + 60 + 300


def test_refresh_serializer_orig_iat_missing(user):
    serializer = serializers.RefreshJSONWebTokenSerializer(data={"token": make_token(user)})
    assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["orig_iat field is required."]}
    assert serializer.errors["non_field_errors"][0].code == "orig_iat_missing"


def test_refresh_serializer_refresh_expired(user, settings):
    settings.JWT_AUTH = {
        "JWT_ALLOW_REFRESH": True,
        "JWT_EXPIRATION_DELTA": timedelta(days=30),
        "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=1),
    }
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
        serializer = serializers.RefreshJSONWebTokenSerializer(data={"token": token})
        assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["Refresh has expired."]}
    assert serializer.errors["non_field_errors"][0].code == "refresh_expired"


# --- fork aliases exist (same classes or subclasses) ----------------------------------------


def test_fork_alias_names_exist():
    assert issubclass(serializers.VerifyAuthTokenSerializer, drf_serializers.Serializer)
    assert issubclass(serializers.RefreshAuthTokenSerializer, drf_serializers.Serializer)
    assert issubclass(serializers.ImpersonateAuthTokenSerializer, drf_serializers.Serializer)
