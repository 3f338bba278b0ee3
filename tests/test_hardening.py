"""Hardening (issue 3): algorithm pinning, claim checks, size and shape limits, the error model and
uniform obtain failures.

Tokens are built by hand and HMAC-signed with the real secret where the point is what they carry,
so a refusal comes from the check under test and not from the signature. Most tests turn on
``JWT_RESPONSE_ERROR_CODES`` so the stable code of each refusal is visible in the response body.
Fast refusals are shown without timing: by counting calls (base64 decoding, JSON parsing) that
must not happen.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
import urllib.request
from unittest import mock

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import caches
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import utils
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.exceptions import (
    DecodeError,
    ExpiredToken,
    ImmatureToken,
    InvalidAlgorithm,
    InvalidAudience,
    InvalidClaim,
    InvalidIssuer,
    InvalidSignature,
    MissingClaim,
    TokenError,
    TokenTooLarge,
)
from rest_framework_jwt.serializers import VerifyJSONWebTokenSerializer
from rest_framework_jwt.settings import api_settings
from tests.conftest import read_key
from tests.helpers import (
    DROP,
    LOGOUT,
    LOGOUT_ALL,
    NOW,
    OBTAIN,
    PROTECTED,
    REFRESH,
    REVOCATIONS,
    REVOKE_OTHERS,
    SESSIONS,
    START,
    VERIFY,
    b64,
    changed,
    flip_low_bit,
    plain_id,
    resign,
    revoke_actor,
    segment,
    sign,
    stray_bits_segments,
)

MAX_DATE = 253402300799


# ----------------------------------------------------------------------------------------------
# helpers


def claims_for(user, **changes) -> dict:
    return changed(dict(utils.jwt_payload_handler(user)), **changes)


def raw_payload(user, fragment: str, **changes) -> str:
    """The user's claims as JSON text with ``fragment`` (raw JSON members) appended."""
    text = json.dumps(claims_for(user, **changes))
    return text[:-1] + ", " + fragment + "}"


def decode_code(token) -> str:
    with pytest.raises(TokenError) as info:
        utils.jwt_decode_handler(token)
    return info.value.code


def assert_decode_raises(token, error: type[TokenError], pyjwts: type[Exception]) -> Exception:
    """The decode handler refuses ``token`` with ``error``, which is also PyJWT's ``pyjwts``
    (for 1.x code that catches PyJWT's errors); the error raised."""
    with pytest.raises(error) as info:
        utils.jwt_decode_handler(token)
    assert isinstance(info.value, pyjwts)
    return info.value


def auth(client, token: str):
    return client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")


def post(client, route: str, token: str):
    return client.post(route, {"token": token}, format="json")


def assert_refused(client, token: str, code: str, *, refresh: bool = True) -> None:
    """Refused with ``code`` by decoding, authentication (401), verify and refresh (400)."""
    assert decode_code(token) == code
    response = auth(client, token)
    assert response.status_code == 401, response.content
    assert response.data["code"] == code, response.data
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    routes = (VERIFY, REFRESH) if refresh else (VERIFY,)
    for route in routes:
        response = post(client, route, token)
        assert response.status_code == 400, (route, response.content)
        assert response.data["code"] == code, (route, response.data)
        assert "token" not in response.data


def assert_accepted(client, token: str) -> None:
    assert utils.jwt_decode_handler(token)
    response = auth(client, token)
    assert response.status_code == 200, response.content
    assert post(client, VERIFY, token).status_code == 200


@pytest.fixture
def configure(settings):
    """Set JWT_AUTH on top of error codes in bodies and refresh allowed."""

    def _configure(**keys) -> None:
        settings.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True, "JWT_ALLOW_REFRESH": True, **keys}

    _configure()
    return _configure


@pytest.fixture
def strict(configure, frozen, user):
    return configure


# ----------------------------------------------------------------------------------------------
# algorithm pinning


@pytest.mark.parametrize(
    "alg",
    [
        "none",
        "None",
        "NONE",
        "nOnE",
        "",
        "hs256",
        "HS256 ",
        " HS256",
        "HS512",
        "HS384",
        "RS256",
        "ES256",
        "EdDSA",
        "PS256",
        "HS256\x00",
        None,
        256,
        True,
        ["HS256"],
        {"HS256": True},
        DROP,
    ],
    ids=plain_id,
)
def test_alg_outside_the_allow_list_is_refused(strict, client, user, alg):
    header = {"typ": "JWT"} if alg is DROP else {"alg": alg, "typ": "JWT"}
    # Signed with the real secret and HS256: only the alg value is wrong.
    token = sign(claims_for(user), header)
    assert_refused(client, token, "token_invalid_algorithm")
    assert_decode_raises(token, InvalidAlgorithm, jwt.InvalidAlgorithmError)


def test_alg_none_without_signature_is_refused_even_with_verify_off(configure, frozen, user):
    configure(JWT_VERIFY=False)
    token = f"{segment({'alg': 'none'})}.{segment(claims_for(user))}."
    assert decode_code(token) == "token_invalid_algorithm"


@pytest.mark.parametrize("digest", ["HS256", "HS384", "HS512"])
def test_every_configured_hmac_algorithm_is_accepted(strict, client, user, digest):
    strict(JWT_ALGORITHM=["HS256", "HS384", "HS512"])
    token = sign(claims_for(user), {"alg": digest, "typ": "JWT"}, digest=digest)
    assert_accepted(client, token)


