"""drf-jwt's classmethod hooks on ``JSONWebTokenAuthentication``, and 1.x's DeprecationWarning.

Contract: /work/shared/docs/compat.md sections 4, 5 and 8 (issue 13, items 2 and 7). The
subclasses here are written the way drf-jwt projects write them: they override a classmethod,
call one from their own ``authenticate()``, or build tokens with them in tests.
"""

from __future__ import annotations

import inspect
import time
import warnings
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from django.conf import settings as django_settings
from django.urls import include, path
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt import lookup, utils
from rest_framework_jwt.authentication import (
    BaseJSONWebTokenAuthentication,
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from rest_framework_jwt.exceptions import InvalidAuthorizationCredentials, MissingToken
from tests.helpers import (
    OBTAIN,
    REFRESH,
    VERIFY,
    both_modes,
    mode_where_it_differs,  # noqa: F401 (the ``mode`` fixture here)
)

Auth = JSONWebTokenAuthentication

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
OWN_KEY = "a-key-of-this-service-only-0123456789abcdef0123456789"
PAYLOAD_WARNING = "The following fields will be removed in the future: `email` and `user_id`. "
USER_ID_WARNING = (
    "The following will be removed in the future. Use `JWT_PAYLOAD_GET_USERNAME_HANDLER` instead."
)
NOT_PROVIDED = "Authentication credentials were not provided."
CSRF_SECRET = "k" * 32  # a CSRF secret as Django's cookie holds it (CSRF_SECRET_LENGTH)

CLASSMETHODS = (
    "jwt_create_payload",
    "jwt_encode_payload",
    "jwt_decode_token",
    "jwt_get_username_from_payload",
    "jwt_create_response_payload",
    "get_token_from_request",
    "get_token_from_authorization_header",
    "prefixes_match",
    "get_token_from_cookies",
)


def drf_jwt_token(user) -> str:
    """A token built the way drf-jwt projects build them in their tests."""
    return Auth.jwt_encode_payload(Auth.jwt_create_payload(user))


def own_key_token(username: str = "admin", **claims) -> str:
    payload = {"username": username, "exp": int(time.time()) + 300, **claims}
    return jwt.encode(payload, OWN_KEY, algorithm="HS256")


def drf_request(factory: APIRequestFactory | None = None, **extra) -> Request:
    return Request((factory or APIRequestFactory()).get("/", **extra))


def with_cookies(**cookies) -> Request:
    factory = APIRequestFactory()
    for name, value in cookies.items():
        factory.cookies[name] = value
    return drf_request(factory)


def deprecations(calls) -> list[str]:
    """The 1.x DeprecationWarnings ``calls()`` emits (every one, whatever the filters)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calls()
    texts = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    return [text for text in texts if text in (PAYLOAD_WARNING, USER_ID_WARNING)]


# ----------------------------------------------------------------------------------------------
# Subclasses as drf-jwt projects write them


class QueryParamAuthentication(JSONWebTokenAuthentication):
    """``?token=...`` (links in e-mails, EventSource), else the header or cookie."""

    @classmethod
    def get_token_from_request(cls, request):
        token = request.query_params.get("token")
        if token:
            return token
        return super().get_token_from_request(request)


def _no_response(request):
    return None


class CSRFCookieAuthentication(JSONWebTokenAuthentication):
    """Cookie-authenticated unsafe requests need a CSRF token; header-authenticated ones do not.

    Written the defensive way the issue describes: the cookie lookup sits in ``try/except
    Exception``, so a missing ``get_token_from_cookies`` would switch the check off silently.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        try:
            cookie_token = self.get_token_from_cookies(request.COOKIES)
        except Exception:
            cookie_token = None
        if cookie_token is not None and cookie_token == result[1]:
            self.enforce_csrf(request)
        return result

    def enforce_csrf(self, request):
        check = CSRFCheck(_no_response)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class OwnKeyAuthentication(JSONWebTokenAuthentication):
    """Tokens of another issuer, signed with a key of this service only."""

    @classmethod
    def jwt_decode_token(cls, token):
        return jwt.decode(token, OWN_KEY, algorithms=["HS256"])


class BothPrefixesAuthentication(JSONWebTokenAuthentication):
    """During a move from ``JWT`` to ``Bearer``, both prefixes are accepted."""

    @classmethod
    def prefixes_match(cls, prefix):
        return prefix.lower() in ("jwt", "bearer")


class OwnCookieAuthentication(JSONWebTokenAuthentication):
    """Reads a cookie of its own, without ``JWT_AUTH_COOKIE``."""

    @classmethod
    def get_token_from_cookies(cls, cookies):
        return cookies.get("access") or super().get_token_from_cookies(cookies)


class SubClaimAuthentication(JSONWebTokenAuthentication):
    """Finds the user by ``sub`` instead of ``username``."""

    @classmethod
    def jwt_get_username_from_payload(cls, payload):
        return payload.get("sub")


class StatelessSubClaimAuthentication(StatelessJSONWebTokenAuthentication):
    @classmethod
    def jwt_get_username_from_payload(cls, payload):
        return payload.get("sub")


class MissingTokenConventionAuthentication(JSONWebTokenAuthentication):
    """drf-jwt's convention: MissingToken means "no token here", not a 401."""

    @classmethod
    def get_token_from_request(cls, request):
        if "token" not in request.query_params:
            raise MissingToken()
        return request.query_params["token"]


class QueryStringFirst(JSONWebTokenAuthentication):
    """The 1.x way: override the instance hook ``get_jwt_value`` and fall back to super()."""

    def get_jwt_value(self, request):
        return request.query_params.get("jwt") or super().get_jwt_value(request)


class QueryStringOnly(BaseJSONWebTokenAuthentication):
    """The 1.x docs' recipe: a Base subclass that defines only ``get_jwt_value``."""

    def get_jwt_value(self, request):
        return request.query_params.get("token")


def view_with(auth_class):
    class View(APIView):
        authentication_classes = (auth_class,)
        permission_classes = (IsAuthenticated,)

        def get(self, request):
            return Response({"username": request.user.get_username()})

        def post(self, request):
            return Response({"username": request.user.get_username()})

    return View.as_view()


urlpatterns = [
    path("query/", view_with(QueryParamAuthentication)),
    path("csrf/", view_with(CSRFCookieAuthentication)),
    path("own-key/", view_with(OwnKeyAuthentication)),
    path("default/", view_with(JSONWebTokenAuthentication)),
    path("", include("tests.urls")),
]

pytestmark = pytest.mark.urls(__name__)


def call(auth_class, request: Request):
    return auth_class().authenticate(request)


# ----------------------------------------------------------------------------------------------
# the nine classmethods exist and are classmethods


@pytest.mark.parametrize("name", CLASSMETHODS)
def test_classmethod_exists(name):
    assert isinstance(inspect.getattr_static(JSONWebTokenAuthentication, name), classmethod)
    assert callable(getattr(JSONWebTokenAuthentication, name))


# ----------------------------------------------------------------------------------------------
# each classmethod called directly, in both modes


@both_modes
def test_jwt_create_payload_is_the_configured_handler(mode, user):
    payload = Auth.jwt_create_payload(user)
    assert payload["username"] == "admin"
    assert payload["user_id"] == user.pk
    assert payload["exp"] > time.time()
    # drf-jwt's payload has no email claim; 1.x's does.
    assert ("email" in payload) is not mode.fork
    assert ("orig_iat" in payload) is mode.fork  # JWT_ALLOW_REFRESH's default per line


def test_jwt_create_payload_reads_the_setting_at_call_time(mode, user):
    mode.configure(JWT_PAYLOAD_HANDLER=lambda user: {"who": user.get_username()})
    assert Auth.jwt_create_payload(user) == {"who": "admin"}


def test_jwt_encode_payload(mode, user):
    payload = {"username": "admin", "exp": int(time.time()) + 60}
    token = Auth.jwt_encode_payload(payload)
    assert isinstance(token, str)
    decoded = jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])
    assert decoded == payload
    mode.configure(JWT_ENCODE_HANDLER=lambda payload: "encoded:" + payload["username"])
    assert Auth.jwt_encode_payload(payload) == "encoded:admin"


