"""Every public name of shared/docs/compat.md, sections 2 to 7 (1.11.0 "orig" and drf-jwt
1.19.2 "fork"), at its import path, with its signature and its behaviour.

Each row of ``NAMES`` is (module, name, signature, check): the signature as compat.md gives it
(parameters and defaults, or None where compat.md gives none), and a call that checks what the
name does. A check that depends on the mode looks at ``c.fork`` (or ``c.ok``, ``c.prefix``,
``c.header``): only those rows run in both modes.

Where a name deliberately differs from its 1.x or drf-jwt behaviour, the row's comment names
the paragraph of docs/migrating/ that says why.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from django.apps import AppConfig, apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_save
from django.http import HttpResponse
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from tests.helpers import NOW, START

FORK_CLAIMS = {"user_id", "username", "exp", "iat", "jti", "orig_iat"}


@dataclass
class Ctx:
    fork: bool
    user: Any
    superuser: Any
    settings: Any

    @property
    def prefix(self) -> str:
        return "Bearer" if self.fork else "JWT"

    @property
    def ok(self) -> int:
        return 201 if self.fork else 200

    def token(self, **changes) -> str:
        from rest_framework_jwt import utils

        payload = quiet(utils.jwt_payload_handler, self.user)
        payload.update(changes)
        return utils.jwt_encode_handler(payload)

    def request(self, method="get", data=None, **extra):
        factory = APIRequestFactory()
        return getattr(factory, method)("/x/", data, format="json", **extra)

    def header(self, token: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"{self.prefix} {token}"}


def quiet(function, *args, **kwargs):
    """Call a 1.x function that warns on every call, without the warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return function(*args, **kwargs)


