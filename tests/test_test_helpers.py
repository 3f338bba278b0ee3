"""rest_framework_jwt.test and its pytest fixtures: authenticating test clients and requests
without an obtain request, and holding the token clock (docs/testing.md)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import claims, revocation
from rest_framework_jwt.test import (
    APIJWTClient,
    APIJWTTestCase,
    TokenClock,
    force_jwt,
    freeze_token_clock,
    token_for,
)
from rest_framework_jwt.tokens import decode
from tests.helpers import LOGOUT, PROTECTED, jwt_only_view

pytestmark = pytest.mark.django_db

DRF_JWT = {"JWT_COMPAT": "drf-jwt"}


def test_token_for_is_a_real_token_of_the_user(user):
    payload = decode(token_for(user))
    assert payload["username"] == user.username
    assert payload["user_id"] == user.pk
    assert payload["exp"] - payload["iat"] == 300


def test_force_jwt_authenticates_an_api_client(user):
    client = APIClient()
    assert client.get(PROTECTED).status_code == 401
    token = force_jwt(client, user)
    response = client.get(PROTECTED)
    assert response.status_code == 200, response.content
    assert response.json() == {"username": user.username}
    assert decode(token)["username"] == user.username


def test_force_jwt_sends_the_configured_prefix(user):
    client = APIClient()
    with override_settings(JWT_AUTH=DRF_JWT):
        force_jwt(client, user)
        assert client._credentials["HTTP_AUTHORIZATION"].startswith("Bearer ")
        assert client.get(PROTECTED).status_code == 200


def test_force_jwt_authenticates_a_django_client(user):
    client = Client()
    force_jwt(client, user)
    response = client.get(PROTECTED)
    assert response.status_code == 200, response.content
    assert response.json() == {"username": user.username}


def test_force_jwt_authenticates_a_request_factory_request(user):
    request = APIRequestFactory().get(PROTECTED)
    force_jwt(request, user)
    response = jwt_only_view(request)
    assert response.status_code == 200, response.data
    assert response.data == {"username": user.username}


def test_force_jwt_with_none_takes_the_token_away(user):
    for client in (APIClient(), Client()):
        force_jwt(client, user)
        assert client.get(PROTECTED).status_code == 200
        assert force_jwt(client, None) is None
        assert client.get(PROTECTED).status_code == 401


def test_force_jwt_sends_a_token_given(user, superuser):
    client = APIClient()
    token = token_for(superuser)
    assert force_jwt(client, token=token) == token
    assert client.get(PROTECTED).json() == {"username": superuser.username}


def test_force_jwt_refuses_what_is_not_a_client_or_request(user):
    with pytest.raises(TypeError, match="test client or a request"):
        force_jwt(object(), user)


def test_force_jwt_in_a_cookie(user):
    client = APIClient()
    with override_settings(JWT_AUTH={"JWT_AUTH_COOKIE": "jwt"}):
        force_jwt(client, user, cookie=True)
        assert "HTTP_AUTHORIZATION" not in client._credentials
        assert client.get(PROTECTED).json() == {"username": user.username}
        force_jwt(client, None, cookie=True)
        assert client.get(PROTECTED).status_code == 401


def test_force_jwt_in_a_cookie_needs_the_cookie_setting(user):
    with pytest.raises(ValueError, match="JWT_AUTH_COOKIE"):
        force_jwt(APIClient(), user, cookie=True)


def test_a_forced_token_goes_through_every_check(inactive_user):
    client = APIClient()
    force_jwt(client, inactive_user)
    response = client.get(PROTECTED)
    assert response.status_code == 401
    assert response.json() == {"detail": "User account is disabled."}


def test_a_forced_token_can_be_revoked(user):
    client = APIClient()
    force_jwt(client, user)
    assert client.post(LOGOUT).status_code == 204
    response = client.get(PROTECTED)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked."}


def test_in_refresh_token_mode_the_token_is_a_new_session(user):
    model = revocation.model("TokenFamily")
    with override_settings(JWT_AUTH={"JWT_REFRESH_TOKENS": True}):
        token = token_for(user)
        payload = decode(token)
        assert payload["token_type"] == "access"
        assert model.objects.get(pk=payload["fam"]).user == user


def test_the_client_method(user):
    client = APIJWTClient()
    token = client.force_jwt(user)
    assert token is not None
    assert client.get(PROTECTED).json() == {"username": user.username}
    client.force_jwt(None)
    assert client.get(PROTECTED).status_code == 401


def test_freeze_token_clock_holds_issue_and_expiry(user):
    client = APIClient()
    with freeze_token_clock(1_700_000_000) as clock:
        force_jwt(client, user)
        payload = decode(client._credentials["HTTP_AUTHORIZATION"].split()[1])
        assert payload["iat"] == 1_700_000_000
        clock.shift(299)
        assert client.get(PROTECTED).status_code == 200
        clock.shift(datetime.timedelta(seconds=1))  # exp is the first second it is refused
        response = client.get(PROTECTED)
        assert response.status_code == 401
        assert response.json() == {"detail": "Signature has expired."}
        clock.shift(-1)
        assert client.get(PROTECTED).status_code == 200
    assert claims.frozen_at is None


def test_freeze_token_clock_without_a_time_stands_still():
    with freeze_token_clock() as clock:
        first = claims.now()
        assert claims.now() == first == clock.time


def test_freeze_token_clock_move_to_a_datetime():
    with freeze_token_clock() as clock:
        clock.move_to(datetime.datetime(2030, 1, 2, 3, 4, 5))  # naive: UTC
        assert claims.now() == clock.time == 1893553445
        assert clock.utc == datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        clock.move_to(datetime.datetime(2030, 1, 2, 4, 4, 5, tzinfo=datetime.timezone.utc))
        assert claims.now() == 1893557045


def test_freeze_token_clock_nests_and_restores_after_an_error():
    with pytest.raises(RuntimeError), freeze_token_clock(100):
        with freeze_token_clock(200):
            assert claims.now() == 200
        assert claims.now() == 100
        raise RuntimeError
    assert claims.frozen_at is None


def test_the_token_clock_follows_time_machine_when_not_frozen(time_machine):
    time_machine.move_to(datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc), tick=False)
    assert claims.now() == 1924992000


# --- the pytest fixtures (rest_framework_jwt.pytest_plugin, named in tests/conftest.py) ---------


def test_the_jwt_client_fixture(jwt_client, user):
    assert isinstance(jwt_client, APIJWTClient)
    jwt_client.force_jwt(user)
    assert jwt_client.get(PROTECTED).json() == {"username": user.username}


def test_the_jwt_token_fixture(jwt_token, user):
    assert decode(jwt_token(user))["username"] == user.username


def test_the_jwt_clock_fixture(jwt_clock, jwt_client, user):
    assert isinstance(jwt_clock, TokenClock)
    assert claims.now() == jwt_clock.time
    jwt_client.force_jwt(user)
    jwt_clock.shift(301)
    assert jwt_client.get(PROTECTED).status_code == 401


# --- APIJWTTestCase -------------------------------------------------------------------------


class TestTheTestCaseClient(APIJWTTestCase):
    def test_force_jwt_on_the_test_case_client(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(username="case", password="pw")
        assert isinstance(self.client, APIJWTClient)
        self.client.force_jwt(user)
        assert self.client.get(PROTECTED).json() == {"username": "case"}