def test_jwt_decode_token(mode, user, time_machine):
    time_machine.move_to(NOW, tick=False)
    token = drf_jwt_token(user)
    payload = Auth.jwt_decode_token(token)
    assert payload["username"] == "admin"
    assert payload == utils.jwt_decode_handler(token)
    # PyJWT's exception types, as drf-jwt's handler raises them.
    with pytest.raises(jwt.DecodeError):
        Auth.jwt_decode_token("not.a.token")
    time_machine.move_to(NOW + timedelta(seconds=301), tick=False)
    with pytest.raises(jwt.ExpiredSignatureError):
        Auth.jwt_decode_token(token)


def test_jwt_decode_token_reads_the_setting_at_call_time(mode):
    mode.configure(JWT_DECODE_HANDLER=lambda token: {"decoded": token})
    assert Auth.jwt_decode_token("abc") == {"decoded": "abc"}


def test_jwt_get_username_from_payload(mode):
    assert Auth.jwt_get_username_from_payload({"username": "bob", "sub": "x"}) == "bob"
    assert Auth.jwt_get_username_from_payload({"sub": "x"}) is None
    mode.configure(JWT_PAYLOAD_GET_USERNAME_HANDLER=lambda payload: payload.get("sub"))
    assert Auth.jwt_get_username_from_payload({"username": "bob", "sub": "x"}) == "x"


