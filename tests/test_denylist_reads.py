"""What the denylist check builds and keeps between requests, and what it still reads on each:
a token's own store keys built once per token (``VerifiedToken.denylist_keys``), the fused user
query with one EXISTS per key of the token, and the denylist cache's object kept per thread
while the alias and ``CACHES`` stay the same. No answer of the store is kept."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rest_framework_jwt import lookup, revocation, utils, verification
from rest_framework_jwt.exceptions import StoreUnavailable
from rest_framework_jwt.verification import VerifiedToken

pytestmark = pytest.mark.django_db

FAMILY = str(uuid.UUID(int=7))


def token_of(user, **extra) -> VerifiedToken:
    payload = {**utils.jwt_payload_handler(user), **extra}
    return verification.decode(utils.jwt_encode_handler(payload))


def soon() -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("claims", "keys"),
    [
        ({"jti": "one"}, ("t:one",)),
        ({"orig_jti": "first", "jti": "one"}, ("t:first",)),
        ({"jti": "one", "fam": FAMILY}, ("t:one", f"f:{FAMILY}")),
        ({"jti": "one", "fam": "not-a-uuid"}, ("t:one",)),
        ({}, (revocation.denylist_key("a.b.c", None),)),
    ],
)
def test_a_tokens_own_keys_are_its_chains_then_its_familys(claims, keys):
    token = VerifiedToken.of("a.b.c", claims)
    assert token.denylist_keys == keys
    assert token.denylist_keys is token.denylist_keys  # built once
    assert revocation.token_key(token) == keys[0] == revocation.token_key("a.b.c", claims)


def test_a_token_verified_again_keeps_its_keys(user):
    raw = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    first = verification.decode(raw)
    keys = first.denylist_keys
    assert verification.decode(raw).denylist_keys is keys


@pytest.mark.parametrize(("extra", "count"), [({}, 1), ({"fam": FAMILY}, 2)])
def test_the_fused_query_has_one_exists_per_key_of_the_token(user, extra, count):
    token = token_of(user, **extra)
    with CaptureQueriesContext(connection) as queries:
        assert lookup.fetch(user.username, token) == (user, False)
    (query,) = queries.captured_queries
    assert query["sql"].count("EXISTS") == count + 1  # and one for the user's cutoff
    compiled = lookup.plan(get_user_model(), "default", count)
    assert isinstance(compiled, lookup.Plan)
    assert compiled.keys_at is not None and len(compiled.keys_at) == count


@pytest.mark.parametrize("revoked", ["own", "family", "user"])
def test_the_fused_query_finds_each_entry_of_a_family_token(user, revoked):
    issued = int(timezone.now().timestamp()) - 60  # before the cutoff's second
    token = token_of(user, fam=FAMILY, iat=issued)
    store = revocation.denylist()
    if revoked == "own":
        store.add(token.denylist_keys[0], "token", user, soon(), "logout")
    elif revoked == "family":
        store.add(revocation.family_key(FAMILY), "family", user, soon(), "logout")
    else:
        store.add(revocation.user_key(user.pk), "user", user, soon(), "admin", timezone.now())
    # Another token of the user, in no family, is refused only by the user's cutoff.
    assert lookup.fetch(user.username, token) == (user, True)
    assert lookup.fetch(user.username, token_of(user, iat=issued)) == (user, revoked == "user")


@pytest.fixture
def cache_denylist(settings):
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "locmem"}
    caches["locmem"].clear()
    yield revocation.CacheDenylist()
    caches["locmem"].clear()


def test_each_thread_reads_the_cache_through_its_own_object(cache_denylist):
    cache_denylist.lookup(["t:a"])
    assert revocation._threads_cache.cache is caches["locmem"]
    seen = []

    def read() -> None:
        cache_denylist.lookup(["t:a"])
        seen.extend([revocation._threads_cache.cache, caches["locmem"]])

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    kept, its_own = seen
    assert kept is its_own and kept is not caches["locmem"]


def test_a_change_of_the_cache_or_of_its_alias_is_read_at_once(settings, cache_denylist):
    cache_denylist.add("t:a", "token", None, soon(), "logout")
    assert cache_denylist.lookup(["t:a"]) == {"t:a": None}
    # Every lookup reads the store: an entry removed behind its back is gone at once.
    caches["locmem"].clear()
    assert cache_denylist.lookup(["t:a"]) == {}
    cache_denylist.add("t:a", "token", None, soon(), "logout")
    elsewhere = {**settings.CACHES["locmem"], "LOCATION": "test-denylist-reads"}
    settings.CACHES = {**settings.CACHES, "locmem": elsewhere}
    assert cache_denylist.lookup(["t:a"]) == {}  # another LocMem store: not found there
    assert revocation._threads_cache.cache is caches["locmem"]
    settings.CACHES = {**settings.CACHES, "locmem": {**elsewhere, "LOCATION": ""}}
    assert cache_denylist.lookup(["t:a"]) == {"t:a": None}
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "default"}
    assert cache_denylist.lookup(["t:a"]) == {}  # the dummy cache keeps nothing
    assert revocation._threads_cache.cache is caches["default"]


def test_an_alias_that_is_no_cache_is_a_503(settings, cache_denylist, outage_log):
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "nowhere"}
    with pytest.raises(StoreUnavailable):
        cache_denylist.lookup(["t:a"])
