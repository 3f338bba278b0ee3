"""drf-jwt ("fork") compatibility: ``JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}`` and the fork's names.

Contract: /work/shared/docs/compat.md (fork columns) and the 2.x brief. Every test here runs with
the fork switch on unless its name says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import URLPattern
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory
from rest_framework.views import exception_handler

from tests.helpers import FORK, START, b64, protected
from tests.urls import ProtectedView

NOT_PROVIDED = "Authentication credentials were not provided."


# ----------------------------------------------------------------------------------------------
# helpers


def secret() -> str:
    return django_settings.SECRET_KEY


def decode(token: str, key: str | None = None, **kwargs) -> dict:
    return jwt.decode(
        token, key or secret(), algorithms=["HS256"], options={"verify_aud": False}, **kwargs
    )


def flatten(detail) -> list[str]:
    """All message strings in a DRF error body or exception detail."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [m for value in detail for m in flatten(value)]
    return [str(detail)]


def assert_fork_401(response, message: str) -> None:
    assert response.status_code == 401, response.data
    assert response.data == {"detail": message}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.fixture
def fork(settings):
    settings.JWT_AUTH = dict(FORK)
    return settings


@pytest.fixture
def configure(settings):
    """Set ``JWT_AUTH`` to the fork switch plus the given keys."""

    def _configure(**keys):
        settings.JWT_AUTH = {**FORK, **keys}

    return _configure


@pytest.fixture
def obtain(client, user, password):
    def _obtain(username: str = "admin", **extra):
        return client.post(
            "/api-token-auth/",
            {"username": username, "password": password},
            format="json",
            **extra,
        )

    return _obtain


@pytest.fixture
def token(fork, obtain) -> str:
    response = obtain()
    assert response.status_code == 201, response.content
    return response.data["token"]


# ----------------------------------------------------------------------------------------------
# obtain / refresh / verify answer 201 {"pk": iat, "token": T}


def test_fork_obtain_answers_201_with_pk_and_token(fork, obtain):
    response = obtain()
    assert response.status_code == 201
    assert set(response.data) == {"pk", "token"}
    payload = decode(response.data["token"])
    assert response.data["pk"] == payload["iat"]
    assert isinstance(payload["iat"], int)
    assert "no-store" in response["Cache-Control"]


def test_fork_obtain_json_body_is_the_same_as_data(fork, obtain):
    response = obtain()
    body = json.loads(response.content)
    assert body == {"pk": response.data["pk"], "token": response.data["token"]}


def test_fork_obtain_form_encoded(fork, client, user, password):
    response = client.post("/api-token-auth/", {"username": "admin", "password": password})
    assert response.status_code == 201
    assert response.data["pk"] == decode(response.data["token"])["iat"]


def test_fork_obtain_through_included_urls(fork, client, user, password):
    response = client.post(
        "/included/api-token-auth/", {"username": "admin", "password": password}, format="json"
    )
    assert response.status_code == 201
    assert set(response.data) == {"pk", "token"}


def test_orig_mode_obtain_is_200_token_only(obtain):
    response = obtain()
    assert response.status_code == 200
    assert set(response.data) == {"token"}


def test_fork_verify_answers_201_with_same_token(token, client):
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 201
    assert response.data == {"pk": decode(token)["iat"], "token": token}
    assert "no-store" in response["Cache-Control"]


def test_fork_refresh_answers_201_with_new_token(token, client, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(seconds=30), tick=False)
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 201
    assert set(response.data) == {"pk", "token"}
    new = decode(response.data["token"])
    old = decode(token)
    assert response.data["token"] != token
    assert response.data["pk"] == new["iat"]
    assert new["orig_iat"] == old["orig_iat"]
    assert new["exp"] > old["exp"]
    assert "no-store" in response["Cache-Control"]


def test_fork_bad_credentials_are_400_non_field_errors(fork, obtain):
    response = obtain(username="nobody")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Unable to log in with provided credentials."]}


def marking_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None:
        response["X-Handled-By"] = "custom"
    return response


