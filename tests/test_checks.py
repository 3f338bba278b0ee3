"""System checks: stable ids rest_framework_jwt.E001..E006 and W001..W003, each with a hint."""

from __future__ import annotations

import datetime as dt
import sys

import jwt
import pytest
from django.core import checks

from tests.conftest import read_key

LONG = "a-secret-that-is-long-enough-for-hs256-0123456789"
LONG2 = "another-secret-that-is-long-enough-for-hs256-0123456789"


def our_messages() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if (m.id or "").startswith("rest_framework_jwt.")]


def our_ids() -> set[str]:
    return {m.id for m in our_messages()}


def message(check_id: str) -> checks.CheckMessage:
    found = [m for m in our_messages() if m.id == check_id]
    assert found, f"{check_id} not raised; got {our_ids()}"
    return found[0]


@pytest.fixture
def jwt_auth(settings):
    def _set(**keys):
        settings.JWT_AUTH = keys

    return _set


# ----------------------------------------------------------------------------------------------
# clean configurations raise nothing of ours


CLEAN = [
    pytest.param({}, id="defaults"),
    pytest.param({"JWT_COMPAT": "drf-jwt"}, id="fork"),
    pytest.param({"JWT_COMPAT": "djangorestframework-jwt"}, id="orig-explicit"),
    pytest.param(
        {
            "JWT_SECRET_KEY": {"one": LONG, "two": LONG2},
            "JWT_ALGORITHM": ["HS256", "HS512"],
            "JWT_TOKEN_ID": "require",
            "JWT_INSIST_ON_KID": True,
            "JWT_PAYLOAD_INCLUDE_USER_ID": False,
            "JWT_AUTH_COOKIE": "jwt",
            "JWT_AUTH_COOKIE_DOMAIN": "example.com",
            "JWT_AUTH_COOKIE_PATH": "/api/",
            "JWT_AUTH_COOKIE_SECURE": True,
            "JWT_AUTH_COOKIE_SAMESITE": "Strict",
            "JWT_IMPERSONATION_COOKIE": "jwt-imp",
        },
        id="fork-keys",
    ),
    pytest.param({"JWT_SECRET_KEY": [LONG, LONG2], "JWT_TOKEN_ID": "off"}, id="secret-list"),
    pytest.param(
        {
            "JWT_EXPIRATION_DELTA": dt.timedelta(minutes=10),
            "JWT_REFRESH_EXPIRATION_DELTA": 3600,
            "JWT_LEEWAY": dt.timedelta(seconds=5),
            "JWT_IMPERSONATION_EXPIRATION_DELTA": dt.timedelta(minutes=1),
            "JWT_MAX_TOKEN_SIZE": 4096,
            "JWT_ALLOW_REFRESH": True,
            "JWT_AUDIENCE": "aud",
            "JWT_ISSUER": "iss",
            "JWT_PAYLOAD_INCLUDE_IAT": False,
            "JWT_AUTH_HEADER_PREFIX": "Bearer",
            "JWT_RESPONSE_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_response_payload_handler",
            "JWT_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_payload_handler",
        },
        id="orig-keys",
    ),
    pytest.param(
        {
            "JWT_ALGORITHM": "RS256",
            "JWT_PRIVATE_KEY": read_key("rsa_private.pem"),
            "JWT_PUBLIC_KEY": read_key("rsa_public.pem"),
        },
        id="rs256",
    ),
    pytest.param(
        {
            "JWT_ALGORITHM": "ES256",
            "JWT_PRIVATE_KEY": read_key("ec_private.pem"),
            "JWT_PUBLIC_KEY": read_key("ec_public.pem"),
        },
        id="es256",
    ),
    pytest.param(
        {
            "JWT_ALGORITHM": "EdDSA",
            "JWT_PRIVATE_KEY": read_key("ed25519_private.pem"),
            "JWT_PUBLIC_KEY": read_key("ed25519_public.pem"),
        },
        id="eddsa",
    ),
    pytest.param(
        {
            "JWT_ALGORITHM": ["RS256", "HS256"],
            "JWT_PRIVATE_KEY": {"k1": read_key("rsa_private.pem")},
            "JWT_PUBLIC_KEY": {
                "k1": read_key("rsa_public.pem"),
                "k2": read_key("rsa2_public.pem"),
            },
        },
        id="mixed-dicts",
    ),
]


@pytest.mark.parametrize("config", CLEAN)
def test_clean_config_raises_none_of_our_checks(jwt_auth, config):
    jwt_auth(**config)
    assert our_messages() == []


