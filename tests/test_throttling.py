"""The obtain and refresh throttles: scopes, default rates, the cache they count in, 429s.

tests/settings.py makes the "default" cache a DummyCache, so the throttles (on by default) never
trip in other tests. Here ``JWT_THROTTLE_CACHE`` points at a real cache: "locmem" always, and
"redis" too when REDIS_URL is set (CI sets it). Each test gets its own key prefix, and only its own
keys are removed afterwards, so a shared Redis is left as it was found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches

from rest_framework_jwt import utils
from rest_framework_jwt.settings import api_settings
from rest_framework_jwt.throttling import (
    ObtainIPThrottle,
    ObtainUsernameThrottle,
    RefreshIPThrottle,
)

OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"
START = dt.datetime(2024, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
DEFAULT_RATES = {"obtain_ip": "30/min", "obtain_username": "10/min", "refresh_ip": "60/min"}

# Redis only when the environment names one; never a skipped test.
CACHE_ALIASES = ["locmem", *(["redis"] if os.environ.get("REDIS_URL") else [])]


def _stored_keys(alias: str, cache, prefix: str) -> list[str]:
    """The keys this test wrote, without the cache's prefix and version."""
    if alias == "redis":
        client = cache._cache.get_client(None, write=False)
        raw = [key.decode() for key in client.scan_iter(match=f"{prefix}:*")]
    else:
        raw = [key for key in cache._cache if key.startswith(f"{prefix}:")]
    return [key.split(":", 2)[2] for key in raw]


def _remove_keys(alias: str, cache, prefix: str) -> None:
    if alias == "redis":
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


class ThrottleCache:
    def __init__(self, alias: str, settings, prefix: str):
        self.alias = alias
        self.settings = settings
        self.prefix = prefix

    @property
    def cache(self):
        return caches[self.alias]

    def configure(self, **keys) -> None:
        self.settings.JWT_AUTH = {"JWT_THROTTLE_CACHE": self.alias, **keys}

    def stored_keys(self) -> list[str]:
        return _stored_keys(self.alias, self.cache, self.prefix)


@pytest.fixture(params=CACHE_ALIASES)
def throttle(request, settings, time_machine):
    time_machine.move_to(START, tick=False)
    alias = request.param
    prefix = f"rfjwt-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **django_settings.CACHES,
        alias: {**django_settings.CACHES[alias], "KEY_PREFIX": prefix},
    }
    state = ThrottleCache(alias, settings, prefix)
    _remove_keys(alias, state.cache, prefix)
    state.configure()
    yield state
    _remove_keys(alias, state.cache, prefix)