def resolve(module: str, name: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def plain_signature(obj: Any) -> str:
    """``(a, b=None, *args, **kwargs)``: names, kinds and defaults, without annotations."""
    parts = []
    for parameter in inspect.signature(obj).parameters.values():
        text = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            text = "*" + text
        elif parameter.kind is parameter.VAR_KEYWORD:
            text = "**" + text
        if parameter.default is not parameter.empty:
            text += f"={parameter.default!r}"
        parts.append(text)
    return "(" + ", ".join(parts) + ")"


def signature_only(c: Ctx, obj) -> None:
    """For a method whose behaviour its class's row checks: only the signature here."""


def serve(view, request):
    response = view(request)
    if hasattr(response, "render"):
        response.render()
    return response


# ----------------------------------------------------------------------------------------------
# Section 2: views


def check_obtain_callable(c: Ctx, view) -> None:
    response = serve(view, c.request("post", {"username": "admin", "password": "abc123"}))
    assert response.status_code == c.ok, response.data
    body = response.data
    assert set(body) == ({"pk", "token"} if c.fork else {"token"})
    assert jwt.decode(body["token"], options={"verify_signature": False})["username"] == "admin"


def check_refresh_callable(c: Ctx, view) -> None:
    old = c.token(orig_iat=NOW)
    response = serve(view, c.request("post", {"token": old}))
    assert response.status_code == c.ok, response.data
    claims = jwt.decode(response.data["token"], options={"verify_signature": False})
    assert claims["orig_iat"] == NOW


def check_verify_callable(c: Ctx, view) -> None:
    token = c.token()
    response = serve(view, c.request("post", {"token": token}))
    assert response.status_code == c.ok, response.data
    assert response.data["token"] == token


def check_impersonate_callable(c: Ctx, view) -> None:
    request = c.request("post", {"user": c.user.pk})
    force_authenticate(request, user=c.superuser)
    response = serve(view, request)
    assert response.status_code == 201, response.data  # 201 in both modes, as drf-jwt
    assert set(response.data) == {"token"}


def view_class_check(callable_name: str, checker):
    def check(c: Ctx, cls) -> None:
        from rest_framework_jwt import views

        assert issubclass(cls, APIView)
        assert issubclass(cls, views.JSONWebTokenAPIView)
        checker(c, cls.as_view())
        assert getattr(views, callable_name).view_class is cls

    return check


def check_base_view(c: Ctx, cls) -> None:
    from rest_framework_jwt.serializers import JSONWebTokenSerializer

    class Obtain(cls):
        serializer_class = JSONWebTokenSerializer

    view = Obtain()
    view.request = c.request()
    assert view.get_serializer_context() == {"request": view.request, "view": view}
    assert view.get_serializer_class() is JSONWebTokenSerializer
    assert isinstance(view.get_serializer(data={}), JSONWebTokenSerializer)
    assert cls.permission_classes == () and cls.authentication_classes == ()

    class Unset(cls):
        serializer_class = None

    with pytest.raises(AssertionError):
        Unset().get_serializer_class()
    check_obtain_callable(c, Obtain.as_view())


def check_views_module_response_handler(c: Ctx, handler) -> None:
    # 1.x tests replace this module global; the views look it up on every call.
    from rest_framework_jwt import views

    body = handler("T", c.user, None)
    assert body == ({"pk": None, "token": "T"} if c.fork else {"token": "T"})
    original = views.jwt_response_payload_handler
    views.jwt_response_payload_handler = lambda token, user=None, request=None: {"mine": token}
    try:
        response = serve(
            views.obtain_jwt_token, c.request("post", {"username": "admin", "password": "abc123"})
        )
    finally:
        views.jwt_response_payload_handler = original
    assert set(response.data) == {"mine"}


def check_blacklist_view(c: Ctx, cls) -> None:
    view = cls.as_view({"post": "create"})
    token = c.token()
    response = serve(view, c.request("post", {"token": token}, **c.header(token)))
    assert response.status_code == 201, response.data
    assert response.data == {"token": token}
    # Only create (drf-jwt's list/retrieve/update/destroy: from-drf-jwt.md, blacklist app).
    assert not hasattr(cls, "list") and not hasattr(cls, "destroy")


# ----------------------------------------------------------------------------------------------
# Section 3: serializers


def check_obtain_serializer(c: Ctx, cls) -> None:
    assert cls().data == {"username": "", "password": ""}
    serializer = cls(
        data={"username": "admin", "password": "abc123"}, context={"request": c.request()}
    )
    assert serializer.username_field == "username"
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["user"] == c.user
    assert serializer.object is serializer.validated_data  # 1.x's compat.Serializer
    assert serializer.fields["token"].read_only
    assert serializer.fields["password"].write_only
    assert isinstance(serializer.fields["password"], resolve(C, "PasswordField"))
    bad = cls(data={"username": "admin", "password": "no"}, context={"request": c.request()})
    assert not bad.is_valid()
    assert bad.errors == {"non_field_errors": ["Unable to log in with provided credentials."]}


def check_verification_base(c: Ctx, cls) -> None:
    serializer = cls()
    with pytest.raises(NotImplementedError):
        serializer.validate({})
    token = c.token()
    payload = serializer._check_payload(token=token)
    assert payload["username"] == "admin"
    assert serializer._check_user(payload=payload) == c.user
    with pytest.raises(ValidationError):
        serializer._check_payload(token="garbage")
    with pytest.raises(ValidationError):
        serializer._check_user(payload={"username": "ghost"})


def check_verify_serializer(c: Ctx, cls) -> None:
    token = c.token()
    serializer = cls(data={"token": token})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["token"] == token
    assert serializer.validated_data["user"] == c.user


def check_refresh_serializer(c: Ctx, cls) -> None:
    serializer = cls(data={"token": c.token(orig_iat=NOW)})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["token"] != serializer.initial_data["token"]
    expired = cls(data={"token": c.token(orig_iat=NOW - 8 * 86400)})
    assert not expired.is_valid()
    assert expired.errors == {"non_field_errors": ["Refresh has expired."]}


def check_impersonate_serializer(c: Ctx, cls) -> None:
    serializer = cls(data={"user": c.user.pk}, context={"request": c.request()})
    assert isinstance(serializer.fields["user"], drf_serializers.PrimaryKeyRelatedField)
    serializer.context["request"].user = c.superuser
    assert serializer.is_valid(), serializer.errors
    claims = jwt.decode(serializer.validated_data["token"], options={"verify_signature": False})
    assert claims["username"] == "admin"


def check_blacklist_serializer(c: Ctx, cls) -> None:
    assert issubclass(cls, drf_serializers.ModelSerializer)
    assert cls().fields["token"].required is False


# ----------------------------------------------------------------------------------------------
# Section 4: authentication


def check_base_authentication(c: Ctx, cls) -> None:
    with pytest.raises(NotImplementedError):
        cls().get_jwt_value(Request(c.request()))

    class QueryString(cls):  # what the 1.x docs recommend for tokens in the query string
        def get_jwt_value(self, request):
            return request.query_params.get("token")

    token = c.token()
    request = Request(APIRequestFactory().get("/x/", {"token": token}))
    assert QueryString().authenticate(request) == (c.user, token)
    assert QueryString().authenticate(Request(c.request())) is None
    assert cls.www_authenticate_realm == "api"


def check_authentication(c: Ctx, cls) -> None:
    token = c.token()
    authenticator = cls()
    user, auth = authenticator.authenticate(Request(c.request(**c.header(token))))
    assert (user, auth) == (c.user, token)
    assert isinstance(auth, str)  # 1.x gave bytes from the header (from-1x.md, difference 5)
    assert authenticator.authenticate_header(None) == f'{c.prefix} realm="api"'
    assert authenticator.authenticate_credentials({"username": "admin"}) == c.user
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(Request(c.request(**c.header(c.token(exp=NOW - 1)))))


def check_module_decode_handler(c: Ctx, handler) -> None:
    assert handler(c.token())["username"] == "admin"


def check_module_username_handler(c: Ctx, handler) -> None:
    assert handler({"username": "admin"}) == "admin"


def classmethod_check(check):
    def run(c: Ctx, method) -> None:
        assert inspect.ismethod(method), "a classmethod"
        check(c, method)

    return run


def cm_create_payload(c: Ctx, method) -> None:
    payload = quiet(method, c.user)
    assert payload["username"] == "admin"


def cm_encode_payload(c: Ctx, method) -> None:
    from rest_framework_jwt import utils

    token = method({"username": "admin", "exp": NOW + 60})
    assert utils.jwt_decode_handler(token) == {"username": "admin", "exp": NOW + 60}


def cm_decode_token(c: Ctx, method) -> None:
    assert method(c.token())["username"] == "admin"
    with pytest.raises(jwt.ExpiredSignatureError):
        method(c.token(exp=NOW - 1))


def cm_username(c: Ctx, method) -> None:
    assert method({"username": "admin"}) == "admin"


def cm_response_payload(c: Ctx, method) -> None:
    body = method("T", c.user, None, NOW)
    assert body == ({"pk": NOW, "token": "T"} if c.fork else {"token": "T"})


def cm_token_from_request(c: Ctx, method) -> None:
    token = c.token()
    assert method(Request(c.request(**c.header(token)))) == token
    assert method(Request(c.request(HTTP_AUTHORIZATION="Basic abc"))) is None
    c.settings.JWT_AUTH = {**c.settings.JWT_AUTH, "JWT_AUTH_COOKIE": "jwt"}
    cookied = c.request()
    cookied.COOKIES["jwt"] = token
    assert method(Request(cookied)) == token


def cm_token_from_header(c: Ctx, method) -> None:
    assert method(f"{c.prefix} abc") == "abc"
    assert method("Basic abc") is None


def cm_prefixes_match(c: Ctx, method) -> None:
    assert method(c.prefix.upper())
    assert not method("Basic")


def cm_token_from_cookies(c: Ctx, method) -> None:
    assert method({"jwt": "abc"}) is None
    c.settings.JWT_AUTH = {
        **c.settings.JWT_AUTH,
        "JWT_AUTH_COOKIE": "jwt",
        "JWT_IMPERSONATION_COOKIE": "imp",
    }
    assert method({"jwt": "abc"}) == "abc"
    assert method({"jwt": "abc", "imp": "def"}) == "def"  # the impersonation cookie first


def exception_check(code: str):
    def check(c: Ctx, cls) -> None:
        assert issubclass(cls, AuthenticationFailed)
        assert cls.status_code == 401
        assert cls().get_codes() == code

    return check


# ----------------------------------------------------------------------------------------------
# Section 5: utils


def check_payload_handler(c: Ctx, handler) -> None:
    with pytest.warns(DeprecationWarning, match="`email` and `user_id`"):
        payload = handler(c.user)
    assert payload["username"] == "admin"
    assert payload["user_id"] == c.user.pk
    if c.fork:
        assert set(payload) == FORK_CLAIMS
    else:
        assert payload["email"] == "admin@example.com"


def check_create_payload(c: Ctx, handler) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        payload = handler(c.user)
    assert "email" not in payload
    assert payload["iat"] == NOW and payload["exp"] == NOW + 300
    if c.fork:
        assert set(payload) == FORK_CLAIMS


def check_encode(c: Ctx, handler) -> None:
    token = handler({"username": "admin", "exp": NOW + 60})
    assert isinstance(token, str)
    assert jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])["exp"] == NOW + 60


