"""Rotation is atomic: N concurrent refreshes with one refresh token give exactly one new pair.

The requests are real HTTP requests to a threaded live server (Django's LiveServerThread, the
server behind pytest-django's ``live_server``), sent from N client threads released together by
a barrier. Each request is served in its own server thread with its own database connection,
which the server closes when the request ends. On PostgreSQL and MariaDB a second barrier, inside
the server, holds every request just before its first statement on the refresh-token table, so
all N reach the consuming statement at the same moment: the race is forced, not hoped for.

SQLite cannot run this scenario concurrently in this suite, and the tests run it sequentially
there (same requests, same server, same assertions), see ``CONCURRENT``.

The second half races a rotation against a revocation of its session (logout, logout
everywhere, ending the session, a password change, a deactivation), in both orders, with the
interleaving forced through the database's own lock tables (see ``HeldOpen``).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator

import jwt
import pytest
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created
from django.test import Client
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


# Rotation against a revocation of its session -----------------------------------------------
#
# A rotation's consuming statement checks, in the statement, that the session is live. Under
# READ COMMITTED a session whose revocation is written but not yet committed looks live to that
# check; what the rotation then writes must not outlive the revocation. Each revocation below
# is the package's own code path (the endpoint, through Django's test client, or a user save),
# run in a thread of its own inside a transaction that the test keeps open; the rotation is a
# real request to the live server. The interleaving is forced: the test commits the revocation
# only once the database reports the rotation's statement waiting on a lock the revocation
# holds.

LOGOUT_ALL = "/included/api-token-logout-all/"
LOGOUT = "/included/api-token-logout/"
SESSIONS = "/included/api-token-sessions/"


def get(server: LiveServerThread, path: str, token: str) -> tuple[int, dict]:
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        client.request("GET", path, headers={"Authorization": f"JWT {token}"})
        response = client.getresponse()
        content = response.read()
    finally:
        client.close()
    return response.status, json.loads(content) if content else {}


def _logout_all(pair: dict, user) -> None:
    response = Client().post(LOGOUT_ALL, HTTP_AUTHORIZATION=f"JWT {pair['token']}")
    assert response.status_code == 204, response.content


def _logout_all_elsewhere(pair: dict, user) -> None:
    """Log out everywhere from another session (device) of the same user."""
    response = Client().post(LOGOUT_ALL, HTTP_AUTHORIZATION=f"JWT {_other_session()['token']}")
    assert response.status_code == 204, response.content


def _other_session() -> dict:
    response = Client().post("/api-token-auth/", {"username": "admin", "password": "abc123"})
    assert response.status_code == 200, response.content
    return response.json()


def _logout(pair: dict, user) -> None:
    """Log out this device: the access token in the header ends its session."""
    response = Client().post(LOGOUT, HTTP_AUTHORIZATION=f"JWT {pair['token']}")
    assert response.status_code == 204, response.content


def _end_session(pair: dict, user) -> None:
    """``DELETE`` the session, from another session of the same user."""
    family = _claims(pair["refresh_token"])["fam"]
    response = Client().delete(
        f"{SESSIONS}{family}/", HTTP_AUTHORIZATION=f"JWT {_other_session()['token']}"
    )
    assert response.status_code == 204, response.content


def _change_password(pair: dict, user) -> None:
    user.set_password("a new password")
    user.save()


def _deactivate(pair: dict, user) -> None:
    user.is_active = False
    user.save()


REVOCATIONS = {
    "logout_all": _logout_all,
    "logout_all_elsewhere": _logout_all_elsewhere,
    "logout": _logout,
    "end_session": _end_session,
    "password_change": _change_password,
    "deactivation": _deactivate,
}


class HeldOpen:
    """``action`` run in a thread of its own, on its own connection, in a transaction that stays
    open (its writes done, not committed) until :meth:`commit`."""

    def __init__(self, action) -> None:
        self.action = action
        self.written = threading.Event()
        self.release = threading.Event()
        self.session: int | None = None
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        try:
            with transaction.atomic():
                self.session = _session_id()
                self.action()
                self.written.set()
                assert self.release.wait(TIMEOUT)
        except BaseException as error:  # reported by commit()
            self.errors.append(error)
        finally:
            self.written.set()
            connections.close_all()

    def __enter__(self) -> HeldOpen:
        self.thread.start()
        assert self.written.wait(TIMEOUT)
        assert self.errors == []
        return self

    def commit(self) -> None:
        self.release.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive()
        assert self.errors == []

    def __exit__(self, *exc_info) -> None:
        if self.thread.is_alive():
            self.release.set()
            self.thread.join(TIMEOUT)


class InThread:
    """``function()`` run in a thread of its own (on its own connection, closed at the end)."""

    def __init__(self, function) -> None:
        self.function = function
        self.value = None
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.value = self.function()
        except BaseException as error:  # reported by result()
            self.errors.append(error)
        finally:
            connections.close_all()

    def result(self):
        self.thread.join(TIMEOUT * 2)
        assert not self.thread.is_alive()
        assert self.errors == []
        return self.value


def _session_id() -> int:
    """This thread's database session, as the server's lock views name it."""
    sql = (
        "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT CONNECTION_ID()"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


#: How long to wait between two looks at the server's lock tables. Not a bound on anything: the
#: wait ends when the lock wait shows. MariaDB refreshes its InnoDB transaction tables only
#: when they have not been read for 0.1 s, so a faster poll would read the same stale copy.
POLL = {"postgresql": 0.01, "mysql": 0.15}


def wait_until_blocked_by(session: int) -> str:
    """Wait until some statement waits on a lock that the database session ``session`` holds
    (asked on the test thread's own connection); return that statement's text."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND %s = ANY(pg_blocking_pids(l.pid))"
        )
    else:
        sql = (
            "SELECT r.trx_query FROM information_schema.INNODB_LOCK_WAITS w "
            "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
            "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
            "WHERE b.trx_mysql_thread_id = %s"
        )
    pause = threading.Event()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(sql, [session])
            row = cursor.fetchone()
        if row is not None:
            return str(row[0])
        pause.wait(POLL[connection.vendor])
    raise AssertionError(f"no statement ever waited on a lock of database session {session}")


