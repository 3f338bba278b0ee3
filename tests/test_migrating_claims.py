"""Claims of docs/migrating/ that no other test module covers."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from rest_framework.schemas.openapi import AutoSchema
from rest_framework.test import APIRequestFactory

from rest_framework_jwt.blacklist.models import BlacklistedToken
from rest_framework_jwt.blacklist.views import BlacklistView
from rest_framework_jwt.serializers import JSONWebTokenSerializer
from rest_framework_jwt.settings import api_settings
from tests.helpers import LOGOUT, OBTAIN, protected


def login(client, user, password):
    response = client.post(OBTAIN, {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.data
    return response.data["token"]


def test_without_jwt_auth_the_jwt_keys_of_rest_framework_are_read(settings, client, user, password):
    # from-1x.md, "What stays the same": 1.x built on DRF's APISettings, which fell back to
    # REST_FRAMEWORK when JWT_AUTH was missing or empty.
    settings.JWT_AUTH = {}
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "JWT_AUTH_HEADER_PREFIX": "Token"}
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "Token"
    token = login(client, user, password)
    assert protected(f"Token {token}").status_code == 200
    assert protected(f"JWT {token}").status_code == 401


def test_jwt_auth_wins_over_rest_framework(settings, client, user, password):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "JWT_AUTH_HEADER_PREFIX": "Token"}
    assert api_settings.JWT_AUTH_HEADER_PREFIX == "JWT"
    token = login(client, user, password)
    assert protected(f"JWT {token}").status_code == 200


@pytest.mark.parametrize("jwt_auth", [{}, {"JWT_COMPAT": "drf-jwt"}], ids=["orig", "drf-jwt"])
def test_a_schema_generator_documents_the_obtain_response_as_the_token(settings, db, jwt_auth):
    # from-1x.md, difference 20: the declared fields are what schema generators read.
    settings.JWT_AUTH = jwt_auth
    schema = AutoSchema().map_serializer(JSONWebTokenSerializer())
    assert schema["properties"]["token"] == {"type": "string", "readOnly": True}
    assert schema["properties"]["username"]["writeOnly"] is True
    assert schema["properties"]["password"]["writeOnly"] is True
    assert sorted(schema["required"]) == ["password", "username"]


class AuditedBlacklistView(BlacklistView):
    saved: list = []

    def perform_create(self, serializer):
        instance = serializer.save()
        self.saved.append(instance)


def test_a_blacklist_view_subclass_may_override_perform_create(user, password, client):
    # from-drf-jwt.md, "BlacklistView still works": it saves through its serializer.
    AuditedBlacklistView.saved = []
    token = login(client, user, password)
    view = AuditedBlacklistView.as_view({"post": "create"})
    request = APIRequestFactory().post(
        "/blacklist/", {"token": token}, format="json", HTTP_AUTHORIZATION=f"JWT {token}"
    )
    response = view(request)
    assert response.status_code == 201
    assert response.data == {"token": token}
    assert [row.pk for row in AuditedBlacklistView.saved] == [
        BlacklistedToken.objects.get(token=token).pk
    ]
    assert protected(f"JWT {token}").status_code == 401


@pytest.fixture
def cache_denylist(settings):
    settings.CACHES = {
        **settings.CACHES,
        "claims-denylist": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"claims-denylist-{uuid.uuid4()}",
        },
    }
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "claims-denylist"}
    yield
    caches["claims-denylist"].clear()


def test_with_the_cache_backend_blacklistedtoken_does_not_see_a_logout(
    cache_denylist, client, user, password
):
    # from-drf-jwt.md, "With JWT_DENYLIST_BACKEND = "cache"".
    token = login(client, user, password)
    response = client.post(LOGOUT, HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 204
    assert protected(f"JWT {token}").status_code == 401
    assert not BlacklistedToken.objects.filter(token=token).exists()


def test_with_the_cache_backend_deleting_the_row_keeps_the_token_refused(
    cache_denylist, client, user, password
):
    token = login(client, user, password)
    BlacklistedToken.objects.create(token=token, user=user)
    assert protected(f"JWT {token}").status_code == 401
    BlacklistedToken.objects.filter(token=token).delete()
    assert not BlacklistedToken.objects.filter(token=token).exists()
    assert protected(f"JWT {token}").status_code == 401