def test_asymmetric_token_needs_a_key_of_its_type(strict, client, user):
    # RS256 and ES256 are both allowed, but only an RSA key is configured.
    strict(
        JWT_ALGORITHM=["RS256", "ES256"],
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    assert_accepted(client, utils.jwt_encode_handler(claims_for(user)))
    token = jwt.encode(claims_for(user), read_key("ec_private.pem"), algorithm="ES256")
    assert_refused(client, token, "token_invalid_algorithm")


def test_token_signed_by_another_rsa_key_is_refused(strict, client, user):
    strict(
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    token = jwt.encode(claims_for(user), read_key("rsa2_private.pem"), algorithm="RS256")
    assert_refused(client, token, "token_decode_error")
    with pytest.raises(InvalidSignature):
        utils.jwt_decode_handler(token)


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "https://attacker.example/jwks.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"jwk": {"kty": "oct", "k": "c2VjcmV0"}},
        {"zip": "DEF"},
        {"b64": False},
        {"b64": True},
        {"crit": ["exp"]},
    ],
    ids=lambda extra: next(iter(extra)),
)
def test_key_and_format_headers_are_refused_and_nothing_is_fetched(strict, client, user, extra):
    token = sign(claims_for(user), {"alg": "HS256", "typ": "JWT", **extra})
    network = AssertionError("a URL named in the token was fetched")
    with (
        mock.patch.object(socket.socket, "connect", side_effect=network) as connect,
        mock.patch.object(urllib.request, "urlopen", side_effect=network) as urlopen,
    ):
        assert_refused(client, token, "token_decode_error")
    connect.assert_not_called()
    urlopen.assert_not_called()


def test_key_embedded_in_the_token_is_never_trusted(strict, client, user):
    strict(
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    attacker_jwk = json.loads(
        jwt.algorithms.RSAAlgorithm.to_jwk(
            jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).prepare_key(
                read_key("rsa2_public.pem")
            )
        )
    )
    # x5c is not refused as a header, but its certificate is never used to verify.
    for extra, code in (
        ({"jwk": attacker_jwk}, "token_decode_error"),
        ({"x5c": ["MIIB"]}, "token_decode_error"),
    ):
        token = jwt.encode(
            claims_for(user), read_key("rsa2_private.pem"), algorithm="RS256", headers=extra
        )
        assert_refused(client, token, code)


@pytest.mark.parametrize(
    ("kid", "code"),
    [("unknown", "token_unknown_key"), (5, "token_decode_error"), (["k1"], "token_decode_error")],
    ids=repr,
)
def test_kid_must_name_a_configured_key(strict, client, user, kid, code):
    strict(JWT_SECRET_KEY={"k1": django_settings.SECRET_KEY})
    token = sign(claims_for(user), {"alg": "HS256", "typ": "JWT", "kid": kid})
    assert_refused(client, token, code)
    assert_accepted(client, sign(claims_for(user), {"alg": "HS256", "typ": "JWT", "kid": "k1"}))


def test_insist_on_kid_refuses_a_token_without_one(strict, client, user):
    strict(JWT_SECRET_KEY={"k1": django_settings.SECRET_KEY}, JWT_INSIST_ON_KID=True)
    assert_refused(client, sign(claims_for(user)), "token_unknown_key")


# ----------------------------------------------------------------------------------------------
# typ


@pytest.mark.parametrize(
    "typ", ["JWT", "jwt", "application/jwt", "APPLICATION/JWT", "at+jwt", "application/at+jwt"]
)
def test_typ_accepted(strict, client, user, typ):
    assert_accepted(client, sign(claims_for(user), {"alg": "HS256", "typ": typ}))


def test_typ_absent_is_accepted(strict, client, user):
    assert_accepted(client, sign(claims_for(user), {"alg": "HS256"}))


@pytest.mark.parametrize(
    "typ",
    ["JWE", "JOSE", "json", "application/json", "", "jwt+", "JWT ", 1, True, ["JWT"], None],
    ids=repr,
)
def test_typ_refused(strict, client, user, typ):
    assert_refused(
        client, sign(claims_for(user), {"alg": "HS256", "typ": typ}), "token_decode_error"
    )


# ----------------------------------------------------------------------------------------------
# claims: exp, nbf, iat


def test_exp_is_required_by_default(strict, client, user):
    assert api_settings.JWT_REQUIRED_CLAIMS == ("exp",)
    token = sign(claims_for(user, exp=DROP))
    assert_refused(client, token, "token_missing_claim")
    error = assert_decode_raises(token, MissingClaim, jwt.MissingRequiredClaimError)
    assert error.claim == "exp"


def test_required_claims_can_be_emptied(strict, client, user):
    strict(JWT_REQUIRED_CLAIMS=())
    assert_accepted(client, sign(claims_for(user, exp=DROP)))


@pytest.mark.parametrize("missing", ["exp", "jti", "iat"])
def test_required_claims_can_be_extended(strict, client, user, missing):
    strict(JWT_REQUIRED_CLAIMS=("exp", "jti", "iat"))
    assert_accepted(client, sign(claims_for(user)))
    assert_refused(client, sign(claims_for(user, **{missing: DROP})), "token_missing_claim")


def test_exp_boundary(strict, client, user):
    assert_accepted(client, sign(claims_for(user, exp=NOW + 1)))
    assert_refused(client, sign(claims_for(user, exp=NOW)), "token_expired")
    assert_decode_raises(sign(claims_for(user, exp=NOW)), ExpiredToken, jwt.ExpiredSignatureError)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_future_nbf_and_iat_are_refused(strict, client, user, claim):
    assert_accepted(client, sign(claims_for(user, **{claim: NOW})))
    token = sign(claims_for(user, **{claim: NOW + 1}))
    assert_refused(client, token, "token_not_yet_valid")
    with pytest.raises(ImmatureToken):
        utils.jwt_decode_handler(token)


@pytest.mark.parametrize("leeway", [10, 10.0, dt.timedelta(seconds=10)], ids=repr)
@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_future_nbf_and_iat_within_leeway(strict, client, user, claim, leeway):
    strict(JWT_LEEWAY=leeway)
    assert_accepted(client, sign(claims_for(user, **{claim: NOW + 10})))
    assert_refused(client, sign(claims_for(user, **{claim: NOW + 11})), "token_not_yet_valid")


