"""Impersonation (drf-jwt's endpoint): superusers only, an RFC 8693 ``act`` claim, a short life,
and no refresh. Routed at /api-token-impersonate/ in tests/urls.py."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from django.conf import settings as django_settings

from tests.helpers import protected

START = dt.datetime(2024, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
ROUTE = "/api-token-impersonate/"

MODES = [
    pytest.param({}, id="orig"),
    pytest.param({"JWT_COMPAT": "drf-jwt"}, id="fork"),
]


def decode(token: str) -> dict:
    return jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])


class Mode:
    def __init__(self, settings, base: dict):
        self.settings = settings
        self.base = base
        self.prefix = "Bearer" if base else "JWT"
        self.ok = 201 if base else 200

    def configure(self, **keys) -> None:
        self.settings.JWT_AUTH = {**self.base, **keys}


@pytest.fixture(params=MODES)
def mode(request, settings):
    m = Mode(settings, request.param)
    m.configure()
    return m


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def login(client, password, mode):
    def _login(username: str) -> str:
        response = client.post(
            "/api-token-auth/", {"username": username, "password": password}, format="json"
        )
        assert response.status_code == mode.ok, response.content
        return response.data["token"]

    return _login


@pytest.fixture
def as_root(client, superuser, login, mode):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('root')}")
    return client


def impersonate(client, pk):
    return client.post(ROUTE, {"user": pk}, format="json")


def test_superuser_gets_a_token_for_the_target(mode, frozen, as_root, user):
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201, response.data
    assert set(response.data) == {"token"}
    payload = decode(response.data["token"])
    assert payload["username"] == "admin"
    assert payload["act"] == {"sub": "root"}
    assert "orig_iat" not in payload
    assert "no-store" in response["Cache-Control"]


def test_impersonation_token_authenticates_as_the_target(mode, frozen, as_root, user):
    token = impersonate(as_root, user.pk).data["token"]
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_impersonation_token_lifetime_default_is_five_minutes(mode, frozen, as_root, user):
    mode.configure(JWT_EXPIRATION_DELTA=dt.timedelta(hours=1))
    token = impersonate(as_root, user.pk).data["token"]
    assert decode(token)["exp"] == int(START.timestamp()) + 300


def test_impersonation_token_expires_after_its_own_delta(mode, frozen, as_root, user, client):
    mode.configure(
        JWT_EXPIRATION_DELTA=dt.timedelta(hours=1),
        JWT_IMPERSONATION_EXPIRATION_DELTA=dt.timedelta(seconds=60),
    )
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201, response.data
    token = response.data["token"]
    assert decode(token)["exp"] == int(START.timestamp()) + 60
    frozen.shift(dt.timedelta(seconds=59))
    assert protected(f"{mode.prefix} {token}").status_code == 200
    frozen.shift(dt.timedelta(seconds=2))
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 401
    expired = "Token has expired." if mode.base else "Signature has expired."
    assert response.data == {"detail": expired}
    verify = client.post("/api-token-verify/", {"token": token}, format="json")
    assert verify.status_code == 400


def test_impersonation_token_cannot_be_refreshed(mode, frozen, as_root, user, client):
    mode.configure(JWT_ALLOW_REFRESH=True)
    token = impersonate(as_root, user.pk).data["token"]
    client.credentials()
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}


def test_impersonation_token_with_orig_iat_still_cannot_be_refreshed(mode, frozen, user, client):
    # Even a hand-made act token carrying orig_iat is refused.
    now = int(START.timestamp())
    payload = {
        "user_id": user.pk,
        "username": "admin",
        "exp": now + 300,
        "iat": now,
        "orig_iat": now,
        "act": {"sub": "root"},
    }
    token = jwt.encode(payload, django_settings.SECRET_KEY, algorithm="HS256")
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}


def test_impersonation_token_verifies(mode, frozen, as_root, user, client):
    token = impersonate(as_root, user.pk).data["token"]
    client.credentials()
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == mode.ok, response.data
    assert response.data["token"] == token


def test_anonymous_is_401(mode, client, user):
    response = impersonate(client, user.pk)
    assert response.status_code == 401
    assert response.data == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == f'{mode.prefix} realm="api"'


def test_bad_token_is_401(mode, client, user):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} garbage")
    response = impersonate(client, user.pk)
    assert response.status_code == 401
    assert "detail" in response.data


def test_non_superuser_is_403(mode, client, user, login):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('admin')}")
    response = impersonate(client, user.pk)
    assert response.status_code == 403
    assert "detail" in response.data


def test_staff_is_not_enough(mode, client, user, login):
    user.is_staff = True
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('admin')}")
    assert impersonate(client, user.pk).status_code == 403


def test_inactive_target_is_400(mode, as_root, inactive_user):
    response = impersonate(as_root, inactive_user.pk)
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["User account is disabled."]}


@pytest.mark.parametrize("pk", [999999, "999999", "abc", "", None, [1], {"pk": 1}, -1, 10**30])
def test_unknown_or_bad_pk_is_400(mode, as_root, user, pk):
    response = impersonate(as_root, pk)
    assert response.status_code == 400, response.data
    assert "user" in response.data


def test_missing_user_field_is_400(mode, as_root):
    response = as_root.post(ROUTE, {}, format="json")
    assert response.status_code == 400
    assert "user" in response.data


def test_non_json_body_is_400(mode, as_root):
    response = as_root.post(ROUTE, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.data


def test_impersonation_token_of_a_deleted_target_is_refused(mode, frozen, as_root, user):
    token = impersonate(as_root, user.pk).data["token"]
    user.delete()
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 401


def test_impersonation_cookie_is_set_and_read_first(mode, frozen, as_root, user, client):
    mode.configure(JWT_AUTH_COOKIE="jwt-auth", JWT_IMPERSONATION_COOKIE="jwt-imp")
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201
    cookie = response.cookies["jwt-imp"]
    assert cookie.value == response.data["token"]
    assert cookie["httponly"] is True
    root_token = jwt.encode(
        {
            "username": "root",
            "exp": int(START.timestamp()) + 300,
            "iat": int(START.timestamp()),
        },
        django_settings.SECRET_KEY,
        algorithm="HS256",
    )
    both = protected(cookie=f"jwt-auth={root_token}; jwt-imp={cookie.value}")
    assert both.status_code == 200
    assert both.data == {"username": "admin"}
    only_auth = protected(cookie=f"jwt-auth={root_token}")
    assert only_auth.data == {"username": "root"}


def test_impersonation_needs_a_post(mode, as_root):
    assert as_root.get(ROUTE).status_code == 405
