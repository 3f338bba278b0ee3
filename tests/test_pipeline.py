"""One verification pipeline: the VerifiedToken, the request that carries it, the decode hooks
honoured on every endpoint, and one decode per request."""

from __future__ import annotations

import dataclasses
import datetime as dt

import jwt
import pytest
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import backend, revocation, utils, verification
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.blacklist.permissions import IsNotBlacklisted
from rest_framework_jwt.exceptions import InvalidClaim, TokenError
from rest_framework_jwt.verification import VerifiedToken
from tests import helpers as routes
from tests.helpers import jwt_only_view, protected
from tests.urls import ProtectedView

pytestmark = pytest.mark.urls("tests.urls_blacklist")

BLACKLIST = "/blacklist/"
NOT_BLACKLISTED = "/not-blacklisted/"

#: The secret of the project-specific decoding below: tokens signed with it fail the package's
#: own decoding, so only a path that goes through the hook accepts them.
OWN_SECRET = "a-project-secret-that-is-not-the-settings-one-0123456789"
DECODES: list[str] = []


def own_decode_handler(token):
    """A project's JWT_DECODE_HANDLER: PyJWT with its own secret."""
    DECODES.append(token)
    return jwt.decode(token, OWN_SECRET, algorithms=["HS256"])


def own_token(user, **claims) -> str:
    payload = {**utils.jwt_payload_handler(user), **claims}
    return jwt.encode(payload, OWN_SECRET, algorithm="HS256")


class OwnDecodeAuthentication(JSONWebTokenAuthentication):
    """drf-jwt's way: the classmethod hook overridden in a subclass."""

    @classmethod
    def jwt_decode_token(cls, token):
        return own_decode_handler(token)


@pytest.fixture(autouse=True)
def _forget_decodes():
    DECODES.clear()


@pytest.fixture
def own_handler(settings):
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": "tests.test_pipeline.own_decode_handler"}


@pytest.fixture
def own_class(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_AUTHENTICATION_CLASSES": ("tests.test_pipeline.OwnDecodeAuthentication",),
    }


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"JWT {token}"}


own_class_view = ProtectedView.as_view(authentication_classes=(OwnDecodeAuthentication,))


def protected_status(how: str, token: str) -> int:
    """The status of the protected view, authenticated as ``how`` configures it (a view's
    classes are bound at import, so the subclass is set on the view)."""
    view = own_class_view if how == "own_class" else jwt_only_view
    return protected(f"JWT {token}", view=view).status_code


# --- the VerifiedToken ------------------------------------------------------------------------


def test_decode_keeps_raw_header_claims_and_key_id(user, settings):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": {"k1": "s" * 40}}
    raw = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    token = verification.decode(raw)
    assert token.raw == raw
    assert token.header["alg"] == "HS256"
    assert token.key_id == "k1"
    assert token.claims["username"] == "admin"
    assert token.token_id == token.claims["jti"]
    assert token.issued_at == token.claims["iat"]


def test_a_verified_token_cannot_be_changed(user):
    token = verification.decode(utils.jwt_encode_handler(utils.jwt_payload_handler(user)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.raw = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        token.claims["username"] = "root"  # type: ignore[index]
    copy = token.payload
    copy["username"] = "root"
    assert token.claims["username"] == "admin"


def test_bytes_become_the_raw_string():
    assert VerifiedToken.of(b"a.b.c", {}).raw == "a.b.c"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"iat": 100, "orig_iat": 50, "exp": 900}, 100.0),
        ({"orig_iat": 50, "exp": 900}, 50.0),
        ({"exp": 900}, 600.0),  # 1.x tokens: exp minus the 300 s lifetime
        ({"iat": "100", "exp": 900}, 600.0),  # a custom handler let a string through
        ({}, None),
    ],
)
def test_issued_at(claims, expected):
    assert VerifiedToken.of("", claims).issued_at == expected


@pytest.mark.parametrize(
    ("claims", "token_type", "family", "chain"),
    [
        ({}, "access", None, None),
        ({"token_type": "refresh", "fam": "3f0c2a5e-0b1d-4c6e-9a8b-7d6e5f4a3b2c"}, "refresh",
         "3f0c2a5e-0b1d-4c6e-9a8b-7d6e5f4a3b2c", None),
        ({"token_type": 1, "fam": "not-a-uuid", "jti": "a"}, None, None, "a"),
        ({"jti": "a", "orig_jti": "b"}, "access", None, "b"),
        ({"jti": 5}, "access", None, None),
    ],
)  # fmt: skip
def test_typed_accessors(claims, token_type, family, chain):
    token = VerifiedToken.of("", claims)
    assert (token.token_type, token.family, token.chain_id) == (token_type, family, chain)


