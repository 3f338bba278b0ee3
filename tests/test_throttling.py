"""The obtain and refresh throttles: scopes, default rates, the cache they count in, 429s.

They count failures only (failed logins per address and per username, failed refreshes per
address), in fixed windows of the rate's period; successes use up no budget.

tests/settings.py makes the "default" cache a DummyCache, so the throttles (on by default) never
trip in other tests. Here ``JWT_THROTTLE_CACHE`` points at a real cache: "locmem" always, and
"redis" too when REDIS_URL is set (CI sets it). Each test gets its own key prefix, and only its own
keys are removed afterwards, so a shared Redis is left as it was found.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rest_framework_jwt import utils, views
from rest_framework_jwt.serializers import JSONWebTokenSerializer
from rest_framework_jwt.settings import api_settings
from rest_framework_jwt.signals import token_throttled
from rest_framework_jwt.test import APIJWTClient
from rest_framework_jwt.throttling import (
    OUTAGE_LOG_INTERVAL,
    OUTAGE_RETRY_INTERVAL,
    ObtainIPThrottle,
    ObtainUsernameThrottle,
    RefreshIPThrottle,
    outage,
)
from tests.helpers import OBTAIN, REFRESH, START, VERIFY, capture

# On a whole minute, so the one-minute windows start with the test.
WINDOW = int(START.timestamp()) // 60
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


def key(scope: str, ident: str) -> str:
    """The cache key of this minute's count of ``scope`` for ``ident``."""
    return f"rest_framework_jwt:throttle:{scope}:{ident}:{WINDOW}"


def username_key(username: str) -> str:
    return key("obtain_username", hashlib.sha256(username.encode()).hexdigest())


def obtain(client, username, password: str = "wrong", ip: str = "10.0.0.1"):
    return client.post(
        OBTAIN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


def assert_throttled_after(client, attempts: list[tuple[dict, dict]]) -> None:
    """Each of ``attempts`` (an obtain body, the request's headers) but the last is refused
    with 400; the last is throttled."""
    *refused, (body, headers) = attempts
    for data, extra in refused:
        assert client.post(OBTAIN, data, format="json", **extra).status_code == 400
    assert_throttled(client.post(OBTAIN, body, format="json", **headers))


def refresh(client, token: str, ip: str = "10.0.0.1"):
    return client.post(REFRESH, {"token": token}, format="json", REMOTE_ADDR=ip)


def assert_throttled(response, wait: int | None = None) -> None:
    assert response.status_code == 429, (response.status_code, response.content)
    assert "token" not in response.data
    assert response.data["detail"].code == "throttled"
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
    # A forged X-Forwarded-For does not buy a fresh allowance.
    body = {"password": "x"}
    attempts = [
        ({**body, "username": f"u{n}"}, {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}) for n in (0, 1, 9)
    ]
    assert_throttled_after(client, attempts)


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
    keys = throttle.stored_keys()
    assert username_key("alice.example@corp") in keys, keys
    assert not any("alice" in key.lower() for key in keys), keys
    # One integer per scope, identity and window: the number of failures.
    assert throttle.cache.get(username_key("alice.example@corp")) == 3


def test_refused_fields_are_not_attempts(throttle, client, db):
    # A missing or mistyped field is refused before authentication: nothing is counted.
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "1/min", "obtain_username": "1/min"})
    for body in ({}, {"password": "x"}, {"username": ""}, {"username": "admin"}):
        response = client.post(OBTAIN, body, format="json", REMOTE_ADDR="10.0.5.1")
        assert response.status_code == 400
    assert throttle.stored_keys() == []
    assert obtain(client, "admin", ip="10.0.5.1").status_code == 400


def test_obtain_username_with_a_custom_username_field(throttle, settings, client, db):
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    assert_throttled_after(
        client,
        [
            ({"email": "A@example.com", "password": "x"}, {"REMOTE_ADDR": "10.0.6.0"}),
            ({"email": "A@example.com", "password": "x"}, {"REMOTE_ADDR": "10.0.6.1"}),
            ({"email": "a@EXAMPLE.com", "password": "x"}, {"REMOTE_ADDR": "10.0.6.9"}),
        ],
    )


