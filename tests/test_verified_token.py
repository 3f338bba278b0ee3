"""VerifiedToken, the object verification gives: each typed accessor, as a table of claims and
what the accessor answers, and the header a custom decode handler's token still has."""

from __future__ import annotations

import uuid

import pytest

from rest_framework_jwt import verification
from rest_framework_jwt.exceptions import InvalidClaim
from rest_framework_jwt.verification import VerifiedToken
from tests.helpers import NOW, b64, segment, sign

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
    ({"pwv": "v1"}, "password_version", "v1"),
    ({}, "password_version", None),
]

#: (claims, accessor) that refuse the token: a malformed claim the package relies on.
REFUSED = [
    ({"act": "root"}, "actor"),
    ({"act": None}, "actor"),
    ({"act": {}}, "actor"),
    ({"act": {"sub": ""}}, "actor"),
    ({"act": {"sub": 5}}, "actor"),
    ({"act": {"sub": "r", "user_id": LIMIT}}, "actor"),
    ({"act": {"sub": "r", "user_id": -LIMIT}}, "actor"),
    ({"act": {"sub": "r", "user_id": True}}, "actor"),
    ({"act": {"sub": "r", "user_id": 1.0}}, "actor"),
    ({"act": {"sub": "r", "user_id": ""}}, "actor"),
    ({"act": {"sub": "r", "user_id": "a" * 256}}, "actor"),
    ({"act": {"sub": "r", "user_id": "a\x00"}}, "actor"),
    ({"act": {"sub": "r", "user_id": "\u00e9"}}, "actor"),
    ({"pwv": 5}, "password_version"),
    ({"pwv": ["v1"]}, "password_version"),
]


@pytest.mark.parametrize(("claims", "accessor", "expected"), ACCESSORS)
def test_accessor(claims, accessor, expected):
    answer = getattr(VerifiedToken.of("a.b.c", claims), accessor)
    assert answer == expected
    assert type(answer) is type(expected)


@pytest.mark.parametrize(("claims", "accessor"), REFUSED)
def test_accessor_refuses_a_malformed_claim(claims, accessor):
    with pytest.raises(InvalidClaim) as info:
        getattr(VerifiedToken.of("a.b.c", claims), accessor)
    assert info.value.code == "token_invalid_claim"


def test_the_claims_are_read_only_and_the_payload_is_a_copy():
    source = {"jti": "a"}
    token = VerifiedToken.of(b"x.y.z", source)
    source["jti"] = "changed"
    assert token.raw == "x.y.z"
    assert token.claims == {"jti": "a"}
    with pytest.raises(TypeError):
        token.claims["jti"] = "b"  # type: ignore[index]
    payload = token.payload
    payload["jti"] = "b"
    assert (type(payload), token.claims["jti"], token.payload) == (dict, "a", {"jti": "a"})


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
    assert token.claims["username"] == "admin"
