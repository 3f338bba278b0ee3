"""Cookie mode (docs/cookies.md): the token cookies, the body-or-cookie choice, CSRF without a
session, refresh/verify/logout from cookies, and cookies deleted with their own attributes.

Django's test client does not apply a cookie's path, domain or Secure flag when it sends
cookies back, so these tests read the attributes from ``Set-Cookie``; the browser test
(tests/test_browser.py) shows that a real browser honours them. ``enforce_csrf_checks=True``
makes the client a browser for Django's CSRF check (without it the check is skipped).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import cookies, utils, views
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.exceptions import CSRFFailed
from rest_framework_jwt.settings import api_settings
from tests import helpers as routes

ACCESS = "jwt"
REFRESH = "jwt-refresh"
OBTAIN = "/included/api-token-auth/"
REFRESH_URL = "/included/api-token-refresh/"
VERIFY_URL = "/included/api-token-verify/"
LOGOUT = "/included/api-token-logout/"
LOGOUT_ALL = "/included/api-token-logout-all/"
SESSIONS = "/included/api-token-sessions/"
REVOKE_OTHERS = "/included/api-token-sessions/revoke-others/"
#: The directory of the refresh and logout URLs of tests/urls.py: the refresh cookie's path.
REFRESH_PATH = "/included/"

MODES = [
    pytest.param({}, id="classic"),
    pytest.param({"JWT_REFRESH_TOKENS": True}, id="refresh-tokens"),
    pytest.param({"JWT_COMPAT": "drf-jwt"}, id="drf-jwt"),
]


@pytest.fixture(params=MODES)
def mode(request, settings):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_ALLOW_REFRESH": True, **request.param}
    return request.param


def browser() -> APIClient:
    """A client that Django's CSRF check treats as a browser."""
    return APIClient(enforce_csrf_checks=True)


def login(client: APIClient, password: str, **extra):
    response = client.post(OBTAIN, {"username": "admin", "password": password}, **extra)
    assert response.status_code in (200, 201), response.content
    return response


def csrf(client: APIClient) -> dict[str, str]:
    """The header that echoes the CSRF cookie, as the page sends it."""
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def refresh_tokens() -> bool:
    return bool(api_settings.JWT_REFRESH_TOKENS)


def session_cookie(client: APIClient) -> str:
    """The cookie that refresh reads: the refresh cookie, or (classic) the access cookie."""
    return REFRESH if refresh_tokens() else ACCESS


def assert_deleted(response, name: str, path: str) -> None:
    morsel = response.cookies[name]
    assert morsel.value == ""
    assert morsel["max-age"] == 0
    assert morsel["path"] == path
    assert morsel["samesite"] == "Lax"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True


# ----------------------------------------------------------------------------------------------
# obtain: cookies for a browser, the body for a client that asks


def test_obtain_sets_httponly_secure_lax_cookies_and_no_token_in_the_body(mode, user, password):
    client = browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        response = login(client, password)
    access = response.cookies[ACCESS]
    assert access["httponly"] is True
    assert access["secure"] is True  # DEBUG is off
    assert access["samesite"] == "Lax"
    assert access["path"] == "/"
    assert "token" not in response.data
    assert "refresh_token" not in response.data
    # The CSRF token: a readable cookie, and the header to echo it in.
    assert response.data["csrf_cookie"] == "csrftoken"
    assert response.data["csrf_header"] == "X-CSRFTOKEN"
    assert response.cookies["csrftoken"]["httponly"] == ""
    assert response["Cache-Control"] == "no-store"
    # Each cookie lives exactly as long as its token.
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        payload = utils.jwt_decode_handler(access.value)
        assert access["max-age"] == payload["exp"] - int(time.time())
        assert access["max-age"] == api_settings.JWT_EXPIRATION_DELTA.total_seconds()
        if refresh_tokens():
            refresh = response.cookies[REFRESH]
            claims = utils.jwt_decode_handler(refresh.value)
            assert claims["token_type"] == "refresh"
            assert refresh["max-age"] == claims["exp"] - int(time.time())
            assert refresh["max-age"] > access["max-age"]
    if refresh_tokens():
        assert refresh["httponly"] is True
        assert refresh["secure"] is True
        assert refresh["samesite"] == "Lax"
        assert refresh["path"] == REFRESH_PATH
    else:
        assert REFRESH not in response.cookies