# ----------------------------------------------------------------------------------------------
# refresh_ip


def test_refresh_ip_default_rate(throttle, client, db):
    for _ in range(60):
        assert refresh(client, "not-a-token").status_code == 400
    assert_throttled(refresh(client, "not-a-token"), wait=60)
    assert refresh(client, "not-a-token", ip="10.0.0.2").status_code == 400


def test_successful_refreshes_are_not_counted(throttle, client, user):
    # An office behind one NAT address refreshing all day is never refused.
    throttle.configure(
        JWT_ALLOW_REFRESH=True, JWT_THROTTLE_RATES={**DEFAULT_RATES, "refresh_ip": "2/min"}
    )
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert {refresh(client, token).status_code for _ in range(20)} == {200}
    assert not any(":refresh_ip:" in key for key in throttle.stored_keys())
    # Failures are.
    assert refresh(client, "not-a-token").status_code == 400
    assert refresh(client, "not-a-token").status_code == 400
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
    assert sorted(keys) == sorted([key("obtain_ip", "10.0.0.1"), username_key("admin")]), keys
    # Nothing was written to the default cache (a DummyCache stores nothing anyway, so check
    # that the other real cache stayed empty instead).
    other = "redis" if throttle.alias == "locmem" and "redis" in CACHE_ALIASES else None
    if other is not None:
        assert caches[other].get(key("obtain_ip", "10.0.0.1")) is None


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


# ----------------------------------------------------------------------------------------------
# only failures are counted


def test_successful_logins_are_not_counted(throttle, client, user, password):
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "3/min", "obtain_username": "3/min"})
    assert {obtain(client, "admin", password).status_code for _ in range(25)} == {200}
    assert throttle.stored_keys() == []
    for _ in range(3):
        assert obtain(client, "admin").status_code == 400
    assert_throttled(obtain(client, "admin", password))


def test_a_success_resets_the_username_but_not_the_address(throttle, client, user, password):
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "4/min", "obtain_username": "3/min"})
    for _ in range(2):
        assert obtain(client, "admin").status_code == 400
    assert throttle.cache.get(username_key("admin")) == 2
    assert obtain(client, "admin", password).status_code == 200
    assert throttle.cache.get(username_key("admin")) is None
    # Two more failures: the username has room for a third, the address (4/min) is full.
    for _ in range(2):
        assert obtain(client, "admin").status_code == 400
    assert throttle.cache.get(username_key("admin")) == 2
    assert throttle.cache.get(key("obtain_ip", "10.0.0.1")) == 4
    assert_throttled(obtain(client, "admin", password))
    assert obtain(client, "admin", password, ip="10.0.0.2").status_code == 200


def test_the_password_of_one_account_does_not_reset_another(throttle, client, user, password):
    get_user_model().objects.create_user(username="mallory", password="mallory-pw")
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    for attempt in range(2):
        assert obtain(client, "admin", ip=f"10.0.8.{attempt}").status_code == 400
    assert obtain(client, "mallory", "mallory-pw", ip="10.0.8.9").status_code == 200
    assert_throttled(obtain(client, "admin", password, ip="10.0.8.9"))


@pytest.fixture
def default_locmem_cache(settings, time_machine):
    """What a project has without CACHES: a LocMemCache as "default" (not the suite's Dummy)."""
    time_machine.move_to(START, tick=False)
    settings.CACHES = {
        **django_settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rfjwt-default-{uuid.uuid4().hex}",
        },
    }
    del settings.JWT_AUTH
    yield caches["default"]
    caches["default"].clear()