def test_fork_validation_errors_go_through_the_drf_exception_handler(fork, obtain):
    fork.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "EXCEPTION_HANDLER": "tests.test_fork_compat.marking_exception_handler",
    }
    response = obtain(username="nobody")
    assert response.status_code == 400
    assert response["X-Handled-By"] == "custom"


def test_fork_response_handler_gets_four_arguments(configure, obtain):
    calls = []

    def handler(token, user=None, request=None, issued_at=None):
        calls.append((token, user, request, issued_at))
        return {"mine": token, "when": issued_at}

    configure(JWT_RESPONSE_PAYLOAD_HANDLER=handler)
    response = obtain()
    assert response.status_code == 201
    assert len(calls) == 1
    token, user, request, issued_at = calls[0]
    assert user.get_username() == "admin"
    assert request is not None
    assert issued_at == decode(token)["iat"]
    assert response.data == {"mine": token, "when": issued_at}


def test_fork_response_handler_as_dotted_path(configure, obtain):
    configure(JWT_RESPONSE_PAYLOAD_HANDLER="rest_framework_jwt.utils.jwt_create_response_payload")
    response = obtain()
    assert response.status_code == 201
    assert set(response.data) == {"pk", "token"}


# ----------------------------------------------------------------------------------------------
# payload in fork mode


def test_fork_payload_claims(fork, obtain, user, time_machine):
    time_machine.move_to(START, tick=False)
    payload = decode(obtain().data["token"])
    assert payload["iat"] == int(START.timestamp())
    assert payload["username"] == "admin"
    assert payload["user_id"] == user.pk
    assert "email" not in payload
    assert isinstance(payload["exp"], int)
    assert isinstance(payload["iat"], int)
    assert payload["exp"] - payload["iat"] == 300
    assert isinstance(payload["jti"], str) and payload["jti"]
    # JWT_ALLOW_REFRESH defaults to True in fork mode.
    assert payload["orig_iat"] == payload["iat"]


def test_fork_payload_has_no_username_field_claim_for_email_user(fork, client, settings, db):
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    model = get_user_model()
    model.objects.create_user(email="mail@example.com", password="abc123")
    response = client.post(
        "/api-token-auth/", {"email": "mail@example.com", "password": "abc123"}, format="json"
    )
    assert response.status_code == 201, response.content
    payload = decode(response.data["token"])
    assert payload["username"] == "mail@example.com"
    assert "email" not in payload


def test_fork_allow_refresh_can_be_turned_off(configure, obtain):
    configure(JWT_ALLOW_REFRESH=False)
    response = obtain()
    assert response.status_code == 201
    assert "orig_iat" not in decode(response.data["token"])


def test_orig_mode_has_no_orig_iat_by_default(obtain):
    response = obtain()
    assert "orig_iat" not in decode(response.data["token"])


def test_fork_refreshed_token_keeps_refreshing(token, client):
    first = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert first.status_code == 201
    second = client.post("/api-token-refresh/", {"token": first.data["token"]}, format="json")
    assert second.status_code == 201
    assert decode(second.data["token"])["orig_iat"] == decode(token)["orig_iat"]


# ----------------------------------------------------------------------------------------------
# prefix, WWW-Authenticate and fork messages