def test_verify_only_service_has_no_errors(jwt_auth):
    # No private key: this service cannot sign, which may be intended (a warning at most).
    jwt_auth(JWT_ALGORITHM="RS256", JWT_PUBLIC_KEY=read_key("rsa_public.pem"))
    assert not [m for m in our_messages() if m.level >= checks.ERROR]


def test_clean_config_without_jwt_auth_setting(settings):
    del settings.JWT_AUTH
    assert our_messages() == []


# ----------------------------------------------------------------------------------------------
# each id


@pytest.mark.parametrize("algorithm", ["HS999", "rs256x", "", "SHA256", ["HS256", "XX1"]])
def test_e001_unknown_algorithm(jwt_auth, algorithm):
    jwt_auth(JWT_ALGORITHM=algorithm)
    assert "rest_framework_jwt.E001" in our_ids()


@pytest.mark.parametrize("algorithm", ["none", "None", ["HS256", "none"]])
def test_e002_none_algorithm(jwt_auth, algorithm):
    jwt_auth(JWT_ALGORITHM=algorithm)
    assert "rest_framework_jwt.E002" in our_ids()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"JWT_SECRET_KEY": "short"}, id="str"),
        pytest.param({"JWT_SECRET_KEY": b"0123456789012345678901234567890"}, id="bytes-31"),
        pytest.param({"JWT_SECRET_KEY": "x" * 31}, id="str-31"),
        pytest.param({"JWT_SECRET_KEY": "short", "JWT_ALGORITHM": "HS512"}, id="hs512"),
        pytest.param({"JWT_SECRET_KEY": [LONG, "short"]}, id="list"),
        pytest.param({"JWT_SECRET_KEY": {"one": LONG, "two": "short"}}, id="dict"),
    ],
)
def test_e003_short_hs_secret(jwt_auth, config):
    jwt_auth(**config)
    assert "rest_framework_jwt.E003" in our_ids()


def test_e003_thirty_two_bytes_is_enough(jwt_auth):
    jwt_auth(JWT_SECRET_KEY="x" * 32)
    assert "rest_framework_jwt.E003" not in our_ids()


def test_e003_from_django_secret_key(settings):
    settings.JWT_AUTH = {}
    settings.SECRET_KEY = "tiny"
    assert "rest_framework_jwt.E003" in our_ids()


def test_e003_not_raised_for_asymmetric_only(jwt_auth):
    jwt_auth(
        JWT_SECRET_KEY="short",
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    assert "rest_framework_jwt.E003" not in our_ids()


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "PS256", "EdDSA", ["HS256", "RS512"]])
def test_e004_asymmetric_without_keys(jwt_auth, algorithm):
    jwt_auth(JWT_ALGORITHM=algorithm)
    assert "rest_framework_jwt.E004" in our_ids()


@pytest.fixture
def no_crypto(monkeypatch):
    """Make the `crypto` extra look absent: cryptography cannot be imported, PyJWT has no RSA."""
    monkeypatch.setitem(sys.modules, "cryptography", None)
    monkeypatch.setattr(jwt.algorithms, "has_crypto", False)


def test_e005_asymmetric_without_crypto(jwt_auth, no_crypto):
    jwt_auth(
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    assert "rest_framework_jwt.E005" in our_ids()


def test_e005_not_raised_for_hmac_without_crypto(jwt_auth, no_crypto):
    jwt_auth(JWT_ALGORITHM="HS256")
    assert "rest_framework_jwt.E005" not in our_ids()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"JWT_TOKEN_ID": "sometimes"}, id="token-id"),
        pytest.param({"JWT_COMPAT": "simplejwt"}, id="compat"),
        pytest.param({"JWT_EXPIRATION_DELTA": dt.timedelta(seconds=-1)}, id="negative-delta"),
        pytest.param({"JWT_EXPIRATION_DELTA": "five minutes"}, id="delta-type"),
        pytest.param(
            {"JWT_REFRESH_EXPIRATION_DELTA": dt.timedelta(days=-1)}, id="negative-refresh"
        ),
        pytest.param({"JWT_REFRESH_EXPIRATION_DELTA": "a week"}, id="refresh-type"),
        pytest.param(
            {"JWT_IMPERSONATION_EXPIRATION_DELTA": dt.timedelta(minutes=-5)},
            id="negative-impersonation",
        ),
        pytest.param({"JWT_LEEWAY": "lots"}, id="leeway-type"),
        pytest.param({"JWT_MAX_TOKEN_SIZE": "big"}, id="max-size-type"),
        pytest.param({"JWT_SECRET_KEY": 12345}, id="secret-type"),
        pytest.param({"JWT_ALGORITHM": 256}, id="algorithm-type"),
    ],
)
def test_e006_invalid_setting_value(jwt_auth, config):
    jwt_auth(**config)
    assert "rest_framework_jwt.E006" in our_ids()