def test_a_client_that_asks_for_the_body_gets_tokens_and_no_cookies(mode, user, password):
    response = login(APIClient(), password, HTTP_X_JWT_DELIVERY="body")
    assert isinstance(response.data["token"], str)
    assert ("refresh_token" in response.data) == refresh_tokens()
    assert ACCESS not in response.cookies
    assert REFRESH not in response.cookies
    # ... and authenticates with the header as before, no CSRF token needed.
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(
        HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} " + response.data["token"]
    )
    assert client.post(routes.PROTECTED).status_code == 200
    # Refresh with the token in the body answers the body too.
    token = response.data.get("refresh_token") or response.data["token"]
    refreshed = APIClient().post(
        REFRESH_URL, {"token": token}, format="json", HTTP_X_JWT_DELIVERY="body"
    )
    assert refreshed.status_code in (200, 201), refreshed.content
    assert isinstance(refreshed.data["token"], str)
    assert ACCESS not in refreshed.cookies


def test_secure_is_off_under_debug_only(settings, user, password):
    settings.DEBUG = True
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    assert login(browser(), password).cookies[ACCESS]["secure"] == ""
    settings.DEBUG = False
    assert login(browser(), password).cookies[ACCESS]["secure"] is True


def test_the_cookie_keys_keep_their_meaning_in_cookie_mode(settings, user, password):
    settings.JWT_AUTH = {
        "JWT_COOKIE_MODE": True,
        "JWT_REFRESH_TOKENS": True,
        "JWT_AUTH_COOKIE": "access",
        "JWT_AUTH_REFRESH_COOKIE": "refresh",
        "JWT_AUTH_REFRESH_COOKIE_PATH": "/auth/",
        "JWT_AUTH_COOKIE_DOMAIN": "testserver",
        "JWT_AUTH_COOKIE_PATH": "/api/",
        "JWT_AUTH_COOKIE_SAMESITE": "Strict",
    }
    response = login(browser(), password)
    assert response.cookies["access"]["path"] == "/api/"
    assert response.cookies["access"]["domain"] == "testserver"
    assert response.cookies["access"]["samesite"] == "Strict"
    assert response.cookies["refresh"]["path"] == "/auth/"
    assert response.cookies["refresh"]["domain"] == "testserver"


def test_without_cookie_mode_a_1x_cookie_is_unchanged(settings, user, password):
    """1.x's JWT_AUTH_COOKIE alone: the token in the body and the cookie, no Secure or
    SameSite, as before (the deploy check W020 says so)."""
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "legacy"}
    response = login(APIClient(), password)
    assert response.cookies["legacy"].value == response.data["token"]
    assert response.cookies["legacy"]["secure"] == ""
    assert response.cookies["legacy"]["samesite"] == ""
    assert "csrf_header" not in response.data


def test_without_any_cookie_setting_nothing_changes(settings, user, password):
    settings.JWT_AUTH = {}
    response = login(APIClient(enforce_csrf_checks=True), password)
    assert set(response.data) == {"token"}
    assert not response.cookies


# ----------------------------------------------------------------------------------------------
# CSRF: Django's check, no session


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_request_with_the_cookie_needs_the_csrf_token(mode, user, password, method):
    client = browser()
    login(client, password)
    response = getattr(client, method)(routes.PROTECTED)
    assert response.status_code == 403
    assert response.data["code"] == "csrf_failed"
    assert "CSRF" in str(response.data["detail"])
    # The refusal leaves the session alone: the cookie still works with the token.
    assert ACCESS not in response.cookies
    allowed = client.post(routes.PROTECTED, **csrf(client))
    assert allowed.status_code == 200, allowed.content
    assert allowed.data == {"username": "admin"}


