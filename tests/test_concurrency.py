"""Rotation is atomic: N concurrent refreshes with one refresh token give exactly one new pair.

The requests are real HTTP requests to a threaded live server (Django's LiveServerThread, the
server behind pytest-django's ``live_server``), sent from N client threads released together by
a barrier. Each request is served in its own server thread with its own database connection,
which the server closes when the request ends. On PostgreSQL and MariaDB a second barrier, inside
the server, holds every request just before its first statement on the refresh-token table, so
all N reach the consuming statement at the same moment: the race is forced, not hoped for.

SQLite cannot run this scenario concurrently in this suite, and the tests run it sequentially
there (same requests, same server, same assertions), see ``CONCURRENT``.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator

import jwt
import pytest
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test.testcases import LiveServerThread

from rest_framework_jwt.blacklist.models import RefreshToken, TokenFamily
from rest_framework_jwt.signals import refresh_token_reused
from tests.helpers import HANG_TIMEOUT

N = 8
#: A guard against a hang (a request that never comes back, a barrier that never fills), not a
#: bound on speed: the suite's hang timeout, so that a slow run on a loaded machine still passes.
TIMEOUT = HANG_TIMEOUT

#: Whether the requests run at the same time. Not on SQLite, for what the suite's SQLite is:
#: the test database is an in-memory database in shared-cache mode. Through separate
#: connections (one per thread, what a threaded server does), concurrent writers fail at once
#: with "database table is locked" (SQLITE_LOCKED: shared-cache locks ignore the busy timeout),
#: so requests answer 500 whatever the code does. And the live server can only reach that
#: database by sharing the test thread's single connection between its request threads, where
#: one thread's ROLLBACK undoes another thread's committed-looking UPDATE (it was seen to give
#: two successes). Neither is a property of the package; on SQLite the same N requests go one
#: after another and must give the same outcome.
CONCURRENT = connection.vendor != "sqlite"
#: Races are repeated, each with a new login: one round can miss what three find.
ROUNDS = 3 if CONCURRENT else 1

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(transactional_db) -> Iterator[LiveServerThread]:
    """A threaded HTTP server running the test project, for this test only.

    Built like pytest-django's ``live_server``, minus its static-files handler: that one needs
    STATIC_URL, which the test settings do not set. An in-memory SQLite database is reachable
    from other threads only through the test thread's connection, so that one is shared.
    """
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", lambda app: app, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield thread
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


def post(server: LiveServerThread, path: str, body: dict, barrier=None) -> tuple[int, dict]:
    """POST ``body`` as JSON; the connection is open before the barrier, the request after."""
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        client.connect()
        if barrier is not None:
            barrier.wait(TIMEOUT)
        client.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = client.getresponse()
        content = response.read()
    finally:
        client.close()
    try:
        data = json.loads(content)
    except ValueError:
        data = {"unparsed": content.decode("utf-8", "replace")}
    return response.status, data


def refresh_all(
    server: LiveServerThread, refresh_token: str, hold: dict | None = None
) -> list[tuple[int, dict]]:
    """N refreshes with ``refresh_token``: together where the database allows it."""
    if hold is not None:
        hold["barrier"] = threading.Barrier(N, timeout=TIMEOUT)
        hold["armed"] = True
    barrier = threading.Barrier(N) if CONCURRENT else None
    results: list[tuple[int, dict] | None] = [None] * N
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            results[index] = post(
                server, "/api-token-refresh/", {"refresh_token": refresh_token}, barrier
            )
        except BaseException as error:  # reported below, the thread must not die silently
            errors.append(error)
            if barrier is not None:
                barrier.abort()
        finally:
            connections.close_all()  # this thread's own connection, if it opened one

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(N)]
    for thread in threads:
        thread.start()
        if not CONCURRENT:
            thread.join()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    if hold is not None:
        hold["armed"] = False
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return [result for result in results if result is not None]


@pytest.fixture
def hold_at_consume(monkeypatch):
    """On concurrent backends, hold every server request just before its first statement on
    the refresh-token table until all N are there; ``broken`` records a barrier that timed out
    (some request never got that far, or they were not served concurrently). Armed by
    ``refresh_all``, so the login before it passes freely."""
    state = {"barrier": None, "broken": [], "armed": False}
    main = threading.get_ident()

    def install(sender, connection, **kwargs):
        if threading.get_ident() == main:
            return
        waited = []

        def hold(execute, sql, params, many, context):
            if state["armed"] and not waited and "blacklist_refreshtoken" in sql:
                waited.append(True)
                try:
                    state["barrier"].wait()
                except threading.BrokenBarrierError:
                    state["broken"].append(sql)
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(hold)

    if CONCURRENT:
        connection_created.connect(install, weak=False)
    yield state
    connection_created.disconnect(install)


@pytest.fixture
def reuse_signals():
    """Every refresh_token_reused send, from whichever thread."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    refresh_token_reused.connect(receiver, weak=False)
    yield calls
    refresh_token_reused.disconnect(receiver)


@pytest.fixture
def atomic_requests(request, monkeypatch):
    """Run the server with ATOMIC_REQUESTS off or on: then the request's transaction wraps
    rotation's own, has already read the user and the denylist when it reaches the consume,
    and holds its locks until the response is built."""
    # New connections of server threads read this same dict.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", request.param)
    return request.param


def obtain(server: LiveServerThread) -> dict:
    status, data = post(server, "/api-token-auth/", {"username": "admin", "password": "abc123"})
    assert status == 200, data
    return data