def test_exp_within_leeway(strict, client, user):
    strict(JWT_LEEWAY=10)
    assert_accepted(client, sign(claims_for(user, exp=NOW - 9)))
    assert_refused(client, sign(claims_for(user, exp=NOW - 10)), "token_expired")


BAD_NUMBERS = {
    "string": '"1893456000"',
    "empty_string": '""',
    "true": "true",
    "false": "false",
    "null": "null",
    "list": "[1893456000]",
    "object": '{"$date": 1893456000}',
    "infinity": "1e999",
    "minus_infinity": "-1e999",
    "above_range": str(MAX_DATE + 1),
    "below_range": str(-MAX_DATE - 1),
    "huge_float": "1.5e300",
}


@pytest.mark.parametrize("value", sorted(BAD_NUMBERS))
@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_numeric_claims_must_be_numbers_in_range(strict, client, user, claim, value):
    token = sign(raw_payload(user, f'"{claim}": {BAD_NUMBERS[value]}', **{claim: DROP}))
    assert_refused(client, token, "token_invalid_claim")
    with pytest.raises(InvalidClaim):
        utils.jwt_decode_handler(token)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_are_not_numbers(strict, client, user, constant):
    token = sign(raw_payload(user, f'"exp": {constant}', exp=DROP))
    assert_refused(client, token, "token_decode_error")


def test_integer_with_too_many_digits_is_refused_cleanly(strict, client, user):
    token = sign(raw_payload(user, '"exp": 1' + "0" * 5000, exp=DROP))
    assert len(token) < 8192
    assert_refused(client, token, "token_decode_error")


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": MAX_DATE},
        {"exp": NOW + 300.5},
        {"iat": NOW - 0.5},
        {"nbf": -MAX_DATE},
        {"nbf": 0},
    ],
    ids=repr,
)
def test_numeric_claims_in_range_are_accepted(strict, client, user, changes):
    assert_accepted(client, sign(claims_for(user, **changes)))


# ----------------------------------------------------------------------------------------------
# claims: strings, audience, issuer


@pytest.mark.parametrize("claim", ["iss", "sub", "jti", "orig_jti"])
@pytest.mark.parametrize("value", [1, 1.5, True, None, ["x"], {"x": 1}], ids=repr)
def test_string_claims_must_be_strings(strict, client, user, claim, value):
    token = sign(claims_for(user, **{claim: value}))
    assert_refused(client, token, "token_invalid_claim")


@pytest.mark.parametrize("claim", ["sub", "jti", "orig_jti"])
def test_string_claims_accepted_as_strings(strict, client, user, claim):
    assert_accepted(client, sign(claims_for(user, **{claim: "value"})))


AUDIENCE = "https://api.example.com"


@pytest.mark.parametrize(
    "aud",
    [AUDIENCE, [AUDIENCE], ["https://other.example", AUDIENCE], [AUDIENCE, AUDIENCE]],
    ids=repr,
)
def test_audience_accepted(strict, client, user, aud):
    strict(JWT_AUDIENCE=AUDIENCE)
    assert_accepted(client, sign(claims_for(user, aud=aud)))


@pytest.mark.parametrize(
    "aud",
    [
        "https://api.example",
        "api.example.com",
        "https://api.example.com.attacker.example",
        "https://api.example.com/",
        "HTTPS://API.EXAMPLE.COM",
        "",
        [],
        ["https://other.example"],
        [AUDIENCE + "x"],
        [1],
        [AUDIENCE, 1],
        [[AUDIENCE]],
        {AUDIENCE: True},
        1,
        True,
        None,
    ],
    ids=repr,
)
def test_audience_compared_exactly(strict, client, user, aud):
    strict(JWT_AUDIENCE=AUDIENCE)
    token = sign(claims_for(user, aud=aud))
    assert_refused(client, token, "token_invalid_audience")
    assert_decode_raises(token, InvalidAudience, jwt.InvalidAudienceError)


def test_audience_missing_when_configured(strict, client, user):
    strict(JWT_AUDIENCE=AUDIENCE)
    assert_refused(client, sign(claims_for(user, aud=DROP)), "token_missing_claim")


def test_audience_present_when_not_configured(strict, client, user):
    assert_refused(client, sign(claims_for(user, aud=AUDIENCE)), "token_invalid_audience")


ISSUER = "https://auth.example.com"


@pytest.mark.parametrize(
    "iss", ["https://auth.example", "auth.example.com", "https://auth.example.com/", ""], ids=repr
)
def test_issuer_compared_exactly(strict, client, user, iss):
    strict(JWT_ISSUER=ISSUER)
    assert_accepted(client, sign(claims_for(user, iss=ISSUER)))
    token = sign(claims_for(user, iss=iss))
    assert_refused(client, token, "token_invalid_issuer")
    with pytest.raises(InvalidIssuer):
        utils.jwt_decode_handler(token)


def test_issuer_missing_when_configured(strict, client, user):
    strict(JWT_ISSUER=ISSUER)
    assert_refused(client, sign(claims_for(user, iss=DROP)), "token_missing_claim")


# ----------------------------------------------------------------------------------------------
# orig_iat on refresh


@pytest.mark.parametrize(
    "value",
    ['"1709528767"', "true", "null", "[1]", "{}", "1e999", str(MAX_DATE + 1), str(NOW + 1)],
)
def test_orig_iat_must_be_a_past_number(strict, client, user, value):
    token = sign(raw_payload(user, f'"orig_iat": {value}', orig_iat=DROP))
    # The token itself is fine: authentication and verify accept it.
    assert_accepted(client, token)
    response = post(client, REFRESH, token)
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Invalid token."], "code": "orig_iat_invalid"}


def test_orig_iat_in_the_future_within_leeway(strict, client, user):
    strict(JWT_LEEWAY=10)
    token = sign(claims_for(user, orig_iat=NOW + 10))
    assert post(client, REFRESH, token).status_code == 200
    token = sign(claims_for(user, orig_iat=NOW + 11))
    assert post(client, REFRESH, token).data["code"] == "orig_iat_invalid"