@both_modes
def test_jwt_create_response_payload(mode, user):
    body = Auth.jwt_create_response_payload("T", user, None, 1234)
    assert body == ({"pk": 1234, "token": "T"} if mode.fork else {"token": "T"})
    assert Auth.jwt_create_response_payload("T") == (
        {"pk": None, "token": "T"} if mode.fork else {"token": "T"}
    )


def test_jwt_create_response_payload_with_handlers_of_either_line(mode, user):
    mode.configure(JWT_RESPONSE_PAYLOAD_HANDLER=lambda token, user=None, request=None: {"t": token})
    assert Auth.jwt_create_response_payload("T", user, None, 1234) == {"t": "T"}
    mode.configure(
        JWT_RESPONSE_PAYLOAD_HANDLER=lambda token, user, request, issued_at: [token, issued_at]
    )
    assert Auth.jwt_create_response_payload("T", user, None, 1234) == ["T", 1234]


@both_modes
def test_prefixes_match(mode):
    assert Auth.prefixes_match(mode.prefix)
    assert Auth.prefixes_match(mode.prefix.upper())
    assert Auth.prefixes_match(mode.prefix.lower())
    assert not Auth.prefixes_match(mode.other_prefix)
    assert not Auth.prefixes_match("Basic")
    assert not Auth.prefixes_match("")
    mode.configure(JWT_AUTH_HEADER_PREFIX="Token")
    assert Auth.prefixes_match("token")
    assert not Auth.prefixes_match(mode.prefix)


@both_modes
def test_get_token_from_authorization_header(mode):
    assert Auth.get_token_from_authorization_header(f"{mode.prefix} abc") == "abc"
    assert Auth.get_token_from_authorization_header(f"{mode.prefix.lower()} abc") == "abc"
    assert Auth.get_token_from_authorization_header(f"{mode.prefix} abc".encode()) == "abc"
    assert Auth.get_token_from_authorization_header("Basic abc") is None
    assert Auth.get_token_from_authorization_header(f"{mode.other_prefix} abc") is None
    with pytest.raises(MissingToken):
        Auth.get_token_from_authorization_header("")


@pytest.mark.parametrize(
    ("template", "code", "message"),
    [
        (
            "{P}",
            "authorization_header_no_credentials",
            "Invalid Authorization header. No credentials provided.",
        ),
        (
            "{P} a b",
            "authorization_header_spaces",
            "Invalid Authorization header. Credentials string should not contain spaces.",
        ),
        (
            "{P} caf\xe9",
            "authorization_header_encoding",
            "Invalid Authorization header. Credentials string should not contain invalid "
            "characters.",
        ),
    ],
)
def test_get_token_from_authorization_header_malformed(mode, template, code, message):
    with pytest.raises(InvalidAuthorizationCredentials) as excinfo:
        Auth.get_token_from_authorization_header(template.replace("{P}", mode.prefix))
    error = excinfo.value
    assert isinstance(error, exceptions.AuthenticationFailed)
    assert error.status_code == 401
    assert error.code == code
    assert str(error.detail) == message