def test_fork_bearer_prefix_authenticates(token):
    response = protected(f"Bearer {token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_fork_prefix_is_case_insensitive(token):
    assert protected(f"bearer {token}").status_code == 200
    assert protected(f"BEARER {token}").status_code == 200


def test_fork_bearer_prefix_through_the_url(token, client):
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_fork_jwt_prefix_is_another_scheme(token):
    response = protected(f"JWT {token}")
    assert_fork_401(response, NOT_PROVIDED)


def test_fork_www_authenticate_on_missing_credentials(fork):
    assert_fork_401(protected(), NOT_PROVIDED)


def test_fork_custom_prefix(configure, obtain):
    configure(JWT_AUTH_HEADER_PREFIX="Token")
    token = obtain().data["token"]
    assert protected(f"Token {token}").status_code == 200
    response = protected(f"Bearer {token}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_fork_expired_token_message(token, time_machine):
    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(seconds=301))
    assert_fork_401(protected(f"Bearer {token}"), "Token has expired.")


def test_fork_decode_error_message(fork):
    assert_fork_401(protected("Bearer not-a-token"), "Error decoding token.")


def test_fork_bad_signature_message(token):
    header, _, signature = token.split(".")
    forged = jwt.encode(decode(token), "another-secret-that-is-long-enough-0123456789")
    assert_fork_401(protected(f"Bearer {forged}"), "Error decoding token.")
    tampered = f"{header}.{b64(b'{}')}.{signature}"
    assert_fork_401(protected(f"Bearer {tampered}"), "Error decoding token.")


def test_fork_unknown_user_message(token, user):
    user.delete()
    assert_fork_401(protected(f"Bearer {token}"), "Invalid token.")


def test_fork_inactive_user_message(token, user):
    user.is_active = False
    user.save()
    assert_fork_401(protected(f"Bearer {token}"), "User account is disabled.")


def test_fork_payload_without_username_message(token):
    payload = decode(token)
    del payload["username"]
    forged = jwt.encode(payload, secret(), algorithm="HS256")
    assert_fork_401(protected(f"Bearer {forged}"), "Invalid payload.")


def test_fork_other_invalid_token_message(token):
    payload = decode(token)
    payload["aud"] = "somebody-else"
    forged = jwt.encode(payload, secret(), algorithm="HS256")
    assert_fork_401(protected(f"Bearer {forged}"), "Invalid token.")


# ----------------------------------------------------------------------------------------------
# malformed headers fall back to the cookie, else anonymous


MALFORMED_BEARER = [
    pytest.param("Bearer", id="bare-prefix"),
    pytest.param("Bearer ", id="prefix-and-space"),
    pytest.param("Bearer  ", id="prefix-and-two-spaces"),
    pytest.param("Bearer a b", id="three-parts"),
    pytest.param("Bearer \xff\xfe\xfd", id="latin1-not-utf8"),
    pytest.param("Bearer \xc3\x28", id="invalid-utf8-sequence"),
]


@pytest.mark.parametrize("header", MALFORMED_BEARER)
def test_fork_malformed_header_is_anonymous(fork, header):
    assert_fork_401(protected(header), NOT_PROVIDED)


@pytest.mark.parametrize("header", MALFORMED_BEARER)
def test_fork_malformed_header_falls_back_to_cookie(configure, obtain, header):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    token = obtain().data["token"]
    response = protected(header, cookie=f"jwt-auth={token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_fork_extra_space_before_token_falls_back(configure, obtain, superuser, password, client):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    admin_token = obtain().data["token"]
    root_token = client.post(
        "/api-token-auth/", {"username": "root", "password": password}, format="json"
    ).data["token"]
    # The header token (root) is ignored because of the double space: the cookie (admin) wins.
    response = protected(f"Bearer  {root_token}", cookie=f"jwt-auth={admin_token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}
    assert_fork_401(protected(f"Bearer  {root_token}"), NOT_PROVIDED)


def test_fork_malformed_header_through_the_url_is_not_authenticated(fork, client):
    response = client.get("/protected/", HTTP_AUTHORIZATION="Bearer")
    assert response.status_code in (401, 403)
    assert response.data == {"detail": NOT_PROVIDED}


def test_fork_other_scheme_does_not_fall_back_to_cookie(configure, obtain):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    token = obtain().data["token"]
    response = protected("Token abc", cookie=f"jwt-auth={token}")
    assert_fork_401(response, NOT_PROVIDED)


def test_fork_cookie_alone_authenticates(configure, obtain):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    token = obtain().data["token"]
    response = protected(cookie=f"jwt-auth={token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_fork_bad_cookie_is_refused(configure, obtain):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    assert_fork_401(protected(cookie="jwt-auth=garbage"), "Error decoding token.")


# ----------------------------------------------------------------------------------------------
# cookies


def test_fork_cookie_is_secure_and_lax_by_default(configure, obtain):
    configure(JWT_AUTH_COOKIE="jwt-auth")
    response = obtain()
    assert response.status_code == 201
    cookie = response.cookies["jwt-auth"]
    assert cookie.value == response.data["token"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_fork_cookie_domain_and_path(configure, obtain):
    configure(
        JWT_AUTH_COOKIE="jwt-auth",
        JWT_AUTH_COOKIE_DOMAIN="example.com",
        JWT_AUTH_COOKIE_PATH="/api/",
    )
    cookie = obtain().cookies["jwt-auth"]
    assert cookie["domain"] == "example.com"
    assert cookie["path"] == "/api/"


def test_fork_cookie_secure_and_samesite_can_be_changed(configure, obtain):
    configure(
        JWT_AUTH_COOKIE="jwt-auth",
        JWT_AUTH_COOKIE_SECURE=False,
        JWT_AUTH_COOKIE_SAMESITE="Strict",
    )
    cookie = obtain().cookies["jwt-auth"]
    assert not cookie["secure"]
    assert cookie["samesite"] == "Strict"


def test_fork_refresh_sets_the_cookie_and_verify_does_not(configure, obtain, client):
    # drf-jwt's verify set it too; 2.x does not (login CSRF: docs/migrating/from-drf-jwt.md).
    configure(JWT_AUTH_COOKIE="jwt-auth")
    token = obtain().data["token"]
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 201
    assert "jwt-auth" not in response.cookies
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 201
    cookie = response.cookies["jwt-auth"]
    assert cookie.value == response.data["token"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_orig_mode_cookie_domain_and_path_are_honoured(settings, obtain):
    settings.JWT_AUTH = {
        "JWT_AUTH_COOKIE": "jwt-auth",
        "JWT_AUTH_COOKIE_DOMAIN": "example.org",
        "JWT_AUTH_COOKIE_PATH": "/v1/",
    }
    response = obtain()
    assert response.status_code == 200
    cookie = response.cookies["jwt-auth"]
    assert cookie["domain"] == "example.org"
    assert cookie["path"] == "/v1/"
    assert not cookie["secure"]
    assert not cookie["samesite"]
    assert cookie["httponly"] is True


# ----------------------------------------------------------------------------------------------
# fork names


FORK_NAMES = [
    ("utils", "jwt_create_payload"),
    ("utils", "jwt_encode_payload"),
    ("utils", "jwt_decode_token"),
    ("utils", "jwt_create_response_payload"),
    ("utils", "jwt_get_username_from_payload_handler"),
    ("utils", "jwt_get_secret_key"),
    ("utils", "unix_epoch"),
    ("utils", "get_username_field"),
    ("utils", "check_payload"),
    ("utils", "check_user"),
    ("views", "BaseJSONWebTokenAPIView"),
    ("views", "ObtainJSONWebTokenView"),
    ("views", "RefreshJSONWebTokenView"),
    ("views", "VerifyJSONWebTokenView"),
    ("views", "ImpersonateJSONWebTokenView"),
    ("views", "obtain_jwt_token"),
    ("views", "refresh_jwt_token"),
    ("views", "verify_jwt_token"),
    ("views", "impersonate_jwt_token"),
    ("serializers", "JSONWebTokenSerializer"),
    ("serializers", "VerifyAuthTokenSerializer"),
    ("serializers", "RefreshAuthTokenSerializer"),
    ("serializers", "ImpersonateAuthTokenSerializer"),
    ("compat", "include"),
    ("compat", "url"),
    ("compat", "gettext_lazy"),
    ("compat", "smart_str"),
    ("compat", "has_set_cookie_samesite"),
    ("compat", "set_cookie_with_token"),
    ("compat", "jwt_decode"),
    ("permissions", "IsSuperUser"),
    ("authentication", "JSONWebTokenAuthentication"),
]


@pytest.mark.parametrize(("module", "name"), FORK_NAMES)
def test_fork_name_is_importable_and_callable(module, name):
    import importlib

    mod = importlib.import_module(f"rest_framework_jwt.{module}")
    assert callable(getattr(mod, name))


def test_fork_module_attributes():
    import rest_framework_jwt
    from rest_framework_jwt import compat, settings

    assert rest_framework_jwt.__version__ == rest_framework_jwt.VERSION
    assert str(compat.jwt_version) == "2"
    assert issubclass(compat.ExpiredSignature, jwt.ExpiredSignatureError) or (
        compat.ExpiredSignature is jwt.ExpiredSignatureError
    )
    assert isinstance(settings.DEFAULTS, dict)
    assert "JWT_TOKEN_ID" in settings.DEFAULTS
    assert "JWT_INSIST_ON_KID" in settings.DEFAULTS


def test_fork_view_aliases_are_the_views():
    from rest_framework_jwt import views

    assert issubclass(views.ObtainJSONWebTokenView, views.ObtainJSONWebToken)
    assert issubclass(views.RefreshJSONWebTokenView, views.RefreshJSONWebToken)
    assert issubclass(views.VerifyJSONWebTokenView, views.VerifyJSONWebToken)
    assert issubclass(views.ImpersonateJSONWebTokenView, views.ImpersonateJSONWebToken)
    for view in (
        views.ObtainJSONWebTokenView,
        views.RefreshJSONWebTokenView,
        views.VerifyJSONWebTokenView,
    ):
        assert issubclass(view, views.BaseJSONWebTokenAPIView)


def test_fork_view_classes_serve_requests(fork, user, password):
    from rest_framework_jwt import views

    factory = APIRequestFactory()
    request = factory.post("/x/", {"username": "admin", "password": password}, format="json")
    response = views.ObtainJSONWebTokenView.as_view()(request)
    assert response.status_code == 201
    token = response.data["token"]
    for view in (views.VerifyJSONWebTokenView, views.RefreshJSONWebTokenView):
        response = view.as_view()(factory.post("/x/", {"token": token}, format="json"))
        assert response.status_code == 201
        assert set(response.data) == {"pk", "token"}


def test_fork_utils_round_trip(fork, user):
    from rest_framework_jwt import utils

    payload = utils.jwt_create_payload(user)
    assert payload["username"] == "admin"
    assert "email" not in payload
    assert "orig_iat" in payload
    assert "jti" in payload
    token = utils.jwt_encode_payload(payload)
    assert isinstance(token, str)
    decoded = utils.jwt_decode_token(token)
    assert decoded["username"] == "admin"
    assert decoded["jti"] == str(payload["jti"])
    assert decode(token)["username"] == "admin"
    assert utils.jwt_get_username_from_payload_handler(decoded) == "admin"


def test_fork_decode_token_raises_pyjwt_errors(fork, user, time_machine):
    from rest_framework_jwt import utils

    time_machine.move_to(START, tick=False)
    token = utils.jwt_encode_payload(utils.jwt_create_payload(user))
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_token("garbage")
    time_machine.shift(dt.timedelta(seconds=301))
    with pytest.raises(jwt.ExpiredSignatureError):
        utils.jwt_decode_token(token)


def test_fork_create_response_payload_four_args(fork, user):
    from rest_framework_jwt.utils import jwt_create_response_payload

    request = APIRequestFactory().get("/")
    assert jwt_create_response_payload("T", user, request, 1234) == {"pk": 1234, "token": "T"}
    assert jwt_create_response_payload("T", issued_at=99) == {"pk": 99, "token": "T"}
    assert jwt_create_response_payload("T") == {"pk": None, "token": "T"}


def test_fork_unix_epoch(time_machine):
    from rest_framework_jwt.utils import unix_epoch

    assert unix_epoch(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)) == 946684800
    time_machine.move_to(START, tick=False)
    assert unix_epoch() == int(START.timestamp())
    assert isinstance(unix_epoch(), int)


def test_fork_get_username_field(settings, db):
    from rest_framework_jwt.utils import get_username_field

    assert get_username_field() == "username"
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    assert get_username_field() == "email"


def test_fork_check_payload(token, time_machine):
    from rest_framework_jwt.utils import check_payload

    assert check_payload(token)["username"] == "admin"
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        check_payload("garbage")
    assert "Error decoding token." in flatten(excinfo.value.detail)
    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(seconds=301))
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        check_payload(token)
    assert "Token has expired." in flatten(excinfo.value.detail)


def test_fork_check_user(token, user, inactive_user):
    from rest_framework_jwt.utils import check_user

    payload = decode(token)
    assert check_user(payload) == user
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        check_user({**payload, "username": "ghost"})
    assert "User doesn't exist." in flatten(excinfo.value.detail)
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        check_user({**payload, "username": "sleeper"})
    assert "User account is disabled." in flatten(excinfo.value.detail)
    without = {k: v for k, v in payload.items() if k != "username"}
    with pytest.raises(drf_serializers.ValidationError) as excinfo:
        check_user(without)
    assert "Invalid token." in flatten(excinfo.value.detail)


def test_fork_verify_serializer(token, user):
    from rest_framework_jwt.serializers import VerifyAuthTokenSerializer

    serializer = VerifyAuthTokenSerializer(data={"token": token})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["user"] == user
    bad = VerifyAuthTokenSerializer(data={"token": "garbage"})
    assert not bad.is_valid()
    assert bad.errors == {"non_field_errors": ["Error decoding token."]}


def test_fork_refresh_serializer(token):
    from rest_framework_jwt.serializers import RefreshAuthTokenSerializer

    serializer = RefreshAuthTokenSerializer(data={"token": token})
    assert serializer.is_valid(), serializer.errors
    new = serializer.validated_data["token"]
    assert new != token
    assert decode(new)["orig_iat"] == decode(token)["orig_iat"]


def test_fork_impersonate_serializer(fork, user, superuser, inactive_user):
    from rest_framework_jwt.serializers import ImpersonateAuthTokenSerializer

    request = APIRequestFactory().post("/")
    request.user = superuser
    serializer = ImpersonateAuthTokenSerializer(
        data={"user": user.pk}, context={"request": request}
    )
    assert serializer.is_valid(), serializer.errors
    disabled = ImpersonateAuthTokenSerializer(
        data={"user": inactive_user.pk}, context={"request": request}
    )
    assert not disabled.is_valid()
    assert disabled.errors == {"non_field_errors": ["User account is disabled."]}


def test_fork_compat_helpers(fork, token):
    from rest_framework_jwt import compat

    assert compat.has_set_cookie_samesite() is True
    assert compat.smart_str(b"abc") == "abc"
    assert str(compat.gettext_lazy("Invalid token.")) == "Invalid token."
    pattern = compat.url(r"^x/$", ProtectedView.as_view(), name="x")
    assert isinstance(pattern, URLPattern)
    included = compat.include("rest_framework_jwt.urls")
    assert isinstance(included, tuple)


def test_fork_compat_jwt_decode(token, time_machine):
    from rest_framework_jwt import compat

    assert compat.jwt_decode(token, secret())["username"] == "admin"
    wrong = "a-wrong-key-that-is-also-long-enough-0123456789"
    with pytest.raises(jwt.InvalidTokenError):
        compat.jwt_decode(token, wrong)
    assert compat.jwt_decode(token, wrong, verify=False)["username"] == "admin"
    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(seconds=301))
    with pytest.raises(compat.ExpiredSignature):
        compat.jwt_decode(token, secret())


def test_fork_compat_set_cookie_with_token(fork):
    from rest_framework_jwt.compat import set_cookie_with_token

    response = HttpResponse()
    set_cookie_with_token(response, "jwt-auth", "the-token")
    cookie = response.cookies["jwt-auth"]
    assert cookie.value == "the-token"
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_fork_is_superuser_permission(user, superuser):
    from rest_framework_jwt.permissions import IsSuperUser

    request = APIRequestFactory().get("/")
    request.user = superuser
    assert IsSuperUser().has_permission(request, None) is True
    request.user = user
    assert not IsSuperUser().has_permission(request, None)


def test_fork_switch_changes_back(settings, obtain):
    settings.JWT_AUTH = dict(FORK)
    assert obtain().status_code == 201
    settings.JWT_AUTH = {}
    assert obtain().status_code == 200
