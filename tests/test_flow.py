"""The seed page's flows end to end: obtain, use, refresh, verify."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_obtain_use_refresh_verify(client, user):
    response = client.post("/api-token-auth/", {"username": "admin", "password": "abc123"})
    assert response.status_code == 200, response.content
    token = response.data["token"]
    assert set(response.data) == {"token"}
    assert response["Cache-Control"] == "no-store"

    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    assert client.get("/protected/").data == {"username": "admin"}
    client.credentials()

    with override_settings(JWT_AUTH={"JWT_ALLOW_REFRESH": True}):
        token = client.post(
            "/api-token-auth/", {"username": "admin", "password": "abc123"}, format="json"
        ).data["token"]
        refreshed = client.post("/api-token-refresh/", {"token": token}, format="json")
        assert refreshed.status_code == 200, refreshed.content
        assert refreshed.data["token"] != token

    verified = client.post("/api-token-verify/", {"token": token}, format="json")
    assert verified.status_code == 200
    assert verified.data == {"token": token}


@pytest.mark.django_db
def test_wrong_password_is_refused_with_the_1x_message(client, user):
    response = client.post("/api-token-auth/", {"username": "admin", "password": "nope"})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Unable to log in with provided credentials."]}


@pytest.mark.django_db
def test_protected_view_without_token_challenges_with_the_prefix(client):
    response = client.get("/protected/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