@both_modes
def test_get_token_from_authorization_header_splits_as_each_line(mode):
    # 1.x splits on any whitespace; drf-jwt on single spaces.
    header = f"{mode.prefix}  abc"
    if mode.fork:
        with pytest.raises(InvalidAuthorizationCredentials):
            Auth.get_token_from_authorization_header(header)
    else:
        assert Auth.get_token_from_authorization_header(header) == "abc"
        assert Auth.get_token_from_authorization_header(f"{mode.prefix}\tabc") == "abc"


def test_get_token_from_cookies(mode):
    assert Auth.get_token_from_cookies({"jwt-auth": "A"}) is None  # no cookie configured
    mode.configure(JWT_AUTH_COOKIE="jwt-auth")
    assert Auth.get_token_from_cookies({"jwt-auth": "A"}) == "A"
    assert Auth.get_token_from_cookies({}) is None
    assert Auth.get_token_from_cookies({"jwt-auth": ""}) is None
    mode.configure(JWT_AUTH_COOKIE="jwt-auth", JWT_IMPERSONATION_COOKIE="jwt-imp")
    assert Auth.get_token_from_cookies({"jwt-auth": "A", "jwt-imp": "I"}) == "I"
    assert Auth.get_token_from_cookies({"jwt-auth": "A"}) == "A"
    mode.configure(JWT_IMPERSONATION_COOKIE="jwt-imp")
    assert Auth.get_token_from_cookies({"jwt-auth": "A", "jwt-imp": "I"}) == "I"
    assert Auth.get_token_from_cookies({"jwt-auth": "A"}) is None


def test_get_token_from_request_header_and_cookie(mode):
    mode.configure(JWT_AUTH_COOKIE="jwt-auth")
    factory = APIRequestFactory()
    factory.cookies["jwt-auth"] = "from-cookie"
    assert Auth.get_token_from_request(drf_request(factory)) == "from-cookie"
    header = f"{mode.prefix} from-header"
    assert Auth.get_token_from_request(drf_request(factory, HTTP_AUTHORIZATION=header)) == (
        "from-header"
    )
    # Another scheme belongs to another authenticator: no cookie fallback.
    assert Auth.get_token_from_request(drf_request(factory, HTTP_AUTHORIZATION="Basic x")) is None
    # A plain Django request works too.
    assert Auth.get_token_from_request(factory.get("/", HTTP_AUTHORIZATION=header)) == (
        "from-header"
    )


def test_get_token_from_request_without_token(mode):
    assert Auth.get_token_from_request(drf_request()) is None
    mode.configure(JWT_AUTH_COOKIE="jwt-auth")
    assert Auth.get_token_from_request(drf_request()) is None


@both_modes
@pytest.mark.parametrize("template", ["{P}", "{P} ", "{P} a b", "{P} caf\xe9"])
def test_get_token_from_request_malformed_header(mode, template):
    mode.configure(JWT_AUTH_COOKIE="jwt-auth")
    factory = APIRequestFactory()
    factory.cookies["jwt-auth"] = "from-cookie"
    request = drf_request(factory, HTTP_AUTHORIZATION=template.replace("{P}", mode.prefix))
    if mode.fork:  # drf-jwt: as if there were no header
        assert Auth.get_token_from_request(request) == "from-cookie"
    else:  # 1.x: the 401 the client gets
        with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
            Auth.get_token_from_request(request)
        assert str(excinfo.value.detail).startswith("Invalid Authorization header.")


# ----------------------------------------------------------------------------------------------
# authenticate() goes through the hooks