def check_decode(c: Ctx, handler) -> None:
    from rest_framework_jwt import utils

    payload = {"username": "admin", "exp": NOW + 60}
    assert handler(utils.jwt_encode_handler(payload)) == payload
    with pytest.raises(jwt.DecodeError):
        handler("not.a.token")


def check_response_handler(c: Ctx, handler) -> None:
    assert handler("T") == {"token": "T"}
    assert handler("T", c.user, None) == {"token": "T"}


def check_create_response_payload(c: Ctx, handler) -> None:
    assert handler("T", c.user, None, NOW) == {"pk": NOW, "token": "T"}
    assert handler("T") == {"pk": None, "token": "T"}


def check_user_id_handler(c: Ctx, handler) -> None:
    with pytest.warns(DeprecationWarning):
        assert handler({"user_id": 7}) == 7


def check_username_handler(c: Ctx, handler) -> None:
    assert handler({"username": "admin"}) == "admin"
    assert handler({}) is None


def check_secret_key(c: Ctx, handler) -> None:
    assert handler() == django_settings.SECRET_KEY
    assert handler({"username": "admin"}) == django_settings.SECRET_KEY


def check_unix_epoch(c: Ctx, handler) -> None:
    assert handler() == NOW
    assert handler(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)) == 1577836800


