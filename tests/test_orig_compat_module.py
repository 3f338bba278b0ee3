"""1.x (orig) names: ``compat``, ``rest_framework_jwt.test``, package attributes."""

from __future__ import annotations

import os
from pathlib import Path

import django.contrib.auth
import pytest
from django.urls import path
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIClient, APITestCase

import rest_framework_jwt
from rest_framework_jwt import compat, views
from rest_framework_jwt.test import APIJWTClient, APIJWTTestCase
from tests.helpers import run_python

# --- package attributes ---------------------------------------------------------------------


def test_package_attributes():
    assert rest_framework_jwt.__title__ == "djangorestframework-jwt"
    assert rest_framework_jwt.__version__ == "2.0.0.dev0"
    assert rest_framework_jwt.__version__ == rest_framework_jwt.VERSION
    for name in ("__author__", "__license__", "__copyright__"):
        value = getattr(rest_framework_jwt, name)
        assert isinstance(value, str)
        assert value


def test_import_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import rest_framework_jwt, sys; "
        "sys.stdout.write(rest_framework_jwt.__version__ + ' ' + rest_framework_jwt.VERSION)"
    )
    result = run_python("-c", code, cwd=Path(__file__).parent.parent, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2.0.0.dev0 2.0.0.dev0"


# --- compat ---------------------------------------------------------------------------------


def test_compat_get_user_model_is_djangos():
    assert compat.get_user_model is django.contrib.auth.get_user_model


def test_compat_get_username_field():
    assert compat.get_username_field() == "username"


def test_compat_get_username_field_custom_model(settings):
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    assert compat.get_username_field() == "email"


def test_compat_get_username(user):
    assert compat.get_username(user) == "admin"


def test_compat_get_username_falls_back_to_attribute():
    class Legacy:
        username = "legacy"

    assert compat.get_username(Legacy()) == "legacy"


def test_compat_password_field():
    field = compat.PasswordField()
    assert isinstance(field, drf_serializers.CharField)
    assert field.style.get("input_type") == "password"


def test_compat_serializer_object_alias():
    class Sample(compat.Serializer):
        name = drf_serializers.CharField()

    serializer = Sample(data={"name": "x"})
    assert issubclass(compat.Serializer, drf_serializers.Serializer)
    assert serializer.is_valid()
    assert serializer.object == {"name": "x"}
    assert serializer.object == serializer.validated_data


# --- rest_framework_jwt.test ----------------------------------------------------------------


def test_apijwtclient_is_an_apiclient():
    assert issubclass(APIJWTClient, APIClient)


def test_apijwtclient_login(user, password):
    client = APIJWTClient()
    assert client.login(username="admin", password=password) is True
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_apijwtclient_login_sets_prefixed_header(user, password, settings):
    settings.JWT_AUTH = {"JWT_AUTH_HEADER_PREFIX": "Bearer"}
    client = APIJWTClient()
    assert client.login(username="admin", password=password) is True
    header = client._credentials["HTTP_AUTHORIZATION"]
    assert header.startswith("Bearer ")
    assert client.get("/protected/").status_code == 200


def test_apijwtclient_login_failure(user):
    client = APIJWTClient()
    assert client.login(username="admin", password="wrong") is False
    assert "HTTP_AUTHORIZATION" not in client._credentials


urlpatterns = [path("elsewhere/api-token-auth/", views.obtain_jwt_token)]


@pytest.mark.urls(__name__)
def test_apijwtclient_login_uses_hard_coded_url(user, password):
    # Only /elsewhere/api-token-auth/ exists here, so the hard-coded /api-token-auth/ 404s.
    assert APIJWTClient().login(username="admin", password=password) is False


def test_apijwttestcase_uses_the_client():
    assert issubclass(APIJWTTestCase, APITestCase)
    assert APIJWTTestCase.client_class is APIJWTClient


class TestViaAPIJWTTestCase(APIJWTTestCase):
    def test_login_and_request(self):
        django.contrib.auth.get_user_model().objects.create_user(
            username="case", password="case-password"
        )
        assert self.client.login(username="case", password="case-password") is True
        response = self.client.get("/protected/")
        assert response.status_code == 200
        assert response.json() == {"username": "case"}
