"""VerifiedToken, the object verification gives: each typed accessor, as a table of claims and
what the accessor answers, and the header a custom decode handler's token still has."""

from __future__ import annotations

import uuid
from collections import OrderedDict, UserDict
from types import MappingProxyType

import pytest
from django.conf import settings as django_settings

from rest_framework_jwt import compat, verification
from rest_framework_jwt.exceptions import (
    InvalidClaim,
    InvalidIssuer,
    InvalidSignature,
    TokenError,
    TokenTooLarge,
    UnknownUser,
)
from rest_framework_jwt.verification import VerifiedToken
from tests.helpers import NOW, b64, plain_id, segment, sign

FAMILY = str(uuid.UUID("0b7e5a3c-9d51-4f6a-8c2e-1f4d6b8a9c70"))
LIMIT = 2**63

#: (claims, accessor, what it answers). JWT_EXPIRATION_DELTA is the default, 300 seconds.
ACCESSORS = [
    ({"iat": 10}, "issued_at", 10.0),
    ({"iat": 10, "orig_iat": 7}, "issued_at", 10.0),
    ({"orig_iat": 7}, "issued_at", 7.0),
    ({"iat": "10", "orig_iat": 7}, "issued_at", 7.0),
    ({"exp": 1000}, "issued_at", 700.0),
    ({"iat": None, "exp": 1000.5}, "issued_at", 700.5),
    ({}, "issued_at", None),
    ({"iat": "10"}, "issued_at", None),
    ({"exp": 5}, "expires_at", 5.0),
    ({"exp": "5"}, "expires_at", None),
    ({}, "expires_at", None),
    ({"orig_iat": 3}, "refresh_started_at", 3.0),
    ({"iat": 3}, "refresh_started_at", None),
    ({"jti": "a"}, "token_id", "a"),
    ({"jti": 5}, "token_id", None),
    ({}, "token_id", None),
    ({"orig_jti": "o", "jti": "j"}, "chain_id", "o"),
    ({"jti": "j"}, "chain_id", "j"),
    ({"orig_jti": "", "jti": "j"}, "chain_id", "j"),
    ({"orig_jti": 5, "jti": "j"}, "chain_id", None),
    ({"jti": 5}, "chain_id", None),
    ({}, "chain_id", None),
    ({"fam": FAMILY}, "family", FAMILY),
    ({"fam": FAMILY.upper()}, "family", None),
    ({"fam": 5}, "family", None),
    ({}, "family", None),
    ({}, "token_type", "access"),
    ({"token_type": "refresh"}, "token_type", "refresh"),
    ({"token_type": ["access"]}, "token_type", None),
    ({}, "is_impersonation", False),
    ({"act": None}, "is_impersonation", True),
    ({}, "actor", None),
    ({"act": {"sub": "root"}}, "actor", {"sub": "root"}),
    ({"act": {"sub": "root", "user_id": 5}}, "actor", {"sub": "root", "user_id": 5}),
    ({"act": {"sub": "r", "user_id": LIMIT - 1}}, "actor", {"sub": "r", "user_id": LIMIT - 1}),
    ({"act": {"sub": "r", "user_id": 1 - LIMIT}}, "actor", {"sub": "r", "user_id": 1 - LIMIT}),
    ({"act": {"sub": "r", "user_id": "a" * 255}}, "actor", {"sub": "r", "user_id": "a" * 255}),
    ({"act": {"sub": "r", "user_id": "k-1"}}, "actor", {"sub": "r", "user_id": "k-1"}),
    ({"act": {"sub": "r", "user_id": "k"}}, "actor", {"sub": "r", "user_id": "k"}),
    ({"pwv": "v1"}, "password_version", "v1"),
    ({}, "password_version", None),
]

NOT_AN_OBJECT = "The act claim must be an object."
NO_SUB = "The act claim must name the actor in sub."
NOT_A_KEY = "The act claim's user_id must be a key."
PWV = "The pwv claim must be a string."

#: (claims, accessor, message) that refuse the token: a malformed claim the package relies on.
REFUSED = [
    ({"act": "root"}, "actor", NOT_AN_OBJECT),
    ({"act": None}, "actor", NOT_AN_OBJECT),
    ({"act": {}}, "actor", NO_SUB),
    ({"act": {"sub": ""}}, "actor", NO_SUB),
    ({"act": {"sub": 5}}, "actor", NO_SUB),
    ({"act": {"sub": "r", "user_id": LIMIT}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": -LIMIT}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": True}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": 1.0}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": ""}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": "a" * 256}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": "a\x00"}}, "actor", NOT_A_KEY),
    ({"act": {"sub": "r", "user_id": "\u00e9"}}, "actor", NOT_A_KEY),
    ({"pwv": 5}, "password_version", PWV),
    ({"pwv": ["v1"]}, "password_version", PWV),
]