def test_w001_verify_off(jwt_auth):
    jwt_auth(JWT_VERIFY=False)
    assert "rest_framework_jwt.W001" in our_ids()


def test_w002_verify_expiration_off(jwt_auth):
    jwt_auth(JWT_VERIFY_EXPIRATION=False)
    assert "rest_framework_jwt.W002" in our_ids()


@pytest.mark.parametrize("key", ["JWT_SECRET", "JWT_EXPIRATION", "jwt_secret_key", "SECRET_KEY"])
def test_w003_unknown_key(jwt_auth, key):
    jwt_auth(**{key: "x"})
    message_ = message("rest_framework_jwt.W003")
    assert key in message_.msg


# ----------------------------------------------------------------------------------------------
# levels and hints


ONE_OF_EACH = [
    ("rest_framework_jwt.E001", {"JWT_ALGORITHM": "HS999"}, checks.ERROR),
    ("rest_framework_jwt.E002", {"JWT_ALGORITHM": "none"}, checks.ERROR),
    ("rest_framework_jwt.E003", {"JWT_SECRET_KEY": "short"}, checks.ERROR),
    ("rest_framework_jwt.E004", {"JWT_ALGORITHM": "RS256"}, checks.ERROR),
    ("rest_framework_jwt.E006", {"JWT_TOKEN_ID": "sometimes"}, checks.ERROR),
    ("rest_framework_jwt.W001", {"JWT_VERIFY": False}, checks.WARNING),
    ("rest_framework_jwt.W002", {"JWT_VERIFY_EXPIRATION": False}, checks.WARNING),
    ("rest_framework_jwt.W003", {"JWT_NOT_A_SETTING": 1}, checks.WARNING),
]


@pytest.mark.parametrize(
    ("check_id", "config", "level"), ONE_OF_EACH, ids=[c[0] for c in ONE_OF_EACH]
)
def test_each_check_has_level_message_and_hint(jwt_auth, check_id, config, level):
    jwt_auth(**config)
    found = message(check_id)
    assert found.level == level
    assert found.msg
    assert found.hint


def test_e005_has_a_hint(jwt_auth, no_crypto):
    jwt_auth(JWT_ALGORITHM="ES256", JWT_PUBLIC_KEY=read_key("ec_public.pem"))
    found = message("rest_framework_jwt.E005")
    assert found.level == checks.ERROR
    assert found.hint


@pytest.mark.parametrize(
    ("check_id", "config", "level"), ONE_OF_EACH, ids=[c[0] for c in ONE_OF_EACH]
)
def test_each_check_raises_only_what_is_wrong(jwt_auth, check_id, config, level):
    """A single mistake produces its own id and no warnings of ours about other settings."""
    jwt_auth(**config)
    ids = our_ids()
    assert check_id in ids
    assert not {i for i in ids if ".W" in i} - {check_id}


def test_checks_follow_override_settings(jwt_auth):
    jwt_auth(JWT_VERIFY=False)
    assert "rest_framework_jwt.W001" in our_ids()
    jwt_auth()
    assert "rest_framework_jwt.W001" not in our_ids()


def test_checks_do_not_raise_on_garbage(jwt_auth):
    jwt_auth(
        JWT_ALGORITHM={"not": "a list"},
        JWT_SECRET_KEY=object(),
        JWT_TOKEN_ID=None,
        JWT_EXPIRATION_DELTA=None,
        JWT_PUBLIC_KEY=12,
        JWT_PRIVATE_KEY=["not a pem"],
    )
    ids = our_ids()
    assert "rest_framework_jwt.E006" in ids or "rest_framework_jwt.E001" in ids


def test_e009_unknown_cache_alias(jwt_auth):
    jwt_auth(JWT_THROTTLE_CACHE="nowhere")
    assert "rest_framework_jwt.E009" in our_ids()


def test_w005_denylist_in_a_dummy_cache(jwt_auth):
    # tests/settings.py makes "default" a DummyCache.
    jwt_auth(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="default")
    assert "rest_framework_jwt.W005" in our_ids()
    jwt_auth(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="locmem")
    assert "rest_framework_jwt.W005" not in our_ids()


def test_e003_covers_the_secret_key_fallbacks_that_verify(jwt_auth, settings):
    settings.SECRET_KEY_FALLBACKS = ["short"]
    jwt_auth()
    found = message("rest_framework_jwt.E003")
    assert "SECRET_KEY_FALLBACKS[0]" in found.msg
    # An explicit JWT_SECRET_KEY does not verify with the fallbacks: nothing to report.
    jwt_auth(JWT_SECRET_KEY="x" * 40)
    assert "rest_framework_jwt.E003" not in our_ids()