def obtain(client, username: str, password: str = "wrong", ip: str = "10.0.0.1"):
    return client.post(
        OBTAIN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


def refresh(client, token: str, ip: str = "10.0.0.1"):
    return client.post(REFRESH, {"token": token}, format="json", REMOTE_ADDR=ip)


def assert_throttled(response, wait: int | None = None) -> None:
    assert response.status_code == 429, (response.status_code, response.content)
    assert "token" not in response.data
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    if wait is not None:
        assert retry_after == wait


# ----------------------------------------------------------------------------------------------
# settings


def test_default_rates_and_cache(settings):
    settings.JWT_AUTH = {}
    assert api_settings.JWT_THROTTLE_RATES == DEFAULT_RATES
    assert api_settings.JWT_THROTTLE_CACHE == "default"


def test_throttles_are_on_the_obtain_and_refresh_views():
    from rest_framework_jwt import views

    assert views.ObtainJSONWebToken.throttle_classes == (ObtainIPThrottle, ObtainUsernameThrottle)
    assert views.RefreshJSONWebToken.throttle_classes == (RefreshIPThrottle,)
    assert ObtainIPThrottle.scope_setting == "obtain_ip"
    assert ObtainUsernameThrottle.scope_setting == "obtain_username"
    assert RefreshIPThrottle.scope_setting == "refresh_ip"


def test_the_test_default_cache_never_throttles(settings, client, user):
    # The suite's "default" cache is a DummyCache: 40 attempts, no 429.
    settings.JWT_AUTH = {}
    statuses = {obtain(client, "admin").status_code for _ in range(40)}
    assert statuses == {400}


# ----------------------------------------------------------------------------------------------
# obtain_ip


def test_obtain_ip_default_rate(throttle, client, db):
    # Different usernames, so only the per-address scope counts.
    for attempt in range(30):
        assert obtain(client, f"user{attempt}").status_code == 400
    assert_throttled(obtain(client, "user-last"), wait=60)
    # Another address is not affected.
    assert obtain(client, "user-last", ip="10.0.0.2").status_code == 400


def test_obtain_ip_window_passes(throttle, client, db, time_machine):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_ip": "3/min"})
    for attempt in range(3):
        assert obtain(client, f"user{attempt}").status_code == 400
    assert_throttled(obtain(client, "user3"), wait=60)
    time_machine.shift(30)
    assert_throttled(obtain(client, "user3"), wait=30)
    time_machine.shift(31)
    assert obtain(client, "user3").status_code == 400


def test_throttled_obtain_does_not_check_the_password(throttle, client, user, password):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_ip": "2/min"})
    failures = []

    def receiver(sender, credentials, request=None, **kwargs):
        failures.append(credentials)

    user_login_failed.connect(receiver)
    try:
        assert obtain(client, "x1").status_code == 400
        assert obtain(client, "x2").status_code == 400
        assert len(failures) == 2
        # The right password, but over the rate: no token and no authentication attempt.
        assert_throttled(obtain(client, "admin", password))
        assert_throttled(obtain(client, "admin", "wrong"))
        assert len(failures) == 2
    finally:
        user_login_failed.disconnect(receiver)


def test_obtain_ip_uses_the_peer_address_when_num_proxies_is_set(throttle, settings, client, db):
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_ip": "2/min"})
    for attempt in range(2):
        response = client.post(
            OBTAIN,
            {"username": f"u{attempt}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
        assert response.status_code == 400
    # A forged X-Forwarded-For does not buy a fresh allowance.
    response = client.post(
        OBTAIN, {"username": "u9", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.9"
    )
    assert_throttled(response)


# ----------------------------------------------------------------------------------------------
# obtain_username


def test_obtain_username_default_rate(throttle, client, user, password):
    # Ten addresses, one username: the per-username scope counts across addresses.
    for attempt in range(10):
        assert obtain(client, "admin", ip=f"10.0.1.{attempt}").status_code == 400
    assert_throttled(obtain(client, "admin", password, ip="10.0.2.1"), wait=60)
    # Other usernames are not affected.
    assert obtain(client, "someone-else", ip="10.0.2.1").status_code == 400


@pytest.mark.parametrize(
    "spellings",
    [["admin", "ADMIN", "Admin", "aDmIn"], ["straße", "STRASSE", "strasse", "Straße"]],
    ids=["ascii", "casefold"],
)
def test_obtain_username_is_casefolded(throttle, client, db, spellings):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "3/min"})
    for index, spelling in enumerate(spellings[:3]):
        assert obtain(client, spelling, ip=f"10.0.3.{index}").status_code == 400
    assert_throttled(obtain(client, spellings[3], ip="10.0.3.9"))


def test_obtain_username_is_stored_hashed(throttle, client, db):
    for attempt in range(3):
        obtain(client, "Alice.Example@Corp", ip=f"10.0.4.{attempt}")
    digest = hashlib.sha256(b"alice.example@corp").hexdigest()
    keys = throttle.stored_keys()
    assert f"rest_framework_jwt:throttle:obtain_username:{digest}" in keys, keys
    assert not any("alice" in key.lower() for key in keys), keys
    history = throttle.cache.get(f"rest_framework_jwt:throttle:obtain_username:{digest}")
    assert len(history) == 3


def test_obtain_without_a_username_is_only_counted_by_address(throttle, client, db):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "1/min"})
    for body in ({}, {"password": "x"}, {"username": ""}, {"username": ["admin"]}):
        response = client.post(OBTAIN, body, format="json", REMOTE_ADDR="10.0.5.1")
        assert response.status_code == 400
    assert not any("obtain_username" in key for key in throttle.stored_keys())


def test_obtain_username_with_a_custom_username_field(throttle, settings, client, db):
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    for attempt in range(2):
        response = client.post(
            OBTAIN,
            {"email": "A@example.com", "password": "x"},
            format="json",
            REMOTE_ADDR=f"10.0.6.{attempt}",
        )
        assert response.status_code == 400
    response = client.post(
        OBTAIN, {"email": "a@EXAMPLE.com", "password": "x"}, format="json", REMOTE_ADDR="10.0.6.9"
    )
    assert_throttled(response)


