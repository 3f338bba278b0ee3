"""The token cookie (JWT_AUTH_COOKIE): only a successful obtain or refresh sets it. Verify,
logout, the sessions endpoints, impersonation and every error response never do.

The attack this prevents: a cross-site form that POSTs the attacker's own token to verify, which
1.x and drf-jwt answered with ``Set-Cookie: <cookie>=<attacker token>``, so that the victim's
browser went on as the attacker (login CSRF, session fixation).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from rest_framework_jwt import utils
from rest_framework_jwt.settings import api_settings
from tests import helpers as routes

COOKIE = "jwt-auth"
#: The settings of each line under test. A success sets its cookie the same way in 1.x and
#: drf-jwt mode, so the successes run in 1.x mode and with refresh tokens (their own views); a
#: refusal takes another path in drf-jwt mode (DRF's exception handler), and a revoked token is
#: refused with another status there, so those tests run in drf-jwt mode too.
MODES = {
    "orig": {},
    "fork": {"JWT_COMPAT": "drf-jwt"},
    "refresh-tokens": {"JWT_REFRESH_TOKENS": True},
}
every_mode = pytest.mark.parametrize("mode", list(MODES), indirect=True)

#: The status of a logout with a token that "log out everywhere" revoked.
REVOKED_LOGOUT = {"orig": 401, "fork": 403, "refresh-tokens": 401}


@pytest.fixture(params=["orig", "refresh-tokens"])
def mode(request, settings) -> str:
    """The name of the line under test, configured with the token cookie and refresh on."""
    base = MODES[request.param]
    settings.JWT_AUTH = {**base, "JWT_AUTH_COOKIE": COOKIE, "JWT_ALLOW_REFRESH": True}
    return request.param


@pytest.fixture
def attacker(db, password):
    return get_user_model().objects.create_user(username="mallory", password=password)


def token_of(user) -> str:
    return utils.jwt_encode_handler(utils.jwt_payload_handler(user))


def authorized(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}")
    return client


def sets_token_cookie(response) -> bool:
    return COOKIE in response.cookies


def test_cross_site_form_post_to_verify_sets_no_cookie(mode, user, attacker):
    """The attack: the victim's browser submits the attacker's form to verify."""
    browser = APIClient(enforce_csrf_checks=True)
    response = browser.post(
        routes.VERIFY,
        urlencode({"token": token_of(attacker)}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://attacker.example",
        HTTP_REFERER="https://attacker.example/form.html",
    )
    assert response.status_code in (200, 201)  # a valid token: verify answers it back
    assert not sets_token_cookie(response)
    assert not response.cookies
    # The browser holds no token afterwards: it is not logged in as the attacker.
    assert COOKIE not in browser.cookies
    assert browser.get("/protected/").status_code in (401, 403)


def test_obtain_sets_the_cookie(mode, user, password):
    response = APIClient().post(
        routes.OBTAIN, {"username": "admin", "password": password}, format="json"
    )
    assert response.status_code in (200, 201)
    assert response.cookies[COOKIE].value == response.data["token"]


def test_refresh_sets_the_cookie(mode, user, password):
    client = APIClient()
    obtained = client.post(
        routes.OBTAIN, {"username": "admin", "password": password}, format="json"
    )
    body = {"token": obtained.data.get("refresh_token") or obtained.data["token"]}
    response = client.post(routes.REFRESH, body, format="json")
    assert response.status_code in (200, 201), response.content
    assert response.cookies[COOKIE].value == response.data["token"]


def test_verify_of_a_valid_token_sets_no_cookie(mode, user):
    response = APIClient().post(routes.VERIFY, {"token": token_of(user)}, format="json")
    assert response.status_code in (200, 201)
    assert not sets_token_cookie(response)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (routes.OBTAIN, {"username": "admin", "password": "wrong"}),
        (routes.OBTAIN, {"username": "admin"}),
        (routes.REFRESH, {"token": "not-a-token"}),
        (routes.VERIFY, {"token": "not-a-token"}),
        (routes.VERIFY, {}),
        (routes.OBTAIN, '{"token": ' + "[" * 1000 + "]" * 1000 + "}"),
        (routes.REFRESH, "[1]"),
    ],
)
@every_mode
def test_error_responses_set_no_cookie(mode, user, url, body):
    client = APIClient()
    if isinstance(body, str):
        response = client.post(url, body, content_type="application/json")
    else:
        response = client.post(url, body, format="json")
    assert response.status_code == 400, response.content
    assert not sets_token_cookie(response)


@every_mode
def test_logout_and_session_endpoints_set_no_cookie(mode, user, password, superuser):
    obtained = APIClient().post(
        routes.OBTAIN, {"username": "admin", "password": password}, format="json"
    )
    client = authorized(obtained.data["token"])
    for method, url in [
        ("get", routes.SESSIONS),
        ("post", routes.REVOKE_OTHERS),
        ("post", routes.LOGOUT_ALL),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code in (200, 204), (url, response.content)
        assert not sets_token_cookie(response), url
    # Logout with a token that was revoked by "log out everywhere": refused, without a cookie.
    response = client.post(routes.LOGOUT)
    assert response.status_code == REVOKED_LOGOUT[mode], response.content
    assert not sets_token_cookie(response)
    response = authorized(token_of(user)).post(routes.LOGOUT)
    assert response.status_code == 204
    assert not sets_token_cookie(response)
    # Impersonation sets JWT_IMPERSONATION_COOKIE when configured, never the token cookie.
    response = authorized(token_of(superuser)).post(
        routes.IMPERSONATE, {"user": user.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert not sets_token_cookie(response)
