"""Asymmetric algorithms with JWT_PRIVATE_KEY / JWT_PUBLIC_KEY (orig 1.9+ settings)."""

from __future__ import annotations

import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from rest_framework_jwt import utils
from tests.conftest import read_key
from tests.helpers import b64

PAIRS = {
    "RS256": ("rsa_private.pem", "rsa_public.pem"),
    "RS512": ("rsa_private.pem", "rsa_public.pem"),
    "PS256": ("rsa_private.pem", "rsa_public.pem"),
    "ES256": ("ec_private.pem", "ec_public.pem"),
    "EdDSA": ("ed25519_private.pem", "ed25519_public.pem"),
}


def _public_pem(private_key):
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def other_public_key(algorithm):
    """A public key of the right type that does not match the signing key."""
    if algorithm.startswith(("RS", "PS")):
        return read_key("rsa2_public.pem")
    if algorithm == "ES256":
        return _public_pem(ec.generate_private_key(ec.SECP256R1()))
    return _public_pem(ed25519.Ed25519PrivateKey.generate())


def configure(settings, algorithm, public=None):
    private_name, public_name = PAIRS[algorithm]
    settings.JWT_AUTH = {
        "JWT_ALGORITHM": algorithm,
        "JWT_PRIVATE_KEY": read_key(private_name),
        "JWT_PUBLIC_KEY": public if public is not None else read_key(public_name),
    }


@pytest.mark.parametrize("algorithm", sorted(PAIRS))
def test_round_trip(user, settings, algorithm):
    configure(settings, algorithm)
    payload = utils.jwt_payload_handler(user)
    token = utils.jwt_encode_handler(payload)
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert utils.jwt_decode_handler(token) == payload
    # Really signed with the private key: plain PyJWT verifies it with the public one.
    public = read_key(PAIRS[algorithm][1])
    assert jwt.decode(token, public, algorithms=[algorithm]) == payload


@pytest.mark.parametrize("algorithm", sorted(PAIRS))
def test_wrong_public_key_refused(user, settings, algorithm):
    configure(settings, algorithm)
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    configure(settings, algorithm, public=other_public_key(algorithm))
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_handler(token)


@pytest.mark.parametrize("algorithm", sorted(PAIRS))
def test_obtain_and_authenticate(client, user, password, settings, algorithm):
    configure(settings, algorithm)
    response = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "admin"}
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 200


def test_wrong_public_key_verify_view(client, user, settings):
    configure(settings, "RS256")
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    configure(settings, "RS256", public=read_key("rsa2_public.pem"))
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Error decoding signature."]}


def test_keys_as_bytes(user, settings):
    settings.JWT_AUTH = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": read_key("rsa_private.pem").encode(),
        "JWT_PUBLIC_KEY": read_key("rsa_public.pem").encode(),
    }
    payload = utils.jwt_payload_handler(user)
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload


def test_keys_as_objects(user, settings):
    private = serialization.load_pem_private_key(read_key("rsa_private.pem").encode(), None)
    settings.JWT_AUTH = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": private,
        "JWT_PUBLIC_KEY": private.public_key(),
    }
    payload = utils.jwt_payload_handler(user)
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload


def test_hs256_token_signed_with_public_key_refused(user, settings):
    """Algorithm confusion: an HS256 token keyed with the RSA public key PEM."""
    configure(settings, "RS256")
    public_pem = read_key("rsa_public.pem").encode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(utils.jwt_payload_handler(user)).encode())
    signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    token = f"{header}.{body}.{b64(signature)}"
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(token)


def test_hs256_token_refused_when_rs256_configured(user, settings):
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))  # HS256 + SECRET_KEY
    configure(settings, "RS256")
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(token)


def test_alg_none_refused_with_asymmetric_keys(user, settings):
    configure(settings, "RS256")
    token = jwt.encode(utils.jwt_payload_handler(user), None, algorithm="none")
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(token)