def test_a_safe_request_with_the_cookie_needs_no_csrf_token(mode, user, password):
    client = browser()
    login(client, password)
    assert client.get(routes.PROTECTED).data == {"username": "admin"}


def test_a_wrong_csrf_token_is_refused(mode, user, password):
    client = browser()
    login(client, password)
    response = client.post(routes.PROTECTED, HTTP_X_CSRFTOKEN="x" * 64)
    assert response.status_code == 403
    assert response.data["code"] == "csrf_failed"


def test_the_csrf_token_changes_at_each_login(mode, user, password):
    client = browser()
    login(client, password)
    first = client.cookies["csrftoken"].value
    login(client, password)
    assert client.cookies["csrftoken"].value != first


def test_the_origin_check_follows_csrf_trusted_origins(mode, user, password, settings):
    client = browser()
    login(client, password)
    foreign = {"HTTP_ORIGIN": "http://app.example", **csrf(client)}
    refused = client.post(routes.PROTECTED, **foreign)
    assert refused.status_code == 403
    assert refused.data["code"] == "csrf_failed"
    assert "Origin" in str(refused.data["detail"])
    settings.CSRF_TRUSTED_ORIGINS = ["http://app.example"]
    assert client.post(routes.PROTECTED, **foreign).status_code == 200


def test_over_https_the_referer_check_follows_csrf_trusted_origins(mode, user, password, settings):
    """Without an Origin header, Django checks the Referer of a secure request."""
    client = browser()
    login(client, password, secure=True)
    foreign = {"HTTP_REFERER": "https://app.example/page", "secure": True, **csrf(client)}
    refused = client.post(routes.PROTECTED, **foreign)
    assert refused.status_code == 403
    assert "Referer" in str(refused.data["detail"])
    own = {"HTTP_REFERER": "https://testserver/page", "secure": True, **csrf(client)}
    assert client.post(routes.PROTECTED, **own).status_code == 200
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example"]
    assert client.post(routes.PROTECTED, **foreign).status_code == 200