# ----------------------------------------------------------------------------------------------
# refresh_ip


def test_refresh_ip_default_rate(throttle, client, db):
    for _ in range(60):
        assert refresh(client, "not-a-token").status_code == 400
    assert_throttled(refresh(client, "not-a-token"), wait=60)
    assert refresh(client, "not-a-token", ip="10.0.0.2").status_code == 400


def test_refresh_ip_counts_successful_refreshes(throttle, client, user):
    throttle.configure(
        JWT_ALLOW_REFRESH=True, JWT_THROTTLE_RATES={**DEFAULT_RATES, "refresh_ip": "2/min"}
    )
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert refresh(client, token).status_code == 200
    assert refresh(client, token).status_code == 200
    assert_throttled(refresh(client, token))


def test_verify_is_not_throttled_by_these_scopes(throttle, client, db):
    throttle.configure(
        JWT_THROTTLE_RATES={"obtain_ip": "1/min", "obtain_username": "1/min", "refresh_ip": "1/min"}
    )
    statuses = {client.post(VERIFY, {"token": "x"}, format="json").status_code for _ in range(5)}
    assert statuses == {400}


# ----------------------------------------------------------------------------------------------
# turning scopes off, partial settings


@pytest.mark.parametrize("scope", ["obtain_ip", "obtain_username"])
def test_a_scope_set_to_none_is_off(throttle, client, db, scope):
    rates = {"obtain_ip": "2/min", "obtain_username": "2/min", "refresh_ip": "2/min", scope: None}
    throttle.configure(JWT_THROTTLE_RATES=rates)
    # Same username and address: only the scope left on trips.
    statuses = [obtain(client, "admin").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    keys = throttle.stored_keys()
    assert not any(f":{scope}:" in key for key in keys), keys


def test_refresh_scope_set_to_none_is_off(throttle, client, db):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "refresh_ip": None})
    statuses = {refresh(client, "x").status_code for _ in range(70)}
    assert statuses == {400}


@pytest.mark.parametrize("rates", [None, {}], ids=["None", "empty"])
def test_the_whole_setting_off(throttle, client, db, rates):
    throttle.configure(JWT_THROTTLE_RATES=rates)
    assert {obtain(client, "admin").status_code for _ in range(35)} == {400}
    assert {refresh(client, "x").status_code for _ in range(65)} == {400}
    assert throttle.stored_keys() == []


def test_a_partial_rates_dict_keeps_the_other_defaults(throttle, client, db):
    # Raising one limit must not silently remove the others.
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "1000/min"})
    statuses = [obtain(client, "admin", ip=f"10.0.7.{n}").status_code for n in range(11)]
    assert statuses == [400] * 10 + [429]


# ----------------------------------------------------------------------------------------------
# the cache the counts live in


def test_counts_live_in_the_configured_cache(throttle, client, db):
    obtain(client, "admin")
    keys = throttle.stored_keys()
    assert "rest_framework_jwt:throttle:obtain_ip:10.0.0.1" in keys, keys
    assert any(key.startswith("rest_framework_jwt:throttle:obtain_username:") for key in keys)
    # Nothing was written to the default cache (a DummyCache stores nothing anyway, so check
    # that the other real cache stayed empty instead).
    other = "redis" if throttle.alias == "locmem" and "redis" in CACHE_ALIASES else None
    if other is not None:
        assert caches[other].get("rest_framework_jwt:throttle:obtain_ip:10.0.0.1") is None


def test_clearing_the_cache_resets_the_counts(throttle, client, db):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_ip": "1/min"})
    assert obtain(client, "a").status_code == 400
    assert_throttled(obtain(client, "b"))
    _remove_keys(throttle.alias, throttle.cache, throttle.prefix)
    assert obtain(client, "c").status_code == 400


def test_fork_mode_is_throttled_too(throttle, client, db):
    throttle.configure(
        JWT_COMPAT="drf-jwt", JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "1/min"}
    )
    assert obtain(client, "admin").status_code == 400
    assert_throttled(obtain(client, "admin", ip="10.0.0.9"))