def test_five_hundred_logins_in_a_row_with_the_defaults(
    default_locmem_cache, client, user, password
):
    assert api_settings.JWT_THROTTLE_RATES == DEFAULT_RATES
    statuses = [obtain(client, "admin", password).status_code for _ in range(500)]
    assert statuses == [200] * 500
    # The cache is real: failures are still counted in it.
    assert obtain(client, "admin").status_code == 400
    assert default_locmem_cache.get(key("obtain_ip", "10.0.0.1")) == 1


def test_five_hundred_api_jwt_client_logins_with_the_defaults(default_locmem_cache, user, password):
    client = APIJWTClient()
    assert all(client.login(username="admin", password=password) for _ in range(500))
    for _ in range(10):
        assert not client.login(username="admin", password="wrong")
    # The username budget (10/min) is used up by the failures, not by the 500 logins.
    assert not client.login(username="admin", password=password)


def test_five_hundred_refreshes_in_a_row_with_the_defaults(
    default_locmem_cache, settings, client, user
):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert [refresh(client, token).status_code for _ in range(500)] == [200] * 500


def test_concurrent_failures_are_all_counted(throttle, db):
    # One atomic increment per failure: threads cannot overwrite each other's count (a read,
    # append and write of a list, as DRF's history does, loses most of them).
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "1000/min"})
    view = views.ObtainJSONWebToken()
    request = Request(APIRequestFactory().post(OBTAIN, REMOTE_ADDR="10.0.9.1"))
    barrier = threading.Barrier(8)

    def fail() -> None:
        barrier.wait()
        for _ in range(25):
            throttle_ = ObtainIPThrottle()
            assert throttle_.allow_request(request, view)
            throttle_.failed(request, view)

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.cache.get(key("obtain_ip", "10.0.9.1")) == 200


# ----------------------------------------------------------------------------------------------
# the username key is the value that is authenticated


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(username="alice", password="alice-pw")


SPELLINGS = [" alice", "alice ", "\talice", "alice\n", "\u3000alice", "ALICE", "\uff41lice"]


@pytest.mark.parametrize("spelling", SPELLINGS, ids=repr)
def test_every_spelling_of_a_locked_username_is_locked(throttle, client, alice, spelling):
    for attempt in range(10):
        assert obtain(client, "alice", ip=f"10.1.0.{attempt}").status_code == 400
    assert_throttled(obtain(client, spelling, ip="10.1.1.1"))
    # Not even with the right password.
    assert_throttled(obtain(client, spelling, "alice-pw", ip="10.1.1.2"))
    assert_throttled(obtain(client, "alice", "alice-pw", ip="10.1.1.3"))


def test_failures_with_any_spelling_count_for_the_username(throttle, client, alice):
    for index, spelling in enumerate(SPELLINGS[:5] * 2):
        assert obtain(client, spelling, ip=f"10.1.2.{index}").status_code == 400
    assert throttle.cache.get(username_key("alice")) == 10
    assert_throttled(obtain(client, "alice", "alice-pw", ip="10.1.3.1"))


def test_a_stripped_spelling_authenticates_as_the_stripped_name(throttle, client, alice):
    # Why the key must follow the field: DRF strips the value before authenticate().
    assert obtain(client, " alice\n", "alice-pw").status_code == 200


NOT_STRINGS = [12345, 1.5, True, ["alice"], {"name": "alice"}, None]


@pytest.mark.parametrize("value", NOT_STRINGS, ids=repr)
def test_a_username_that_is_not_a_string_is_refused_first(throttle, client, db, value):
    get_user_model().objects.create_user(username="12345", password="pw-12345")
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": "1/min", "obtain_username": "1/min"})
    with capture(user_login_failed) as failures:
        for _ in range(3):
            response = client.post(
                OBTAIN, {"username": value, "password": "pw-12345"}, format="json"
            )
            assert response.status_code == 400, response.data
            assert "token" not in response.data
            [error] = response.data["username"]
            assert error.code == ("null" if value is None else "invalid")
    assert failures == []  # no authentication was attempted
    assert throttle.stored_keys() == []  # and nothing counted
    assert obtain(client, "12345", "pw-12345", ip="127.0.0.1").status_code == 200


