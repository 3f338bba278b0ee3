"""The denylist store's own guarantees, below the views: a database that fails while it is read
or written is the 503 of StoreUnavailable (sync and async), a write that meets a concurrent
insert or a deadlock is tried again, and the impersonator's cutoff is looked up only for a token
that names one.
"""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt import revocation
from rest_framework_jwt.blacklist.models import Revocation
from rest_framework_jwt.exceptions import StoreUnavailable, TokenRevoked
from rest_framework_jwt.verification import VerifiedToken
from tests.helpers import NOW
from tests.test_revocation import Denylist

pytestmark = pytest.mark.django_db


def gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def entry(key: str = "u:1", reason: str = "logout_all") -> revocation.Entry:
    now = timezone.now()
    return revocation.Entry(key, "user", None, now + dt.timedelta(hours=1), reason, now)


GONE = (
    "The token store (database) is unavailable; answering 503: "
    "OperationalError: server closed the connection unexpectedly"
)


def test_a_failing_database_read_is_a_503():
    store = revocation.DatabaseDenylist()
    with connection.execute_wrapper(gone), pytest.raises(StoreUnavailable) as error:
        store.lookup(["u:1"])
    assert error.value.status_code == 503
    assert error.value.get_codes()["code"] == "temporarily_unavailable"


def test_a_failing_database_read_is_a_503_in_async_code_too(caplog, outage_log):
    store = revocation.DatabaseDenylist()
    with (
        connection.execute_wrapper(gone),
        caplog.at_level(logging.ERROR, logger="rest_framework_jwt"),
        pytest.raises(StoreUnavailable),
    ):
        async_to_sync(store.alookup)(["u:1"])
    assert [r.getMessage() for r in caplog.records] == [GONE]
    revocation.DatabaseDenylist().write(entry())
    found = async_to_sync(store.alookup)(["u:1", "u:2"])
    assert list(found) == ["u:1"]


def test_a_failing_database_write_is_a_503_and_stores_nothing(caplog, outage_log):
    with (
        connection.execute_wrapper(gone),
        caplog.at_level(logging.ERROR, logger="rest_framework_jwt"),
        pytest.raises(StoreUnavailable),
    ):
        revocation.DatabaseDenylist().write(entry())
    assert not Revocation.objects.exists()
    assert [r.getMessage() for r in caplog.records] == [GONE]


class OutageView(revocation.StoreOutageMixin, APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request):
        raise OperationalError("server closed the connection unexpectedly")


def test_a_view_that_meets_a_database_outage_answers_503_and_says_so(caplog, outage_log):
    with caplog.at_level(logging.ERROR, logger="rest_framework_jwt"):
        response = OutageView.as_view()(APIRequestFactory().get("/"))
    assert response.status_code == 503
    assert response.data["detail"].code == "temporarily_unavailable"
    assert [r.getMessage() for r in caplog.records] == [GONE]


def test_the_same_key_again_is_one_update(frozen):
    store = revocation.DatabaseDenylist()
    store.write(entry())
    with CaptureQueriesContext(connection) as queries:
        store.write(entry(reason="admin"))
    statements = [q["sql"].split()[0] for q in queries]
    assert "INSERT" not in statements
    assert statements.count("UPDATE") == 1
    assert Revocation.objects.get().reason == "admin"


def test_an_entry_of_a_user_of_another_model_keeps_no_user():
    stranger = SimpleNamespace(pk=4242)  # e.g. the user model was swapped after migrating
    revocation.DatabaseDenylist().write(entry()._replace(user=stranger))
    assert Revocation.objects.get().user_id is None


def test_a_write_that_meets_a_concurrent_insert_is_tried_again():
    inserts = []

    def concurrent_insert(execute, sql, params, many, context):
        if sql.startswith("INSERT") and "blacklist_revocation" in sql and not inserts:
            inserts.append(sql)
            execute(sql, params, many, context)  # another request inserts the key first
        return execute(sql, params, many, context)

    with connection.execute_wrapper(concurrent_insert):
        revocation.DatabaseDenylist().write(entry(reason="password_changed"))
    assert inserts  # the conflict happened
    (row,) = Revocation.objects.all()
    assert (row.key, row.reason) == ("u:1", "password_changed")


def test_a_deadlocked_write_is_tried_again_then_a_503():
    failures = []

    def deadlocks(times):
        def wrapper(execute, sql, params, many, context):
            if sql.startswith("UPDATE") and len(failures) < times:
                failures.append(sql)
                raise OperationalError("Deadlock found when trying to get lock")
            return execute(sql, params, many, context)

        return wrapper

    with connection.execute_wrapper(deadlocks(2)):
        revocation.DatabaseDenylist().write(entry())
    assert len(failures) == 2
    assert Revocation.objects.get().key == "u:1"
    failures.clear()
    with connection.execute_wrapper(deadlocks(3)), pytest.raises(StoreUnavailable):
        revocation.DatabaseDenylist().write(entry("u:2"))
    assert len(failures) == 3
    assert not Revocation.objects.filter(key="u:2").exists()


