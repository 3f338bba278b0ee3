"""The JWK Set at .well-known/jwks.json (rest_framework_jwt.urls), and kid in signed tokens."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client, override_settings
from django.urls import reverse

from rest_framework_jwt import backend, utils
from tests.conftest import read_key
from tests.helpers import b64

JWKS = "/included/.well-known/jwks.json"
PRIVATE = {"RSA": "rsa_private.pem", "EC": "ec_private.pem", "OKP": "ed25519_private.pem"}
ALGORITHM = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}
MEMBERS = {"RSA": {"kty", "n", "e"}, "EC": {"kty", "crv", "x", "y"}, "OKP": {"kty", "crv", "x"}}


def b64int(value: int) -> str:
    return b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def private_key(kty: str):
    return serialization.load_pem_private_key(read_key(PRIVATE[kty]).encode(), password=None)


def expected_members(kty: str) -> dict[str, str]:
    """The public JWK members, computed from cryptography's numbers (not PyJWT's to_jwk)."""
    public = private_key(kty).public_key()
    if kty == "RSA":
        numbers = public.public_numbers()
        return {"kty": "RSA", "n": b64int(numbers.n), "e": b64int(numbers.e)}
    if kty == "EC":
        numbers = public.public_numbers()
        size = (public.curve.key_size + 7) // 8
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64(numbers.x.to_bytes(size, "big")),
            "y": b64(numbers.y.to_bytes(size, "big")),
        }
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}


def rfc7638(members: dict[str, str]) -> str:
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return b64(hashlib.sha256(canonical.encode()).digest())


def private_values(kty: str) -> list[str]:
    """Every private component of the test key, base64url-encoded as a JWK would carry it."""
    key = private_key(kty)
    if kty == "RSA":
        numbers = key.private_numbers()
        values = [numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp]
        return [b64int(value) for value in values]
    if kty == "EC":
        return [b64(key.private_numbers().private_value.to_bytes(32, "big"))]
    return [b64(key.private_bytes(*_raw_private()))]


def _raw_private():
    return (
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def other_ec_public_key() -> str:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def get_jwks(**headers):
    return Client().get(JWKS, **headers)


def test_the_included_urls_route_the_jwks():
    assert reverse("jwt-jwks") == JWKS


@pytest.mark.parametrize("kty", sorted(PRIVATE))
def test_each_key_type_is_published_with_public_members_only(kty):
    auth = {"JWT_ALGORITHM": ALGORITHM[kty], "JWT_PRIVATE_KEY": read_key(PRIVATE[kty])}
    with override_settings(JWT_AUTH=auth):
        response = get_jwks()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (published,) = response.json()["keys"]
    members = expected_members(kty)
    assert set(published) == MEMBERS[kty] | {"kid", "alg", "use"}
    assert {name: published[name] for name in MEMBERS[kty]} == members
    assert published["kid"] == rfc7638(members)
    assert published["alg"] == ALGORITHM[kty]
    assert published["use"] == "sig"
    body = response.content.decode()
    for value in private_values(kty):
        assert value not in body


def test_an_hmac_secret_is_never_published():
    secret = "a-secret-that-is-long-enough-for-hs256-0123456789abcdef"
    auth = {
        "JWT_ALGORITHM": ["HS256", "RS256"],
        "JWT_SECRET_KEY": {"hs": secret, "hs-old": secret + "-old"},
        "JWT_PUBLIC_KEY": read_key("rsa_public.pem"),
    }
    with override_settings(JWT_AUTH=auth):
        response = get_jwks()
    (published,) = response.json()["keys"]
    assert published["kty"] == "RSA"
    body = response.content.decode()
    for value in (secret, b64(secret.encode()), "oct", '"k"', "hs-old"):
        assert value not in body


def test_with_only_hmac_the_set_is_empty():
    assert get_jwks().json() == {"keys": []}


def test_the_rfc_examples_give_their_thumbprints():
    # RFC 7638 section 3.1 and RFC 8037 appendix A.3.
    rsa = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSo"
        "c_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0"
        "_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhA"
        "I4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }
    assert backend.thumbprint(rsa) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    okp = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert backend.thumbprint(okp) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_every_verification_key_is_published_and_a_named_kid_is_kept():
    auth = {
        "JWT_ALGORITHM": ["RS256", "ES256", "EdDSA"],
        "JWT_PRIVATE_KEY": {"current": read_key("rsa_private.pem")},
        "JWT_PUBLIC_KEY": {
            "current": read_key("rsa_public.pem"),
            "previous": read_key("rsa2_public.pem"),
            "ec": read_key("ec_public.pem"),
            "ed": read_key("ed25519_public.pem"),
        },
    }
    with override_settings(JWT_AUTH=auth):
        published = {key["kid"]: key for key in get_jwks().json()["keys"]}
    assert list(published) == ["current", "previous", "ec", "ed"]
    assert [key["alg"] for key in published.values()] == ["RS256", "RS256", "ES256", "EdDSA"]
    assert published["current"]["n"] == expected_members("RSA")["n"]


def test_a_key_published_for_the_algorithm_that_signs():
    auth = {"JWT_ALGORITHM": ["PS256", "RS256"], "JWT_PRIVATE_KEY": read_key("rsa_private.pem")}
    with override_settings(JWT_AUTH=auth):
        (published,) = get_jwks().json()["keys"]
    assert published["alg"] == "PS256"


def test_cache_control_from_the_setting_and_an_etag():
    auth = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": read_key("rsa_private.pem"),
        "JWT_JWKS_MAX_AGE": datetime.timedelta(minutes=10),
    }
    with override_settings(JWT_AUTH=auth):
        response = get_jwks()
        assert response["Cache-Control"] == "public, max-age=600"
        etag = response["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
        again = get_jwks(HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Cache-Control"] == "public, max-age=600"
        assert get_jwks(HTTP_IF_NONE_MATCH='W/"other", ' + etag).status_code == 304
        assert get_jwks(HTTP_IF_NONE_MATCH='"other"').status_code == 200
        assert Client().head(JWKS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another key ring, another document and ETag.
    auth["JWT_PRIVATE_KEY"] = read_key("rsa2_private.pem")
    with override_settings(JWT_AUTH=auth):
        changed = get_jwks(HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_default_max_age():
    assert get_jwks()["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_refused(method):
    response = getattr(Client(), method)(JWKS)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_no_authentication_is_needed_or_tried():
    response = get_jwks(HTTP_AUTHORIZATION="JWT not-a-token")
    assert response.status_code == 200


def test_a_token_carries_the_thumbprint_kid_when_several_keys_verify(user):
    auth = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": [read_key("rsa_private.pem"), read_key("rsa2_private.pem")],
    }
    with override_settings(JWT_AUTH=auth):
        token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
        key_set = get_jwks().json()
        assert utils.jwt_decode_handler(token)["username"] == "admin"
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid == rfc7638(expected_members("RSA"))
    assert key_set["keys"][0]["kid"] == kid
    # A verifier that only has the JWK Set picks the key by kid.
    public = jwt.PyJWKSet.from_dict(key_set)[kid].key
    assert jwt.decode(token, public, algorithms=["RS256"])["username"] == "admin"


def test_a_token_of_a_single_key_has_no_kid(user):
    auth = {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY": read_key("rsa_private.pem")}
    with override_settings(JWT_AUTH=auth):
        token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert "kid" not in jwt.get_unverified_header(token)


def test_a_verify_only_public_key_makes_the_token_carry_a_kid(user):
    auth = {
        "JWT_ALGORITHM": "ES256",
        "JWT_PRIVATE_KEY": read_key("ec_private.pem"),
        "JWT_PUBLIC_KEY": [read_key("ec_public.pem"), other_ec_public_key()],
    }
    with override_settings(JWT_AUTH=auth):
        token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
        kids = [key["kid"] for key in get_jwks().json()["keys"]]
        assert utils.jwt_decode_handler(token)["username"] == "admin"
    assert jwt.get_unverified_header(token)["kid"] == kids[0] == rfc7638(expected_members("EC"))


def test_the_envoy_walk_through_matches_the_package():
    """docs/keys.md: the Envoy provider fetches this route and reads this header prefix."""
    from pathlib import Path

    from django.urls import resolve

    from rest_framework_jwt import jwks
    from rest_framework_jwt.settings import DEFAULTS

    page = (Path(__file__).parent.parent / "docs" / "keys.md").read_text()
    walk_through = page[page.index("## Walk-through: Envoy") :]
    uri = re.search(r"uri: http://django:8000(/\S+)", walk_through).group(1)
    assert uri == "/.well-known/jwks.json"
    with override_settings(ROOT_URLCONF="rest_framework_jwt.urls"):
        assert resolve(uri).func is jwks.jwks_view
    prefix = re.search(r'value_prefix: "(\w+) "', walk_through).group(1)
    assert prefix == DEFAULTS["JWT_AUTH_HEADER_PREFIX"]
    assert re.search(r"issuer: (\S+)", walk_through).group(1) == "https://auth.example.com"
    assert '"JWT_ISSUER": "https://auth.example.com"' in walk_through
    assert '"JWT_AUDIENCE": "api"' in walk_through and "audiences: [api]" in walk_through


def test_a_verifier_with_only_the_jwks_checks_what_envoy_checks(tmp_path, user):
    """The walk-through's settings: a token with iss and aud, verified from the JWK Set alone."""
    from django.core.management import call_command

    auth = {
        "JWT_ALGORITHM": "RS256",
        "JWT_KEY_DIR": str(tmp_path),
        "JWT_ISSUER": "https://auth.example.com",
        "JWT_AUDIENCE": "api",
    }
    with override_settings(JWT_AUTH=auth):
        call_command("jwt_keys", "generate", stdout=io.StringIO())
        token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
        key_set = jwt.PyJWKSet.from_dict(get_jwks().json())
    key = key_set[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(
        token,
        key.key,
        algorithms=[key.algorithm_name],
        audience="api",
        issuer="https://auth.example.com",
    )
    assert claims["username"] == "admin"
