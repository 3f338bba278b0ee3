"""The revocation functions and the two stores, looked at closely: what revoke_user and
revoke_deleted_user write and send, how long a cache entry lives, the outage a failing store
reports, and the impersonator check of a token that impersonates nobody."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import uuid
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.test import override_settings

from rest_framework_jwt import _state, revocation
from rest_framework_jwt.blacklist.models import Revocation, TokenFamily
from rest_framework_jwt.exceptions import InvalidClaim, StoreUnavailable, TokenRevoked
from rest_framework_jwt.signals import tokens_revoked
from rest_framework_jwt.verification import VerifiedToken
from tests.helpers import NOW, START, capture, plain_id
from tests.test_revocation import Denylist

SENDER = "rest_framework_jwt.revocation"
OTHER_KEY = "another-secret-key-that-is-long-enough-for-hs256-9876543210"
DAY = dt.timedelta(days=1)


def family(user, **fields) -> TokenFamily:
    expires = START + dt.timedelta(days=7)
    return TokenFamily.objects.create(id=uuid.uuid4(), user=user, expires_at=expires, **fields)


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


def rows() -> dict[str, tuple]:
    """The denylist table: key -> (kind, user pk, expires at, reason)."""
    return {
        row.key: (row.kind, row.user_id, row.expires_at, row.reason)
        for row in Revocation.objects.all()
    }


def test_revoke_families_ends_the_live_sessions_and_denylists_each(frozen, user):
    live = family(user)
    ended = family(user, revoked_at=START - dt.timedelta(days=1), revoke_reason="logout")
    reason = "a reason longer than the thirty-two characters"
    with capture(tokens_revoked) as sent:
        count = revocation.revoke_families([live.id, ended.id], user=user, reason=reason)
    assert count == 1
    live.refresh_from_db()
    assert (live.revoked_at, live.revoke_reason) == (START, reason[:32])
    # Kept as long as any token of the family may live.
    until = START + revocation.max_lifetime()
    assert rows() == {
        revocation.family_key(live.id): ("family", user.pk, until, reason[:32]),
        revocation.family_key(ended.id): ("family", user.pk, until, reason[:32]),
    }
    assert sent == [
        {
            "sender": SENDER,
            "signal": tokens_revoked,
            "user": user,
            "kind": "family",
            "reason": reason,
        }
    ]


def test_revoke_families_of_none_sends_nothing(frozen, db):
    with capture(tokens_revoked) as sent:
        assert revocation.revoke_families([], reason="logout") == 0
    assert sent == []


def test_revoke_token_of_a_family_revokes_both_for_its_user(frozen, user):
    session = family(user)
    payload = {"username": "admin", "user_id": user.pk, "iat": NOW, "exp": NOW + 300}
    payload.update(jti="the-token-id", fam=str(session.id))
    with capture(tokens_revoked) as sent:
        revocation.revoke_token("a.b.c", payload, user=user)
    assert rows() == {
        "t:the-token-id": ("token", user.pk, START + dt.timedelta(seconds=300), "logout"),
        revocation.family_key(session.id): (
            "family",
            user.pk,
            START + revocation.max_lifetime(),
            "logout",
        ),
    }
    session.refresh_from_db()
    assert (session.revoked_at, session.revoke_reason) == (START, "logout")
    assert [(s["sender"], s["user"], s["kind"], s["reason"]) for s in sent] == [
        (SENDER, user, "family", "logout"),
        (SENDER, user, "token", "logout"),
    ]


def test_revoke_user_says_logout_all_unless_told_otherwise(frozen, user):
    session = family(user)
    revocation.revoke_user(user)
    assert rows()[revocation.user_key(user.pk)][3] == "logout_all"
    session.refresh_from_db()
    assert session.revoke_reason == "logout_all"


@pytest.mark.parametrize("verified", [False, True], ids=["payload", "verified"])
def test_a_revocation_is_kept_until_the_expiry_plus_the_leeway(settings, verified):
    settings.JWT_AUTH = {"JWT_LEEWAY": 30}
    leeway = dt.timedelta(seconds=30)
    alone = {"exp": NOW + 300}
    chain = {"exp": NOW + 300, "orig_iat": NOW - 60}
    if verified:
        alone, chain = VerifiedToken.of("a.b.c", alone), VerifiedToken.of("a.b.c", chain)
    assert revocation.usable_until(alone) == START + dt.timedelta(seconds=300) + leeway
    # A token of a classic refresh chain: until the chain's last token may expire.
    longest = dt.timedelta(days=7, seconds=300 - 60)
    assert revocation.usable_until(chain) == START + longest + leeway


@pytest.fixture(params=["database", "cache:locmem"])
def store(request, settings):
    backend = Denylist(request.param, settings)
    yield backend
    backend.cleanup()


def test_a_cutoff_the_token_survives_does_not_hide_its_revoked_family(frozen, user, store):
    revocation.revoke_user(user)
    frozen.shift(5)
    session = family(user)
    claims = {"username": "admin", "user_id": user.pk, "iat": NOW + 5, "fam": str(session.id)}
    token = VerifiedToken.of("a.b.c", claims)
    revocation.check(token, user)  # issued after the cutoff
    revocation.revoke_families([session.id], user=user, reason="logout")
    with pytest.raises(TokenRevoked) as refused:
        revocation.check(token, user)
    assert str(refused.value) == "Token has been revoked."


def test_only_a_users_cutoff_spares_later_tokens(frozen, user, store):
    # A token's entry refuses it even with a time set on it (as the admin lets one do).
    backend = revocation.denylist()
    backend.add("t:the-id", "token", None, START + dt.timedelta(hours=1), "admin", START)
    later = VerifiedToken.of("a.b.c", {"username": "admin", "iat": NOW + 5, "jti": "the-id"})
    with pytest.raises(TokenRevoked):
        revocation.check(later, user)


def test_the_longest_lifetime_is_that_of_a_refresh_chain_or_an_impersonation(settings):
    leeway = dt.timedelta(seconds=30)
    settings.JWT_AUTH = {"JWT_LEEWAY": 30}
    assert revocation.max_lifetime() == dt.timedelta(days=7, seconds=300) + leeway
    settings.JWT_AUTH = {"JWT_LEEWAY": 30, "JWT_IMPERSONATION_EXPIRATION_DELTA": 30 * DAY}
    assert revocation.max_lifetime() == 30 * DAY + leeway


def test_the_password_claim_refusals_say_why(frozen, user):
    with pytest.raises(InvalidClaim) as refused:
        revocation.check_password_version(user, 12)
    assert str(refused.value) == "The pwv claim must be a string."
    changed = "The password has changed since the token was issued."
    # A lone surrogate (JSON can carry one) is a claim that does not match, not an error.
    for stale in ("0123456789abcdef", "\ud800abc"):
        with pytest.raises(TokenRevoked) as refused:
            revocation.check_password_version(user, stale)
        assert str(refused.value) == changed
    revocation.check_password_version(user, revocation.password_version(user))


def sha(data: bytes) -> str:
    return "d:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("raw", "chain_id", "key"),
    [
        ("a.b.c", "x", "t:x"),
        ("a.b.c", "x" * 64, "t:" + "x" * 64),
        # Not usable as a key as it is (too long, not ASCII, a lone surrogate): its digest.
        ("a.b.c", "x" * 65, sha(b"x" * 65)),
        ("a.b.c", "caf\u00e9\ud800", sha("caf\u00e9\ud800".encode("utf-8", "replace"))),
        # No id (or one that is not a string): a digest of the token's signed part (its
        # header and payload), or of the whole text when it is not three segments.
        ("a.b.c", None, sha(b"a.b")),
        ("a.b.c", 5, sha(b"a.b")),
        (b"a.b.c", "", sha(b"a.b")),
        ("a.b.\u00e9", None, sha(b"a.b")),
        ("a.\u00e9.c", None, sha(b"a.?")),
        ("a.b", None, sha(b"a.b")),
        ("a.b.c.d", None, sha(b"a.b.c.d")),
        ("abc", None, sha(b"abc")),
        (None, None, sha(b"")),
    ],
    ids=plain_id,
)
def test_the_denylist_key_of_a_token(raw, chain_id, key):
    if raw is None:  # no token at all, only a payload
        assert revocation.token_key(None, {}) == key
    else:
        assert revocation.denylist_key(raw, chain_id) == key


def test_the_password_claim_of_a_password_field_with_a_lone_surrogate():
    odd = SimpleNamespace(pk=1, password="\ud800")
    version = revocation.password_version(odd)
    assert re.fullmatch("[0-9a-f]{16}", version)
    assert version != revocation.password_version(SimpleNamespace(pk=1, password="\ud801"))


def test_a_refused_answer_of_the_user_query_says_revoked(db):
    token = VerifiedToken.of("a.b.c", {"username": "admin", "iat": NOW})
    with pytest.raises(TokenRevoked) as refused:
        revocation.check(token, None, True)
    assert str(refused.value) == "Token has been revoked."


def test_the_cutoff_looked_up_is_the_given_users_not_the_claims(frozen, user):
    revocation.revoke_user(user)
    token = VerifiedToken.of("a.b.c", {"username": "admin", "user_id": 4242, "iat": NOW - 60})
    revocation.check(token)
    with pytest.raises(TokenRevoked):
        revocation.check(token, user)


@pytest.mark.parametrize(
    ("owner", "looked_up"),
    [("alice", True), (2**63 - 1, True), (-(2**63) + 1, True), (2**63, False), (-(2**63), False)],
    ids=plain_id,
)
def test_a_user_id_claim_is_looked_up_if_a_user_can_have_it(frozen, db, owner, looked_up):
    backend = revocation.denylist()
    until = START + dt.timedelta(hours=1)
    backend.add(revocation.user_key(owner), "user", None, until, "admin", START)
    token = VerifiedToken.of("a.b.c", {"username": "x", "user_id": owner, "iat": NOW - 60})
    if looked_up:
        with pytest.raises(TokenRevoked):
            revocation.check(token)
    else:
        revocation.check(token)


def test_a_kept_password_version_is_never_the_answer_for_a_new_password_or_key(user):
    """password_version keeps its answers; a password change, or a SECRET_KEY rotation with
    the old key a fallback, is still seen at once."""
    claimed = revocation.password_version(user)
    for _ in range(2):  # the second time from what was kept
        revocation.check_password_version(user, claimed)
    user.set_password("a new password")
    with pytest.raises(TokenRevoked, match="password has changed"):
        revocation.check_password_version(user, claimed)
    claimed = revocation.password_version(user)
    with override_settings(SECRET_KEY=OTHER_KEY, SECRET_KEY_FALLBACKS=[django_settings.SECRET_KEY]):
        for _ in range(2):
            revocation.check_password_version(user, claimed)  # made with the fallback key
        assert revocation.password_version(user) != claimed
        user.set_password("a third password")
        with pytest.raises(TokenRevoked, match="password has changed"):
            revocation.check_password_version(user, claimed)


def test_the_kept_password_versions_are_bounded_and_right(monkeypatch):
    monkeypatch.setattr(revocation, "VERSIONS_KEPT", 2)
    monkeypatch.setattr(revocation, "_versions", {})
    key = _state.config().password_keys[0]
    for pk in range(5):
        user = SimpleNamespace(pk=pk, password=f"hash {pk}")
        expected = hmac.digest(key, f"{pk}:hash {pk}".encode(), "sha256").hex()[:16]
        assert revocation.password_version(user) == expected
        assert revocation.password_version(user) == expected
        assert len(revocation._versions) <= 2