def _is_rotation(statement: str) -> bool:
    """Whether ``statement`` is one of a rotation's writes (they name the token table first,
    or update the session)."""
    tokens, families = RefreshToken._meta.db_table, TokenFamily._meta.db_table
    head = statement.lstrip()[:80].upper()
    return (head.startswith(("WITH", "UPDATE")) and tokens.upper() in statement.upper()) or (
        head.startswith("UPDATE") and families.upper() in head
    )


def _refusal(revocation: str) -> str:
    """The code that refuses a token of the session once ``revocation`` is committed."""
    return "user_inactive" if revocation == "deactivation" else "token_revoked"


def _assert_refused(server: LiveServerThread, answer: tuple[int, dict], code: str) -> None:
    """If the rotation answered a pair, neither of its tokens works: its access token is
    refused with 401 and ``code``, its successor refresh token with 400 and ``code``."""
    status, data = answer
    if status != 200:
        return
    access = get(server, "/protected/", data["token"])
    assert (access[0], access[1].get("code")) == (401, code), (
        "the access token of that rotation still works",
        access,
    )
    again = post(server, "/api-token-refresh/", {"refresh_token": data["refresh_token"]})
    assert (again[0], again[1].get("code")) == (400, code), ("its successor still rotates", again)


def _assert_nothing_rotated(
    family_id: str, refresh_token: str, answer: tuple[int, dict], code: str
) -> None:
    """The session is revoked, the rotation was refused with 400 and ``code``, and it wrote
    nothing: the presented refresh token is the only one of the session, unconsumed, and no
    successor exists."""
    assert answer[0] < 500, answer
    assert TokenFamily.objects.get(pk=family_id).revoked_at is not None
    assert (answer[0], answer[1].get("code")) == (400, code), answer
    rows = RefreshToken.objects.filter(family_id=family_id)
    assert [(row.jti, row.consumed_at, row.replaced_by) for row in rows] == [
        (_claims(refresh_token)["jti"], None, "")
    ]


#: The orders a rotation and a revocation of its session can come in. "racing": the revocation
#: has written, not committed, when the rotation's statement runs (it is committed once that
#: statement waits on its locks). Not on SQLite, which lets one writer at a time: there the
#: rotation can only come after the revocation's commit, which is "revoked_first".
ORDERS = ["revoked_first", "racing"] if CONCURRENT else ["revoked_first"]


def _settings(settings) -> None:
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}


@pytest.mark.parametrize("atomic_requests", [False, True], indirect=True)
@pytest.mark.parametrize("revocation", REVOCATIONS)
@pytest.mark.parametrize("order", ORDERS)
def test_a_rotation_that_meets_a_revocation_of_its_session_is_refused_and_writes_nothing(
    server, settings, user, revocation, order, atomic_requests
):
    """Whether the revocation committed before the rotation's statement ran or was still open
    while it ran, the rotation is refused (400) and writes nothing: no consumed token, no
    successor, no access token of a revoked session. No 500."""
    _settings(settings)
    pair = obtain(server)
    family = _claims(pair["refresh_token"])["fam"]
    revoke = REVOCATIONS[revocation]
    body = {"refresh_token": pair["refresh_token"]}
    if order == "racing":
        with HeldOpen(lambda: revoke(pair, user)) as held:
            rotation = InThread(lambda: post(server, "/api-token-refresh/", body))
            waiting = wait_until_blocked_by(held.session)
            assert _is_rotation(waiting), waiting
            held.commit()
            answer = rotation.result()
    else:
        revoke(pair, user)
        answer = post(server, "/api-token-refresh/", body)

    refusal = _refusal(revocation)
    _assert_refused(server, answer, refusal)
    # A rotation that waited on the revocation had loaded the user before its commit: it
    # is refused by the session check, as revoked, even for a deactivation.
    _assert_nothing_rotated(
        family, pair["refresh_token"], answer, "token_revoked" if order == "racing" else refusal
    )
    # The presented token stays refused.
    again = post(server, "/api-token-refresh/", body)
    assert (again[0], again[1].get("code")) == (400, refusal), again


