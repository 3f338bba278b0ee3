"""The headers ``verification.decode`` keeps: a header segment seen before under the same
configuration is not decoded or checked again, and nothing else about a token is kept.

What is kept must never outlive the configuration it was checked under, never hold a refused
header, and stay bounded whatever headers clients send.
"""

from __future__ import annotations

import pytest

from rest_framework_jwt import _state, utils, verification
from rest_framework_jwt.exceptions import (
    DecodeError,
    InvalidAlgorithm,
    InvalidSignature,
    UnknownKey,
)
from tests.helpers import sign

SECRET = "a-second-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture(autouse=True)
def fresh_state():
    _state.reset()  # no header kept from another test's tokens


@pytest.fixture
def claims(user):
    return dict(utils.jwt_payload_handler(user))


def test_a_repeated_header_is_checked_once_per_configuration(claims):
    token = sign(claims)
    verification.decode(token)
    assert len(_state.config().headers) == 1
    verification.decode(sign({**claims, "jti": "another"}))  # same header segment
    assert len(_state.config().headers) == 1


def test_a_kept_header_is_checked_again_after_a_settings_change(settings, claims):
    token = sign(claims)
    assert verification.decode(token).claims["username"] == "admin"
    settings.JWT_AUTH = {"JWT_ALGORITHM": "HS512"}
    with pytest.raises(InvalidAlgorithm):
        verification.decode(token)


def test_a_kept_kid_is_looked_up_again_after_a_settings_change(settings, claims):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": {"one": SECRET, "two": SECRET + "2"}}
    token = sign(claims, {"alg": "HS256", "kid": "one"}, key=SECRET)
    verification.decode(token)
    settings.JWT_AUTH = {"JWT_SECRET_KEY": {"two": SECRET + "2"}}
    with pytest.raises(UnknownKey):
        verification.decode(token)


def test_the_signature_is_checked_for_every_token_of_a_kept_header(claims):
    verification.decode(sign(claims))
    with pytest.raises(InvalidSignature):
        verification.decode(sign(claims, key=SECRET))
    head, body, signature = sign(claims).split(".")
    with pytest.raises(InvalidSignature):
        verification.decode(f"{head}.{body}.{signature[:-3]}")  # a shorter signature
    with pytest.raises(DecodeError):
        verification.decode(f"{head}.{body}.{signature}=")


@pytest.mark.parametrize(
    "header",
    [{"alg": "none"}, {"alg": "HS256", "jku": "https://attacker.invalid/"}, {"alg": "RS256"}],
)
def test_a_refused_header_is_not_kept(claims, header):
    token = sign(claims, header)
    for _ in range(2):
        with pytest.raises((InvalidAlgorithm, DecodeError)):
            verification.decode(token)
    assert _state.config().headers == {}


def test_the_kept_headers_are_bounded(claims):
    for number in range(_state.HEADERS_KEPT * 2 + 3):
        verification.decode(sign(claims, {"alg": "HS256", "typ": "JWT", "n": number}))
        assert len(_state.config().headers) <= _state.HEADERS_KEPT


def test_the_verified_header_is_read_only_and_the_token_s_own(claims):
    token = verification.decode(sign(claims, {"alg": "HS256", "typ": "JWT", "kid": None}))
    with pytest.raises(TypeError):
        token.header["alg"] = "none"  # type: ignore[index]
    assert dict(token.header) == {"alg": "HS256", "typ": "JWT", "kid": None}
