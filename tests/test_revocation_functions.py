"""The revocation functions and the two stores, looked at closely: what revoke_user and
revoke_deleted_user write and send, how long a cache entry lives, the outage a failing store
reports, and the impersonator check of a token that impersonates nobody."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from unittest import mock

import pytest
from django.db import OperationalError

from rest_framework_jwt import revocation
from rest_framework_jwt.blacklist.models import Revocation, TokenFamily
from rest_framework_jwt.exceptions import StoreUnavailable, TokenRevoked
from rest_framework_jwt.signals import tokens_revoked
from rest_framework_jwt.verification import VerifiedToken
from tests.helpers import NOW, START, capture
from tests.test_revocation import Denylist

SENDER = "rest_framework_jwt.revocation"


@pytest.fixture
def cache_store(settings):
    store = Denylist("cache:locmem", settings)
    yield store
    store.cleanup()


def family(user, **fields) -> TokenFamily:
    expires = START + dt.timedelta(days=7)
    return TokenFamily.objects.create(id=uuid.uuid4(), user=user, expires_at=expires, **fields)


@pytest.fixture
def outage_log():
    """The outage log starts afresh (it logs one record a minute per process)."""
    revocation.outage_log.reset()
    yield
    revocation.outage_log.reset()


def test_revoke_user_ends_only_that_users_live_families(frozen, user, superuser):
    mine, others = family(user), family(superuser)
    earlier = START - dt.timedelta(days=1)
    ended = family(user, revoked_at=earlier, revoke_reason="logout")
    with capture(tokens_revoked) as sent:
        revocation.revoke_user(user, reason="a reason longer than the thirty-two characters")
    mine.refresh_from_db()
    others.refresh_from_db()
    ended.refresh_from_db()
    assert (mine.revoked_at, mine.revoke_reason) == (START, "a reason longer than the thirty-")
    assert others.revoked_at is None
    assert (ended.revoked_at, ended.revoke_reason) == (earlier, "logout")
    assert sent == [
        {
            "sender": SENDER,
            "signal": tokens_revoked,
            "user": user,
            "kind": "user",
            "reason": "a reason longer than the thirty-two characters",
        }
    ]


def test_revoke_deleted_user_cuts_off_the_pk_and_says_so(frozen, db):
    with capture(tokens_revoked) as sent:
        revocation.revoke_deleted_user(4242)
    assert sent == [
        {
            "sender": SENDER,
            "signal": tokens_revoked,
            "user": None,
            "kind": "user",
            "reason": "deleted",
        }
    ]
    row = Revocation.objects.get(key=revocation.user_key(4242))
    # Strict: tokens issued in the second of the deletion are refused too.
    assert row.not_before == START + dt.timedelta(seconds=1)


def test_a_cache_entry_lives_as_long_as_the_token_and_at_least_a_second(frozen, cache_store):
    store = revocation.CacheDenylist()
    store.add("t:a", "token", None, START + dt.timedelta(seconds=3), "logout")
    store.add("t:b", "token", None, START + dt.timedelta(seconds=1), "logout")
    store.add("t:c", "token", None, START - dt.timedelta(seconds=5), "logout")
    assert set(store.lookup(["t:a", "t:b", "t:c"])) == {"t:a", "t:b", "t:c"}
    frozen.shift(1.5)
    assert set(store.lookup(["t:a", "t:b", "t:c"])) == {"t:a"}
    frozen.shift(2)
    assert store.lookup(["t:a"]) == {}


@pytest.mark.parametrize("operation", ["lookup", "add"])
def test_a_failing_cache_is_an_outage_that_names_it(
    frozen, cache_store, caplog, outage_log, operation
):
    store = revocation.CacheDenylist()
    down = ConnectionError("the cache is down")
    with (
        mock.patch.object(type(store.cache), "get_many", side_effect=down),
        mock.patch.object(type(store.cache), "set", side_effect=down),
        caplog.at_level(logging.ERROR, logger="rest_framework_jwt"),
        pytest.raises(StoreUnavailable),
    ):
        if operation == "lookup":
            store.lookup(["t:a"])
        else:
            store.add("t:a", "token", None, START + dt.timedelta(minutes=5), "logout")
    assert [r.getMessage() for r in caplog.records] == [
        "The token store (cache) is unavailable; answering 503: ConnectionError: the cache is down"
    ]


def test_a_failing_database_is_an_outage_that_names_it(frozen, db, caplog, outage_log):
    down = OperationalError("the database is down")
    with (
        mock.patch.object(type(Revocation.objects), "filter", side_effect=down),
        caplog.at_level(logging.ERROR, logger="rest_framework_jwt"),
        pytest.raises(StoreUnavailable),
    ):
        revocation.DatabaseDenylist().lookup(["t:a"])
    assert [r.getMessage() for r in caplog.records] == [
        "The token store (database) is unavailable; answering 503: "
        "OperationalError: the database is down"
    ]


def test_a_token_that_impersonates_nobody_has_no_impersonator_to_check(
    frozen, user, django_assert_num_queries
):
    token = VerifiedToken.of("a.b.c", {"username": "admin", "iat": NOW})
    with django_assert_num_queries(0):
        revocation.check_actor_cutoff(token)


def test_the_impersonators_cutoff_refuses_an_earlier_impersonation(frozen, user, superuser):
    claims = {"username": "admin", "iat": NOW, "act": {"sub": "root", "user_id": superuser.pk}}
    token = VerifiedToken.of("a.b.c", claims)
    revocation.check_actor_cutoff(token)
    frozen.shift(5)
    revocation.revoke_user(superuser)
    with pytest.raises(TokenRevoked):
        revocation.check_actor_cutoff(token)
    # The pk the caller names wins over the claim's: another actor has no cutoff.
    revocation.check_actor_cutoff(token, actor_pk=user.pk)