def check_get_username_field(c: Ctx, handler) -> None:
    assert handler() == "username"


def check_check_payload(c: Ctx, handler) -> None:
    assert handler(c.token())["username"] == "admin"
    with pytest.raises(ValidationError) as caught:
        handler(c.token(exp=NOW - 1))
    assert caught.value.detail == ["Token has expired." if c.fork else "Signature has expired."]


def check_check_user(c: Ctx, handler) -> None:
    assert handler({"username": "admin"}) == c.user
    with pytest.raises(ValidationError) as caught:
        handler({"username": "ghost"})
    assert caught.value.detail == ["User doesn't exist."]


# ----------------------------------------------------------------------------------------------
# Section 6: compat, test, models, permissions, package attributes


def check_compat_serializer(c: Ctx, cls) -> None:
    class Named(cls):
        name = drf_serializers.CharField()

    serializer = Named(data={"name": "x"})
    assert serializer.is_valid()
    assert serializer.object == {"name": "x"}


def check_password_field(c: Ctx, cls) -> None:
    field = cls(write_only=True)
    assert isinstance(field, drf_serializers.CharField)
    assert field.style == {"input_type": "password"}


def check_compat_get_username_field(c: Ctx, handler) -> None:
    assert handler() == "username"


def check_compat_get_username(c: Ctx, handler) -> None:
    assert handler(c.user) == "admin"

    class Plain:
        username = "plain"

    assert handler(Plain()) == "plain"


def check_get_user_model(c: Ctx, handler) -> None:
    assert handler() is get_user_model()


def check_django_name(django_path: str):
    def check(c: Ctx, obj) -> None:
        assert obj is resolve(*django_path.rsplit(".", 1))

    return check


def check_has_samesite(c: Ctx, handler) -> None:
    assert handler() is True


def check_set_cookie_with_token(c: Ctx, handler) -> None:
    response = HttpResponse()
    handler(response, "jwt", "T")
    cookie = response.cookies["jwt"]
    assert cookie.value == "T"
    assert cookie["httponly"] is True
    assert bool(cookie["secure"]) is c.fork  # JWT_AUTH_COOKIE_SECURE: True in drf-jwt mode


def check_jwt_version(c: Ctx, value) -> None:
    assert value == 2