def test_orig_iat_missing_and_expired(strict, client, user):
    response = post(client, REFRESH, sign(claims_for(user, orig_iat=DROP)))
    assert response.data == {
        "non_field_errors": ["orig_iat field is required."],
        "code": "orig_iat_missing",
    }
    old = NOW - int(dt.timedelta(days=7).total_seconds()) - 1
    response = post(client, REFRESH, sign(claims_for(user, orig_iat=old)))
    assert response.data == {
        "non_field_errors": ["Refresh has expired."],
        "code": "refresh_expired",
    }


# ----------------------------------------------------------------------------------------------
# size


def test_default_size_bound(strict):
    assert api_settings.JWT_MAX_TOKEN_SIZE == 8192


def test_size_bound_is_inclusive(strict, client, user):
    token = sign(claims_for(user))
    strict(JWT_MAX_TOKEN_SIZE=len(token))
    assert_accepted(client, token)
    strict(JWT_MAX_TOKEN_SIZE=len(token) - 1)
    assert_refused(client, token, "token_too_large")
    assert auth(client, token).data["detail"] == "Token is too large."


def test_default_bound_refuses_a_signed_token_just_over_it(strict, client, user):
    token = sign(claims_for(user, filler="x" * 6000))
    assert len(token) > 8192
    assert_refused(client, token, "token_too_large")
    assert_decode_raises(token, TokenTooLarge, jwt.DecodeError)


def test_size_bound_zero_turns_it_off(strict, client, user):
    strict(JWT_MAX_TOKEN_SIZE=0)
    token = sign(claims_for(user, filler="x" * 20000))
    assert len(token) > 8192 * 3
    assert utils.jwt_decode_handler(token)["filler"] == "x" * 20000


def test_size_is_counted_in_bytes(strict, user):
    token = sign(claims_for(user))
    strict(JWT_MAX_TOKEN_SIZE=len(token) - 1)
    with pytest.raises(TokenTooLarge):
        utils.jwt_decode_handler(token.encode())


# ----------------------------------------------------------------------------------------------
# base64url: canonical only


@pytest.mark.parametrize(
    "where",
    [
        "header_pad",
        "payload_pad",
        "signature_pad",
        "plus",
        "slash",
        "payload_bits",
        "signature_bits",
        "space",
        "dot_only",
    ],
)
def test_non_canonical_base64url_is_refused(strict, client, user, where):
    head, body = stray_bits_segments(lambda filler: claims_for(user, filler=filler))
    control = resign(head, body)
    assert_accepted(client, control)
    signature = control.rsplit(".", 1)[1]
    token = {
        "header_pad": resign(head + "==", body),
        "payload_pad": resign(head, body + "=="),
        "signature_pad": f"{head}.{body}.{signature}=",
        "plus": resign(head.replace("-", "+"), body),
        "slash": resign(head.replace("_", "/"), body),
        "payload_bits": resign(head, flip_low_bit(body)),
        "signature_bits": f"{head}.{body}.{flip_low_bit(signature)}",
        "space": resign(head, body[:8] + " " + body[8:]),
        "dot_only": f"{head}..{signature}",
    }[where]
    assert decode_code(token) == "token_decode_error"
    response = post(client, VERIFY, token)
    assert response.status_code == 400
    assert response.data["code"] == "token_decode_error"


def test_every_byte_outside_the_base64url_alphabet_is_refused_in_every_segment(strict, user):
    # The alphabet is checked by deleting its 64 characters and asking for nothing left.
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    key = django_settings.SECRET_KEY.encode()
    head, body, signature = sign(claims_for(user)).encode().split(b".")
    for byte in set(range(256)) - set(alphabet) - {ord(".")}:
        for where in range(3):
            parts = [head, body, signature]
            parts[where] = parts[where][:4] + bytes([byte]) + parts[where][5:]
            if where < 2:  # signed again: only the encoding check can refuse it
                mac = hmac.new(key, parts[0] + b"." + parts[1], hashlib.sha256).digest()
                parts[2] = b64(mac).encode()
            with pytest.raises(DecodeError) as info:
                utils.jwt_decode_handler(b".".join(parts))
            assert str(info.value) == "Invalid base64url encoding.", (byte, where)


# ----------------------------------------------------------------------------------------------
# JSON shape: duplicates, nesting, non-objects


@pytest.mark.parametrize(
    ("header", "payload"),
    [
        ('{"alg":"none","alg":"HS256","typ":"JWT"}', None),
        ('{"alg":"HS256","alg":"HS256"}', None),
        ('{"alg":"HS256","typ":"JWT","typ":"JWE"}', None),
        (None, '"username": "root"'),
        (None, '"exp": 1'),
        (None, '"act": {"sub": "a", "sub": "b"}'),
    ],
    ids=[
        "header_alg",
        "header_same_alg",
        "header_typ",
        "payload_username",
        "payload_exp",
        "nested_object",
    ],
)
def test_duplicate_member_names_are_refused(strict, client, user, superuser, header, payload):
    body = claims_for(user) if payload is None else raw_payload(user, payload)
    token = sign(body, header)
    assert_refused(client, token, "token_decode_error")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("where", ["header", "payload"])
def test_nesting_limit(strict, client, user, where):
    # The top-level object counts as one level: 15 arrays inside it make 16 levels.
    for depth, accepted in ((15, True), (16, False)):
        if where == "header":
            header = '{"alg":"HS256","typ":"JWT","x":' + _nested(depth) + "}"
            token = sign(claims_for(user), header)
        else:
            token = sign(raw_payload(user, '"x": ' + _nested(depth)))
        if accepted:
            assert_accepted(client, token)
        else:
            assert_refused(client, token, "token_decode_error")