def test_a_cross_site_form_post_with_the_cookie_is_refused(mode, user, password):
    client = browser()
    login(client, password)
    response = client.post(
        routes.PROTECTED,
        urlencode({"note": "hi"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://attacker.example",
    )
    assert response.status_code == 403
    assert response.data["code"] == "csrf_failed"


def test_the_header_needs_no_csrf_token_even_with_the_cookie_present(mode, user, password):
    client = browser()
    login(client, password)
    token = client.cookies[ACCESS].value
    client.credentials(HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}")
    assert client.post(routes.PROTECTED).status_code == 200


def test_csrf_needs_no_middleware_and_no_session(mode, user, password, settings):
    settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
    client = browser()
    response = login(client, password)
    assert "csrftoken" in response.cookies
    assert "sessionid" not in response.cookies
    assert client.post(routes.PROTECTED).status_code == 403
    assert client.post(routes.PROTECTED, **csrf(client)).status_code == 200


def test_a_1x_cookie_is_csrf_protected_too(settings, user, password):
    """Outside cookie mode the 1.x cookie authenticates as before, but no longer lets another
    site post as the user."""
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "legacy"}
    client = browser()
    response = login(client, password)
    assert "csrftoken" in response.cookies
    assert client.post(routes.PROTECTED).status_code == 403
    assert client.post(routes.PROTECTED, **csrf(client)).status_code == 200


def test_the_csrf_check_can_be_switched_off(settings, user, password):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_CSRF": False}
    client = browser()
    response = login(client, password)
    assert "csrftoken" not in response.cookies
    assert client.post(routes.PROTECTED).status_code == 200


def test_the_package_endpoints_need_the_csrf_token_with_the_cookie(mode, user, password, superuser):
    client = browser()
    login(client, password)
    unsafe = [
        ("post", REFRESH_URL),
        ("post", LOGOUT),
        ("post", LOGOUT_ALL),
        ("post", REVOKE_OTHERS),
        ("post", routes.IMPERSONATE),
    ]
    for method, url in unsafe:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (url, response.content)
        assert response.data["code"] == "csrf_failed", url
    # Nothing was revoked: the cookie still works.
    assert client.get(routes.PROTECTED).status_code == 200
    assert client.get(SESSIONS).status_code == 200


def test_deleting_a_session_with_the_cookie_needs_the_csrf_token(settings, user, password):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_REFRESH_TOKENS": True}
    client = browser()
    login(client, password)
    session = client.get(SESSIONS).data[0]["id"]
    assert client.delete(f"{SESSIONS}{session}/").status_code == 403
    assert client.delete(f"{SESSIONS}{session}/", **csrf(client)).status_code == 204


# ----------------------------------------------------------------------------------------------
# refresh and verify from the cookies


def test_refresh_without_a_body_uses_the_cookie(mode, user, password):
    client = browser()
    login(client, password)
    before = client.cookies[session_cookie(client)].value
    response = client.post(REFRESH_URL, **csrf(client))
    assert response.status_code in (200, 201), response.content
    assert "token" not in response.data
    assert response.data["csrf_header"] == "X-CSRFTOKEN"
    assert response.cookies[ACCESS].value
    if refresh_tokens():
        assert response.cookies[REFRESH].value != before
        assert response.cookies[REFRESH]["path"] == REFRESH_PATH
    assert client.get(routes.PROTECTED).data == {"username": "admin"}


def test_a_reused_refresh_cookie_ends_the_session_and_clears_the_cookies(settings, user, password):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_REFRESH_TOKENS": True}
    client = browser()
    login(client, password)
    stolen = client.cookies[REFRESH].value
    assert client.post(REFRESH_URL, **csrf(client)).status_code == 200
    client.cookies[REFRESH] = stolen
    response = client.post(REFRESH_URL, **csrf(client))
    assert response.status_code == 400
    assert_deleted(response, ACCESS, "/")
    assert_deleted(response, REFRESH, REFRESH_PATH)
    assert client.get(routes.PROTECTED).status_code == 401


def test_refresh_with_a_body_token_ignores_the_cookie(mode, user, password):
    client = browser()
    login(client, password)
    response = client.post(REFRESH_URL, {"token": "not-a-token"}, format="json")
    assert response.status_code == 400
    assert ACCESS not in response.cookies  # a bad body token ends nothing


def test_verify_without_a_body_uses_the_access_cookie_and_answers_no_token(mode, user, password):
    client = browser()
    login(client, password)
    response = client.post(VERIFY_URL)
    assert response.status_code in (200, 201), response.content
    assert "token" not in response.data
    assert not response.cookies  # (Set-Cookie is never in response.headers)
    # With a token in the body it answers as before, and sets no cookie either.
    token = client.cookies[ACCESS].value
    response = client.post(VERIFY_URL, {"token": token}, format="json")
    assert response.data["token"] == token
    assert not response.cookies  # (Set-Cookie is never in response.headers)


# ----------------------------------------------------------------------------------------------
# logout


def test_logout_revokes_the_cookies_tokens_and_deletes_them(mode, user, password):
    client = browser()
    login(client, password)
    access = client.cookies[ACCESS].value
    refresh = client.cookies[REFRESH].value if refresh_tokens() else None
    response = client.post(LOGOUT, **csrf(client))
    assert response.status_code == 204, response.content
    assert_deleted(response, ACCESS, "/")
    if refresh_tokens():
        assert_deleted(response, REFRESH, REFRESH_PATH)
    assert client.get(routes.PROTECTED).status_code == 401
    # The tokens are revoked, not only forgotten by this browser.
    replay = APIClient()
    replay.cookies[ACCESS] = access
    assert replay.get(routes.PROTECTED).status_code in (401, 403)
    if refresh is not None:
        again = APIClient().post(REFRESH_URL, {"refresh_token": refresh}, format="json")
        assert again.status_code == 400


def test_logout_with_a_dead_access_cookie_ends_the_session_by_the_refresh_cookie(
    settings, user, password
):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_REFRESH_TOKENS": True}
    client = browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        login(client, password)
    refresh = client.cookies[REFRESH].value
    with time_machine.travel("2026-01-01 01:00:00", tick=False):  # access expired, refresh not
        response = client.post(LOGOUT, **csrf(client))
        assert response.status_code == 204, response.content
        assert_deleted(response, ACCESS, "/")
        assert_deleted(response, REFRESH, REFRESH_PATH)
        again = APIClient().post(REFRESH_URL, {"refresh_token": refresh}, format="json")
        assert again.status_code == 400


@pytest.mark.parametrize(
    ("url", "status"), [(REFRESH_URL, 400), (LOGOUT_ALL, 401)], ids=["refresh", "logout-all"]
)
def test_a_dead_access_cookie_on_a_package_endpoint_clears_the_cookies(
    mode, user, password, url, status
):
    """Expired: refresh refuses it (400), an endpoint it authenticates answers 401."""
    client = browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        login(client, password)
    with time_machine.travel("2026-03-01 00:00:00", tick=False):
        response = client.post(url, **csrf(client))
    assert response.status_code == status
    assert_deleted(response, ACCESS, "/")


def test_a_revoked_access_cookie_on_a_package_endpoint_clears_the_cookies(mode, user, password):
    """Revoked elsewhere (401; in drf-jwt mode the 403 of a revoked token)."""
    client = browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        login(client, password)
        body = login(APIClient(), password, HTTP_X_JWT_DELIVERY="body").data
    elsewhere = APIClient()
    elsewhere.credentials(
        HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {body['token']}"
    )
    with time_machine.travel("2026-01-01 00:01:00", tick=False):
        assert elsewhere.post(LOGOUT_ALL).status_code == 204
        response = client.post(SESSIONS, **csrf(client))  # any package endpoint
    assert response.status_code == (403 if api_settings.is_drf_jwt else 401)
    assert_deleted(response, ACCESS, "/")


def test_a_subclass_may_replace_the_csrf_check(settings, user, password):
    calls = []

    class Audited(JSONWebTokenAuthentication):
        def enforce_csrf(self, request):
            calls.append(request.method)  # a project's own policy: here, let it through

    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    client = browser()
    login(client, password)
    request = APIRequestFactory(enforce_csrf_checks=True).post("/x/")
    request.COOKIES[ACCESS] = client.cookies[ACCESS].value
    user_, token = Audited().authenticate(Request(request))
    assert (user_.get_username(), token) == ("admin", client.cookies[ACCESS].value)
    assert calls == ["POST"]
    with pytest.raises(CSRFFailed):
        JSONWebTokenAuthentication().authenticate(Request(request))


def test_logout_all_with_the_cookie_deletes_the_cookies(mode, user, password):
    client, other = browser(), browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        login(client, password)
        login(other, password)
    with time_machine.travel("2026-01-01 00:01:00", tick=False):
        response = client.post(LOGOUT_ALL, **csrf(client))
        assert response.status_code == 204
        assert_deleted(response, ACCESS, "/")
        assert client.get(routes.PROTECTED).status_code == 401
        assert other.get(routes.PROTECTED).status_code in (401, 403)


def test_logout_by_header_deletes_no_cookie(mode, user, password):
    body = login(APIClient(), password, HTTP_X_JWT_DELIVERY="body").data
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {body['token']}")
    response = client.post(LOGOUT)
    assert response.status_code == 204
    assert not response.cookies


# ----------------------------------------------------------------------------------------------
# a view of its own mode (the demo keeps the seed's routes in header mode)

HEADER_MODE_OBTAIN = views.ObtainJSONWebToken.as_view(cookie_mode=False)
COOKIE_MODE_OBTAIN = views.ObtainJSONWebToken.as_view(cookie_mode=True)


def post_login(view, password: str):
    request = APIRequestFactory().post(
        "/x/", {"username": "admin", "password": password}, format="json"
    )
    return view(request)


def test_a_view_in_header_mode_answers_the_body_and_sets_no_cookie(mode, user, password):
    response = post_login(HEADER_MODE_OBTAIN, password)
    assert response.status_code in (200, 201)
    assert isinstance(response.data["token"], str)
    assert not response.cookies


def test_a_view_in_cookie_mode_without_the_setting(settings, user, password):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "own", "JWT_AUTH_COOKIE_SAMESITE": "Strict"}
    response = post_login(COOKIE_MODE_OBTAIN, password)
    assert "token" not in response.data
    assert response.data["csrf_header"] == "X-CSRFTOKEN"
    assert response.cookies["own"]["samesite"] == "Strict"
    # The module-level view follows the setting: 1.x's cookie and body.
    response = post_login(views.obtain_jwt_token, password)
    assert response.cookies["own"].value == response.data["token"]