def check_expired_signature(c: Ctx, value) -> None:
    assert issubclass(value, jwt.ExpiredSignatureError)


def check_compat_jwt_decode(c: Ctx, handler) -> None:
    token = c.token()
    assert handler(token, django_settings.SECRET_KEY)["username"] == "admin"
    expired = c.token(exp=NOW - 1)
    assert handler(expired, django_settings.SECRET_KEY, verify=False)["username"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        handler(token, "another-secret-key-that-is-long-enough-for-hs256-0123456789")


def check_test_client(c: Ctx, cls) -> None:
    client = cls()
    assert client.login(username="admin", password="abc123") is True
    assert client._credentials["HTTP_AUTHORIZATION"].startswith(f"{c.prefix} ")
    assert client.login(username="admin", password="wrong") is False


def check_test_case(c: Ctx, cls) -> None:
    from rest_framework_jwt.test import APIJWTClient

    assert cls.client_class is APIJWTClient


def check_models_module(c: Ctx, module) -> None:
    config = apps.get_app_config("rest_framework_jwt")
    assert config.name == config.label == "rest_framework_jwt"
    assert list(config.get_models()) == []  # empty in both


def check_is_superuser(c: Ctx, cls) -> None:
    assert issubclass(cls, BasePermission)
    request = c.request()
    request.user = c.superuser
    assert cls().has_permission(request, None)
    request.user = c.user
    assert not cls().has_permission(request, None)


def check_package_attribute(name: str):
    def check(c: Ctx, value) -> None:
        assert isinstance(value, str) and value
        if name == "VERSION":
            assert value == resolve("rest_framework_jwt", "__version__")

    return check


# ----------------------------------------------------------------------------------------------
# Section 7: the blacklist app, commands, signals, admin


def check_app_config(c: Ctx, cls) -> None:
    assert issubclass(cls, AppConfig)
    assert (cls.name, cls.label) == ("rest_framework_jwt.blacklist", "blacklist")
    assert apps.get_app_config("blacklist").name == "rest_framework_jwt.blacklist"


def check_blacklisted_token(c: Ctx, cls) -> None:
    token = c.token()
    expires = START + dt.timedelta(minutes=5)
    row = cls.objects.create(token=token, user=c.user, expires_at=expires)
    assert cls.objects.filter(token=token).exists()
    assert cls.objects.filter(token=token).count() == 1
    assert (row.user, row.blacklisted_at) == (c.user, START)
    assert row.expires_at >= expires  # raised to the end of the token's refresh chain
    assert str(row) == f"Blacklisted token - {c.user} - {row.expires_at}"
    # drf-jwt's constraint: a token or a token id.
    with pytest.raises(IntegrityError), transaction.atomic():
        cls.objects.create(user=c.user, expires_at=expires)
    assert cls.is_blocked(token, jwt.decode(token, options={"verify_signature": False}))
    token_id = uuid.uuid4()
    cls.objects.create(token_id=token_id, user=c.user, expires_at=expires)
    assert cls.objects.filter(token_id=token_id).exists()
    # Stored hashed: reading a raw token back out of a row is the one thing that does not work
    # (from-drf-jwt.md, the blacklist app).
    assert cls.objects.get(pk=row.pk).token is None
    cls.objects.filter(token=token).delete()
    assert not cls.objects.filter(token=token).exists()


def check_delete_stale_tokens(c: Ctx, manager_method) -> None:
    from rest_framework_jwt.blacklist.models import BlacklistedToken

    BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=c.user, expires_at=START - dt.timedelta(seconds=1)
    )
    fresh = BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=c.user, expires_at=START + dt.timedelta(days=1)
    )
    manager_method()
    assert list(BlacklistedToken.objects.values_list("pk", flat=True)) == [fresh.pk]


def check_is_not_blacklisted(c: Ctx, cls) -> None:
    from rest_framework_jwt import revocation

    assert cls.message == "You have been blacklisted."
    assert cls().has_permission(Request(c.request()), APIView())  # no token: allowed
    token = c.token()
    assert cls().has_permission(Request(c.request(**c.header(token))), APIView())
    revocation.revoke_token(token, jwt.decode(token, options={"verify_signature": False}))
    assert not cls().has_permission(Request(c.request(**c.header(token))), APIView())


