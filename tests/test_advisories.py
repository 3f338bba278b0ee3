"""One regression test per published advisory that applies to this layer.

Each test builds the attacker's token (or the dangerous configuration) itself, usually by
HMAC-signing by hand with text the attacker can know, and shows that the package refuses it
cleanly: 401 from the authentication class, 400 from verify and refresh, a ``TokenError`` from
``jwt_decode_handler``, a system check error for a bad configuration. Where the forging technique
could itself be at fault, a positive control signs the same way with the real secret and is
accepted, so a refusal means the defence worked and not that the test built a broken token.

docs/security.md has the table of advisories and the test that covers each.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
import zlib
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from rest_framework_jwt import backend, checks, utils
from rest_framework_jwt.exceptions import (
    DecodeError,
    InvalidAlgorithm,
    InvalidIssuer,
    TokenError,
    TokenTooLarge,
)
from tests.conftest import read_key
from tests.helpers import (
    DIGESTS,
    OBTAIN,
    PROTECTED,
    REFRESH,
    VERIFY,
    b64,
    flip_low_bit,
    resign,
    segment,
    sign,
    stray_bits_segments,
)

ISSUER = "https://auth.example.com"


# ----------------------------------------------------------------------------------------------
# helpers: hand-made tokens and the forms a public key can take


def hmac_sign(signing_input: str, key: bytes | str, alg: str = "HS256") -> str:
    if isinstance(key, str):
        key = key.encode()
    return b64(hmac.new(key, signing_input.encode("ascii"), DIGESTS[alg]).digest())


def forge(payload, key: bytes | str, alg: str = "HS256", header: dict | None = None) -> str:
    """An HMAC token over ``payload``, signed with ``key`` as the attacker chooses."""
    return sign(payload, header, key, alg)


def secret() -> str:
    return django_settings.SECRET_KEY


def payload_for(user, **changes) -> dict:
    payload = dict(utils.jwt_payload_handler(user))
    payload.update(changes)
    return payload


def public_key(name: str):
    return serialization.load_pem_public_key(read_key(f"{name}_public.pem").encode())


def openssh(name: str) -> bytes:
    return public_key(name).public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )


def pkcs1_pem() -> bytes:
    return public_key("rsa").public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
    )


def der(name: str, form=serialization.PublicFormat.SubjectPublicKeyInfo) -> bytes:
    return public_key(name).public_bytes(serialization.Encoding.DER, form)


def jwk_json(name: str) -> str:
    cls = {
        "rsa": jwt.algorithms.RSAAlgorithm,
        "ec": jwt.algorithms.ECAlgorithm,
        "ed25519": jwt.algorithms.OKPAlgorithm,
    }[name]
    return cls.to_jwk(public_key(name))


def configure_asymmetric(settings, algorithms, name: str, public=None, **extra) -> None:
    settings.JWT_AUTH = {
        "JWT_ALGORITHM": algorithms,
        "JWT_PRIVATE_KEY": read_key(f"{name}_private.pem"),
        "JWT_PUBLIC_KEY": read_key(f"{name}_public.pem") if public is None else public,
        "JWT_ALLOW_REFRESH": True,
        **extra,
    }


def check_ids() -> list[str]:
    return [message.id for message in checks.check_settings()]


# ----------------------------------------------------------------------------------------------
# helpers: the endpoints


FORBIDDEN_IN_BODIES = ("Traceback", "Error:", "Exception", "-----BEGIN", "ssh-", "SELECT ")


def assert_clean(response) -> None:
    """No traceback, exception class, SQL or key material in an error body."""
    text = response.content.decode("utf-8", "replace")
    for needle in (*FORBIDDEN_IN_BODIES, secret()):
        assert needle not in text, (needle, text)
    json.loads(text)


def assert_refused_everywhere(client, token: str) -> None:
    """401 from authentication, 400 from verify and refresh, and a TokenError from decoding."""
    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 401, (response.status_code, response.content)
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert_clean(response)
    for route in (VERIFY, REFRESH):
        response = client.post(route, {"token": token}, format="json")
        assert response.status_code == 400, (route, response.status_code, response.content)
        assert set(response.data) == {"non_field_errors"}
        assert "token" not in response.data
        assert_clean(response)
    with pytest.raises(TokenError):
        utils.jwt_decode_handler(token)


def assert_accepted(client, token: str) -> None:
    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200, response.content
    assert response.data == {"username": "admin"}


@pytest.fixture
def hs(settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}


# ----------------------------------------------------------------------------------------------
# PyJWT CVE-2017-11424: an RSA public key in PKCS1 PEM (or SSH) form used as the HMAC secret


PKCS1_FORMS = {
    "pkcs1_pem": pkcs1_pem,
    "spki_pem": lambda: read_key("rsa_public.pem").encode(),
    "openssh": lambda: openssh("rsa"),
    "openssh_file": lambda: read_key("rsa_public.ssh").encode(),
}


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("algorithms", [["RS256"], ["RS256", "HS256", "HS384", "HS512"]])
@pytest.mark.parametrize("form", sorted(PKCS1_FORMS))
def test_pyjwt_cve_2017_11424_rsa_public_key_as_hmac_secret(
    settings, client, user, form, algorithms, alg
):
    public_text = PKCS1_FORMS[form]()
    # The server verifies RS256 with the public key in this very form.
    configure_asymmetric(settings, algorithms, "rsa", public=public_text.decode())
    genuine = utils.jwt_encode_handler(payload_for(user))
    assert_accepted(client, genuine)
    # The attacker knows the public key text and HMAC-signs a token for any user with it.
    attack = forge(payload_for(user), public_text, alg)
    assert_refused_everywhere(client, attack)
    with pytest.raises((InvalidAlgorithm, DecodeError)):
        utils.jwt_decode_handler(attack)


def test_pyjwt_cve_2017_11424_pkcs1_public_key_as_secret_is_a_configuration_error(
    settings, client, user
):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": pkcs1_pem().decode()}
    assert "rest_framework_jwt.E007" in check_ids()
    attack = forge(payload_for(user, exp=int(time.time()) + 300), pkcs1_pem())
    with pytest.raises(InvalidAlgorithm):
        utils.jwt_decode_handler(attack)
    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {attack}")
    assert response.status_code == 401
    assert_clean(response)


# ----------------------------------------------------------------------------------------------
# PyJWT CVE-2022-29217: an OpenSSH ed25519 / ECDSA public key as the HMAC secret, when several
# algorithms are allowed


ALL_ALGORITHMS = ["EdDSA", "ES256", "RS256", "PS256", "HS256", "HS384", "HS512"]


@pytest.mark.parametrize("alg", ["HS256", "HS512"])
@pytest.mark.parametrize(
    ("name", "algorithms"),
    [
        ("ed25519", ["EdDSA", "HS256", "HS512"]),
        ("ed25519", ALL_ALGORITHMS),
        ("ec", ["ES256", "HS256", "HS512"]),
        ("ec", ["ES256", *ALL_ALGORITHMS]),
    ],
)
def test_pyjwt_cve_2022_29217_openssh_key_as_hmac_secret(
    settings, client, user, name, algorithms, alg
):
    ssh_text = openssh(name)
    configure_asymmetric(settings, algorithms, name, public=ssh_text.decode())
    genuine = utils.jwt_encode_handler(payload_for(user))
    assert_accepted(client, genuine)
    attack = forge(payload_for(user), ssh_text, alg)
    assert_refused_everywhere(client, attack)
    # The HS algorithms verify with JWT_SECRET_KEY only: the real secret still works.
    assert_accepted(client, forge(payload_for(user), secret(), alg))


@pytest.mark.parametrize("name", ["ed25519", "ec", "rsa"])
def test_pyjwt_cve_2022_29217_openssh_key_as_secret_is_a_configuration_error(
    settings, client, user, name
):
    ssh_text = openssh(name).decode()
    settings.JWT_AUTH = {"JWT_ALGORITHM": ["HS256", "HS512"], "JWT_SECRET_KEY": ssh_text}
    assert "rest_framework_jwt.E007" in check_ids()
    attack = forge(payload_for(user, exp=int(time.time()) + 300), ssh_text)
    with pytest.raises(InvalidAlgorithm):
        utils.jwt_decode_handler(attack)


# ----------------------------------------------------------------------------------------------
# PyJWT CVE-2024-53861: the issuer was compared as a substring ("acme" in "https://acme.com")


@pytest.mark.parametrize(
    "iss",
    [
        "auth.example.com",
        "https://auth.example",
        "example",
        "h",
        "",
        "https://auth.example.com/",
        "HTTPS://AUTH.EXAMPLE.COM",
        " https://auth.example.com",
        ["https://auth.example.com"],
        ["h", "t", "p", "s"],
        {"https://auth.example.com": True},
        None,
        0,
    ],
    ids=repr,
)
def test_pyjwt_cve_2024_53861_issuer_partial_match(settings, client, user, iss):
    settings.JWT_AUTH = {"JWT_ISSUER": ISSUER, "JWT_ALLOW_REFRESH": True}
    assert_accepted(client, forge(payload_for(user), secret()))
    attack = forge(payload_for(user, iss=iss), secret())
    assert_refused_everywhere(client, attack)
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(attack)


def test_pyjwt_cve_2024_53861_substring_issuer_raises_invalid_issuer(settings, user):
    settings.JWT_AUTH = {"JWT_ISSUER": ISSUER}
    attack = forge(payload_for(user, iss="auth.example"), secret())
    with pytest.raises(InvalidIssuer) as info:
        utils.jwt_decode_handler(attack)
    assert isinstance(info.value, jwt.InvalidIssuerError)
    assert info.value.code == "token_invalid_issuer"


# ----------------------------------------------------------------------------------------------
# PyJWT CVE-2026-32597: unknown "crit" header extensions were accepted


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["https://example.com/must-understand"], "https://example.com/must-understand": 1},
        {"crit": ["exp"]},
        {"crit": []},
        {"crit": ["b64"], "b64": True},
        {"crit": "b64"},
        {"crit": None},
    ],
    ids=repr,
)
def test_pyjwt_cve_2026_32597_unknown_crit_extension(hs, client, user, extra):
    assert_accepted(client, forge(payload_for(user), secret()))
    attack = forge(payload_for(user), secret(), header={"alg": "HS256", "typ": "JWT", **extra})
    assert_refused_everywhere(client, attack)
    with pytest.raises(DecodeError):
        utils.jwt_decode_handler(attack)


# ----------------------------------------------------------------------------------------------
# PyJWT CVE-2026-48526, as we read the advisory: a public key as JWK JSON or DER used as an HMAC
# secret


JWK_AND_DER = {
    "rsa_jwk": lambda: jwk_json("rsa").encode(),
    "ec_jwk": lambda: jwk_json("ec").encode(),
    "ed25519_jwk": lambda: jwk_json("ed25519").encode(),
    "rsa_spki_der": lambda: der("rsa"),
    "rsa_pkcs1_der": lambda: der("rsa", serialization.PublicFormat.PKCS1),
    "ec_spki_der": lambda: der("ec"),
    "ed25519_spki_der": lambda: der("ed25519"),
}
KEY_NAME = {"rsa": ("RS256", "rsa"), "ec": ("ES256", "ec"), "ed25519": ("EdDSA", "ed25519")}


@pytest.mark.parametrize("form", sorted(JWK_AND_DER))
def test_pyjwt_cve_2026_48526_jwk_or_der_public_key_as_hmac_secret(settings, client, user, form):
    algorithm, name = KEY_NAME[form.split("_")[0]]
    configure_asymmetric(settings, [algorithm, "HS256"], name)
    assert_accepted(client, utils.jwt_encode_handler(payload_for(user)))
    attack = forge(payload_for(user), JWK_AND_DER[form]())
    assert_refused_everywhere(client, attack)


@pytest.mark.parametrize(
    "form", [*sorted(JWK_AND_DER), "oct_jwk", "jwk_set", "jwk_with_spaces", "jwk_list"]
)
def test_pyjwt_cve_2026_48526_jwk_or_der_secret_is_a_configuration_error(settings, user, form):
    material: str | bytes
    if form == "oct_jwk":
        material = json.dumps({"kty": "oct", "k": b64(secret().encode())})
    elif form == "jwk_set":
        material = json.dumps({"keys": [json.loads(jwk_json("rsa"))]})
    elif form == "jwk_with_spaces":
        material = "  \n" + json.dumps(json.loads(jwk_json("ec")), indent=4)
    elif form == "jwk_list":
        material = json.dumps([json.loads(jwk_json("rsa"))])
    else:
        material = JWK_AND_DER[form]()
    settings.JWT_AUTH = {"JWT_SECRET_KEY": material}
    assert "rest_framework_jwt.E007" in check_ids()
    attack = forge(payload_for(user, exp=int(time.time()) + 300), material)
    with pytest.raises(InvalidAlgorithm):
        utils.jwt_decode_handler(attack)


# ----------------------------------------------------------------------------------------------
# PyJWT 2.13.0 hardening: strict base64url (no padding, no characters outside the alphabet)


def _base64_variants(user) -> dict[str, str]:
    header, body = stray_bits_segments(lambda filler: payload_for(user, note=filler))
    genuine = resign(header, body)
    head, payload, signature = genuine.split(".")
    pad = "=" * (-len(body) % 4)
    return {
        "control": genuine,
        "header_padding": resign(header + "=" * (-len(header) % 4), body),
        "payload_padding": resign(header, body + pad),
        "signature_padding": f"{head}.{payload}.{signature}=",
        "extra_padding": resign(header, body + pad + "===="),
        "standard_alphabet_header": resign(header.replace("-", "+").replace("_", "/"), body),
        "payload_stray_bits": resign(header, flip_low_bit(body)),
        "signature_stray_bits": f"{head}.{payload}.{flip_low_bit(signature)}",
        "junk_in_payload": resign(header, body[:10] + "!" + body[10:]),
        "junk_in_signature": f"{head}.{payload}.{signature[:5]}*{signature[5:]}",
        "percent_encoded": resign(header, body[:10] + "%41" + body[10:]),
        "whitespace_in_payload": resign(header, body[:10] + "\t" + body[10:]),
        "newline_in_signature": f"{head}.{payload}.{signature[:20]}\n{signature[20:]}",
        "nul_in_header": resign(header[:4] + "\x00" + header[4:], body),
        "impossible_length": resign(header, body + "A" * (5 - len(body) % 4)),
    }


def test_pyjwt_2_13_0_base64_hardening_padding_and_junk(hs, client, user):
    variants = _base64_variants(user)
    assert_accepted(client, variants.pop("control"))
    for name, token in variants.items():
        with pytest.raises(DecodeError):
            utils.jwt_decode_handler(token)
        response = client.post(VERIFY, {"token": token}, format="json")
        assert response.status_code == 400, (name, response.content)
        assert_clean(response)
        if not any(c in token for c in " \t\n\x00"):
            response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")
            assert response.status_code == 401, (name, response.content)


# ----------------------------------------------------------------------------------------------
# PyJWT 2.13.0 hardening: empty keys and empty signatures


@pytest.mark.parametrize("empty", ["", b"", {"k1": ""}, [""]], ids=repr)
def test_pyjwt_2_13_0_empty_key_hardening_empty_secret_is_refused(settings, user, empty):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": empty}
    assert "rest_framework_jwt.E007" in check_ids()
    # A token HMAC-signed with the empty key is refused, not verified with it.
    attack = forge(payload_for(user, exp=int(time.time()) + 300), b"")
    with pytest.raises(TokenError):
        utils.jwt_decode_handler(attack)
    with pytest.raises(backend.ConfigurationError):
        utils.jwt_encode_handler(payload_for(user, exp=int(time.time()) + 300))


@pytest.mark.parametrize("alg", ["HS256", "HS512", "none", "RS256"])
def test_pyjwt_2_13_0_empty_key_hardening_empty_signature_is_refused(hs, client, user, alg):
    head = segment({"alg": alg, "typ": "JWT"})
    body = segment(payload_for(user))
    assert_refused_everywhere(client, f"{head}.{body}.")
    # Without the separator too, and with a signature of only padding.
    for attack in (f"{head}.{body}", f"{head}.{body}.=", f"{head}.{body}.=="):
        assert_refused_everywhere(client, attack)


# ----------------------------------------------------------------------------------------------
# python-jose CVE-2024-33663: algorithm confusion with OpenSSH ECDSA keys


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("configured_as", ["pem", "openssh"])
@pytest.mark.parametrize("algorithms", [["ES256"], ["ES256", "HS256", "HS384", "HS512"]])
def test_python_jose_cve_2024_33663_openssh_ecdsa_key_confusion(
    settings, client, user, algorithms, configured_as, alg
):
    ssh_text = openssh("ec")
    assert ssh_text.startswith(b"ecdsa-sha2-nistp256 ")
    public = read_key("ec_public.pem") if configured_as == "pem" else ssh_text.decode()
    configure_asymmetric(settings, algorithms, "ec", public=public)
    assert_accepted(client, utils.jwt_encode_handler(payload_for(user)))
    for key in (ssh_text, read_key("ec_public.pem").encode()):
        attack = forge(payload_for(user), key, alg)
        assert_refused_everywhere(client, attack)


# ----------------------------------------------------------------------------------------------
# python-jose CVE-2024-33664: a "zip": "DEF" token whose payload inflates to a huge size


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, as JWE's "DEF"
    return compressor.compress(data) + compressor.flush()


def test_python_jose_cve_2024_33664_zip_bomb_is_never_inflated(hs, client, user):
    inflated = json.dumps({**payload_for(user), "pad": "A" * 5_000_000}).encode()
    bomb = _deflate(inflated)
    assert len(bomb) < 6000 and len(inflated) > 900 * len(bomb)
    attack = forge(bomb, secret(), header={"alg": "HS256", "typ": "JWT", "zip": "DEF"})
    assert len(attack) < 8192
    # A valid HMAC over the segments: without the header check, only the payload would fail.
    refusal = AssertionError("the token was inflated")
    with (
        mock.patch("zlib.decompress", side_effect=refusal) as decompress,
        mock.patch("zlib.decompressobj", side_effect=refusal) as decompressobj,
    ):
        with pytest.raises(DecodeError) as info:
            utils.jwt_decode_handler(attack)
        assert_refused_everywhere(client, attack)
    decompress.assert_not_called()
    decompressobj.assert_not_called()
    # Refused for its header, before the payload is read at all.
    assert str(info.value) == "Unsupported header parameter."


def test_python_jose_cve_2024_33664_jwe_compact_form_is_refused(hs, client, user):
    header = segment({"alg": "dir", "enc": "A128GCM", "zip": "DEF"})
    attack = ".".join([header, "", b64(b"\x00" * 12), b64(_deflate(b"{}" * 1000)), b64(b"t" * 16)])
    assert_refused_everywhere(client, attack)


# ----------------------------------------------------------------------------------------------
# Authlib CVE-2025-61920: oversized segments decoded before any size check


@pytest.mark.parametrize(
    "shape",
    [
        "one_segment",
        "huge_header",
        "huge_payload",
        "huge_signature",
        "many_dots",
    ],
)
def test_authlib_cve_2025_61920_oversized_token_refused_before_decoding(hs, client, user, shape):
    size = 3 * 1024 * 1024
    genuine = utils.jwt_encode_handler(payload_for(user))
    head, body, signature = genuine.split(".")
    attack = {
        "one_segment": "A" * size,
        "huge_header": f"{'A' * size}.{body}.{signature}",
        "huge_payload": f"{head}.{'A' * size}.{signature}",
        "huge_signature": f"{head}.{body}.{'A' * size}",
        "many_dots": "A." * (size // 2),
    }[shape]
    # Nothing is parsed that is not decoded first, so the base64 decoder is the seam to watch.
    with mock.patch("base64.urlsafe_b64decode", wraps=base64.urlsafe_b64decode) as decoded:
        with pytest.raises(TokenTooLarge) as info:
            utils.jwt_decode_handler(attack)
        assert info.value.code == "token_too_large"
        response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {attack}")
        assert response.status_code == 401
        assert response.data == {"detail": "Token is too large."}
        response = client.post(VERIFY, {"token": attack[: 2 * 1024 * 1024]}, format="json")
        assert response.status_code == 400
        assert response.data == {"non_field_errors": ["Token is too large."]}
    decoded.assert_not_called()


# ----------------------------------------------------------------------------------------------
# djangorestframework-simplejwt CVE-2024-22513: tokens of a deactivated user kept working


@pytest.mark.parametrize(
    "backends",
    [
        ["django.contrib.auth.backends.ModelBackend"],
        ["django.contrib.auth.backends.AllowAllUsersModelBackend"],
    ],
    ids=["ModelBackend", "AllowAllUsersModelBackend"],
)
def test_simplejwt_cve_2024_22513_inactive_user_is_refused(
    settings, client, user, password, backends
):
    settings.AUTHENTICATION_BACKENDS = backends
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    credentials = {"username": "admin", "password": password}
    response = client.post(OBTAIN, credentials, format="json")
    assert response.status_code == 200
    token = response.data["token"]
    assert_accepted(client, token)

    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 401
    assert response.data == {"detail": "User account is disabled."}
    for route in (VERIFY, REFRESH):
        response = client.post(route, {"token": token}, format="json")
        assert response.status_code == 400
        assert response.data == {"non_field_errors": ["User account is disabled."]}
    response = client.post(OBTAIN, credentials, format="json")
    assert response.status_code == 400
    # With AllowAllUsersModelBackend the password was accepted: 1.x's answer says why.
    message = (
        "User account is disabled."
        if "AllowAll" in backends[0]
        else "Unable to log in with provided credentials."
    )
    assert response.data == {"non_field_errors": [message]}
    assert "token" not in response.data


# ----------------------------------------------------------------------------------------------
# drf-jwt CVE-2020-10594: a token that verify refuses could still be refreshed


def _refused_token(case: str, user, time_machine) -> str:
    payload = payload_for(user)
    if case == "expired":
        token = utils.jwt_encode_handler(payload)
        time_machine.shift(301)
        return token
    if case == "inactive_user":
        token = utils.jwt_encode_handler(payload)
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        return token
    if case == "deleted_user":
        token = utils.jwt_encode_handler(payload)
        get_user_model().objects.filter(pk=user.pk).delete()
        return token
    if case == "bad_signature":
        return forge(payload, secret() + "-but-not-quite")
    if case == "alg_none":
        return f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(payload)}."
    if case == "foreign_audience":
        # No JWT_AUDIENCE is configured: a token meant for another service is refused.
        return forge({**payload, "aud": "https://other.example"}, secret())
    if case == "unknown_user":
        return forge({**payload, "username": "nobody"}, secret())
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "inactive_user",
        "deleted_user",
        "bad_signature",
        "alg_none",
        "foreign_audience",
        "unknown_user",
    ],
)
def test_drf_jwt_cve_2020_10594_refresh_of_a_refused_token(hs, client, user, time_machine, case):
    time_machine.move_to("2024-05-06 07:08:09+00:00", tick=False)
    control = client.post(REFRESH, {"token": utils.jwt_encode_handler(payload_for(user))})
    assert control.status_code == 200 and control.data["token"]

    token = _refused_token(case, user, time_machine)
    verify = client.post(VERIFY, {"token": token}, format="json")
    assert verify.status_code == 400, verify.content
    refresh = client.post(REFRESH, {"token": token}, format="json")
    assert refresh.status_code == 400, refresh.content
    assert "token" not in refresh.data
    assert refresh.data == verify.data
    assert_clean(refresh)


def test_drf_jwt_cve_2020_10594_impersonation_token_cannot_be_refreshed(
    hs, client, user, superuser
):
    # Impersonation tokens verify (they are valid credentials) but never renew themselves.
    payload = payload_for(user, act={"sub": "root"})
    payload["orig_iat"] = int(time.time())
    token = utils.jwt_encode_handler(payload)
    assert client.post(VERIFY, {"token": token}, format="json").status_code == 200
    response = client.post(REFRESH, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}
