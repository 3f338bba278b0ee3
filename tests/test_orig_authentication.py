"""1.x (orig) behaviour of ``rest_framework_jwt.authentication`` in the default mode.

Failure paths go through ``jwt-first/``, a view whose first authenticator is the JWT one: DRF
takes the ``WWW-Authenticate`` header (and so 401 rather than 403) from the first authenticator,
and the suite's default list starts with SessionAuthentication.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from django.urls import include, path
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt import utils
from rest_framework_jwt.authentication import (
    BaseJSONWebTokenAuthentication,
    JSONWebTokenAuthentication,
)
from tests.helpers import forge, make_token

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
OTHER_SECRET = "another-secret-key-that-is-also-long-enough-0123456789"


class JWTFirstView(APIView):
    authentication_classes = (JSONWebTokenAuthentication, BasicAuthentication)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response(
            {"username": request.user.get_username(), "auth": type(request.auth).__name__}
        )


urlpatterns = [
    path("jwt-first/", JWTFirstView.as_view()),
    path("", include("tests.urls")),
]

pytestmark = pytest.mark.urls(__name__)


def future_exp():
    return int(datetime.now(timezone.utc).timestamp()) + 300


def drf_request(**extra):
    return Request(APIRequestFactory().get("/", **extra))


def password_secret(user):
    return "per-user-secret-" + user.password


def assert_401(response, detail, prefix="JWT"):
    assert response.status_code == 401, response.content
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"] == f'{prefix} realm="api"'


# --- success paths --------------------------------------------------------------------------


def test_header_authenticates_on_protected_view(client, user):
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {make_token(user)}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_header_authenticates_post_without_csrf(client, user):
    response = client.post("/protected/", {}, HTTP_AUTHORIZATION=f"JWT {make_token(user)}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


@pytest.mark.parametrize("prefix", ["JWT", "jwt", "Jwt", "jWt"])
def test_prefix_is_case_insensitive(client, user, prefix):
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"{prefix} {make_token(user)}")
    assert response.status_code == 200
    assert response.json()["username"] == "admin"


def test_custom_prefix(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_HEADER_PREFIX": "Bearer"}
    token = make_token(user)

    response = client.get("/protected/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}

    # The old prefix is now another scheme: ignored, so the request is anonymous.
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Authentication credentials were not provided.", prefix="Bearer")


def test_request_auth_is_the_token_as_str(client, user):
    token = make_token(user)
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.json() == {"username": "admin", "auth": "str"}

    result = JSONWebTokenAuthentication().authenticate(
        drf_request(HTTP_AUTHORIZATION=f"JWT {token}")
    )
    assert result is not None
    authed_user, auth = result
    assert authed_user == user
    assert type(auth) is str
    assert auth == token


def test_basic_auth_works_alongside(client, user, password):
    creds = base64.b64encode(f"admin:{password}".encode()).decode()
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"Basic {creds}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


@pytest.mark.parametrize(
    "header", ["Basic YWRtaW46YWJjMTIz", "Bearer abc.def.ghi", "Token abc", "JWTX abc"]
)
def test_other_scheme_returns_none(header):
    assert JSONWebTokenAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=header)) is None


def test_no_header_returns_none():
    assert JSONWebTokenAuthentication().authenticate(drf_request()) is None


def test_anonymous_gets_401_with_www_authenticate(client, db):
    response = client.get("/jwt-first/")
    assert_401(response, "Authentication credentials were not provided.")


def test_authenticate_header():
    assert JSONWebTokenAuthentication().authenticate_header(drf_request()) == 'JWT realm="api"'


def test_authenticate_header_follows_prefix(settings):
    settings.JWT_AUTH = {"JWT_AUTH_HEADER_PREFIX": "Bearer"}
    assert JSONWebTokenAuthentication().authenticate_header(drf_request()) == 'Bearer realm="api"'


# --- header errors --------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["JWT", "JWT ", "jwt"])
def test_bare_prefix(client, db, header):
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=header)
    assert_401(response, "Invalid Authorization header. No credentials provided.")


def test_bare_prefix_code():
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        JSONWebTokenAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION="JWT"))
    assert excinfo.value.get_codes() == "authorization_header_no_credentials"


def test_credentials_with_spaces(client, user):
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {make_token(user)} extra")
    assert_401(
        response,
        "Invalid Authorization header. Credentials string should not contain spaces.",
    )


def test_credentials_with_spaces_code():
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        JSONWebTokenAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION="JWT a b"))
    assert excinfo.value.get_codes() == "authorization_header_spaces"


# --- token errors ---------------------------------------------------------------------------


def test_expired_token(client, user):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Signature has expired.")


def test_expired_token_code(user):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with (
        time_machine.travel(NOW + timedelta(seconds=301), tick=False),
        pytest.raises(exceptions.AuthenticationFailed) as excinfo,
    ):
        JSONWebTokenAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=f"JWT {token}"))
    assert excinfo.value.get_codes() == "token_expired"


def test_bad_signature(client, user):
    token = forge(utils.jwt_payload_handler(user), key=OTHER_SECRET)
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Error decoding signature.")


@pytest.mark.parametrize("token", ["abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.xxxx"])
def test_malformed_token(client, db, token):
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Error decoding signature.")


def test_other_invalid_token_uses_drf_default_message(client, user):
    token = forge({**utils.jwt_payload_handler(user), "aud": "someone-else"})
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Incorrect authentication credentials.")


def test_missing_username(client, user):
    token = forge({"user_id": user.pk, "exp": future_exp()})
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Invalid payload.")


def test_unknown_user(client, db):
    token = forge({"user_id": 999, "username": "ghost", "exp": future_exp()})
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Invalid signature.")


def test_deleted_user(client, user):
    token = make_token(user)
    user.delete()
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Invalid signature.")


def test_inactive_user(client, inactive_user):
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {make_token(inactive_user)}")
    assert_401(response, "User account is disabled.")


def test_inactive_user_code(inactive_user):
    request = drf_request(HTTP_AUTHORIZATION=f"JWT {make_token(inactive_user)}")
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        JSONWebTokenAuthentication().authenticate(request)
    assert excinfo.value.get_codes() == "user_inactive"


def test_user_secret_changed_refuses_token(client, user, settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": password_secret}
    token = make_token(user)
    assert client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}").status_code == 200
    user.set_password("new-password")
    user.save()
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Error decoding signature.")


def test_user_secret_for_deleted_user_is_not_a_500(client, user, settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": password_secret}
    token = make_token(user)
    user.delete()
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


# --- authenticate_credentials and the get_jwt_value hook -------------------------------------


def test_authenticate_credentials(user):
    auth = JSONWebTokenAuthentication()
    assert auth.authenticate_credentials({"username": "admin"}) == user
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        auth.authenticate_credentials({"username": "ghost"})
    assert str(excinfo.value.detail) == "Invalid signature."
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        auth.authenticate_credentials({"user_id": user.pk})
    assert str(excinfo.value.detail) == "Invalid payload."


class QueryStringAuthentication(BaseJSONWebTokenAuthentication):
    """The 1.x docs' recipe: take the token from somewhere else than the header."""

    def get_jwt_value(self, request):
        return request.query_params.get("token")


