"""The OpenAPI schema drf-spectacular makes of the package (rest_framework_jwt.contrib.spectacular).

Two kinds of test. The snapshot tests run ``manage.py spectacular --validate --fail-on-warn`` in
tests/projects/schema_project (every view of the package) for each configuration and compare
the output with the committed ``schemas/<variant>.yaml``. The others generate the schema of the
suite's own URL conf and check real answers against it: each status a view answers is
documented for it, and each request and response body validates against the documented schema
(with no undocumented keys).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import path as route
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

import rest_framework_jwt
from rest_framework_jwt import utils
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from tests import helpers as routes
from tests.helpers import run_python

PROJECT = Path(__file__).parent / "projects" / "schema_project"
SCHEMAS = PROJECT / "schemas"
VARIANTS = ("orig", "refresh", "drf-jwt", "cookie")
# The package this run tests: src/ of the checkout, or the installed wheel under tox.
PACKAGE_ROOT = Path(rest_framework_jwt.__file__).resolve().parent.parent
REGENERATE = "make openapi-schemas"


def spectacular(variant: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(PYTHONPATH=str(PACKAGE_ROOT), SCHEMA_VARIANT=variant, PYTHONDONTWRITEBYTECODE="1")
    return run_python("manage.py", *args, cwd=PROJECT, env=env)


# --- the committed schemas ----------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_schema_of_every_view_is_valid_and_as_committed(variant):
    result = spectacular(variant, "spectacular", "--validate", "--fail-on-warn")
    assert result.returncode == 0, result.stderr[-4000:]
    expected = (SCHEMAS / f"{variant}.yaml").read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                result.stdout.splitlines(keepends=True),
                f"schemas/{variant}.yaml (committed)",
                "generated now",
            )
        )
        pytest.fail(
            f"The OpenAPI schema of tests/projects/schema_project ({variant}) changed. If the "
            f"change is intended, run `{REGENERATE}` and commit the schemas:\n{diff[:6000]}"
        )


def test_without_drf_spectacular_nothing_is_imported():
    # A project without drf-spectacular: django.setup() and a request work as ever, and neither
    # drf-spectacular nor the extension module is imported.
    code = """
import sys
import importlib.abc

class NoSpectacular(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "drf_spectacular" or name.startswith("drf_spectacular."):
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, NoSpectacular())
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
status = Client().post("/api-token-verify/", {"token": "x"}).status_code
loaded = sorted(m for m in sys.modules if "spectacular" in m)
print(status, loaded)
"""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "SCHEMA_VARIANT"}}
    env.update(DJANGO_SETTINGS_MODULE="schema_site.settings", PYTHONPATH=str(PACKAGE_ROOT))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # The schema project lists drf_spectacular in INSTALLED_APPS; this run leaves it out.
    env["SCHEMA_WITHOUT_SPECTACULAR"] = "1"
    result = run_python("-c", code, cwd=PROJECT, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.split() == ["400", "[]"]


# --- the schema against real answers --------------------------------------------------------


def generate() -> dict[str, Any]:
    """The schema of the suite's URL conf, with the settings of the moment."""
    with override_settings(
        REST_FRAMEWORK={
            **django_settings.REST_FRAMEWORK,
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        }
    ):
        return SchemaGenerator().get_schema(request=None, public=True)