def check_migrations(c: Ctx, module) -> None:
    names = {name for app, name in MigrationLoader(None).disk_migrations if app == "blacklist"}
    assert {"0001_initial", "0002_add_token_id"} <= names


def check_obtain_token_command(c: Ctx, module) -> None:
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("obtain_token", str(c.user.pk), stderr=stderr)
    assert caught.value.code == 1
    assert stderr.getvalue().startswith("Unable to obtain token because")
    c.settings.DEBUG = True
    stdout = io.StringIO()
    call_command("obtain_token", str(c.user.pk), stdout=stdout)
    claims = jwt.decode(stdout.getvalue().strip(), options={"verify_signature": False})
    assert claims["username"] == "admin"


def check_delete_stale_tokens_command(c: Ctx, module) -> None:
    from rest_framework_jwt.blacklist.models import BlacklistedToken

    BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=c.user, expires_at=START - dt.timedelta(seconds=1)
    )
    call_command("delete_stale_tokens", stdout=io.StringIO())
    assert not BlacklistedToken.objects.exists()


def check_purge_signal(c: Ctx, module) -> None:
    from rest_framework_jwt.blacklist.models import BlacklistedToken

    assert post_save.has_listeners(BlacklistedToken)
    stale = BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=c.user, expires_at=START - dt.timedelta(seconds=1)
    )
    c.settings.JWT_AUTH = {**c.settings.JWT_AUTH, "JWT_DELETE_STALE_BLACKLISTED_TOKENS": True}
    BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=c.user, expires_at=START + dt.timedelta(days=1)
    )
    assert not BlacklistedToken.objects.filter(pk=stale.pk).exists()


def check_admin(c: Ctx, module) -> None:
    from rest_framework_jwt.blacklist.models import BlacklistedToken

    model_admin = admin.site._registry[BlacklistedToken]
    # drf-jwt's "token" column: there is no raw token to show (from-drf-jwt.md).
    assert {"user", "expires_at", "blacklisted_at"} <= set(model_admin.list_display)
    assert "user" in model_admin.list_filter


# ----------------------------------------------------------------------------------------------
# The table

V, S, A, U, C = (
    "rest_framework_jwt.views",
    "rest_framework_jwt.serializers",
    "rest_framework_jwt.authentication",
    "rest_framework_jwt.utils",
    "rest_framework_jwt.compat",
)
BL = "rest_framework_jwt.blacklist"
JWTAuth = "JSONWebTokenAuthentication"

