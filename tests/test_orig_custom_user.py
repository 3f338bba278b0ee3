"""1.x (orig) behaviour with custom user models: email login and UUID primary keys."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from rest_framework_jwt import serializers, utils
from tests.helpers import make_token
from tests.testapp.models import EmailUser, UUIDUser

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())
EMAIL = "jane@example.com"


@pytest.fixture
def email_user(db, settings, password):
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    return EmailUser.objects.create_user(email=EMAIL, password=password)


@pytest.fixture
def uuid_user(db, settings, password):
    settings.AUTH_USER_MODEL = "testapp.UUIDUser"
    return UUIDUser.objects.create_user(username="uuid-person", password=password)


# --- EmailUser ------------------------------------------------------------------------------


def test_email_user_payload(email_user):
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(email_user)
        assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload
    assert set(payload) == {"user_id", "username", "email", "exp", "iat", "jti", "pwv"}
    assert payload["user_id"] == email_user.pk
    assert payload["username"] == EMAIL
    assert payload["email"] == EMAIL
    assert payload["exp"] == NOW_TS + 300


def test_email_user_obtain(client, email_user, password):
    response = client.post(
        "/api-token-auth/", {"email": EMAIL, "password": password}, format="json"
    )
    assert response.status_code == 200
    payload = utils.jwt_decode_handler(response.json()["token"])
    assert payload["email"] == EMAIL
    assert payload["username"] == EMAIL
    assert payload["user_id"] == email_user.pk


def test_email_user_obtain_form(client, email_user, password):
    response = client.post("/api-token-auth/", {"email": EMAIL, "password": password})
    assert response.status_code == 200
    assert utils.jwt_decode_handler(response.json()["token"])["email"] == EMAIL


def test_email_user_obtain_requires_email_field(client, email_user, password):
    response = client.post(
        "/api-token-auth/", {"username": EMAIL, "password": password}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["This field is required."]}


def test_email_user_obtain_wrong_password(client, email_user):
    response = client.post("/api-token-auth/", {"email": EMAIL, "password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_email_user_serializer_fields(email_user):
    serializer = serializers.JSONWebTokenSerializer()
    assert serializer.username_field == "email"
    assert serializer.data == {"email": "", "password": ""}


def test_email_user_authenticates(client, email_user):
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {make_token(email_user)}")
    assert response.status_code == 200
    assert response.json() == {"username": EMAIL}


def test_email_user_verify_and_refresh(client, email_user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    token = make_token(email_user)
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token}
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 200
    assert utils.jwt_decode_handler(response.json()["token"])["email"] == EMAIL


# --- UUIDUser -------------------------------------------------------------------------------


def test_uuid_user_payload(uuid_user):
    payload = utils.jwt_payload_handler(uuid_user)
    assert type(payload["user_id"]) is str
    assert payload["user_id"] == str(uuid_user.pk)
    assert payload["username"] == "uuid-person"
    assert "email" not in payload
    assert set(payload) == {"user_id", "username", "exp", "iat", "jti", "pwv"}
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload


def test_uuid_user_id_handler(uuid_user):
    payload = utils.jwt_decode_handler(make_token(uuid_user))
    assert utils.jwt_get_user_id_from_payload_handler(payload) == str(uuid_user.pk)


def test_uuid_user_obtain_and_authenticate(client, uuid_user, password):
    response = client.post(
        "/api-token-auth/", {"username": "uuid-person", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert utils.jwt_decode_handler(token)["user_id"] == str(uuid_user.pk)

    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "uuid-person"}


def test_uuid_user_verify(client, uuid_user):
    token = make_token(uuid_user)
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token}


def test_uuid_user_secret_key(client, uuid_user, settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": lambda user: f"secret-for-{user.pk}"}
    token = make_token(uuid_user)
    assert utils.jwt_decode_handler(token)["username"] == "uuid-person"
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