@pytest.mark.parametrize(
    "fragment",
    ['"x": "[{"', '"x": "{", "y": "}"', '"x": []', '"x": {}', '"x": {"a": "[]"}'],
    ids=plain_id,
)
def test_brackets_and_braces_inside_strings_or_shallow_nesting_are_accepted(
    strict, client, user, fragment
):
    # The quick answer for a flat payload (no "[", one "{") must not refuse these.
    token = sign(raw_payload(user, fragment))
    assert_accepted(client, token)
    assert utils.jwt_decode_handler(token)["x"] == json.loads("{" + fragment + "}")["x"]


def test_nested_objects_are_counted_to_the_limit(strict, client, user):
    deep = "{}"
    for _ in range(15):
        deep = '{"a":' + deep + "}"
    # Fifteen objects inside the payload's own: sixteen levels are accepted, seventeen are not.
    assert_accepted(client, sign(raw_payload(user, '"x": ' + deep[5:-1])))
    assert_refused(client, sign(raw_payload(user, '"x": ' + deep)), "token_decode_error")


def test_nested_objects_count_too(strict, client, user):
    deep = "{}"
    for _ in range(16):
        deep = '{"a":' + deep + "}"
    assert_refused(client, sign(raw_payload(user, '"x": ' + deep)), "token_decode_error")


@pytest.mark.parametrize("payload", ["[]", '"admin"', "1", "null", "true", ""], ids=repr)
def test_payload_must_be_a_json_object(strict, client, user, payload):
    assert_refused(client, sign(payload), "token_decode_error")


@pytest.mark.parametrize("header", ["[]", '"HS256"', "null", ""], ids=repr)
def test_header_must_be_a_json_object(strict, client, user, header):
    assert_refused(client, sign(claims_for(user), header), "token_decode_error")


@pytest.mark.parametrize("data", [b"\xff\xfe{}", b'{"username": "\xc3"}', b"\x00"], ids=plain_id)
def test_payload_must_be_utf8_json(strict, client, user, data):
    assert_refused(client, sign(data), "token_decode_error")


# ----------------------------------------------------------------------------------------------
# the order of the checks, and the payload parsed only after the signature


def test_payload_is_parsed_only_after_the_signature_verifies(strict, client, user):
    payload = raw_payload(user, '"x": ' + _nested(2000))
    # Parsed, this payload is refused for its JSON; with a bad signature it never is parsed.
    with pytest.raises(DecodeError, match=r"^Invalid payload JSON\."):
        utils.jwt_decode_handler(sign(payload))
    with pytest.raises(InvalidSignature):
        utils.jwt_decode_handler(sign(payload, key="not-the-secret"))


def test_unparsable_payload_with_a_bad_signature_is_a_signature_error(strict, user):
    head = segment({"alg": "HS256", "typ": "JWT"})
    token = f"{head}.{b64(b'not json at all')}.{b64(b'x' * 32)}"
    with pytest.raises(InvalidSignature):
        utils.jwt_decode_handler(token)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        # a disallowed alg wins over a bad signature
        (lambda user: sign(claims_for(user), {"alg": "HS512"}, key="x"), InvalidAlgorithm),
        # a bad signature wins over an expired token
        (lambda user: sign(claims_for(user, exp=1), key="x"), InvalidSignature),
        # a forbidden header wins over a bad signature
        (lambda user: sign(claims_for(user), {"alg": "HS256", "zip": "DEF"}, key="x"), DecodeError),
        # an expired token wins over a wrong audience
        (lambda user: sign(claims_for(user, exp=1, aud="x")), ExpiredToken),
        # a token too large wins over everything
        (lambda user: "!" * 9000, TokenTooLarge),
    ],
    ids=[
        "alg_before_signature",
        "signature_before_claims",
        "header_before_signature",
        "exp_before_aud",
        "size_first",
    ],
)
def test_check_order(strict, user, make, expected):
    with pytest.raises(expected):
        utils.jwt_decode_handler(make(user))


def test_claims_are_checked_before_the_user(strict, client, user):
    token = sign(claims_for(user, username="nobody", exp=NOW - 1))
    assert_refused(client, token, "token_expired")


# ----------------------------------------------------------------------------------------------
# refusals are fast: counted, not timed


def test_deep_nesting_in_an_8kb_token_is_refused(strict, client, user):
    token = sign(raw_payload(user, '"x": ' + _nested(2800)))
    assert len(token) <= 8192
    assert_refused(client, token, "token_decode_error")


def test_ten_thousand_nested_arrays_are_refused_without_a_size_bound(strict, client, user):
    strict(JWT_MAX_TOKEN_SIZE=0)
    for text in (_nested(10_000), "[" * 10_000, '{"a":' * 10_000):
        token = sign(raw_payload(user, '"x": ' + text) if text.endswith("]") else text)
        assert decode_code(token) == "token_decode_error"
        assert post(client, VERIFY, token).status_code == 400


def test_token_a_hundred_times_the_bound_never_reaches_base64(strict, client, user):
    genuine = sign(claims_for(user))
    head, body, signature = genuine.split(".")
    token = f"{head}.{body * (819200 // len(body) + 1)}.{signature}"
    assert len(token) > 100 * 8192
    with mock.patch("base64.urlsafe_b64decode", wraps=base64.urlsafe_b64decode) as stdlib:
        assert decode_code(token) == "token_too_large"
        assert auth(client, token).status_code == 401
    stdlib.assert_not_called()


@pytest.mark.parametrize("token", ["a." * 4000, "." * 8000, "a" * 8000, "a.b", "a.b.c.d.e"])
def test_wrong_number_of_segments_is_refused_before_decoding(strict, token):
    # Counted first: "a" alone is not base64url, and would give another message if decoded.
    with pytest.raises(DecodeError) as info:
        utils.jwt_decode_handler(token)
    assert (info.value.code, str(info.value)) == ("token_decode_error", "Not enough segments.")


