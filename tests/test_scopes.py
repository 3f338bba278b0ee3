"""HasScope / HasAnyScope / HasRole / HasAnyRole on verified tokens: 403 insufficient_scope."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
    TrustedIssuerAuthentication,
)
from rest_framework_jwt.permissions import (
    HasAnyRole,
    HasAnyScope,
    HasRole,
    HasScope,
    claim_at,
    granted_scopes,
)
from rest_framework_jwt.settings import api_settings
from tests import test_issuers
from tests.test_issuers import entry, token_of, trusting

# The JWKS server and the clock of test_issuers.
idp = test_issuers.idp
clock = test_issuers.clock


class Scoped(APIView):
    authentication_classes = (TrustedIssuerAuthentication,)
    permission_classes = (HasScope,)
    required_scopes = ["read:items", "write:items"]

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


def get(view: Any, token: str | None, scheme: str = "Bearer") -> Any:
    extra = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token else {}
    response = view(APIRequestFactory().get("/", **extra))
    response.render()
    return response


def forbidden(response: Any, scope: str) -> None:
    assert response.status_code == 403, response.content
    assert response.data["code"] == "insufficient_scope"
    assert response["WWW-Authenticate"] == f'Bearer error="insufficient_scope", scope="{scope}"'


@pytest.mark.parametrize(
    ("claims", "allowed"),
    [
        ({"scope": "read:items write:items openid"}, True),
        ({"scope": "read:items"}, False),
        ({"scp": ["write:items", "read:items"]}, True),
        ({"scp": "read:items write:items"}, True),  # Entra ID: a space-separated scp
        ({"scp": ["read:items"]}, False),
        ({"scope": ["read:items", 3]}, False),
        ({}, False),
    ],
)
def test_has_scope_needs_every_required_scope(idp, clock, claims, allowed):
    with trusting(entry(idp)):
        response = get(Scoped.as_view(), token_of(idp, **claims))
    if allowed:
        assert response.status_code == 200
    else:
        forbidden(response, "read:items write:items")


def test_has_any_scope_needs_one(idp, clock):
    view = Scoped.as_view(permission_classes=(HasAnyScope,))
    with trusting(entry(idp)):
        assert get(view, token_of(idp, scope="write:items")).status_code == 200
        forbidden(get(view, token_of(idp, scope="admin")), "read:items write:items")


def test_the_scope_claim_is_configurable_per_issuer(idp, clock):
    with trusting(entry(idp, scope_claim="permissions")):
        ok = token_of(idp, permissions=["read:items", "write:items"], scope="")
        assert get(Scoped.as_view(), ok).status_code == 200
        forbidden(
            get(Scoped.as_view(), token_of(idp, scope="read:items write:items")),
            "read:items write:items",
        )


def test_anonymous_requests_get_401_not_403(idp, clock):
    with trusting(entry(idp)):
        response = get(Scoped.as_view(), None)
    assert response.status_code == 401


def test_a_view_without_required_scopes_refuses(idp, clock):
    view = Scoped.as_view(required_scopes=[])
    with trusting(entry(idp)):
        forbidden(get(view, token_of(idp, scope="read:items")), "")


class Roles(Scoped):
    permission_classes = (HasRole,)
    required_roles = ["admin"]


@pytest.mark.parametrize(
    ("changes", "claims", "allowed"),
    [
        ({}, {"roles": ["admin", "user"]}, True),
        ({}, {"roles": ["user"]}, False),
        ({"roles_claim": "realm_access.roles"}, {"realm_access": {"roles": ["admin"]}}, True),
        ({"roles_claim": "realm_access.roles"}, {"realm_access": {"roles": "admin"}}, True),
        ({"roles_claim": "realm_access.roles"}, {"realm_access": ["admin"]}, False),
        ({"roles_claim": "realm_access.roles"}, {"roles": ["admin"]}, False),
        (
            {"roles_claim": "https://example.com/roles"},
            {"https://example.com/roles": ["admin"]},
            True,
        ),
    ],
)
def test_has_role_reads_the_configured_claim_path(idp, clock, changes, claims, allowed):
    with trusting(entry(idp, **changes)):
        response = get(Roles.as_view(), token_of(idp, **claims))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and response.data["code"] == "insufficient_scope"
        assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'


def test_has_any_role_and_a_class_level_claim_path(idp, clock):
    class Client(HasAnyRole):
        roles_claim = "resource_access.api.roles"

    view = Roles.as_view(permission_classes=(Client,), required_roles=["reader", "writer"])
    with trusting(entry(idp)):
        claims = {"resource_access": {"api": {"roles": ["writer"]}}}
        assert get(view, token_of(idp, **claims)).status_code == 200
        assert get(view, token_of(idp, roles=["writer"])).status_code == 403


def test_the_package_own_stateless_tokens_carry_scopes_too(user):
    view = Scoped.as_view(authentication_classes=(StatelessJSONWebTokenAuthentication,))
    payload = api_settings.JWT_PAYLOAD_HANDLER(user)
    assert get(view, api_settings.JWT_ENCODE_HANDLER(payload), "JWT").status_code == 403
    payload["scope"] = "read:items write:items"
    assert get(view, api_settings.JWT_ENCODE_HANDLER(payload), "JWT").status_code == 200


def test_a_session_user_without_a_token_is_refused(user):
    view = Scoped.as_view(authentication_classes=(JSONWebTokenAuthentication,))
    token = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user))
    forbidden(get(view, token, "JWT"), "read:items write:items")


def test_helpers():
    assert granted_scopes({"scope": "a b", "scp": ["c"]}) == {"a", "b"}
    assert granted_scopes({"scp": ["c"]}, "scope") == frozenset()
    assert claim_at({"a": {"b": {"c": 1}}}, "a.b.c") == 1
    assert claim_at({"a": {"b": 1}}, "a.b.c") is None


def test_a_string_of_required_scopes_is_names_not_letters(idp, clock):
    # required_scopes = "admin" (a string, not a list) must not be read letter by letter: a
    # token with the scope "a" would then pass HasAnyScope (found by the attack session).
    view = Scoped.as_view(permission_classes=(HasAnyScope,), required_scopes="admin")
    with trusting(entry(idp)):
        forbidden(get(view, token_of(idp, scope="a")), "admin")
        assert get(view, token_of(idp, scope="admin")).status_code == 200
    roles = Roles.as_view(permission_classes=(HasAnyRole,), required_roles="admin")
    with trusting(entry(idp)):
        assert get(roles, token_of(idp, roles=["a"])).status_code == 403
        assert get(roles, token_of(idp, roles=["admin"])).status_code == 200