class DomainField(serializers.CharField):
    """A username field that authenticates the part before an "@"."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).split("@")[0]


def post_to(view, username, password="wrong", *, ip):
    """Send an obtain request with these credentials from ``ip`` straight to ``view``."""
    body = {"username": username, "password": password}
    return view(APIRequestFactory().post(OBTAIN, body, format="json", REMOTE_ADDR=ip))


def test_the_key_follows_the_views_serializer_field(throttle, client, alice):
    # A project's serializer that authenticates a normalized value: the throttle keys that value.
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})

    class DomainSerializer(JSONWebTokenSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["username"] = DomainField()

    view = views.ObtainJSONWebToken.as_view(serializer_class=DomainSerializer)
    assert post_to(view, "alice@corp.example", ip="10.1.4.1").status_code == 400
    assert post_to(view, "Alice@other.example", ip="10.1.4.2").status_code == 400
    assert_throttled(post_to(view, "alice", "alice-pw", ip="10.1.4.3"))


def test_our_obtain_builds_one_serializer_the_throttle_reads_the_field_from_its_class(
    throttle, client, alice, monkeypatch
):
    built = []
    original = JSONWebTokenSerializer.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    monkeypatch.setattr(JSONWebTokenSerializer, "__init__", counting)
    for _ in range(2):
        obtain(client, " ALICE ", ip="10.1.5.1")  # the field strips, the key folds
    assert_throttled(obtain(client, "alice", "alice-pw", ip="10.1.5.2"))
    assert all(data is not None for data in built)  # only the views' own, with the body
    assert len(built) == 2  # the throttled request never reached the serializer


def test_a_view_that_builds_its_serializer_its_own_way_keys_by_that_serializer(throttle, alice):
    # The throttle cannot know the field of a serializer built by an overridden get_serializer.
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})

    class View(views.ObtainJSONWebToken):
        def get_serializer(self, *args, **kwargs):
            serializer = super().get_serializer(*args, **kwargs)
            serializer.fields["username"] = DomainField()
            return serializer

    view = View.as_view()
    assert post_to(view, "alice@corp.example", ip="10.1.6.1").status_code == 400
    assert post_to(view, "alice@other.example", ip="10.1.6.2").status_code == 400
    assert_throttled(post_to(view, "alice", "alice-pw", ip="10.1.6.3"))


# ----------------------------------------------------------------------------------------------
# the cache operations: one read per request for both obtain scopes, one increment per failure


@pytest.fixture
def cache_calls(throttle, monkeypatch):
    """The operations on the throttle cache, outermost only (LocMemCache's get_many calls its
    get): (name, keys without the window or the test's prefix)."""
    calls: list[tuple[str, list[str]]] = []
    depth = [0]
    kind = type(throttle.cache)

    def short(key: str) -> str:
        return key.removeprefix("rest_framework_jwt:throttle:").rsplit(":", 1)[0]

    for name in ("get", "get_many", "add", "incr", "delete", "set", "set_many", "delete_many"):
        original = getattr(kind, name)

        def recording(self, first, *args, _name=name, _original=original, **kwargs):
            if depth[0] == 0:
                keys = list(first) if isinstance(first, (list, tuple, dict)) else [first]
                calls.append((_name, [short(key) for key in keys]))
            depth[0] += 1
            try:
                return _original(self, first, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(kind, name, recording)
    return calls


def digest(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()


BOTH_SCOPES = ["obtain_ip:10.0.0.1", f"obtain_username:{digest('admin')}"]


def test_a_login_reads_both_scopes_in_one_get_many(throttle, cache_calls, client, user, password):
    assert obtain(client, "admin", password).status_code == 200
    assert cache_calls == [("get_many", BOTH_SCOPES)]


def test_a_failure_increments_each_scope_once_after_the_first(throttle, cache_calls, client, db):
    assert obtain(client, "admin").status_code == 400
    # The window's first failure makes each key (with the window's expiry), then increments it.
    assert cache_calls == [
        ("get_many", BOTH_SCOPES),
        *[(name, [scope]) for scope in BOTH_SCOPES for name in ("incr", "add", "incr")],
    ]
    cache_calls.clear()
    assert obtain(client, "admin").status_code == 400
    assert cache_calls == [("get_many", BOTH_SCOPES), *[("incr", [scope]) for scope in BOTH_SCOPES]]
    assert throttle.cache.get(key("obtain_ip", "10.0.0.1")) == 2
    assert throttle.cache.get(username_key("admin")) == 2


def test_a_login_after_failures_clears_the_username_only(
    throttle, cache_calls, client, user, password
):
    obtain(client, "admin")
    cache_calls.clear()
    assert obtain(client, "admin", password).status_code == 200
    assert cache_calls == [("get_many", BOTH_SCOPES), ("delete", [BOTH_SCOPES[1]])]
    assert throttle.cache.get(key("obtain_ip", "10.0.0.1")) == 1


def test_one_scope_off_reads_the_other_alone(throttle, cache_calls, client, user, password):
    throttle.configure(JWT_THROTTLE_RATES={"obtain_ip": None})
    assert obtain(client, "admin", password).status_code == 200
    assert cache_calls == [("get", BOTH_SCOPES[1:])]


def test_a_body_without_a_username_reads_the_address_alone(throttle, cache_calls, client, db):
    response = client.post(OBTAIN, {"password": "x"}, format="json", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 400
    assert cache_calls == [("get", BOTH_SCOPES[:1])]


def test_a_refresh_reads_its_one_scope_with_a_get(throttle, cache_calls, client, user):
    throttle.configure(JWT_ALLOW_REFRESH=True)
    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert refresh(client, token).status_code == 200
    assert refresh(client, "not-a-token").status_code == 400
    assert cache_calls == [
        ("get", ["refresh_ip:10.0.0.1"]),
        ("get", ["refresh_ip:10.0.0.1"]),
        ("incr", ["refresh_ip:10.0.0.1"]),
        ("add", ["refresh_ip:10.0.0.1"]),
        ("incr", ["refresh_ip:10.0.0.1"]),
    ]


class OwnCacheUsernameThrottle(ObtainUsernameThrottle):
    """A project's per-username throttle that counts in a cache of its own."""

    @property
    def cache(self):
        return caches["own-throttle"]


@pytest.fixture
def own_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "own-throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["own-throttle"].clear()
    yield caches["own-throttle"]
    caches["own-throttle"].clear()


def test_a_throttle_with_a_cache_of_its_own_is_read_and_counted_there(
    throttle, cache_calls, own_cache, alice
):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    view = views.ObtainJSONWebToken.as_view(
        throttle_classes=(ObtainIPThrottle, OwnCacheUsernameThrottle)
    )
    assert post_to(view, "alice", ip="10.1.7.1").status_code == 400
    assert cache_calls[0] == ("get", ["obtain_ip:10.1.7.1"])
    assert own_cache.get(f"rest_framework_jwt:throttle:obtain_username:{digest('alice')}:{WINDOW}")
    assert post_to(view, "alice", ip="10.1.7.2").status_code == 400
    assert_throttled(post_to(view, "alice", "alice-pw", ip="10.1.7.3"))
    assert throttle.cache.get(key("obtain_ip", "10.1.7.1")) == 1
    # Nothing of the username's in the configured cache.
    assert sorted(throttle.stored_keys()) == [key("obtain_ip", f"10.1.7.{n}") for n in (1, 2)]


class CountingIPThrottle(ObtainIPThrottle):
    """A project's throttle with an allow_request of its own, around ours."""

    seen: list[bool] = []

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        self.seen.append(allowed)
        return allowed


def test_a_throttle_with_its_own_allow_request_reads_alone(throttle, cache_calls, alice):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_ip": "2/min"})
    CountingIPThrottle.seen = []
    view = views.ObtainJSONWebToken.as_view(
        throttle_classes=(CountingIPThrottle, ObtainUsernameThrottle)
    )
    assert post_to(view, "alice", "alice-pw", ip="10.1.8.1").status_code == 200
    assert cache_calls == [
        ("get", ["obtain_ip:10.1.8.1"]),
        ("get", [f"obtain_username:{digest('alice')}"]),
    ]
    for name in ("bob", "carol"):
        assert post_to(view, name, ip="10.1.8.1").status_code == 400
    assert_throttled(post_to(view, "alice", "alice-pw", ip="10.1.8.1"))
    assert CountingIPThrottle.seen == [True, True, True, False]


class FreshThrottlesView(views.ObtainJSONWebToken):
    """A view whose get_throttles() builds new throttles on each call (DRF's own way)."""

    def get_throttles(self):
        return [throttle() for throttle in self.throttle_classes]


def test_a_view_that_builds_new_throttles_each_time_reads_each_scope_alone(
    throttle, cache_calls, alice
):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    throttle.cache.set(username_key("alice"), 2)
    view = FreshThrottlesView.as_view()
    assert_throttled(post_to(view, "alice", "alice-pw", ip="10.1.9.1"))
    cache_calls.clear()
    assert post_to(view, "bob", ip="10.1.9.2").status_code == 400
    # Each throttle reads its own count: DRF calls instances that the view does not keep.
    assert cache_calls == [
        ("get", ["obtain_ip:10.1.9.2"]),
        ("get", [f"obtain_username:{digest('bob')}"]),
    ]


# ----------------------------------------------------------------------------------------------
# the lockout signal


def test_a_username_lockout_sends_token_throttled_once(throttle, client, alice, time_machine):
    with capture(token_throttled) as sent:
        for attempt in range(9):
            obtain(client, " Alice", ip=f"10.2.0.{attempt}")
        assert sent == []
        time_machine.shift(15)  # the signal names the time left in the window
        obtain(client, "alice", ip="10.2.0.9")
        assert len(sent) == 1
        assert_throttled(obtain(client, "alice", ip="10.2.0.10"), wait=45)
        assert_throttled(obtain(client, "alice", "alice-pw", ip="10.2.0.11"))
    [call] = sent
    assert call["sender"] is views.ObtainJSONWebToken
    assert call["scope"] == "obtain_username"
    assert call["username"] == "alice"
    assert call["address"] == "10.2.0.9"
    assert call["retry_after"] == 45
    assert call["request"].data["username"] == "alice"


def test_an_address_lockout_sends_token_throttled(throttle, client, db):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "refresh_ip": "3/min"})
    with capture(token_throttled) as sent:
        for _ in range(3):
            refresh(client, "not-a-token", ip="10.2.1.1")
        assert_throttled(refresh(client, "not-a-token", ip="10.2.1.1"), wait=60)
    [call] = sent
    assert call["sender"] is views.RefreshJSONWebToken
    assert (call["scope"], call["address"], call["username"]) == ("refresh_ip", "10.2.1.1", None)
    assert call["retry_after"] == 60


def test_a_new_window_gives_a_new_budget_and_a_new_lockout(throttle, client, alice, time_machine):
    throttle.configure(JWT_THROTTLE_RATES={**DEFAULT_RATES, "obtain_username": "2/min"})
    with capture(token_throttled) as sent:
        for _ in range(2):
            obtain(client, "alice", ip="10.2.2.1")
        assert_throttled(obtain(client, "alice", "alice-pw", ip="10.2.2.2"), wait=60)
        time_machine.shift(60)
        assert obtain(client, "alice", "alice-pw", ip="10.2.2.2").status_code == 200
        for _ in range(2):
            obtain(client, "alice", ip="10.2.2.1")
    assert [call["scope"] for call in sent] == ["obtain_username", "obtain_username"]


# ----------------------------------------------------------------------------------------------
# an unreachable throttle cache


@pytest.fixture
def private_redis(redis_server, settings, time_machine):
    """The throttles on a redis-server of this test's own, which the test may stop."""
    time_machine.move_to(START, tick=False)
    settings.CACHES = {
        **django_settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            # Refused at once while the server is stopped; the timeouts only guard a hang.
            "OPTIONS": {"socket_connect_timeout": 30, "socket_timeout": 30},
        },
    }
    settings.JWT_AUTH = {"JWT_THROTTLE_CACHE": "throttle", "JWT_ALLOW_REFRESH": True}
    outage.reset()
    yield redis_server
    outage.reset()


def outage_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "rest_framework_jwt.throttling"]