def test_thousands_of_duplicate_members_are_refused(strict, client, user):
    members = ",".join('"a":1' for _ in range(900))
    token = sign(raw_payload(user, members))
    assert len(token) <= 8192
    assert_refused(client, token, "token_decode_error")


# ----------------------------------------------------------------------------------------------
# error model: codes, messages, headers


def _error_cases(user, inactive_user):
    """(name, token, code, 1.x auth message, 1.x serializer message)."""
    return [
        (
            "expired",
            sign(claims_for(user, exp=NOW - 1)),
            "token_expired",
            "Signature has expired.",
            "Signature has expired.",
        ),
        (
            "garbage",
            "abc",
            "token_decode_error",
            "Error decoding signature.",
            "Error decoding signature.",
        ),
        (
            "bad_signature",
            sign(claims_for(user), key="x"),
            "token_decode_error",
            "Error decoding signature.",
            "Error decoding signature.",
        ),
        (
            "alg",
            sign(claims_for(user), {"alg": "HS512"}),
            "token_invalid_algorithm",
            "Incorrect authentication credentials.",
            "Invalid token.",
        ),
        (
            "claim",
            sign(claims_for(user, sub=1)),
            "token_invalid_claim",
            "Incorrect authentication credentials.",
            "Invalid token.",
        ),
        (
            "missing",
            sign(claims_for(user, exp=DROP)),
            "token_missing_claim",
            "Incorrect authentication credentials.",
            "Invalid token.",
        ),
        (
            "audience",
            sign(claims_for(user, aud="x")),
            "token_invalid_audience",
            "Incorrect authentication credentials.",
            "Invalid token.",
        ),
        (
            "not_yet",
            sign(claims_for(user, nbf=NOW + 60)),
            "token_not_yet_valid",
            "Incorrect authentication credentials.",
            "Invalid token.",
        ),
        ("too_large", "a" * 9000, "token_too_large", "Token is too large.", "Token is too large."),
        (
            "user_not_found",
            sign(claims_for(user, username="nobody")),
            "user_not_found",
            "Invalid signature.",
            "User doesn't exist.",
        ),
        (
            "payload_invalid",
            sign(claims_for(user, username=DROP)),
            "payload_invalid",
            "Invalid payload.",
            "Invalid payload.",
        ),
        (
            "user_inactive",
            sign(claims_for(inactive_user)),
            "user_inactive",
            "User account is disabled.",
            "User account is disabled.",
        ),
    ]


ERROR_CASE_NAMES = [
    "expired",
    "garbage",
    "bad_signature",
    "alg",
    "claim",
    "missing",
    "audience",
    "not_yet",
    "too_large",
    "user_not_found",
    "payload_invalid",
    "user_inactive",
]


def _case(user, inactive_user, name):
    return next(case for case in _error_cases(user, inactive_user) if case[0] == name)


