"""System checks: stable ids rest_framework_jwt.E001... and W001..., each with a hint.

``manage.py check`` runs the plain checks, ``check --deploy`` those and the deployment ones.
Problems common in test settings are a Warning under ``check`` and an Error under ``--deploy``.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import sys
from pathlib import Path

import jwt
import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from rest_framework_jwt import checks as jwt_checks
from rest_framework_jwt.middleware import StoreUnavailableMiddleware
from tests.conftest import read_key

LONG = "a-secret-that-is-long-enough-for-hs256-0123456789"
LONG2 = "another-secret-that-is-long-enough-for-hs256-0123456789"


def our_messages(deploy: bool = False) -> list[checks.CheckMessage]:
    found = checks.run_checks(include_deployment_checks=deploy)
    return [m for m in found if (m.id or "").startswith("rest_framework_jwt.")]


def our_ids(deploy: bool = False) -> set[str]:
    return {m.id for m in our_messages(deploy)}


def deploy_ids() -> set[str]:
    return our_ids(deploy=True)


def message(check_id: str, deploy: bool = False) -> checks.CheckMessage:
    found = [m for m in our_messages(deploy) if m.id == check_id]
    assert found, f"{check_id} not raised; got {our_ids(deploy)}"
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
def test_clean_config_raises_none_of_our_checks(jwt_auth, config, settings):
    # A cookie domain (fork-keys) belongs to the site and its sibling sites, which are set up
    # for CSRF (docs/cookies.md; W021, W025 otherwise).
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
    settings.CSRF_COOKIE_DOMAIN = "example.com"
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
def test_short_hs_secret_is_w006_and_e003_under_deploy(jwt_auth, config):
    jwt_auth(**config)
    assert "rest_framework_jwt.W006" in our_ids()
    assert "rest_framework_jwt.E003" not in our_ids()
    assert "rest_framework_jwt.E003" in deploy_ids()


def test_e003_thirty_two_bytes_is_enough(jwt_auth):
    jwt_auth(JWT_SECRET_KEY="x" * 32)
    assert not {"rest_framework_jwt.W006", "rest_framework_jwt.E003"} & deploy_ids()


@pytest.mark.parametrize("jwt_auth_value", [{}, {"JWT_SECRET_KEY": None}], ids=["unset", "None"])
def test_e003_from_django_secret_key_names_secret_key(settings, jwt_auth_value):
    settings.JWT_AUTH = jwt_auth_value
    settings.SECRET_KEY = "tiny"
    for found in (message("rest_framework_jwt.W006"), message("rest_framework_jwt.E003", True)):
        assert found.msg.startswith("SECRET_KEY is 4 bytes long"), found.msg
        assert "JWT_AUTH" not in found.msg


@pytest.mark.parametrize(
    ("config", "name"),
    [
        ({"JWT_SECRET_KEY": "short"}, "JWT_AUTH['JWT_SECRET_KEY'] is 5 bytes long"),
        ({"JWT_SECRET_KEY": {"k1": LONG, "k2": "short"}}, "JWT_AUTH['JWT_SECRET_KEY']['k2'] is 5"),
    ],
)
def test_e003_names_the_jwt_secret_key_when_it_is_set(jwt_auth, config, name):
    jwt_auth(**config)
    assert message("rest_framework_jwt.W006").msg.startswith(name)
    assert message("rest_framework_jwt.E003", deploy=True).msg.startswith(name)


def test_an_empty_secret_is_e007_only(jwt_auth):
    jwt_auth(JWT_SECRET_KEY="")
    assert message("rest_framework_jwt.E007").level == checks.ERROR
    assert not {"rest_framework_jwt.W006", "rest_framework_jwt.E003"} & deploy_ids()


def test_e003_not_raised_for_asymmetric_only(jwt_auth):
    jwt_auth(
        JWT_SECRET_KEY="short",
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )
    assert not {"rest_framework_jwt.W006", "rest_framework_jwt.E003"} & deploy_ids()


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


def test_w001_verify_off_and_e010_under_deploy(jwt_auth):
    jwt_auth(JWT_VERIFY=False)
    assert "rest_framework_jwt.W001" in our_ids()
    assert "rest_framework_jwt.E010" not in our_ids()
    assert "rest_framework_jwt.E010" in deploy_ids()


def test_w002_verify_expiration_off_stays_a_warning_under_deploy(jwt_auth):
    jwt_auth(JWT_VERIFY_EXPIRATION=False)
    assert "rest_framework_jwt.W002" in our_ids()
    assert [m.level for m in our_messages(deploy=True) if m.id.endswith("W002")] == [checks.WARNING]


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
    ("rest_framework_jwt.W006", {"JWT_SECRET_KEY": "short"}, checks.WARNING),
    ("rest_framework_jwt.E004", {"JWT_ALGORITHM": "RS256"}, checks.ERROR),
    ("rest_framework_jwt.E006", {"JWT_TOKEN_ID": "sometimes"}, checks.ERROR),
    ("rest_framework_jwt.W001", {"JWT_VERIFY": False}, checks.WARNING),
    ("rest_framework_jwt.W002", {"JWT_VERIFY_EXPIRATION": False}, checks.WARNING),
    ("rest_framework_jwt.W003", {"JWT_NOT_A_SETTING": 1}, checks.WARNING),
    ("rest_framework_jwt.W007", {"JWT_THROTTLE_CACHE": "nowhere"}, checks.WARNING),
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


def test_unknown_throttle_cache_is_w007_and_e009_under_deploy(jwt_auth):
    # A throttle without its cache lets requests through: not an error for test settings.
    jwt_auth(JWT_THROTTLE_CACHE="nowhere")
    assert "rest_framework_jwt.W007" in our_ids()
    assert "rest_framework_jwt.E009" not in our_ids()
    found = message("rest_framework_jwt.E009", deploy=True)
    assert "JWT_THROTTLE_CACHE" in found.msg
    assert found.level == checks.ERROR


def test_unknown_denylist_cache_is_e009_everywhere(jwt_auth):
    jwt_auth(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="nowhere")
    found = message("rest_framework_jwt.E009")
    assert "JWT_DENYLIST_CACHE" in found.msg
    # Reported once under --deploy, not twice.
    assert [m.id for m in our_messages(deploy=True)].count("rest_framework_jwt.E009") == 1


def test_w005_denylist_in_a_dummy_cache_and_e011_under_deploy(jwt_auth):
    # tests/settings.py makes "default" a DummyCache.
    jwt_auth(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="default")
    assert "rest_framework_jwt.W005" in our_ids()
    assert "rest_framework_jwt.E011" not in our_ids()
    assert "rest_framework_jwt.E011" in deploy_ids()
    jwt_auth(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="locmem")
    assert not {"rest_framework_jwt.W005", "rest_framework_jwt.E011"} & deploy_ids()


def test_e003_covers_the_secret_key_fallbacks_that_verify(jwt_auth, settings):
    settings.SECRET_KEY_FALLBACKS = ["short"]
    jwt_auth()
    assert message("rest_framework_jwt.W006").msg.startswith("SECRET_KEY_FALLBACKS[0] is 5 bytes")
    assert "SECRET_KEY_FALLBACKS[0]" in message("rest_framework_jwt.E003", deploy=True).msg
    # An explicit JWT_SECRET_KEY does not verify with the fallbacks: nothing to report.
    jwt_auth(JWT_SECRET_KEY="x" * 40)
    assert not {"rest_framework_jwt.W006", "rest_framework_jwt.E003"} & deploy_ids()


# ----------------------------------------------------------------------------------------------
# throttles: rates (E006) and the deployment checks W008, W009


@pytest.mark.parametrize(
    "rates",
    [
        "10/min",
        ["obtain_ip", "10/min"],
        {"obtain_ip": "ten/min"},
        {"obtain_ip": "10/fortnight"},
        {"obtain_ip": "10"},
        {"obtain_ip": "0/min"},
        {"obtain_ip": 10},
        {"obtain_user": "5/min"},
    ],
    ids=repr,
)
def test_e006_invalid_throttle_rates(jwt_auth, rates):
    jwt_auth(JWT_THROTTLE_RATES=rates)
    found = message("rest_framework_jwt.E006")
    assert "JWT_THROTTLE_RATES" in found.msg
    assert found.hint


@pytest.mark.parametrize(
    "rates",
    [None, {}, {"obtain_ip": None}, {"obtain_username": "5/min", "refresh_ip": "100/hour"}],
    ids=repr,
)
def test_valid_throttle_rates(jwt_auth, rates):
    jwt_auth(JWT_THROTTLE_RATES=rates)
    assert "rest_framework_jwt.E006" not in our_ids()


#: A cache all workers share (never connected to: the checks read its configuration).
SHARED_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}


@pytest.fixture
def production(settings):
    """A production-like configuration: a long secret, a shared throttle cache, NUM_PROXIES,
    DEBUG off."""
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.CACHES = {**django_settings.CACHES, "shared": SHARED_CACHE}
    settings.DEBUG = False

    def _set(rest_framework=None, **jwt_auth):
        if rest_framework is not None:
            settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, **rest_framework}
        settings.JWT_AUTH = {"JWT_SECRET_KEY": LONG, "JWT_THROTTLE_CACHE": "shared", **jwt_auth}

    _set()
    return _set


def test_a_production_configuration_passes_check_deploy(production):
    assert our_messages(deploy=True) == []
    call_command("check", deploy=True, tags=["rest_framework_jwt"])


def test_w008_per_address_throttles_without_num_proxies(production):
    production(rest_framework={"NUM_PROXIES": None})
    assert "rest_framework_jwt.W008" not in our_ids()  # deploy only
    found = message("rest_framework_jwt.W008", deploy=True)
    assert found.level == checks.WARNING
    assert "NUM_PROXIES" in found.msg and "X-Forwarded-For" in found.msg
    assert "obtain_ip, refresh_ip" in found.msg
    assert "NUM_PROXIES" in found.hint


@pytest.mark.parametrize("num_proxies", [0, 1, 2])
def test_w008_not_raised_when_num_proxies_is_set(production, num_proxies):
    production(rest_framework={"NUM_PROXIES": num_proxies})
    assert "rest_framework_jwt.W008" not in deploy_ids()


@pytest.mark.parametrize(
    "rates",
    [None, {}, {"obtain_ip": None, "refresh_ip": None}],
    ids=["off", "empty", "username-only"],
)
def test_w008_not_raised_without_a_per_address_throttle(production, rates):
    production(rest_framework={"NUM_PROXIES": None}, JWT_THROTTLE_RATES=rates)
    assert "rest_framework_jwt.W008" not in deploy_ids()


def test_w008_names_only_the_scopes_that_are_on(production):
    production(rest_framework={"NUM_PROXIES": None}, JWT_THROTTLE_RATES={"obtain_ip": None})
    assert "(refresh_ip)" in message("rest_framework_jwt.W008", deploy=True).msg


def test_w009_throttles_in_a_dummy_cache(production):
    production(JWT_THROTTLE_CACHE="default")  # a DummyCache in tests/settings.py
    assert "rest_framework_jwt.W009" not in our_ids()
    found = message("rest_framework_jwt.W009", deploy=True)
    assert found.level == checks.WARNING and found.hint
    production(JWT_THROTTLE_CACHE="default", JWT_THROTTLE_RATES=None)
    assert "rest_framework_jwt.W009" not in deploy_ids()


def test_w011_throttles_in_a_per_process_cache_with_debug_off(production, settings):
    production(JWT_THROTTLE_CACHE="locmem")
    assert "rest_framework_jwt.W011" not in our_ids()
    found = message("rest_framework_jwt.W011", deploy=True)
    assert found.level == checks.WARNING
    assert "'locmem', a LocMemCache" in found.msg and "each worker process" in found.msg
    assert found.hint.endswith("See docs/security.md#throttle-cache.")
    settings.DEBUG = True
    assert "rest_framework_jwt.W011" not in deploy_ids()
    settings.DEBUG = False
    production(JWT_THROTTLE_CACHE="locmem", JWT_THROTTLE_RATES=None)
    assert "rest_framework_jwt.W011" not in deploy_ids()


def test_w012_denylist_in_a_per_process_cache_with_debug_off(production, settings):
    production(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="locmem")
    assert "rest_framework_jwt.W012" not in our_ids()
    found = message("rest_framework_jwt.W012", deploy=True)
    assert found.level == checks.WARNING
    assert "only by the worker process that wrote it" in found.msg
    assert found.hint.endswith("See docs/security.md#denylist-cache.")
    settings.DEBUG = True
    assert "rest_framework_jwt.W012" not in deploy_ids()
    settings.DEBUG = False
    production(JWT_DENYLIST_CACHE="locmem")  # the database denylist: the cache is not used
    assert "rest_framework_jwt.W012" not in deploy_ids()


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
    ],
)
def test_w013_denylist_in_memcached(production, settings, backend):
    settings.CACHES = {**settings.CACHES, "memcached": {"BACKEND": backend, "LOCATION": "x:1"}}
    production(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="memcached")
    # Only our checks: Django's own cache checks would need the memcached client installed.
    assert "rest_framework_jwt.W013" not in {m.id for m in jwt_checks.check_settings()}
    (found,) = [m for m in jwt_checks.check_deployment() if m.id == "rest_framework_jwt.W013"]
    assert "a Memcached cache" in found.msg and "accepted again" in found.msg
    assert found.hint.endswith("See docs/security.md#denylist-cache.")
    production(JWT_DENYLIST_CACHE="memcached")  # the database denylist
    assert "rest_framework_jwt.W013" not in {m.id for m in jwt_checks.check_deployment()}


def test_w013_asks_the_redis_server_whether_it_persists(production, settings, redis_server):
    import redis

    settings.CACHES = {**settings.CACHES, "store": {**SHARED_CACHE, "LOCATION": redis_server.url}}
    production(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="store")
    # The private server runs with --save "" --appendonly no.
    found = message("rest_framework_jwt.W013", deploy=True)
    assert "a Redis server without persistence" in found.msg
    server = redis.Redis.from_url(redis_server.url)
    server.config_set("appendonly", "yes")
    assert "rest_framework_jwt.W013" not in deploy_ids()
    server.config_set("appendonly", "no")
    server.config_set("save", "3600 1")
    assert "rest_framework_jwt.W013" not in deploy_ids()
    server.config_set("save", "")
    assert "rest_framework_jwt.W013" in deploy_ids()
    # A LOCATION list: the first server is the one written to.
    settings.CACHES["store"]["LOCATION"] = [redis_server.url, "redis://127.0.0.1:1/0"]
    assert "rest_framework_jwt.W013" in deploy_ids()
    server.close()
    # A server that cannot be asked: nothing can be told, nothing is reported.
    redis_server.stop()
    assert "rest_framework_jwt.W013" not in deploy_ids()


def test_every_deploy_check_names_a_docs_anchor_that_exists():
    docs = Path(__file__).parent.parent / "docs"
    for row in jwt_checks.ROWS:
        if not (row.deploy_id or row.deploy_only):
            continue
        assert row.docs, row.check_id
        page, anchor = row.docs.split("#")
        headings = re.findall(r"^#+ (.+)$", (docs / page).read_text(), re.MULTILINE)
        slugs = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
        assert anchor in slugs, (row.check_id, row.docs)


# ----------------------------------------------------------------------------------------------
# no check stops a project that upgrades; check --deploy does


UPGRADING_TEST_SETTINGS = [
    pytest.param({"JWT_SECRET_KEY": "secret"}, id="short-jwt-secret"),
    pytest.param({"JWT_SECRET_KEY": b"0123456789abcdef"}, id="16-bytes"),
    pytest.param({"JWT_SECRET_KEY": "secret", "JWT_VERIFY": False}, id="verify-off"),
    pytest.param({"JWT_THROTTLE_CACHE": "throttle"}, id="throttle-cache-not-in-test-caches"),
    pytest.param(
        {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "default"}, id="dummy-denylist"
    ),
]


@pytest.mark.parametrize("config", UPGRADING_TEST_SETTINGS)
def test_test_settings_of_an_upgrading_project_pass_check(jwt_auth, config):
    jwt_auth(**config)
    assert our_messages(), "expected a warning"
    assert not [m for m in our_messages() if m.level >= checks.ERROR]
    call_command("check", tags=["rest_framework_jwt"])  # what runserver, migrate, test run
    with pytest.raises(SystemCheckError):
        call_command("check", deploy=True, tags=["rest_framework_jwt"])


def test_a_short_django_secret_key_passes_check(settings):
    settings.JWT_AUTH = {}
    settings.SECRET_KEY = "django-insecure-short"
    call_command("check", tags=["rest_framework_jwt"])
    with pytest.raises(SystemCheckError, match=r"rest_framework_jwt\.E003"):
        call_command("check", deploy=True, tags=["rest_framework_jwt"])


def test_each_warning_of_a_split_check_names_its_deploy_error(jwt_auth):
    jwt_auth(JWT_SECRET_KEY="short", JWT_VERIFY=False, JWT_THROTTLE_CACHE="nowhere")
    hints = {m.id: m.hint for m in our_messages()}
    assert "rest_framework_jwt.E003" in hints["rest_framework_jwt.W006"]
    assert "rest_framework_jwt.E010" in hints["rest_framework_jwt.W001"]
    assert "rest_framework_jwt.E009" in hints["rest_framework_jwt.W007"]


def test_the_deploy_checks_wait_for_invalid_settings(jwt_auth):
    jwt_auth(JWT_TOKEN_ID="sometimes", JWT_SECRET_KEY="short")
    assert our_ids(deploy=True) == {"rest_framework_jwt.E006"}


# ----------------------------------------------------------------------------------------------
# the rows of the checks table that the tests above do not reach, with their exact texts

HANDLER_HINT = "Give a dotted path to a callable, or the callable."


@pytest.mark.parametrize(
    ("config", "msg", "hint"),
    [
        pytest.param(
            {"JWT_DENYLIST_BACKEND": "redis"},
            "JWT_AUTH['JWT_DENYLIST_BACKEND'] is 'redis'.",
            "Use one of 'database', 'cache'.",
            id="denylist-backend",
        ),
        pytest.param(
            {"JWT_REFRESH_GRACE_PERIOD": dt.timedelta(seconds=-1)},
            "JWT_AUTH['JWT_REFRESH_GRACE_PERIOD'] must be a datetime.timedelta or a number of "
            "seconds (zero or more).",
            "For example datetime.timedelta(minutes=5).",
            id="negative-grace-period",
        ),
        pytest.param(
            {"JWT_LEEWAY": True},
            "JWT_AUTH['JWT_LEEWAY'] must be a datetime.timedelta or a number of seconds "
            "(zero or more).",
            "For example datetime.timedelta(minutes=5).",
            id="leeway-bool",
        ),
        pytest.param(
            {"JWT_EXPIRATION_DELTA": 0},
            "JWT_AUTH['JWT_EXPIRATION_DELTA'] must be a datetime.timedelta or a number of "
            "seconds greater than zero.",
            "For example datetime.timedelta(minutes=5).",
            id="zero-lifetime",
        ),
        *(
            pytest.param(
                {"JWT_AUTH_HEADER_PREFIX": prefix},
                "JWT_AUTH['JWT_AUTH_HEADER_PREFIX'] must be one word.",
                'For example "JWT" or "Bearer".',
                id=f"prefix-{prefix!r}",
            )
            for prefix in ("", "JWT Bearer", " JWT", 5)
        ),
        pytest.param(
            {"JWT_MAX_TOKEN_SIZE": -1},
            "JWT_AUTH['JWT_MAX_TOKEN_SIZE'] must be a whole number of bytes.",
            "The default is 8192; 0 turns the bound off.",
            id="negative-max-size",
        ),
        pytest.param(
            {"JWT_PAYLOAD_HANDLER": "os.sep"},
            "JWT_AUTH['JWT_PAYLOAD_HANDLER'] is not callable.",
            HANDLER_HINT,
            id="not-callable",
        ),
        pytest.param(
            {"JWT_GET_USER_SECRET_KEY": 5},
            "JWT_AUTH['JWT_GET_USER_SECRET_KEY'] is not callable.",
            HANDLER_HINT,
            id="not-callable-object",
        ),
    ],
)
def test_e006_rows_name_the_setting_and_say_what_fits(jwt_auth, config, msg, hint):
    jwt_auth(**config)
    found = [(m.msg, m.hint) for m in our_messages() if m.id == "rest_framework_jwt.E006"]
    assert found == [(msg, hint)]


def test_e006_a_handler_that_cannot_be_imported(jwt_auth):
    jwt_auth(JWT_ENCODE_HANDLER="no_such_module.encode")
    found = message("rest_framework_jwt.E006")
    assert found.msg.startswith("JWT_AUTH['JWT_ENCODE_HANDLER'] cannot be imported: ")
    assert "no_such_module" in found.msg
    assert found.hint == HANDLER_HINT
    # One message per setting: not "cannot be imported" and "is not callable" both.
    assert [m.id for m in our_messages()] == ["rest_framework_jwt.E006"]


def test_e006_unset_and_callable_handlers_pass(jwt_auth):
    jwt_auth(JWT_GET_USER_SECRET_KEY=None, JWT_ENCODE_HANDLER=lambda payload: "token")
    assert "rest_framework_jwt.E006" not in our_ids()


def test_w004_a_service_that_verifies_but_cannot_sign(jwt_auth):
    jwt_auth(JWT_ALGORITHM=["ES256", "HS256"], JWT_PUBLIC_KEY=read_key("ec_public.pem"))
    found = message("rest_framework_jwt.W004")
    assert found.level == checks.WARNING
    assert found.msg == (
        "Tokens would be signed with ES256 but JWT_PRIVATE_KEY is not set: this service can "
        "verify tokens but not issue them (obtain and refresh fail)."
    )
    assert found.hint == "Fine for a service that only verifies; otherwise set JWT_PRIVATE_KEY."
    assert "rest_framework_jwt.E004" not in our_ids()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(
            {"JWT_ALGORITHM": ["HS256", "RS256"], "JWT_PUBLIC_KEY": read_key("rsa_public.pem")},
            id="asymmetric-not-first",
        ),
        pytest.param({"JWT_ALGORITHM": "RS256"}, id="no-key-at-all-is-e004"),
        pytest.param(
            {
                "JWT_ALGORITHM": "RS256",
                "JWT_PRIVATE_KEY": read_key("rsa_private.pem"),
                "JWT_PUBLIC_KEY": read_key("rsa_public.pem"),
            },
            id="both-keys",
        ),
    ],
)
def test_no_w004_when_the_service_can_sign_or_it_is_e004(jwt_auth, config):
    jwt_auth(**config)
    assert "rest_framework_jwt.W004" not in our_ids()


def test_every_id_of_the_checks_table_is_in_the_settings_reference():
    rows = jwt_checks.VALUE_ROWS + jwt_checks.ROWS
    ids = {row.check_id for row in rows} | {row.deploy_id for row in rows if row.deploy_id}
    reference = (Path(__file__).parent.parent / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `(rest_framework_jwt\.[EWI]\d{3})` \|", reference, re.M))
    assert ids == documented
    assert len(ids) == 38


# ----------------------------------------------------------------------------------------------
# W010: the cache denylist without the middleware that answers its outages outside DRF

OUTAGE_MIDDLEWARE = "rest_framework_jwt.middleware.StoreUnavailableMiddleware"


class UnrelatedMiddleware:
    pass


class OwnOutageMiddleware(StoreUnavailableMiddleware):
    pass


def test_w010_cache_denylist_without_the_outage_middleware(production, settings):
    production(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="locmem")
    assert "rest_framework_jwt.W010" not in our_ids()  # deploy only
    found = message("rest_framework_jwt.W010", deploy=True)
    assert found.level == checks.WARNING
    assert "admin" in found.msg and "503" in found.msg
    assert OUTAGE_MIDDLEWARE in found.hint
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, OUTAGE_MIDDLEWARE]
    assert "rest_framework_jwt.W010" not in deploy_ids()


def test_w010_accepts_a_subclass_of_the_middleware(production, settings):
    production(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE="locmem")
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, f"{__name__}.UnrelatedMiddleware"]
    assert "rest_framework_jwt.W010" in deploy_ids()
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, f"{__name__}.OwnOutageMiddleware"]
    assert "rest_framework_jwt.W010" not in deploy_ids()


@pytest.mark.parametrize("backend", ["database", None])
def test_w010_not_raised_for_the_database_denylist(production, backend):
    production(**({"JWT_DENYLIST_BACKEND": backend} if backend else {}))
    assert "rest_framework_jwt.W010" not in deploy_ids()


# ----------------------------------------------------------------------------------------------
# JWT_TRUSTED_ISSUERS and the JWKS cache: E012, W014/E013, E009, W015, W016

GOOD_ISSUER = {
    "issuer": "https://idp.example/",
    "jwks_url": "https://idp.example/jwks.json",
    "audience": "api",
}


def test_a_good_trusted_issuer_raises_nothing(jwt_auth):
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER, {**GOOD_ISSUER, "issuer": "https://b.example/"}])
    assert not our_ids()


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("https://idp.example/", "an entry must be a dict"),
        ({**GOOD_ISSUER, "issuer": ""}, '"issuer" must be a non-empty string'),
        ({**GOOD_ISSUER, "discovery_url": "https://idp.example/d"}, "exactly one of"),
        ({k: v for k, v in GOOD_ISSUER.items() if k != "jwks_url"}, "exactly one of"),
        ({**GOOD_ISSUER, "jwks_url": "ftp://idp.example/"}, '"jwks_url" must be an https://'),
        ({k: v for k, v in GOOD_ISSUER.items() if k != "audience"}, '"audience" is missing'),
        ({**GOOD_ISSUER, "audience": 3}, '"audience" must be a string'),
        ({**GOOD_ISSUER, "algorithms": ["HS256"]}, "not an asymmetric algorithm"),
        ({**GOOD_ISSUER, "algorithms": []}, "non-empty list"),
        ({**GOOD_ISSUER, "leeway": "5"}, '"leeway" must be'),
        ({**GOOD_ISSUER, "leeway": True}, '"leeway" must be'),
        ({**GOOD_ISSUER, "jwks_url": 443}, '"jwks_url" must be an https://'),
        ({**GOOD_ISSUER, "match_claims": ["tenant"]}, '"match_claims" must be a dict'),
        ({**GOOD_ISSUER, "match_claims": {"": "x"}}, '"match_claims" must be a dict'),
        ({**GOOD_ISSUER, "required_claims": "exp"}, '"required_claims" must be'),
        ({**GOOD_ISSUER, "create_users": True}, '"create_users" needs a "user_claim"'),
        ({**GOOD_ISSUER, "create_users": "yes"}, '"create_users" must be True or False'),
        ({**GOOD_ISSUER, "roles_claim": 1}, '"roles_claim" must be'),
        ({**GOOD_ISSUER, "jwks": "x"}, "'jwks' is not a key of an issuer entry"),
    ],
)
def test_e012_an_unusable_issuer_entry(jwt_auth, entry, problem):
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER, entry])
    found = message("rest_framework_jwt.E012")
    assert found.level == checks.ERROR
    assert found.msg.startswith("JWT_AUTH['JWT_TRUSTED_ISSUERS'][1]: ") and problem in found.msg
    assert "docs/resource-server.md" in found.hint


def test_e012_a_user_field_the_user_model_lacks(jwt_auth):
    jwt_auth(JWT_TRUSTED_ISSUERS=[{**GOOD_ISSUER, "user_claim": "sub", "user_field": "nope"}])
    assert "the user model has no field 'nope'" in message("rest_framework_jwt.E012").msg
    jwt_auth(JWT_TRUSTED_ISSUERS=[{**GOOD_ISSUER, "user_claim": "email", "user_field": "email"}])
    assert not our_ids()


def test_e012_an_issuer_listed_twice(jwt_auth):
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER, GOOD_ISSUER])
    assert "listed twice" in message("rest_framework_jwt.E012").msg


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_TRUSTED_ISSUERS", GOOD_ISSUER),
        ("JWT_JWKS_CACHE_LIFETIME", 0),
        ("JWT_JWKS_REFETCH_INTERVAL", "60"),
        ("JWT_JWKS_STALE_LIFETIME", -1),
        ("JWT_JWKS_FETCH_TIMEOUT", 0),
        ("JWT_JWKS_MAX_SIZE", 0),
        ("JWT_JWKS_CACHE", None),
    ],
)
def test_e006_jwks_settings(jwt_auth, key, value):
    jwt_auth(**{key: value})
    assert message("rest_framework_jwt.E006").msg.startswith(f"JWT_AUTH['{key}']")


def test_w011_http_urls_outside_debug_and_e013_under_deploy(jwt_auth, settings):
    jwt_auth(JWT_TRUSTED_ISSUERS=[{**GOOD_ISSUER, "jwks_url": "http://idp.example/jwks"}])
    found = message("rest_framework_jwt.W014")
    assert found.level == checks.WARNING and "http://idp.example/jwks" in found.msg
    assert message("rest_framework_jwt.E013", deploy=True).level == checks.ERROR
    settings.DEBUG = True
    assert not our_ids()


def test_e009_and_w012_the_jwks_cache(jwt_auth, settings):
    jwt_auth(JWT_JWKS_CACHE="nope")
    assert not our_ids()  # no issuer, no cache needed
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER], JWT_JWKS_CACHE="nope")
    assert "'nope'" in message("rest_framework_jwt.E009").msg
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER], JWT_JWKS_CACHE="locmem")
    assert "rest_framework_jwt.W015" not in our_ids()
    assert "each worker fetches" in message("rest_framework_jwt.W015", deploy=True).msg
    settings.CACHES = {
        **django_settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER], JWT_JWKS_CACHE="shared")
    assert "rest_framework_jwt.W015" not in deploy_ids()


TRUSTED = "rest_framework_jwt.authentication.TrustedIssuerAuthentication"
OWN = "rest_framework_jwt.authentication.JSONWebTokenAuthentication"


@pytest.mark.parametrize(
    ("classes", "prefix", "raised"),
    [
        ([OWN, TRUSTED], "Bearer", True),
        ([TRUSTED, OWN], "Bearer", False),
        ([OWN, TRUSTED], "JWT", False),
        ([OWN], "Bearer", False),
    ],
)
def test_w013_trusted_issuers_read_after_the_own_class(jwt_auth, settings, classes, prefix, raised):
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": classes}
    jwt_auth(JWT_TRUSTED_ISSUERS=[GOOD_ISSUER], JWT_AUTH_HEADER_PREFIX=prefix)
    assert ("rest_framework_jwt.W016" in our_ids()) is raised


ADRF_CLASS = "rest_framework_jwt.contrib.adrf.AsyncJSONWebTokenAuthentication"


@pytest.mark.parametrize(
    ("classes", "raised"),
    [([ADRF_CLASS], True), ([OWN, ADRF_CLASS], True), ([OWN, TRUSTED], False), ([], False)],
)
def test_w017_the_adrf_classes_as_drfs_default(settings, classes, raised):
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": classes}
    assert ("rest_framework_jwt.W017" in our_ids()) is raised
    if raised:
        assert "AsyncJSONWebTokenAuthentication" in message("rest_framework_jwt.W017").msg
        assert message("rest_framework_jwt.W017").level == checks.WARNING


def test_w017_is_right_that_a_plain_drf_view_fails_with_them():
    """DRF's Request gets a coroutine from their authenticate(), even without a token."""
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from rest_framework_jwt.contrib.adrf import AsyncJSONWebTokenAuthentication

    class Plain(APIView):
        authentication_classes = [AsyncJSONWebTokenAuthentication]

        def get(self, request):
            return Response({"user": str(request.user)})

    with pytest.warns(RuntimeWarning, match="never awaited"):
        with pytest.raises(TypeError, match="coroutine"):
            Plain.as_view()(APIRequestFactory().get("/"))
        gc.collect()  # the coroutine's warning, here rather than in a later test