@pytest.mark.parametrize(
    "act",
    [
        "root",
        {"sub": ""},
        {"sub": 5},
        {"sub": "root", "user_id": True},
        {"sub": "r", "user_id": ""},
    ],
)
def test_a_malformed_actor_is_an_invalid_claim(act):
    with pytest.raises(InvalidClaim):
        _ = VerifiedToken.of("", {"act": act}).actor


def test_the_actor_and_the_password_version():
    token = VerifiedToken.of("", {"act": {"sub": "root", "user_id": 1}, "pwv": "abc"})
    assert token.is_impersonation
    assert token.actor == {"sub": "root", "user_id": 1}
    assert token.password_version == "abc"
    assert VerifiedToken.of("", {}).actor is None
    with pytest.raises(InvalidClaim):
        _ = VerifiedToken.of("", {"pwv": 1}).password_version


def test_a_handler_that_returns_no_mapping_refuses_the_token():
    with pytest.raises(TokenError):
        verification.verify("x", lambda token: ["not", "claims"])


def test_a_custom_handlers_token_gets_its_header_read_on_demand(user):
    raw = own_token(user)
    token = verification.verify(raw, own_decode_handler)
    assert token.header["alg"] == "HS256"
    assert token.key_id is None
    assert VerifiedToken.of("not a jwt", {}).header == {}


# --- the request carries it -------------------------------------------------------------------


def test_the_request_carries_the_verified_token(user):
    raw = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    seen = {}

    class View(ProtectedView):
        authentication_classes = (JSONWebTokenAuthentication,)

        def get(self, request):
            seen["auth"] = request.auth
            seen["attribute"] = request.verified_token
            seen["function"] = verification.verified_token(request)
            return super().get(request)

    response = View.as_view()(APIRequestFactory().get("/", **bearer(raw)))
    assert response.status_code == 200
    assert seen["auth"] == raw and isinstance(seen["auth"], str)
    assert isinstance(seen["attribute"], VerifiedToken)
    assert seen["function"] is seen["attribute"]
    assert seen["attribute"].claims["username"] == "admin"


def test_no_verified_token_without_jwt_authentication(user):
    request = APIRequestFactory().get("/")
    assert verification.verified_token(request) is None


# --- custom decoding is honoured on every path (the logout bug) -------------------------------


@pytest.mark.parametrize("how", ["own_handler", "own_class"])
def test_logout_with_custom_decoding_revokes_the_token(request, how, user):
    request.getfixturevalue(how)
    client = APIClient()
    token = own_token(user)
    assert protected_status(how, token) == 200
    response = client.post(routes.LOGOUT, **bearer(token))
    assert response.status_code == 204, response.content
    assert protected_status(how, token) == 401


@pytest.mark.parametrize("how", ["own_handler", "own_class"])
def test_logout_of_a_body_token_uses_the_custom_decoding(request, how, user):
    request.getfixturevalue(how)
    client = APIClient()
    current, other = own_token(user), own_token(user, jti="other-token")
    response = client.post(routes.LOGOUT, {"token": other}, format="json", **bearer(current))
    assert response.status_code == 204, response.content
    assert protected_status(how, other) == 401
    assert protected_status(how, current) == 401


@pytest.mark.parametrize("how", ["own_handler", "own_class"])
def test_blacklisting_uses_the_custom_decoding(request, how, user):
    request.getfixturevalue(how)
    token = own_token(user)
    assert APIClient().post(BLACKLIST, **bearer(token)).status_code == 201
    assert protected_status(how, token) == 401


def test_the_permission_uses_the_custom_handler(own_handler, user):
    """IsNotBlacklisted on a view that authenticates another way reads the token itself."""
    token = own_token(user)

    def allowed() -> bool:
        request = Request(APIRequestFactory().get("/", **bearer(token)), authenticators=())
        return IsNotBlacklisted().has_permission(request, None)

    assert allowed()
    revocation.revoke_token(verification.verify(token), user=user)
    assert not allowed()