@pytest.mark.parametrize("name", ERROR_CASE_NAMES)
def test_1x_messages_and_bodies_without_codes(settings, frozen, client, user, inactive_user, name):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    _, token, _code, auth_message, serializer_message = _case(user, inactive_user, name)
    response = auth(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": auth_message}
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    for route in (VERIFY, REFRESH):
        response = post(client, route, token)
        assert response.status_code == 400
        assert response.data == {"non_field_errors": [serializer_message]}


@pytest.mark.parametrize("name", ERROR_CASE_NAMES)
def test_bodies_with_codes(strict, client, inactive_user, user, name):
    _, token, code, auth_message, serializer_message = _case(user, inactive_user, name)
    response = auth(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": auth_message, "code": code}
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    for route in (VERIFY, REFRESH):
        response = post(client, route, token)
        assert response.status_code == 400
        assert response.data == {"non_field_errors": [serializer_message], "code": code}


@pytest.mark.parametrize("name", ERROR_CASE_NAMES)
def test_codes_on_the_drf_exceptions(settings, frozen, inactive_user, user, name):
    settings.JWT_AUTH = {}
    _, token, code, auth_message, serializer_message = _case(user, inactive_user, name)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}")
    with pytest.raises(AuthenticationFailed) as info:
        JSONWebTokenAuthentication().authenticate(Request(request))
    assert info.value.status_code == 401
    assert info.value.get_codes() == code
    assert str(info.value.detail) == auth_message
    serializer = VerifyJSONWebTokenSerializer(data={"token": token})
    assert not serializer.is_valid()
    assert serializer.errors["non_field_errors"][0].code == code
    assert serializer.errors["non_field_errors"][0] == serializer_message


@pytest.mark.parametrize("name", ERROR_CASE_NAMES)
def test_fork_mode_401_codes(settings, frozen, client, inactive_user, user, name):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_RESPONSE_ERROR_CODES": True}
    _, token, code, *_ = _case(user, inactive_user, name)
    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.data["code"] == code
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("name", ["expired", "user_inactive"])
def test_fork_mode_400_bodies_carry_the_code(settings, frozen, client, inactive_user, user, name):
    # JWT_RESPONSE_ERROR_CODES is opt-in, so adding the code breaks no drf-jwt client.
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_RESPONSE_ERROR_CODES": True}
    _, token, code, *_ = _case(user, inactive_user, name)
    response = post(client, VERIFY, token)
    assert response.status_code == 400
    assert response.data.get("code") == code, response.data


@pytest.mark.parametrize(
    ("header", "code", "message"),
    [
        (
            "JWT",
            "authorization_header_no_credentials",
            "Invalid Authorization header. No credentials provided.",
        ),
        (
            "JWT a b",
            "authorization_header_spaces",
            "Invalid Authorization header. Credentials string should not contain spaces.",
        ),
        (
            "JWT caf\xe9",
            "authorization_header_encoding",
            "Invalid Authorization header. "
            "Credentials string should not contain invalid characters.",
        ),
    ],
    ids=plain_id,
)
def test_header_problem_codes(strict, client, header, code, message):
    response = client.get(PROTECTED, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.data == {"detail": message, "code": code}
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


def test_anonymous_401_carries_the_challenge(strict, client):
    response = client.get(PROTECTED)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


def test_obtain_failure_code(strict, client, user):
    response = client.post(OBTAIN, {"username": "admin", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["Unable to log in with provided credentials."],
        "code": "invalid_credentials",
    }


def test_refresh_of_an_impersonation_token_code(strict, client, user):
    token = sign(claims_for(user, act={"sub": "root"}))
    response = post(client, REFRESH, token)
    assert response.data == {
        "non_field_errors": ["Impersonation tokens cannot be refreshed."],
        "code": "impersonation_refresh",
    }


def test_token_responses_are_not_cached(strict, client, user, password):
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = response.data["token"]
    for route in (VERIFY, REFRESH):
        response = post(client, route, token)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


FORBIDDEN_IN_BODIES = (
    "Traceback",
    "Error(",
    "Exception",
    "InvalidSignature",
    "DecodeError",
    "ValueError",
    "binascii",
    "SELECT",
    "sqlite",
    "-----BEGIN",
    'File "',
)


@pytest.mark.parametrize("name", ERROR_CASE_NAMES)
def test_error_bodies_leak_nothing(strict, client, inactive_user, user, name):
    _, token, *_ = _case(user, inactive_user, name)
    responses = [auth(client, token), post(client, VERIFY, token), post(client, REFRESH, token)]
    for response in responses:
        text = response.content.decode()
        for needle in (*FORBIDDEN_IN_BODIES, django_settings.SECRET_KEY):
            assert needle not in text, (needle, text)


# ----------------------------------------------------------------------------------------------
# obtain: the same answer for a wrong password, an unknown user and an inactive user


class CountingMD5Hasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting how often it hashes."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


BACKENDS = [
    pytest.param(["django.contrib.auth.backends.ModelBackend"], id="ModelBackend"),
    pytest.param(
        ["django.contrib.auth.backends.AllowAllUsersModelBackend"], id="AllowAllUsersModelBackend"
    ),
]
FAILURES = {
    "wrong_password": {"username": "admin", "password": "wrong"},
    "unknown_user": {"username": "nobody", "password": "abc123"},
    "inactive_user": {"username": "sleeper", "password": "abc123"},
}


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingMD5Hasher"]
    CountingMD5Hasher.calls = 0
    return CountingMD5Hasher


@pytest.mark.parametrize("compat", ["djangorestframework-jwt", "drf-jwt"])
@pytest.mark.parametrize("backends", BACKENDS)
def test_obtain_failures_look_the_same(
    configure, settings, client, user, inactive_user, counting_hasher, backends, compat
):
    configure(JWT_COMPAT=compat)
    settings.AUTHENTICATION_BACKENDS = backends
    answers = {}
    for name, body in FAILURES.items():
        counting_hasher.calls = 0
        response = client.post(OBTAIN, body, format="json")
        answers[name] = (
            response.status_code,
            response.content,
            tuple(sorted(key for key, _ in response.items())),
            counting_hasher.calls,
        )
    if "AllowAll" in backends[0] and compat == "djangorestframework-jwt":
        # The backend accepted the right password of a disabled account: 1.x tells so. Only
        # the body differs; a guess without the password still looks like any other failure.
        status, content, headers, calls = answers.pop("inactive_user")
        assert json.loads(content) == {
            "non_field_errors": ["User account is disabled."],
            "code": "user_inactive",
        }
        assert (status, headers, calls) == tuple(answers["unknown_user"][i] for i in (0, 2, 3))
    assert len(set(answers.values())) == 1, answers
    status, content, _, calls = answers["unknown_user"]
    assert status == 400
    assert json.loads(content) == {
        "non_field_errors": ["Unable to log in with provided credentials."],
        "code": "invalid_credentials",
    }
    # The hasher ran for each failure, as often as for a successful login.
    counting_hasher.calls = 0
    success = client.post(OBTAIN, {"username": "admin", "password": "abc123"})
    assert success.status_code == (201 if compat == "drf-jwt" else 200)
    assert calls == counting_hasher.calls >= 1


@pytest.mark.parametrize("backends", BACKENDS)
def test_obtain_failures_look_the_same_in_1x_bodies(
    settings, client, user, inactive_user, backends
):
    settings.AUTHENTICATION_BACKENDS = backends
    settings.JWT_AUTH = {}
    for name, body in FAILURES.items():
        if name == "inactive_user" and "AllowAll" in backends[0]:
            continue  # the password was right: "User account is disabled." (test_orig_views)
        response = client.post(OBTAIN, body, format="json")
        assert response.status_code == 400
        assert response.data == {
            "non_field_errors": ["Unable to log in with provided credentials."]
        }


def test_obtain_password_length_is_bounded(strict, client, user, counting_hasher):
    response = client.post(OBTAIN, {"username": "admin", "password": "x" * 5000}, format="json")
    assert response.status_code == 400
    assert counting_hasher.calls == 0


# ----------------------------------------------------------------------------------------------
# impersonation (issue 8): the probes of the outside attack, replayed. root and boss are
# superusers; each probe holds an impersonation token and tries to keep or widen what it gives.

IMPERSONATE = "/api-token-impersonate/"


@pytest.fixture
def boss(db, password):
    return get_user_model().objects.create_superuser(username="boss", password=password)


def impersonate_with(client, credential: str, target) -> object:
    return client.post(
        IMPERSONATE, {"user": target.pk}, format="json", HTTP_AUTHORIZATION=f"JWT {credential}"
    )


def test_probe_a_chain_of_impersonations_cannot_drop_the_impersonator(
    strict, client, superuser, boss, user
):
    as_boss = impersonate_with(client, sign(claims_for(superuser)), boss).data["token"]
    assert jwt.decode(as_boss, options={"verify_signature": False})["act"]["sub"] == "root"
    response = impersonate_with(client, as_boss, user)
    assert response.status_code == 403
    assert response.data == {
        "detail": "Impersonation tokens cannot be used to impersonate.",
        "code": "impersonation_nested",
    }


def test_probe_a_token_with_nested_actors_cannot_impersonate(strict, client, superuser, user):
    nested = {"sub": "root", "user_id": superuser.pk, "act": {"sub": "someone-else"}}
    token = sign(claims_for(superuser, act=nested))
    assert auth(client, token).status_code == 200  # a valid credential elsewhere
    assert impersonate_with(client, token, user).data["code"] == "impersonation_nested"


@pytest.mark.parametrize("refresh_tokens", [False, True], ids=["classic", "refresh_tokens"])
def test_probe_self_impersonation_renews_nothing(
    strict, client, time_machine, superuser, refresh_tokens
):
    """root impersonates root, then tries every way to get a token that lives longer."""
    strict(JWT_REFRESH_TOKENS=refresh_tokens)
    token = impersonate_with(client, sign(claims_for(superuser)), superuser).data["token"]
    cap = jwt.decode(token, options={"verify_signature": False})["exp"]
    time_machine.shift(dt.timedelta(seconds=299))
    attempts = [
        impersonate_with(client, token, superuser),
        post(client, REFRESH, token),
        client.post(REFRESH, {"refresh_token": token}, format="json"),
    ]
    assert [answer.status_code for answer in attempts] == [403, 400, 400]
    assert [answer.data.get("code") for answer in attempts[:2]] == [
        "impersonation_nested",
        "impersonation_refresh",
    ]
    assert all("refresh_token" not in answer.data for answer in attempts)
    time_machine.shift(dt.timedelta(seconds=2))
    assert auth(client, token).data["code"] == "token_expired"
    assert cap == NOW + 300


@pytest.mark.parametrize("how", REVOCATIONS)
def test_probe_a_removed_superuser_keeps_no_access(
    strict, client, time_machine, superuser, boss, how
):
    """root holds a token as boss (a superuser), then is removed: the token dies with root's
    access, whichever way root's access ends."""
    root = sign(claims_for(superuser))
    as_boss = impersonate_with(client, root, boss).data["token"]
    assert auth(client, as_boss).status_code == 200
    time_machine.shift(dt.timedelta(seconds=1))
    revoke_actor(how, superuser, root)
    assert auth(client, as_boss).data["code"] == "token_revoked"
    assert post(client, VERIFY, as_boss).data["code"] == "token_revoked"
    assert impersonate_with(client, as_boss, boss).status_code == 401


@pytest.fixture(params=["database", "cache"])
def store(request, strict):
    """The denylist in the database, or in the (emptied) LocMem cache."""
    strict(JWT_DENYLIST_BACKEND=request.param, JWT_DENYLIST_CACHE="locmem")
    caches["locmem"].clear()
    yield request.param
    caches["locmem"].clear()


@pytest.mark.parametrize("offset", [0, 500_000], ids=["on_the_second", "within_it"])
def test_probe_an_impersonation_made_in_the_second_of_logout_everywhere_dies_with_it(
    store, client, time_machine, superuser, boss, offset
):
    """The clock does not move: root impersonates boss and logs out everywhere in the same
    second. The impersonation token may have come first, so it must not survive."""
    time_machine.move_to(START + dt.timedelta(microseconds=offset), tick=False)
    root = sign(claims_for(superuser))
    as_boss = impersonate_with(client, root, boss).data["token"]
    assert auth(client, as_boss).status_code == 200
    revoke_actor("logout_all", superuser, root)
    assert auth(client, as_boss).data["code"] == "token_revoked"
    assert post(client, VERIFY, as_boss).data["code"] == "token_revoked"


def test_probe_logout_everywhere_still_spares_a_login_of_the_same_second(
    store, client, time_machine, superuser, password
):
    """The strict actor check does not change the rule for the user's own tokens."""
    time_machine.move_to(START + dt.timedelta(milliseconds=500), tick=False)
    root = sign(claims_for(superuser))
    revoke_actor("logout_all", superuser, root)
    again = client.post(OBTAIN, {"username": "root", "password": password}, format="json")
    assert auth(client, again.data["token"]).status_code == 200


CSRF_AUTHENTICATION = "tests.test_fork_auth_hooks.CSRFCookieAuthentication"


@pytest.mark.urls("tests.urls_blacklist")
@pytest.mark.parametrize("route", ["logout", "logout_all", "revoke_others", "session", "blacklist"])
def test_probe_the_revocation_endpoints_use_the_projects_csrf_enforcing_authentication(
    strict, settings, user, password, route
):
    """A project that enforces CSRF for cookie-authenticated requests (docs/authentication.md)
    gets it on the package's own logout, sessions and BlacklistView endpoints too: a
    cross-site form POST with the victim's cookie ends nothing."""
    strict(JWT_AUTH_COOKIE="jwt", JWT_REFRESH_TOKENS=True)
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": (CSRF_AUTHENTICATION,)}
    login = APIClient().post(OBTAIN, {"username": user.username, "password": password})
    token = login.data["token"]
    family = jwt.decode(token, options={"verify_signature": False})["fam"]
    method, path = {
        "logout": ("post", LOGOUT),
        "logout_all": ("post", LOGOUT_ALL),
        "revoke_others": ("post", REVOKE_OTHERS),
        "session": ("delete", f"{SESSIONS}{family}/"),
        "blacklist": ("post", "/blacklist/"),
    }[route]
    browser = APIClient(enforce_csrf_checks=True)
    browser.cookies["jwt"] = token
    forged = getattr(browser, method)(path)
    assert forged.status_code == 403, forged.content
    assert "CSRF" in str(forged.data["detail"])
    assert auth(APIClient(), token).status_code == 200
    with_header = getattr(APIClient(), method)(path, HTTP_AUTHORIZATION=f"JWT {token}")
    assert with_header.status_code in (200, 201, 204), with_header.content