@pytest.mark.parametrize(("claims", "accessor", "expected"), ACCESSORS)
def test_accessor(claims, accessor, expected):
    answer = getattr(VerifiedToken.of("a.b.c", claims), accessor)
    assert answer == expected
    assert type(answer) is type(expected)


@pytest.mark.parametrize(("claims", "accessor", "message"), REFUSED, ids=plain_id)
def test_accessor_refuses_a_malformed_claim(claims, accessor, message):
    with pytest.raises(InvalidClaim) as info:
        getattr(VerifiedToken.of("a.b.c", claims), accessor)
    assert (info.value.code, str(info.value)) == ("token_invalid_claim", message)


def test_the_claims_are_read_only_and_the_payload_is_a_copy():
    source = {"jti": "a"}
    assert VerifiedToken.of(b"x.\xff.z", {}).raw == "x.\ufffd.z"
    assert VerifiedToken.of("x.y.z", {}, {"alg": "HS256"}).header == {"alg": "HS256"}
    token = VerifiedToken.of(b"x.y.z", source)
    source["jti"] = "changed"
    assert token.raw == "x.y.z"
    assert token.claims == {"jti": "a"}
    with pytest.raises(TypeError):
        token.claims["jti"] = "b"  # type: ignore[index]
    payload = token.payload
    payload["jti"] = "b"
    assert (type(payload), token.claims["jti"], token.payload) == (dict, "a", {"jti": "a"})


@pytest.mark.parametrize(
    "claims",
    [
        {"jti": "a"},
        MappingProxyType({"jti": "a"}),
        MappingProxyType(OrderedDict(jti="a")),
        MappingProxyType(UserDict(jti="a")),
    ],
    ids=["dict", "proxy", "proxy-of-ordered-dict", "proxy-of-user-dict"],
)
def test_the_payload_is_a_plain_dict_whatever_the_claims_mapping(claims):
    token = VerifiedToken("x.y.z", claims)
    payload = token.payload
    assert (type(payload), payload) == (dict, {"jti": "a"})
    payload["jti"] = "b"
    assert token.claims["jti"] == "a"
    assert token.payload is not token.payload


def test_a_custom_decode_handlers_token_keeps_its_header():
    header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    raw = sign({"username": "admin", "exp": NOW + 300}, header, key="any-key-0123456789abcdef")
    token = VerifiedToken.of(raw, {"username": "admin"})
    assert token.header == header
    assert token.key_id == "k1"


@pytest.mark.parametrize(
    ("raw", "header", "key_id"),
    [
        ("not a token", {}, None),
        (f"{segment({'alg': 'HS256', 'kid': 7})}.{b64(b'{}')}.{b64(b'sig')}", None, None),
        (f"{segment({'alg': 'HS256'})}.{b64(b'{}')}.{b64(b'sig')}", {"alg": "HS256"}, None),
    ],
    ids=["unreadable", "kid-not-a-string", "no-kid"],
)
def test_the_header_of_a_token_verified_elsewhere(raw, header, key_id):
    token = VerifiedToken.of(raw, {})
    if header is not None:
        assert token.header == header
    assert token.key_id == key_id


def test_decode_keeps_the_header_it_verified(frozen, user):
    raw = sign({"username": "admin", "exp": NOW + 300, "iat": NOW}, {"alg": "HS256", "x": 1})
    token = verification.verify(raw)
    assert token.header == {"alg": "HS256", "x": 1}
    assert token.raw == raw
    assert verification.verify(raw.encode()).raw == raw  # bytes in, the same string out
    assert token.claims["username"] == "admin"


SIGNATURE = "Signature verification failed."


def per_user_secret(user) -> str:
    return f"secret-of-{user.username}-0123456789-0123456789"