def test_an_unreachable_throttle_cache_lets_login_proceed(
    private_redis, client, user, password, caplog, time_machine
):
    caplog.set_level(logging.ERROR, logger="rest_framework_jwt.throttling")
    assert obtain(client, "admin").status_code == 400
    assert caches["throttle"].get(key("obtain_ip", "10.0.0.1")) == 1

    private_redis.stop()
    token = None
    for _ in range(15):
        response = obtain(client, "admin", password)
        assert response.status_code == 200, response.data
        token = response.data["token"]
    # The password check still holds: no token for a wrong one, and no 500.
    for _ in range(15):
        response = obtain(client, "admin")
        assert response.status_code == 400, response.data
        assert "token" not in response.data
    assert refresh(client, token).status_code == 200
    assert refresh(client, "not-a-token").status_code == 400

    # One log record for all of it, naming the cache and the error.
    [record] = outage_records(caplog)
    assert record.levelno == logging.ERROR
    assert "'throttle'" in record.getMessage()
    assert "ConnectionError" in record.getMessage()

    # After the interval, one more, with the number left out in between.
    time_machine.shift(OUTAGE_LOG_INTERVAL)
    assert obtain(client, "admin", password).status_code == 200
    records = outage_records(caplog)
    assert len(records) == 2
    left_out = re.search(
        r" (\d+) more cache operations failed or were skipped", records[1].getMessage()
    )
    assert left_out is not None and int(left_out.group(1)) >= 30, records[1].getMessage()

    # The server is back (empty): counting resumes once the cache's rest is over.
    private_redis.start()
    time_machine.shift(OUTAGE_RETRY_INTERVAL)
    window = int(time.time()) // 60
    assert obtain(client, "admin").status_code == 400
    stored = caches["throttle"].get(f"rest_framework_jwt:throttle:obtain_ip:10.0.0.1:{window}")
    assert stored == 1
    assert len(outage_records(caplog)) == 2