def test_verify_and_refresh_use_the_custom_handler(own_handler, settings, user):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_ALLOW_REFRESH": True}
    token = own_token(user, orig_iat=int(dt.datetime.now(dt.timezone.utc).timestamp()))
    client = APIClient()
    assert client.post(routes.VERIFY, {"token": token}, format="json").status_code == 200
    assert client.post(routes.REFRESH, {"token": token}, format="json").status_code == 200
    assert [token, token] == DECODES


# --- one decode per request -------------------------------------------------------------------


def _endpoints(user, superuser, token_for):
    """(method, path, data, header token) for every endpoint that takes a token."""
    token = token_for(user)
    return {
        "protected": ("get", routes.PROTECTED, None, token),
        "verify": ("post", routes.VERIFY, {"token": token}, None),
        "refresh": ("post", routes.REFRESH, {"token": token}, None),
        "logout": ("post", routes.LOGOUT, None, token),
        "logout_own_token_in_body": ("post", routes.LOGOUT, {"token": token}, token),
        "logout_all": ("post", routes.LOGOUT_ALL, None, token),
        "sessions": ("get", routes.SESSIONS, None, token),
        "revoke_others": ("post", routes.REVOKE_OTHERS, None, token),
        "impersonate": ("post", routes.IMPERSONATE, {"user": user.pk}, token_for(superuser)),
        "blacklist": ("post", BLACKLIST, None, token),
        "not_blacklisted": ("get", NOT_BLACKLISTED, None, token),
    }


ENDPOINTS = [
    "protected",
    "verify",
    "refresh",
    "logout",
    "logout_own_token_in_body",
    "logout_all",
    "sessions",
    "revoke_others",
    "impersonate",
    "blacklist",
    "not_blacklisted",
]


def _call(method, path, data, header_token):
    extra = bearer(header_token) if header_token else {}
    response = getattr(APIClient(), method)(path, data, format="json", **extra)
    assert response.status_code < 300, (path, response.status_code, response.content)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_one_decode_per_request(name, settings, user, superuser, monkeypatch):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}

    def make(who):
        return utils.jwt_encode_handler(utils.jwt_payload_handler(who))

    endpoint = _endpoints(user, superuser, make)[name]
    parses = []
    split = backend.split  # every decode (and every header read) starts here

    def counting_split(token, max_size):
        parses.append(token)
        return split(token, max_size)

    monkeypatch.setattr(backend, "split", counting_split)
    _call(*endpoint)
    assert len(parses) == 1, parses


@pytest.mark.parametrize("name", ENDPOINTS)
def test_one_call_of_a_custom_decode_handler_per_request(
    name, own_handler, settings, user, superuser
):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_ALLOW_REFRESH": True}
    endpoint = _endpoints(user, superuser, own_token)[name]
    _call(*endpoint)
    assert len(DECODES) == 1, DECODES


def test_one_decode_per_rotation(settings, user, monkeypatch):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True}
    client = APIClient()
    login = client.post(routes.OBTAIN, {"username": "admin", "password": "abc123"})
    assert login.status_code == 200, login.content
    parses = []
    split = backend.split
    monkeypatch.setattr(
        backend, "split", lambda token, max_size: parses.append(token) or split(token, max_size)
    )
    response = client.post(
        routes.REFRESH, {"refresh_token": login.data["refresh_token"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert len(parses) == 1


class SubjectAuthentication(JSONWebTokenAuthentication):
    """drf-jwt's way: a classmethod names the user (here from ``sub``)."""

    @classmethod
    def jwt_get_username_from_payload(cls, payload):
        return payload.get("sub")


def test_logout_of_a_body_token_names_its_user_with_the_class_hook(settings, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_AUTHENTICATION_CLASSES": ("tests.test_pipeline.SubjectAuthentication",),
    }
    claims = {**utils.jwt_payload_handler(user), "username": "nobody", "sub": "admin"}
    token = utils.jwt_encode_handler(claims)
    view = ProtectedView.as_view(authentication_classes=(SubjectAuthentication,))
    assert protected(f"JWT {token}", view=view).status_code == 200
    response = APIClient().post(routes.LOGOUT, {"token": token}, format="json")
    assert response.status_code == 204, response.content
    assert protected(f"JWT {token}", view=view).status_code == 401