NAMES: list[tuple[str, str, str | None, Any]] = [
    # --- 2. views (orig and fork class names, the module callables, the base views)
    (V, "obtain_jwt_token", None, check_obtain_callable),
    (V, "refresh_jwt_token", None, check_refresh_callable),
    (V, "verify_jwt_token", None, check_verify_callable),
    (V, "impersonate_jwt_token", None, check_impersonate_callable),
    (V, "ObtainJSONWebToken", None, view_class_check("obtain_jwt_token", check_obtain_callable)),
    (
        V,
        "ObtainJSONWebTokenView",
        None,
        view_class_check("obtain_jwt_token", check_obtain_callable),
    ),
    (V, "RefreshJSONWebToken", None, view_class_check("refresh_jwt_token", check_refresh_callable)),
    (
        V,
        "RefreshJSONWebTokenView",
        None,
        view_class_check("refresh_jwt_token", check_refresh_callable),
    ),
    (V, "VerifyJSONWebToken", None, view_class_check("verify_jwt_token", check_verify_callable)),
    (
        V,
        "VerifyJSONWebTokenView",
        None,
        view_class_check("verify_jwt_token", check_verify_callable),
    ),
    (
        V,
        "ImpersonateJSONWebTokenView",
        None,
        lambda c, cls: check_impersonate_callable(c, cls.as_view()),
    ),
    (V, "JSONWebTokenAPIView", None, check_base_view),
    (V, "BaseJSONWebTokenAPIView", None, check_base_view),
    (V, "jwt_response_payload_handler", None, check_views_module_response_handler),
    (f"{BL}.views", "BlacklistView", None, check_blacklist_view),
    # --- 3. serializers
    (S, "JSONWebTokenSerializer", None, check_obtain_serializer),
    (S, "VerificationBaseSerializer", None, check_verification_base),
    (S, "VerifyJSONWebTokenSerializer", None, check_verify_serializer),
    (S, "VerifyAuthTokenSerializer", None, check_verify_serializer),
    (S, "RefreshJSONWebTokenSerializer", None, check_refresh_serializer),
    (S, "RefreshAuthTokenSerializer", None, check_refresh_serializer),
    (S, "ImpersonateAuthTokenSerializer", None, check_impersonate_serializer),
    (f"{BL}.serializers", "BlacklistTokenSerializer", None, check_blacklist_serializer),
    # --- 4. authentication
    (A, "BaseJSONWebTokenAuthentication", None, check_base_authentication),
    (A, JWTAuth, None, check_authentication),
    (A, f"{JWTAuth}.get_jwt_value", "(self, request)", signature_only),
    (A, f"{JWTAuth}.authenticate_credentials", "(self, payload)", signature_only),
    (A, "jwt_decode_handler", "(token)", check_module_decode_handler),
    (A, "jwt_get_username_from_payload", "(payload)", check_module_username_handler),
    (A, f"{JWTAuth}.jwt_create_payload", None, classmethod_check(cm_create_payload)),
    (A, f"{JWTAuth}.jwt_encode_payload", None, classmethod_check(cm_encode_payload)),
    (A, f"{JWTAuth}.jwt_decode_token", "(token)", classmethod_check(cm_decode_token)),
    (
        A,
        f"{JWTAuth}.jwt_get_username_from_payload",
        "(payload)",
        classmethod_check(cm_username),
    ),
    (
        A,
        f"{JWTAuth}.jwt_create_response_payload",
        "(token, user=None, request=None, issued_at=None)",
        classmethod_check(cm_response_payload),
    ),
    (A, f"{JWTAuth}.get_token_from_request", "(request)", classmethod_check(cm_token_from_request)),
    (
        A,
        f"{JWTAuth}.get_token_from_authorization_header",
        "(header_str)",
        classmethod_check(cm_token_from_header),
    ),
    (A, f"{JWTAuth}.prefixes_match", "(prefix)", classmethod_check(cm_prefixes_match)),
    (A, f"{JWTAuth}.get_token_from_cookies", "(cookies)", classmethod_check(cm_token_from_cookies)),
    (
        f"{BL}.exceptions",
        "InvalidAuthorizationCredentials",
        None,
        exception_check("invalid_authorization_credentials"),
    ),
    (f"{BL}.exceptions", "MissingToken", None, exception_check("token_missing")),
    # --- 5. utils
    (U, "jwt_payload_handler", "(user)", check_payload_handler),
    (U, "jwt_create_payload", "(user)", check_create_payload),
    (U, "jwt_encode_handler", "(payload)", check_encode),
    (U, "jwt_encode_payload", "(payload)", check_encode),
    (U, "jwt_decode_handler", "(token)", check_decode),
    (U, "jwt_decode_token", "(token)", check_decode),
    (
        U,
        "jwt_response_payload_handler",
        "(token, user=None, request=None)",
        check_response_handler,
    ),
    (
        U,
        "jwt_create_response_payload",
        "(token, user=None, request=None, issued_at=None)",
        check_create_response_payload,
    ),
    (U, "jwt_get_user_id_from_payload_handler", "(payload)", check_user_id_handler),
    (U, "jwt_get_username_from_payload_handler", "(payload)", check_username_handler),
    (U, "jwt_get_secret_key", "(payload=None)", check_secret_key),
    # compat.md writes unix_epoch(dt=None); callers pass the datetime positionally.
    (U, "unix_epoch", None, check_unix_epoch),
    (U, "get_username_field", "()", check_get_username_field),
    (U, "check_payload", "(token)", check_check_payload),
    (U, "check_user", "(payload)", check_check_user),
    # --- 6. compat (orig, then fork)
    (C, "Serializer", None, check_compat_serializer),
    (C, "PasswordField", None, check_password_field),
    (C, "get_username_field", "()", check_compat_get_username_field),
    (C, "get_username", "(user)", check_compat_get_username),
    (C, "get_user_model", None, check_get_user_model),
    (C, "include", None, check_django_name("django.urls.include")),
    (C, "url", None, check_django_name("django.urls.re_path")),
    (C, "gettext_lazy", None, check_django_name("django.utils.translation.gettext_lazy")),
    (C, "smart_str", None, check_django_name("django.utils.encoding.smart_str")),
    (C, "has_set_cookie_samesite", "()", check_has_samesite),
    (C, "set_cookie_with_token", "(response, name, token)", check_set_cookie_with_token),
    (C, "jwt_version", None, check_jwt_version),
    (C, "ExpiredSignature", None, check_expired_signature),
    (C, "jwt_decode", "(token, key, verify=None, **kwargs)", check_compat_jwt_decode),
    # --- 6. test helpers, models, permissions, package attributes
    ("rest_framework_jwt.test", "APIJWTClient", None, check_test_client),
    ("rest_framework_jwt.test", "APIJWTTestCase", None, check_test_case),
    ("rest_framework_jwt", "models", None, check_models_module),
    ("rest_framework_jwt.permissions", "IsSuperUser", None, check_is_superuser),
    *(
        ("rest_framework_jwt", name, None, check_package_attribute(name))
        for name in ("__title__", "__version__", "__author__", "__license__", "__copyright__")
    ),
    ("rest_framework_jwt", "VERSION", None, check_package_attribute("VERSION")),
    # --- 7. the blacklist app
    (f"{BL}.apps", "BlacklistedTokenConfig", None, check_app_config),
    (f"{BL}.models", "BlacklistedToken", None, check_blacklisted_token),
    (
        f"{BL}.models",
        "BlacklistedToken.objects.delete_stale_tokens",
        "()",
        check_delete_stale_tokens,
    ),
    (f"{BL}.models", "BlacklistedToken.is_blocked", "(token, payload)", signature_only),
    (f"{BL}.permissions", "IsNotBlacklisted", None, check_is_not_blacklisted),
    (BL, "migrations", None, check_migrations),
    ("rest_framework_jwt.management.commands", "obtain_token", None, check_obtain_token_command),
    (
        f"{BL}.management.commands",
        "delete_stale_tokens",
        None,
        check_delete_stale_tokens_command,
    ),
    (BL, "signals", None, check_purge_signal),
    (BL, "admin", None, check_admin),
]