def test_get_jwt_value_hook(user):
    token = make_token(user)
    request = Request(APIRequestFactory().get("/", {"token": token}))
    result = QueryStringAuthentication().authenticate(request)
    assert result is not None
    assert result[0] == user
    assert result[1] == token
    assert QueryStringAuthentication().authenticate(Request(APIRequestFactory().get("/"))) is None


def test_get_jwt_value_hook_errors(db):
    request = Request(APIRequestFactory().get("/", {"token": "garbage"}))
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        QueryStringAuthentication().authenticate(request)
    assert str(excinfo.value.detail) == "Error decoding signature."


# --- cookie ---------------------------------------------------------------------------------


def test_cookie_used_when_configured(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt-cookie"}
    client.cookies["jwt-cookie"] = make_token(user)
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_cookie_request_auth_is_str(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt-cookie"}
    token = make_token(user)
    client.cookies["jwt-cookie"] = token
    response = client.get("/jwt-first/")
    assert response.json() == {"username": "admin", "auth": "str"}

    factory = APIRequestFactory()
    factory.cookies["jwt-cookie"] = token
    result = JSONWebTokenAuthentication().authenticate(Request(factory.get("/")))
    assert result is not None
    assert result[0] == user
    assert type(result[1]) is str
    assert result[1] == token


def test_cookie_ignored_when_not_configured(client, user):
    client.cookies["jwt-cookie"] = make_token(user)
    response = client.get("/jwt-first/")
    assert_401(response, "Authentication credentials were not provided.")


def test_cookie_errors_are_reported(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt-cookie"}
    with time_machine.travel(NOW, tick=False):
        client.cookies["jwt-cookie"] = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        response = client.get("/jwt-first/")
    assert_401(response, "Signature has expired.")


def test_cookie_not_used_with_other_scheme_header(client, user, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt-cookie"}
    client.cookies["jwt-cookie"] = make_token(user)
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION="Other abc")
    assert_401(response, "Authentication credentials were not provided.")


def test_header_wins_over_cookie(client, user, superuser, settings):
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt-cookie"}
    client.cookies["jwt-cookie"] = make_token(user)
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {make_token(superuser)}")
    assert response.json()["username"] == "root"

    response = client.get("/jwt-first/", HTTP_AUTHORIZATION="JWT garbage")
    assert_401(response, "Error decoding signature.")


# --- handlers from JWT_AUTH are used at call time -------------------------------------------


def username_from_sub(payload):
    return payload.get("sub")


decoded_tokens: list[str] = []


def recording_decode_handler(token):
    decoded_tokens.append(token)
    return utils.jwt_decode_handler(token)


def test_username_handler_setting_used(client, user, settings):
    settings.JWT_AUTH = {
        "JWT_PAYLOAD_GET_USERNAME_HANDLER": "tests.test_orig_authentication.username_from_sub"
    }
    token = forge({"sub": "admin", "exp": future_exp()})
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "admin"
    # The default claim is no longer looked at.
    token = forge({"username": "admin", "exp": future_exp()})
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert_401(response, "Invalid payload.")


def test_decode_handler_setting_used(client, user, settings):
    decoded_tokens.clear()
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": recording_decode_handler}
    token = make_token(user)
    response = client.get("/jwt-first/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
    assert decoded_tokens == [token]