def strict(node: Any, components: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: references resolved, ``nullable`` as a null type,
    and objects closed to keys they do not document."""
    if isinstance(node, list):
        return [strict(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return strict(components[node["$ref"].rsplit("/", 1)[-1]], components)
    out = {key: strict(value, components) for key, value in node.items() if key != "nullable"}
    if out.get("type") == "object" and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Schema:
    def __init__(self) -> None:
        self.document = generate()
        self.components = self.document["components"]["schemas"]

    def operation(self, path: str, method: str) -> dict[str, Any]:
        return self.document["paths"][path][method.lower()]

    def statuses(self, path: str, method: str) -> set[int]:
        return {int(status) for status in self.operation(path, method)["responses"]}

    def check_request(self, path: str, method: str, body: Any) -> None:
        content = self.operation(path, method)["requestBody"]["content"]["application/json"]
        jsonschema.validate(body, strict(content["schema"], self.components))

    def check(self, path: str, method: str, response: Any) -> None:
        """``response`` is documented for ``path``: its status, and its body."""
        responses = self.operation(path, method)["responses"]
        status = str(response.status_code)
        assert status in responses, (path, method, status, sorted(responses), response.content)
        documented = responses[status].get("content")
        if response.status_code == 204 or documented is None:
            assert not response.content, (path, method, response.content)
            assert documented is None
            return
        schema = strict(documented["application/json"]["schema"], self.components)
        jsonschema.validate(response.json(), schema)


def post(client, path: str, schema: Schema | None = None, body: Any = None, **extra: Any) -> Any:
    if schema is not None and body is not None:
        schema.check_request(path, "post", body)
    return client.post(path, body, format="json", **extra)


@pytest.fixture
def throttled(settings, time_machine):
    # One throttle window for the whole test: the clock stands still.
    time_machine.move_to(datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc), tick=False)
    settings.CACHES = {
        **django_settings.CACHES,
        "openapi-throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"openapi-{uuid.uuid4().hex}",
        },
    }


def throttling(mode: dict[str, Any]) -> dict[str, Any]:
    return {
        **mode,
        "JWT_THROTTLE_CACHE": "openapi-throttle",
        "JWT_THROTTLE_RATES": {"obtain_username": "1/min", "refresh_ip": "1/min"},
    }


MODES = {
    "orig": {"JWT_ALLOW_REFRESH": True},
    "drf-jwt": {"JWT_COMPAT": "drf-jwt"},
    "codes": {"JWT_ALLOW_REFRESH": True, "JWT_RESPONSE_ERROR_CODES": True},
}


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES)
def test_the_token_endpoints_answer_as_documented(mode, user, password, throttled):
    with override_settings(JWT_AUTH=throttling(MODES[mode])):
        schema = Schema()
        client = APIClient()
        credentials = {"username": "admin", "password": password}
        obtained = post(client, routes.OBTAIN, schema, credentials)
        assert obtained.status_code == (201 if mode == "drf-jwt" else 200)
        schema.check(routes.OBTAIN, "post", obtained)
        token = obtained.json()["token"]
        for path in (routes.VERIFY, routes.REFRESH):
            answer = post(client, path, schema, {"token": token})
            assert answer.status_code == obtained.status_code
            schema.check(path, "post", answer)
        refusals = [
            (routes.OBTAIN, {"username": "admin"}, 400),
            (routes.OBTAIN, {"username": "admin", "password": "wrong"}, 400),
            (routes.OBTAIN, {"username": "admin", "password": "wrong"}, 429),
            (routes.VERIFY, {"token": "not-a-token"}, 400),
            (routes.REFRESH, {"token": "not-a-token"}, 400),
            (routes.REFRESH, {"token": "not-a-token"}, 429),
            (routes.VERIFY, ["not", "an", "object"], 400),
        ]
        for path, body, status in refusals:
            answer = client.post(path, body, format="json")
            assert answer.status_code == status, (path, body, answer.content)
            schema.check(path, "post", answer)
        assert schema.statuses(routes.VERIFY, "post") == {obtained.status_code, 400, 503}


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES)
def test_impersonation_answers_as_documented(mode, user, superuser, password):
    with override_settings(JWT_AUTH=MODES[mode]):
        schema = Schema()
        client = APIClient()
        root = post(client, routes.OBTAIN, body={"username": "root", "password": password}).json()
        admin = post(client, routes.OBTAIN, body={"username": "admin", "password": password}).json()
        prefix = "Bearer" if mode == "drf-jwt" else "JWT"
        cases = [
            (root["token"], {"user": user.pk}, 201),
            (root["token"], {"user": 10**6}, 400),
            (admin["token"], {"user": user.pk}, 403),
            (None, {"user": user.pk}, 401),
            ("not-a-token", {"user": user.pk}, 401),
        ]
        for token, body, status in cases:
            extra = {"HTTP_AUTHORIZATION": f"{prefix} {token}"} if token else {}
            answer = post(client, routes.IMPERSONATE, schema, body, **extra)
            assert answer.status_code == status, (token, body, answer.content)
            schema.check(routes.IMPERSONATE, "post", answer)


def session_modes() -> dict[str, dict[str, Any]]:
    return {
        "orig": {"JWT_REFRESH_TOKENS": True},
        "drf-jwt": {"JWT_COMPAT": "drf-jwt", "JWT_REFRESH_TOKENS": True},
        "codes": {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("mode", session_modes())
def test_refresh_tokens_logout_and_sessions_answer_as_documented(mode, user, password):
    settings = session_modes()[mode]
    prefix = "Bearer" if mode == "drf-jwt" else "JWT"
    with override_settings(JWT_AUTH=settings):
        schema = Schema()
        client = APIClient()
        credentials = {"username": "admin", "password": password}
        first = post(client, routes.OBTAIN, schema, credentials)
        schema.check(routes.OBTAIN, "post", first)
        assert set(first.json()) >= {"token", "refresh_token"}
        second = post(client, routes.OBTAIN, schema, credentials).json()
        third = post(client, routes.OBTAIN, schema, credentials).json()
        pair = post(
            client, routes.REFRESH, schema, {"refresh_token": first.json()["refresh_token"]}
        )
        schema.check(routes.REFRESH, "post", pair)
        reused = post(
            client, routes.REFRESH, schema, {"refresh_token": first.json()["refresh_token"]}
        )
        assert reused.status_code == 400
        schema.check(routes.REFRESH, "post", reused)

        auth = {"HTTP_AUTHORIZATION": f"{prefix} {second['token']}"}
        listed = client.get(routes.SESSIONS, **auth)
        assert listed.status_code == 200
        schema.check(routes.SESSIONS, "get", listed)
        family = next(s["id"] for s in listed.json() if not s["current"])
        detail = f"{routes.SESSIONS}{family}/"
        template = "/included/api-token-sessions/{family_id}/"
        for status in (204, 404):
            answer = client.delete(detail, **auth)
            assert answer.status_code == status
            schema.check(template, "delete", answer)
        others = client.post(routes.REVOKE_OTHERS, **auth)
        assert others.status_code == 200
        schema.check(routes.REVOKE_OTHERS, "post", others)

        body = {"refresh_token": third["refresh_token"]}
        for path, request, status in [
            (routes.LOGOUT, {"token": "not-a-token"}, 400),
            (routes.LOGOUT, {}, 400),
            (routes.LOGOUT_ALL, None, 401),
            (routes.SESSIONS, None, 401),
        ]:
            if path == routes.SESSIONS:
                answer = client.get(path)
            else:
                answer = post(client, path, schema if request else None, request)
            assert answer.status_code == status, (path, answer.content)
            schema.check(path, "get" if path == routes.SESSIONS else "post", answer)
        logout = post(client, routes.LOGOUT, schema, body, **auth)
        assert logout.status_code == 204
        schema.check(routes.LOGOUT, "post", logout)
        # The token is revoked now: drf-jwt answers 403, 1.x mode 401.
        revoked = client.post(routes.LOGOUT_ALL, **auth)
        assert revoked.status_code == (403 if mode == "drf-jwt" else 401)
        schema.check(routes.LOGOUT_ALL, "post", revoked)
        fresh = post(client, routes.OBTAIN, body=credentials).json()["token"]
        everywhere = client.post(routes.LOGOUT_ALL, HTTP_AUTHORIZATION=f"{prefix} {fresh}")
        assert everywhere.status_code == 204
        schema.check(routes.LOGOUT_ALL, "post", everywhere)


@pytest.mark.django_db
def test_a_store_outage_answers_as_documented(user, password):
    from django.db import OperationalError, connection

    def down(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with override_settings(JWT_AUTH={"JWT_REFRESH_TOKENS": True}):
        schema = Schema()
        client = APIClient()
        token = post(client, routes.OBTAIN, body={"username": "admin", "password": password}).json()
        auth = {"HTTP_AUTHORIZATION": f"JWT {token['token']}"}
        with connection.execute_wrapper(down):
            answers = [
                (
                    routes.OBTAIN,
                    "post",
                    post(client, routes.OBTAIN, body={"username": "admin", "password": "x"}),
                ),
                (
                    routes.REFRESH,
                    "post",
                    post(client, routes.REFRESH, body={"refresh_token": token["refresh_token"]}),
                ),
                (routes.SESSIONS, "get", client.get(routes.SESSIONS, **auth)),
                (routes.LOGOUT_ALL, "post", client.post(routes.LOGOUT_ALL, **auth)),
            ]
    for path, method, answer in answers:
        assert answer.status_code == 503, (path, answer.content)
        schema.check(path, method, answer)


def _security_schemes(settings: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    with override_settings(JWT_AUTH=settings):
        document = generate()
    return (
        document["components"]["securitySchemes"],
        document["paths"]["/included/api-token-logout-all/"]["post"]["security"],
    )


def test_the_security_scheme_has_the_configured_prefix_and_cookies():
    schemes, security = _security_schemes({})
    assert schemes["jwtAuth"]["type"] == "apiKey"
    assert schemes["jwtAuth"]["in"] == "header"
    assert "`Authorization: JWT <token>`" in schemes["jwtAuth"]["description"]
    assert security == [{"jwtAuth": []}]

    schemes, _ = _security_schemes({"JWT_AUTH_HEADER_PREFIX": "Token"})
    assert "`Authorization: Token <token>`" in schemes["jwtAuth"]["description"]

    schemes, security = _security_schemes(
        {"JWT_COMPAT": "drf-jwt", "JWT_AUTH_COOKIE": "jwt", "JWT_IMPERSONATION_COOKIE": "imp"}
    )
    assert schemes["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A JSON Web Token issued by this API.",
    }
    assert schemes["jwtCookieAuth"]["in"] == "cookie"
    assert schemes["jwtCookieAuth"]["name"] == "jwt"
    assert schemes["jwtImpersonationCookieAuth"]["name"] == "imp"
    # Alternatives: the header, or one of the cookies.
    assert security == [
        {"jwtAuth": []},
        {"jwtCookieAuth": []},
        {"jwtImpersonationCookieAuth": []},
    ]


@pytest.mark.parametrize(
    "authentication", [JSONWebTokenAuthentication, StatelessJSONWebTokenAuthentication]
)
def test_every_authentication_class_and_subclass_has_the_scheme(authentication):
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ProjectAuthentication(authentication):
        pass

    for cls in (authentication, ProjectAuthentication):
        with override_settings(JWT_AUTH={"JWT_AUTH_COOKIE": "jwt"}):
            extension = OpenApiAuthenticationExtension.get_match(cls())
        assert extension is not None
        assert extension.name == ["jwtAuth", "jwtCookieAuth"]


def test_trusted_issuer_authentication_has_its_scheme():
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    from rest_framework_jwt.authentication import TrustedIssuerAuthentication

    class TokenKeyword(TrustedIssuerAuthentication):
        keyword = "Token"

    bearer = OpenApiAuthenticationExtension.get_match(TrustedIssuerAuthentication())
    assert bearer is not None and bearer.name == "trustedIssuerAuth"
    assert bearer.get_security_definition(None) == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A JSON Web Token of a trusted issuer (JWT_TRUSTED_ISSUERS).",
    }
    token = OpenApiAuthenticationExtension.get_match(TokenKeyword())
    assert token is not None
    definition = token.get_security_definition(None)
    assert definition["type"] == "apiKey" and definition["in"] == "header"
    assert "`Authorization: Token <token>`" in definition["description"]

    # In a view's schema, beside the package's own scheme: either one.
    class Both(APIView):
        authentication_classes = (TrustedIssuerAuthentication, JSONWebTokenAuthentication)

        def get(self, request):
            return Response()

    with override_settings(
        REST_FRAMEWORK={
            **django_settings.REST_FRAMEWORK,
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        }
    ):
        document = SchemaGenerator(patterns=[route("both/", Both.as_view())]).get_schema(
            request=None, public=True
        )
    assert document["paths"]["/both/"]["get"]["security"] == [
        {"trustedIssuerAuth": []},
        {"jwtAuth": []},
    ]
    assert set(document["components"]["securitySchemes"]) == {"trustedIssuerAuth", "jwtAuth"}


def test_a_custom_response_handler_is_documented_as_an_object():
    def handler(token, user=None, request=None, issued_at=None):
        return {"access": token}

    with override_settings(JWT_AUTH={"JWT_RESPONSE_PAYLOAD_HANDLER": handler}):
        document = generate()
    ok = document["paths"][routes.OBTAIN]["post"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JWTHandlerBody"
    }
    body = document["components"]["schemas"]["JWTHandlerBody"]
    assert body["type"] == "object"
    assert body["additionalProperties"] == {}  # any keys
    # The default handler's body is exact.
    assert utils.jwt_response_payload_handler("t") == {"token": "t"}


@pytest.mark.django_db
@pytest.mark.parametrize("codes", [False, True])
def test_cookie_mode_answers_as_documented(user, password, codes):
    settings = {
        "JWT_COOKIE_MODE": True,
        "JWT_REFRESH_TOKENS": True,
        "JWT_RESPONSE_ERROR_CODES": codes,
    }
    with override_settings(JWT_AUTH=settings):
        schema = Schema()
        browser = APIClient(enforce_csrf_checks=True)
        credentials = {"username": "admin", "password": password}
        login = post(browser, routes.OBTAIN, schema, credentials)
        assert login.status_code == 200 and "token" not in login.json()
        schema.check(routes.OBTAIN, "post", login)
        mobile = post(APIClient(), routes.OBTAIN, schema, credentials, HTTP_X_JWT_DELIVERY="body")
        assert set(mobile.json()) == {"token", "refresh_token"}
        schema.check(routes.OBTAIN, "post", mobile)

        no_csrf = browser.post(routes.REFRESH, {}, format="json")
        assert no_csrf.status_code == 403, no_csrf.content
        schema.check(routes.REFRESH, "post", no_csrf)
        csrf = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value}
        refreshed = post(browser, routes.REFRESH, schema, {}, **csrf)
        assert refreshed.status_code == 200, refreshed.content
        schema.check(routes.REFRESH, "post", refreshed)
        verified = post(browser, routes.VERIFY, schema, {})
        assert verified.status_code == 200 and "token" not in verified.json()
        schema.check(routes.VERIFY, "post", verified)

        listed = browser.get(routes.SESSIONS)
        assert listed.status_code == 200
        schema.check(routes.SESSIONS, "get", listed)
        for path in (routes.REVOKE_OTHERS, routes.LOGOUT_ALL):
            refused = browser.post(path)
            assert refused.status_code == 403, (path, refused.content)
            schema.check(path, "post", refused)
        csrf = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value}
        logout = post(browser, routes.LOGOUT, schema, {}, **csrf)
        assert logout.status_code == 204, logout.content
        schema.check(routes.LOGOUT, "post", logout)