@pytest.fixture
def pause_after_rotation():
    """Hold the server's rotation after its last write, in its open transaction (the request's
    own: ATOMIC_REQUESTS), until ``release`` is set; ``session`` is its database session."""
    state = {
        "paused": threading.Event(),
        "release": threading.Event(),
        "session": None,
        "armed": False,
    }
    main = threading.get_ident()
    last_write = "WITH" if connection.vendor == "postgresql" else "INSERT"
    table = RefreshToken._meta.db_table

    def install(sender, connection, **kwargs):
        if threading.get_ident() == main:
            return

        def hold(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            armed = state["armed"] and table in sql
            if armed and sql.lstrip().upper().startswith(last_write):
                state["armed"] = False
                vendor_sql = (
                    "SELECT pg_backend_pid()"
                    if connection.vendor == "postgresql"
                    else "SELECT CONNECTION_ID()"
                )
                execute(vendor_sql, None, False, context)
                state["session"] = int(context["cursor"].fetchone()[0])
                state["paused"].set()
                state["release"].wait(TIMEOUT)
            return result

        connection.execute_wrappers.append(hold)

    connection_created.connect(install, weak=False)
    yield state
    state["release"].set()
    connection_created.disconnect(install)


#: The orders of a revocation that comes after a rotation. "racing": the rotation has written,
#: not committed, when the revocation comes, and commits once the revocation waits on its locks.
#: Not on SQLite, which lets one writer at a time; there the revocation can only come after the
#: rotation's commit, which is "rotated_first".
ORDERS_AFTER = ["rotated_first", "racing"] if CONCURRENT else ["rotated_first"]


@pytest.mark.parametrize("revocation", REVOCATIONS)
@pytest.mark.parametrize("order", ORDERS_AFTER)
def test_a_revocation_after_a_rotation_refuses_both_tokens_of_that_rotation(
    server, settings, user, revocation, order, monkeypatch, pause_after_rotation, time_machine
):
    """A rotation answered, or under way, when the revocation of its session comes: its access
    token and its successor are refused afterwards, and the session is revoked. No 500. The
    clock stands still in the middle of a second, so that every token is issued in the second
    of the revocation: a cutoff of the user (logout everywhere, a password change) lets such
    tokens through, and the session's own entry must refuse them."""
    time_machine.move_to(int(time.time()) + 0.5, tick=False)
    _settings(settings)
    pair = obtain(server)
    family = _claims(pair["refresh_token"])["fam"]
    body = {"refresh_token": pair["refresh_token"]}
    revoke = REVOCATIONS[revocation]
    if order == "racing":
        # The request's own transaction holds the rotation's writes until the response (on
        # PostgreSQL the rotation is one statement, committed at once otherwise).
        monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
        pause_after_rotation["armed"] = True
        rotation = InThread(lambda: post(server, "/api-token-refresh/", body))
        assert pause_after_rotation["paused"].wait(TIMEOUT)
        revoking = InThread(lambda: revoke(pair, user))
        waiting = wait_until_blocked_by(pause_after_rotation["session"])
        assert waiting.lstrip().upper().startswith("UPDATE"), waiting
        assert TokenFamily._meta.db_table in waiting, waiting
        pause_after_rotation["release"].set()
        answer = rotation.result()
        revoking.result()
    else:
        answer = post(server, "/api-token-refresh/", body)
        revoke(pair, user)

    assert answer[0] == 200, answer
    _assert_refused(server, answer, _refusal(revocation))
    assert TokenFamily.objects.get(pk=family).revoked_at is not None
    tokens = RefreshToken.objects.filter(family_id=family)
    consumed = tokens.get(consumed_at__isnull=False)
    assert consumed.jti == _claims(pair["refresh_token"])["jti"]
    assert [row.jti for row in tokens.filter(consumed_at__isnull=True)] == [
        _claims(answer[1]["refresh_token"])["jti"]
    ]
    assert consumed.replaced_by == _claims(answer[1]["refresh_token"])["jti"]