def test_after_a_failure_the_throttle_cache_is_left_alone_for_a_while(
    private_redis, client, user, time_machine
):
    # So that an unreachable host costs one connection timeout per interval, not per request.
    private_redis.stop()
    assert obtain(client, "admin").status_code == 400  # fails against the stopped server
    private_redis.start()
    time_machine.shift(OUTAGE_RETRY_INTERVAL - 1)
    assert obtain(client, "admin").status_code == 400  # not even tried
    window = int(time.time()) // 60
    address_key = f"rest_framework_jwt:throttle:obtain_ip:10.0.0.1:{window}"
    assert caches["throttle"].get(address_key) is None
    time_machine.shift(1)
    assert obtain(client, "admin").status_code == 400
    assert caches["throttle"].get(address_key) == 1


def test_an_unreachable_throttle_cache_while_locked_out(private_redis, client, user, password):
    # Locked out while the cache answers; during the outage nothing can be read, so login
    # proceeds on the password alone; when it is back, the lockout is back too.
    for attempt in range(10):
        obtain(client, "admin", ip=f"10.3.0.{attempt}")
    assert_throttled(obtain(client, "admin", password, ip="10.3.1.1"))
    private_redis.stop()
    assert obtain(client, "admin", password, ip="10.3.1.1").status_code == 200
    assert obtain(client, "admin", ip="10.3.1.1").status_code == 400