@both_modes
def test_query_parameter_subclass(mode, user, client):
    token = drf_jwt_token(user)
    response = client.get("/query/", {"token": token})
    assert response.status_code == 200, response.content
    assert response.json() == {"username": "admin"}
    # super() keeps the header working.
    response = client.get("/query/", HTTP_AUTHORIZATION=f"{mode.prefix} {token}")
    assert response.json() == {"username": "admin"}
    response = client.get("/query/", {"token": "garbage"})
    assert response.status_code == 401
    assert response.json() == {"detail": mode.undecodable}
    response = client.get("/query/")
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_PROVIDED}
    # The query parameter is not read by the default class.
    response = client.get("/default/", {"token": token})
    assert response.json() == {"detail": NOT_PROVIDED}


def test_query_parameter_subclass_request_auth_is_the_token(mode, user):
    token = drf_jwt_token(user)
    result = call(QueryParamAuthentication, Request(APIRequestFactory().get("/", {"token": token})))
    assert result == (user, token)


@pytest.fixture
def csrf_client(mode) -> APIClient:
    mode.configure(JWT_AUTH_COOKIE="jwt-auth")
    return APIClient(enforce_csrf_checks=True)


def test_csrf_subclass_refuses_cookie_post_without_csrf_token(csrf_client, user):
    csrf_client.cookies["jwt-auth"] = drf_jwt_token(user)
    response = csrf_client.post("/csrf/", {}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["detail"].startswith("CSRF Failed:")
    # The same request with a CSRF cookie but no token in the request is refused too.
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    response = csrf_client.post("/csrf/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed:")


def test_csrf_subclass_accepts_cookie_post_with_csrf_token(csrf_client, user):
    csrf_client.cookies["jwt-auth"] = drf_jwt_token(user)
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    response = csrf_client.post("/csrf/", {}, format="json", HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 200, response.content
    assert response.json() == {"username": "admin"}


def test_csrf_subclass_safe_cookie_request_needs_no_csrf_token(csrf_client, user):
    csrf_client.cookies["jwt-auth"] = drf_jwt_token(user)
    response = csrf_client.get("/csrf/")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


def test_csrf_subclass_header_post_needs_no_csrf_token(csrf_client, user, mode):
    response = csrf_client.post(
        "/csrf/", {}, format="json", HTTP_AUTHORIZATION=f"{mode.prefix} {drf_jwt_token(user)}"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"username": "admin"}


def test_csrf_subclass_covers_the_impersonation_cookie(csrf_client, user, mode):
    mode.configure(JWT_AUTH_COOKIE="jwt-auth", JWT_IMPERSONATION_COOKIE="jwt-imp")
    csrf_client.cookies["jwt-imp"] = drf_jwt_token(user)
    response = csrf_client.post("/csrf/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed:")


@both_modes
def test_own_key_subclass(mode, user, client, time_machine):
    time_machine.move_to(NOW, tick=False)
    response = client.get("/own-key/", HTTP_AUTHORIZATION=f"{mode.prefix} {own_key_token()}")
    assert response.status_code == 200, response.content
    assert response.json() == {"username": "admin"}
    # A token signed with the project's key does not verify with this service's key.
    response = client.get("/own-key/", HTTP_AUTHORIZATION=f"{mode.prefix} {drf_jwt_token(user)}")
    assert response.status_code == 401
    assert response.json() == {"detail": mode.undecodable}
    # The messages of the mode, from the PyJWT errors of the subclass's own decode.
    token = own_key_token()
    time_machine.move_to(NOW + timedelta(seconds=301), tick=False)
    response = client.get("/own-key/", HTTP_AUTHORIZATION=f"{mode.prefix} {token}")
    assert response.status_code == 401
    assert response.json() == {"detail": mode.expired}
    response = client.get("/own-key/", HTTP_AUTHORIZATION=f"{mode.prefix} {own_key_token('x')}")
    assert response.status_code == 401
    assert response.json() == {"detail": mode.msg("Invalid signature.", "Invalid token.")}


@both_modes
def test_own_key_subclass_leaves_the_default_class_alone(mode, client):
    response = client.get("/default/", HTTP_AUTHORIZATION=f"{mode.prefix} {own_key_token()}")
    assert response.status_code == 401
    assert response.json() == {"detail": mode.undecodable}


def test_prefixes_match_override(mode, user):
    token = drf_jwt_token(user)
    for prefix in ("JWT", "Bearer", "bearer"):
        request = drf_request(HTTP_AUTHORIZATION=f"{prefix} {token}")
        assert call(BothPrefixesAuthentication, request) == (user, token)
        assert (call(Auth, request) is not None) is (prefix.lower() == mode.prefix.lower())


def test_get_token_from_cookies_override(mode, user):
    token = drf_jwt_token(user)
    assert call(OwnCookieAuthentication, with_cookies(access=token)) == (user, token)
    assert call(Auth, with_cookies(access=token)) is None
    # The header still comes first.
    header = f"{mode.prefix} {token}"
    request = drf_request(HTTP_AUTHORIZATION=header)
    assert call(OwnCookieAuthentication, request) == (user, token)


def test_username_hook_override(mode, user):
    token = jwt.encode(
        {"sub": "admin", "exp": int(time.time()) + 60}, django_settings.SECRET_KEY, "HS256"
    )
    request = drf_request(HTTP_AUTHORIZATION=f"{mode.prefix} {token}")
    assert call(SubClaimAuthentication, request) == (user, token)
    stateless_user, _ = call(StatelessSubClaimAuthentication, request)
    assert stateless_user.get_username() == "admin"
    with pytest.raises(exceptions.AuthenticationFailed) as excinfo:
        call(Auth, request)
    assert str(excinfo.value.detail) == "Invalid payload."


def test_missing_token_from_a_hook_means_anonymous(mode, user):
    assert call(MissingTokenConventionAuthentication, drf_request()) is None
    token = drf_jwt_token(user)
    request = Request(APIRequestFactory().get("/", {"token": token}))
    assert call(MissingTokenConventionAuthentication, request) == (user, token)


def test_get_jwt_value_of_the_default_class(mode, user):
    token = drf_jwt_token(user)
    auth = JSONWebTokenAuthentication()
    assert auth.get_jwt_value(drf_request(HTTP_AUTHORIZATION=f"{mode.prefix} {token}")) == token
    assert auth.get_jwt_value(drf_request()) is None
    assert auth.get_jwt_value(drf_request(HTTP_AUTHORIZATION="Basic abc")) is None


def test_get_jwt_value_override_with_super(mode, user, superuser):
    admin, root = drf_jwt_token(user), drf_jwt_token(superuser)
    request = Request(APIRequestFactory().get("/", {"jwt": root}))
    assert call(QueryStringFirst, request) == (superuser, root)
    request = drf_request(HTTP_AUTHORIZATION=f"{mode.prefix} {admin}")
    assert call(QueryStringFirst, request) == (user, admin)
    assert call(QueryStringFirst, drf_request()) is None


def test_base_subclass_with_only_get_jwt_value(mode, user):
    token = drf_jwt_token(user)
    request = Request(APIRequestFactory().get("/", {"token": token}))
    assert call(QueryStringOnly, request) == (user, token)
    assert call(QueryStringOnly, drf_request()) is None
    # Its get_jwt_value is the only source: the header is not read.
    request = drf_request(HTTP_AUTHORIZATION=f"{mode.prefix} {token}")
    assert call(QueryStringOnly, request) is None


def test_request_path_keeps_the_fused_lookup(mode, user, monkeypatch, django_assert_num_queries):
    """Subclasses that override only token hooks still take the one-query user lookup."""
    calls = []
    fetch = lookup.fetch

    def spy(username, token, **options):
        found = fetch(username, token, **options)  # a NoFastPath where it does not apply
        calls.append(username)
        return found

    monkeypatch.setattr(lookup, "fetch", spy)
    token = drf_jwt_token(user)
    header = f"{mode.prefix} {token}"
    for auth_class in (Auth, QueryParamAuthentication, BothPrefixesAuthentication):
        with django_assert_num_queries(1):
            assert call(auth_class, drf_request(HTTP_AUTHORIZATION=header)) == (user, token)
    assert calls == ["admin"] * 3


def test_hooks_read_settings_at_call_time(mode, user):
    token = drf_jwt_token(user)
    request = drf_request(HTTP_AUTHORIZATION=f"Token {token}")
    assert call(Auth, request) is None
    mode.configure(JWT_AUTH_HEADER_PREFIX="Token")
    assert call(Auth, request) == (user, token)
    assert call(QueryParamAuthentication, request) == (user, token)


# ----------------------------------------------------------------------------------------------
# 1.x's DeprecationWarning from jwt_payload_handler


def test_payload_handler_warns_on_every_call(mode, user):
    texts = deprecations(lambda: [utils.jwt_payload_handler(user) for _ in range(3)])
    assert texts == [PAYLOAD_WARNING] * 3


def test_payload_handler_warning_is_a_deprecation_warning(user):
    with pytest.warns(DeprecationWarning, match="`email` and `user_id`") as record:
        utils.jwt_payload_handler(user)
    assert [w.category for w in record] == [DeprecationWarning]
    assert str(record[0].message) == PAYLOAD_WARNING
    # Attributed to rest_framework_jwt.utils, as in 1.x: module filters written for 1.x match.
    assert record[0].filename == utils.__file__


@both_modes
def test_create_payload_does_not_warn(mode, user):
    assert deprecations(lambda: utils.jwt_create_payload(user)) == []
    if mode.fork:  # the configured handler is jwt_create_payload
        assert deprecations(lambda: Auth.jwt_create_payload(user)) == []
    else:  # the classmethod calls the configured handler, 1.x's
        assert deprecations(lambda: Auth.jwt_create_payload(user)) == [PAYLOAD_WARNING]


def test_user_id_handler_warns(mode):
    texts = deprecations(lambda: utils.jwt_get_user_id_from_payload_handler({"user_id": 3}))
    assert texts == [USER_ID_WARNING]


def test_obtain_and_refresh_warn_in_orig_mode_as_1x_did(settings, user, password, client):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    responses = []
    body = {"username": "admin", "password": password}
    texts = deprecations(lambda: responses.append(client.post(OBTAIN, body, format="json")))
    assert responses[-1].status_code == 200
    assert texts == [PAYLOAD_WARNING]
    token = responses[-1].data["token"]
    texts = deprecations(
        lambda: responses.append(client.post(REFRESH, {"token": token}, format="json"))
    )
    assert responses[-1].status_code == 200
    assert texts == [PAYLOAD_WARNING]
    # Verifying and authenticating build no payload: no warning (as in 1.x).
    texts = deprecations(
        lambda: responses.append(client.post(VERIFY, {"token": token}, format="json"))
    )
    assert responses[-1].status_code == 200
    texts += deprecations(
        lambda: responses.append(client.get("/default/", HTTP_AUTHORIZATION=f"JWT {token}"))
    )
    assert responses[-1].status_code == 200
    assert texts == []


def test_fork_mode_token_views_do_not_warn(settings, user, password, client):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    responses = []
    body = {"username": "admin", "password": password}
    texts = deprecations(lambda: responses.append(client.post(OBTAIN, body, format="json")))
    token = responses[-1].data["token"]
    for route in (REFRESH, VERIFY):
        texts += deprecations(
            lambda route=route: responses.append(client.post(route, {"token": token}, "json"))
        )
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert texts == []


def test_suite_silences_only_the_1x_texts():
    """pyproject's filters hide the two 1.x texts, not DeprecationWarnings in general."""
    with warnings.catch_warnings(record=True) as caught:  # the suite's filters, as they are
        warnings.warn(PAYLOAD_WARNING, DeprecationWarning, stacklevel=1)
        warnings.warn(USER_ID_WARNING, DeprecationWarning, stacklevel=1)
        warnings.warn(
            "The following fields will be removed: `email`.", DeprecationWarning, stacklevel=1
        )
        warnings.warn("Something else is deprecated.", DeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == [
        "The following fields will be removed: `email`.",
        "Something else is deprecated.",
    ]