# ----------------------------------------------------------------------------------------------
# the module's own pieces


def test_refresh_cookie_path_is_the_common_directory_of_refresh_and_logout(settings):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    assert cookies.refresh_cookie_path() == REFRESH_PATH
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_REFRESH_COOKIE_PATH": "/x/"}
    assert cookies.refresh_cookie_path() == "/x/"


def test_refresh_cookie_path_without_the_named_urls(settings):
    settings.ROOT_URLCONF = __name__  # urlpatterns below: no jwt-refresh, no jwt-logout
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_PATH": "/api/"}
    assert cookies.refresh_cookie_path() == "/api/"


@pytest.mark.parametrize(
    ("header", "body"),
    [("body", True), ("BODY ", True), ("cookie", False), ("", False), (None, False)],
)
def test_wants_body(settings, rf, header, body):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    request = rf.post("/", **({} if header is None else {"HTTP_X_JWT_DELIVERY": header}))
    assert cookies.wants_body(request) is body
    settings.JWT_AUTH = {}
    assert cookies.wants_body(request) is True


def test_a_user_with_the_same_name_cookie_from_another_app_is_not_our_token(settings, db, rf):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    request = rf.post("/", HTTP_AUTHORIZATION="JWT abc")
    request.COOKIES[ACCESS] = "abc"
    assert cookies.token_from_cookie(request, "abc") is False
    request = rf.post("/")
    request.COOKIES[ACCESS] = "abc"
    assert cookies.token_from_cookie(request, "abc") is True
    assert cookies.token_from_cookie(request, "other") is False
    assert get_user_model().objects.count() == 0


#: A URL conf without the package's named URLs (test_refresh_cookie_path_without_the_named_urls).
urlpatterns: list = []


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [(LOGOUT, 403, "csrf_failed"), (VERIFY_URL, 400, None)],
    ids=["logout", "verify"],
)
def test_a_cross_site_post_with_a_dead_access_cookie_deletes_no_cookie(
    settings, user, password, url, status, code
):
    # Another site must not be able to drop a live refresh cookie (found by the attack
    # session): a CSRF refusal (logout) never deletes the cookies, even when the access cookie
    # is dead; nor does verify's refusal (verify needs no CSRF token, so any page may post to
    # it), which never sets a cookie either.
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_REFRESH_TOKENS": True}
    client = browser()
    with time_machine.travel("2026-01-01 00:00:00", tick=False):
        login(client, password)
    with time_machine.travel("2026-01-01 01:00:00", tick=False):  # access expired, refresh not
        response = client.post(url, HTTP_ORIGIN="https://attacker.example")
        assert response.status_code == status
        assert response.data.get("code") == code
        assert not response.cookies  # (Set-Cookie is never in response.headers)
        assert client.post(REFRESH_URL, **csrf(client)).status_code == 200
        assert client.post(REFRESH_URL, **csrf(client)).status_code == 200