@pytest.fixture
def user_secrets(settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": per_user_secret}


def test_a_per_user_secret_verifies_an_inactive_users_token(frozen, user_secrets, inactive_user):
    """The secret is found for any user the token names; whether the user may log in is
    authentication's question, not the signature's."""
    raw = sign({"username": "sleeper", "exp": NOW + 300}, key=per_user_secret(inactive_user))
    assert verification.verify(raw).claims["username"] == "sleeper"


def test_a_per_user_secret_of_a_user_that_does_not_exist(frozen, user_secrets, db):
    raw = sign({"username": "ghost", "exp": NOW + 300}, key="any-0123456789-0123456789-abc")
    with pytest.raises(UnknownUser) as info:
        verification.verify(raw)
    assert (info.value.code, str(info.value)) == ("user_not_found", SIGNATURE)


def test_a_per_user_secret_that_is_a_public_key_verifies_nothing(frozen, settings, user):
    jwk = '{"kty": "oct", "k": "c2VjcmV0"}'
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": lambda user: jwk}
    with pytest.raises(InvalidSignature) as info:
        verification.verify(sign({"username": "admin", "exp": NOW + 300}, key=jwk))
    assert str(info.value) == SIGNATURE


def test_a_decode_handler_that_returns_no_claims(settings):
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": lambda token: ["not", "claims"]}
    with pytest.raises(TokenError) as info:
        verification.verify("a.b.c")
    assert str(info.value) == "The decode handler returned no claims."


def test_drf_jwt_decode_with_a_key_has_the_size_bound(settings):
    settings.JWT_AUTH = {"JWT_MAX_TOKEN_SIZE": 100}
    raw = sign({"username": "admin", "pad": "x" * 200})
    with pytest.raises(TokenTooLarge):
        compat.jwt_decode(raw, django_settings.SECRET_KEY)


def test_drf_jwt_decode_with_a_key_that_cannot_verify(frozen):
    raw = sign({"username": "admin", "exp": NOW + 300})
    assert compat.jwt_decode(raw, django_settings.SECRET_KEY)["username"] == "admin"
    assert compat.jwt_decode(raw, "other", verify=False)["username"] == "admin"
    with pytest.raises(InvalidSignature) as info:
        compat.jwt_decode(raw, '{"kty": "oct", "k": "c2VjcmV0"}')
    assert str(info.value) == SIGNATURE


@pytest.mark.parametrize(
    ("raw", "claims"),
    [
        (
            sign({"username": "admin"}, key="not-the-key-0123456789-0123456789"),
            {"username": "admin"},
        ),
        ("a" * 20000 + "." + b64(b"{}") + "." + b64(b"s"), None),
        ("not a token", None),
    ],
    ids=["signature-not-checked", "junk-header", "unreadable"],
)
def test_unverified_claims_are_read_without_any_check(raw, claims):
    assert verification.unverified_claims(raw) == claims


def test_drf_jwt_decode_without_verification_checks_neither_time_nor_presence(frozen):
    expired = sign({"username": "admin", "exp": NOW - 60})
    assert compat.jwt_decode(expired, "any key", verify=False)["username"] == "admin"
    without_exp = sign({"username": "admin"})
    assert compat.jwt_decode(without_exp, "any key", verify=False) == {"username": "admin"}


def test_the_verified_token_of_a_request_is_the_one_that_authenticated_it():
    token = VerifiedToken.of("a.b.c", {})

    class Carrier:
        verified_token = token

    assert verification.verified_token(Carrier()) is None  # no request.auth at all
    carrier = Carrier()
    carrier.auth = "a.b.c"
    assert verification.verified_token(carrier) is token
    carrier.auth = "another.token.string"
    assert verification.verified_token(carrier) is None


def test_verification_may_block_with_a_projects_handler_or_per_user_secrets(settings):
    def handler(token):
        return {}

    assert verification.may_block() is False
    assert verification.may_block(verification.jwt_decode_handler) is False
    assert verification.may_block(handler) is True
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": handler}
    assert verification.may_block() is True
    assert verification.may_block(verification.jwt_decode_handler) is False
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": lambda user: "a-secret"}
    assert verification.may_block() is True


def test_a_token_of_ours_that_claims_a_trusted_external_issuer_is_refused(frozen, settings):
    idp = {"issuer": "https://idp.example", "jwks_url": "https://idp.example/jwks"}
    settings.JWT_AUTH = {"JWT_TRUSTED_ISSUERS": [idp]}
    ours = {"username": "admin", "exp": NOW + 300}
    assert verification.decode(sign(ours)).claims == ours
    verification.decode(sign({**ours, "iss": "https://other.example"}))
    with pytest.raises(InvalidIssuer) as refused:
        verification.decode(sign({**ours, "iss": "https://idp.example"}))
    assert str(refused.value) == "The token claims a trusted external issuer."


def test_a_key_given_to_decode_with_is_checked_unless_told_not_to(frozen):
    raw = sign({"username": "admin", "exp": NOW + 300})
    with pytest.raises(InvalidSignature):
        verification.decode_with_key(raw, "another-key-0123456789-0123456789-0123456789")
    assert verification.decode_with_key(raw, "another", verify=False)["username"] == "admin"


def test_a_token_given_as_bytes_that_are_not_ascii_is_refused_not_an_error(frozen):
    raw = sign({"username": "admin", "exp": NOW + 300}).encode()
    assert verification.decode(raw).raw == raw.decode()
    with pytest.raises(TokenError):
        verification.decode(raw[:-2] + b"\xff\xfe")