def test_a_token_without_any_expiry_is_kept_for_the_longest_lifetime(time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    assert revocation.usable_until({}) == timezone.now() + revocation.max_lifetime()
    assert revocation.max_lifetime() > dt.timedelta(0)


def actor_token(act: dict | None, iat: int) -> VerifiedToken:
    claims = {"username": "other", "iat": iat}
    if act is not None:
        claims["act"] = act
    return VerifiedToken.of("t", claims)


@pytest.mark.parametrize("act", [None, {"sub": "admin"}])
def test_no_actor_pk_means_no_store_lookup(act):
    token = actor_token(act, int(timezone.now().timestamp()) - 60)
    with CaptureQueriesContext(connection) as queries:
        revocation.check_actor_cutoff(token)
        async_to_sync(revocation.acheck_actor_cutoff)(token)
    assert len(queries) == 0


def test_the_actor_cutoff_ends_impersonations_issued_before_it(user):
    issued = int(timezone.now().timestamp()) - 60
    token = actor_token({"sub": "admin", "user_id": user.pk}, issued)
    revocation.check_actor_cutoff(token)  # no cutoff yet
    async_to_sync(revocation.acheck_actor_cutoff)(token)
    revocation.revoke_user(user)
    with pytest.raises(TokenRevoked):
        revocation.check_actor_cutoff(token)
    with pytest.raises(TokenRevoked):
        async_to_sync(revocation.acheck_actor_cutoff)(token)


def test_acheck_trusts_the_answer_of_the_fused_user_query():
    token = VerifiedToken.of("t", {"username": "nobody"})
    with CaptureQueriesContext(connection) as queries:
        async_to_sync(revocation.acheck)(token, None, False)  # found clean: nothing to look up
        with pytest.raises(TokenRevoked):
            async_to_sync(revocation.acheck)(token, None, True)
    assert len(queries) == 0


def test_the_cache_is_read_in_async_code_too(cache_store):
    store = revocation.CacheDenylist()
    store.write(entry("u:1"))
    store.write(revocation.Entry("t:a", "token", None, timezone.now() + dt.timedelta(hours=1), ""))
    found = async_to_sync(store.alookup)(["u:1", "t:a", "u:2"])
    assert found == store.lookup(["u:1", "t:a"])
    assert found["t:a"] is None
    assert found["u:1"] == pytest.approx(timezone.now().timestamp())


def test_a_failing_cache_read_is_a_503_in_async_code_too(cache_store, caplog, outage_log):
    store = revocation.CacheDenylist()
    down = ConnectionError("the cache is down")
    with (
        mock.patch.object(type(store.cache), "aget_many", side_effect=down),
        caplog.at_level(logging.ERROR, logger="rest_framework_jwt"),
        pytest.raises(StoreUnavailable),
    ):
        async_to_sync(store.alookup)(["t:a"])
    assert [r.getMessage() for r in caplog.records] == [
        "The token store (cache) is unavailable; answering 503: ConnectionError: the cache is down"
    ]


@pytest.mark.parametrize("backend", ["database", "cache:locmem"])
def test_acheck_refuses_what_check_refuses(frozen, user, settings, backend):
    store = Denylist(backend, settings)
    try:
        token = VerifiedToken.of("a.b.c", {"username": "admin", "iat": NOW, "jti": "one"})
        async_to_sync(revocation.acheck)(token, user)
        revocation.revoke_token(token, user=user)
        with pytest.raises(TokenRevoked) as refused:
            async_to_sync(revocation.acheck)(token, user)
        assert str(refused.value) == "Token has been revoked."
        # A user's cutoff refuses only the tokens issued before it.
        revocation.revoke_user(user)
        frozen.shift(5)
        later = VerifiedToken.of("a.b.c", {"username": "admin", "iat": NOW + 5})
        async_to_sync(revocation.acheck)(later, user)
    finally:
        store.cleanup()


def test_acheck_checks_the_password_claim_against_the_user(frozen, user):
    claims = {"username": "admin", "iat": NOW, "pwv": revocation.password_version(user)}
    token = VerifiedToken.of("a.b.c", claims)
    async_to_sync(revocation.acheck)(token, user)
    user.set_password("another")
    user.save()
    with pytest.raises(TokenRevoked):
        async_to_sync(revocation.acheck)(token, user)


def test_the_async_actor_cutoff_is_strict_and_the_named_actor_wins(frozen, user, superuser):
    # Issued in the second of the impersonator's cutoff: refused (strict).
    token = actor_token({"sub": "root", "user_id": superuser.pk}, NOW)
    async_to_sync(revocation.acheck_actor_cutoff)(token)
    revocation.revoke_user(superuser)
    with pytest.raises(TokenRevoked):
        async_to_sync(revocation.acheck_actor_cutoff)(token)
    async_to_sync(revocation.acheck_actor_cutoff)(token, actor_pk=user.pk)