MODES = {"orig": {}, "fork": {"JWT_COMPAT": "drf-jwt"}}


def _id(row) -> str:
    return f"{row[0].removeprefix('rest_framework_jwt').lstrip('.') or 'package'}:{row[1]}"


@pytest.fixture
def ctx(request, settings, time_machine, user, superuser) -> Ctx:
    time_machine.move_to(START, tick=False)
    settings.JWT_AUTH = dict(MODES[request.param])
    settings.DEBUG = False
    return Ctx(fork=request.param == "fork", user=user, superuser=superuser, settings=settings)


MODE_DEPENDENT = re.compile(r"\bc\.(fork|ok|prefix|header)\b")


def depends_on_mode(function, seen=()) -> bool:
    """Whether ``function`` (a check) reads the mode, itself or through a helper of this module:
    only those run in both modes; a name that works the same in both is checked once."""
    source = inspect.getsource(function)
    if MODE_DEPENDENT.search(source):
        return True
    helpers = {
        value
        for name, value in globals().items()
        if inspect.isfunction(value)
        and value.__module__ == __name__
        and value is not function
        and value not in seen
        and re.search(rf"\b{name}\(", source)
    }
    return any(depends_on_mode(helper, (*seen, function)) for helper in helpers)


def mode_rows():
    for row in NAMES:
        for mode in MODES if depends_on_mode(row[3]) else ["orig"]:
            yield pytest.param(mode, *row, id=f"{mode}-{_id(row)}")


@pytest.mark.parametrize(
    ("ctx", "module", "name", "signature", "check"), list(mode_rows()), indirect=["ctx"]
)
def test_name(ctx, module, name, signature, check):
    if name in ("models", "migrations", "signals", "admin") or module.endswith(".commands"):
        obj = importlib.import_module(f"{module}.{name}")
    else:
        obj = resolve(module, name)
    if signature is not None:
        assert plain_signature(obj) == signature
    check(ctx, obj)