@pytest.mark.parametrize("atomic_requests", [False, True], indirect=True)
def test_concurrent_refreshes_with_one_token_give_exactly_one_success(
    server, settings, user, hold_at_consume, reuse_signals, atomic_requests
):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}
    for _ in range(ROUNDS):
        reuse_signals.clear()
        _race_without_grace(server, hold_at_consume, reuse_signals)


def _race_without_grace(server, hold_at_consume, reuse_signals):
    first = obtain(server)
    family_id = _claims(first["refresh_token"])["fam"]

    results = refresh_all(server, first["refresh_token"], hold_at_consume)

    assert len(results) == N
    assert [status for status, _ in results if status >= 500] == [], results
    assert sorted(status for status, _ in results) == [200] + [400] * (N - 1), results
    assert hold_at_consume["broken"] == []
    winner = next(data for status, data in results if status == 200)
    assert set(winner) == {"token", "refresh_token"}
    codes = [data.get("code") for status, data in results if status == 400]
    # Every loser is refused as a reuse, or (once a loser has revoked the family) as revoked.
    # The first loser to revoke saw the family intact, so at least one reuse is reported.
    assert set(codes) <= {"refresh_token_reused", "token_revoked"}, results
    assert "refresh_token_reused" in codes
    assert len(reuse_signals) == codes.count("refresh_token_reused")

    # Exactly one rotation happened: the original is consumed, one successor exists.
    family = TokenFamily.objects.get(pk=family_id)
    original = RefreshToken.objects.get(family=family, consumed_at__isnull=False)
    assert original.jti == _claims(first["refresh_token"])["jti"]
    successors = RefreshToken.objects.filter(family=family, consumed_at__isnull=True)
    assert [row.jti for row in successors] == [_claims(winner["refresh_token"])["jti"]]
    # Without a grace period the duplicates are a reuse: the family is revoked.
    assert family.revoked_at is not None
    assert family.revoke_reason == "refresh_reuse"


#: The grace period of the replay test, in seconds.
GRACE = 600


@pytest.mark.parametrize("atomic_requests", [False, True], indirect=True)
def test_concurrent_replays_within_the_grace_period_share_one_successor(
    server, settings, user, hold_at_consume, reuse_signals, atomic_requests, time_machine
):
    """With JWT_REFRESH_GRACE_PERIOD, N duplicates of one refresh token all get an answer, and
    every answer carries the same successor: the family keeps one chain. The token is consumed
    once and nothing is revoked. Then whichever holder rotates the successor second (after the
    grace period) is caught as a reuse, and the family is revoked."""
    settings.JWT_AUTH = {
        "JWT_REFRESH_TOKENS": True,
        "JWT_RESPONSE_ERROR_CODES": True,
        # Long enough that N requests on a slow machine (the clock runs) stay well inside it.
        "JWT_REFRESH_GRACE_PERIOD": GRACE,
    }
    for _ in range(ROUNDS):
        # The clock runs (the server needs it to), from wherever the last round left it.
        time_machine.move_to(time.time(), tick=True)
        first = obtain(server)
        family = _claims(first["refresh_token"])["fam"]

        results = refresh_all(server, first["refresh_token"], hold_at_consume)

        assert [status for status, _ in results] == [200] * N, results
        assert hold_at_consume["broken"] == []
        assert reuse_signals == []
        successors = {data["refresh_token"] for _, data in results}
        assert len(successors) == 1, results
        assert len({data["token"] for _, data in results}) == N
        assert TokenFamily.objects.get(pk=family).revoked_at is None
        tokens = RefreshToken.objects.filter(family_id=family)
        consumed = tokens.get(consumed_at__isnull=False)
        assert consumed.jti == _claims(first["refresh_token"])["jti"]
        (successor,) = successors
        assert [row.jti for row in tokens.filter(consumed_at__isnull=True)] == [
            _claims(successor)["jti"]
        ]
        assert consumed.replaced_by == _claims(successor)["jti"]

        # One holder rotates the successor; another, later, is a reuse.
        status, newest = post(server, "/api-token-refresh/", {"refresh_token": successor})
        assert status == 200, newest
        time_machine.shift(GRACE + 1)
        status, late = post(server, "/api-token-refresh/", {"refresh_token": successor})
        assert (status, late.get("code")) == (400, "refresh_token_reused"), late
        assert TokenFamily.objects.get(pk=family).revoke_reason == "refresh_reuse"
        status, after = post(server, "/api-token-refresh/", newest)
        assert (status, after.get("code")) == (400, "token_revoked"), after
        assert len(reuse_signals) == 1
        reuse_signals.clear()


def test_the_server_threads_leave_no_connection_behind(server, settings, user):
    """Each request's connection is closed when it ends (PostgreSQL could not drop the test
    database otherwise); checked where the server lists its sessions. The server closes it
    just after sending the response, so the count is polled until it is back (bounded
    generously, so that only a connection that stays open fails, not a slow run). On SQLite the
    request threads share the test thread's connection, whose in-memory database must
    survive them "closing" it."""
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True}
    if not CONCURRENT:
        refresh_all(server, obtain(server)["refresh_token"])
        assert connection.is_usable()
        assert RefreshToken.objects.filter(family__user=user).count() == 2
        return
    before = _open_sessions()
    refresh_all(server, obtain(server)["refresh_token"])
    deadline = time.monotonic() + TIMEOUT
    while _open_sessions() != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _open_sessions() == before


def _open_sessions() -> int:
    if connection.vendor == "postgresql":
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    else:
        sql = "SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE()"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})
