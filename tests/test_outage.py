"""Storage outages: the denylist store (a cache on Redis, or the database) unreachable.

The Redis cases run against a private ``redis-server`` that the test starts on its own port and
stops (the ``redis_server`` fixture in conftest.py), so nothing here touches a shared server.
"""

from __future__ import annotations

import math

import pytest
import redis
from django.db import OperationalError, connection
from redis.backoff import NoBackoff
from redis.retry import Retry
from rest_framework.test import APIClient

from rest_framework_jwt import revocation
from rest_framework_jwt.settings import api_settings
from tests.helpers import LOGOUT, LOGOUT_ALL, OBTAIN, PROTECTED, REFRESH, SESSIONS, VERIFY


def test_the_redis_server_fixture_starts_stops_and_starts_again(redis_server):
    conn = redis.Redis.from_url(redis_server.url, socket_timeout=30)
    conn.set("k", "v")
    assert conn.get("k") == b"v"
    redis_server.stop()
    assert not redis_server.running
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, retry=Retry(NoBackoff(), 0)).ping()
    redis_server.start()
    # Same URL, an empty server again (no persistence).
    fresh = redis.Redis.from_url(redis_server.url, socket_timeout=30)
    assert fresh.ping()
    assert fresh.get("k") is None


# ----------------------------------------------------------------------------------------------
# The denylist store unavailable: a 503 with a stable code and Retry-After, never a 500, never a
# revoked token accepted.


MODES = [
    pytest.param({"JWT_ALLOW_REFRESH": True}, id="classic"),
    pytest.param({"JWT_REFRESH_TOKENS": True}, id="refresh-tokens"),
    pytest.param({"JWT_COMPAT": "drf-jwt"}, id="fork"),
]
UNAVAILABLE = {"detail": "The token service is temporarily unavailable. Try again later.",
               "code": "temporarily_unavailable"}  # fmt: skip


#: A revoked token: 401, or drf-jwt's 403 in drf-jwt mode.
REFUSED = (401, 403)


def assert_unavailable(response) -> None:
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert "Set-Cookie" not in response.headers


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


@pytest.fixture
def redis_denylist(mode, settings, redis_server):
    """JWT_DENYLIST_BACKEND = "cache" on the test's own Redis server."""
    settings.CACHES = {
        **settings.CACHES,
        "outage": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            # Fail at once while the server is down (redis-py retries with back-off otherwise).
            "OPTIONS": {"retry": Retry(NoBackoff(), 0), "socket_connect_timeout": 30},
        },
    }
    settings.JWT_AUTH = {**mode, "JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "outage"}
    return redis_server


class Login:
    """A user logged in through obtain: its access token and what refresh takes."""

    def __init__(self, password: str):
        response = APIClient().post(
            OBTAIN, {"username": "admin", "password": password}, format="json"
        )
        assert response.status_code in (200, 201), response.content
        self.token = response.data["token"]
        self.refresh_body = {"token": response.data.get("refresh_token") or self.token}

    def client(self, token: str | None = None) -> APIClient:
        client = APIClient()
        header = f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token or self.token}"
        client.credentials(HTTP_AUTHORIZATION=header)
        return client


def every_path(login: Login):
    """Each request that must look at the denylist, as (name, response)."""
    yield "protected", login.client().get(PROTECTED)
    yield "verify", APIClient().post(VERIFY, {"token": login.token}, format="json")
    yield "refresh", APIClient().post(REFRESH, login.refresh_body, format="json")
    yield "logout", login.client().post(LOGOUT)
    yield "logout with a body token", APIClient().post(LOGOUT, login.refresh_body, format="json")
    yield "logout-all", login.client().post(LOGOUT_ALL)
    yield "sessions", login.client().get(SESSIONS)


def test_redis_denylist_down_answers_503_on_every_path(redis_denylist, user, password):
    login = Login(password)
    assert login.client().get(PROTECTED).status_code == 200
    redis_denylist.stop()
    for name, response in every_path(login):
        assert response.status_code == 503, name
        assert_unavailable(response)


def test_redis_denylist_down_never_accepts_a_revoked_token(redis_denylist, user, password):
    login = Login(password)
    assert login.client().post(LOGOUT).status_code == 204
    assert login.client().get(PROTECTED).status_code in REFUSED
    redis_denylist.stop()
    assert_unavailable(login.client().get(PROTECTED))
    assert_unavailable(APIClient().post(VERIFY, {"token": login.token}, format="json"))
    assert_unavailable(APIClient().post(REFRESH, login.refresh_body, format="json"))


def test_obtain_works_while_the_redis_denylist_is_down(redis_denylist, user, password):
    # Obtain checks a password, not the denylist: it goes on; the token it gives cannot be
    # used until the store is back.
    redis_denylist.stop()
    login = Login(password)
    assert_unavailable(login.client().get(PROTECTED))


def test_redis_denylist_back_up_serves_again(redis_denylist, user, password):
    login = Login(password)
    redis_denylist.stop()
    assert_unavailable(login.client().get(PROTECTED))
    redis_denylist.start()
    assert login.client().get(PROTECTED).status_code == 200
    assert login.client().post(LOGOUT).status_code == 204
    assert login.client().get(PROTECTED).status_code in REFUSED


@pytest.fixture
def database_denylist(mode, settings):
    settings.JWT_AUTH = {**mode}


def failing(only: str | None = None):
    """An execute wrapper: every query (or those whose SQL mentions ``only``) fails as if the
    database server had gone away."""

    def wrapper(execute, sql, params, many, context):
        if only is None or only in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def test_database_down_answers_503_on_every_path(database_denylist, user, password):
    login = Login(password)
    with connection.execute_wrapper(failing()):
        responses = list(every_path(login))
        responses.append(
            ("obtain", APIClient().post(OBTAIN, {"username": "admin", "password": password}))
        )
    for name, response in responses:
        assert response.status_code == 503, name
        assert_unavailable(response)


def test_denylist_table_failing_never_accepts_a_token(database_denylist, user, password):
    login = Login(password)
    revoked = Login(password)
    assert revoked.client().post(LOGOUT).status_code == 204
    with connection.execute_wrapper(failing(only="blacklist_revocation")):
        for current in (login, revoked):
            assert_unavailable(current.client().get(PROTECTED))
            assert_unavailable(APIClient().post(VERIFY, {"token": current.token}, format="json"))
        assert_unavailable(login.client().post(LOGOUT))
    assert login.client().get(PROTECTED).status_code == 200
    assert revoked.client().get(PROTECTED).status_code in REFUSED


def test_the_outage_is_logged_once_a_minute(
    database_denylist, user, password, caplog, time_machine, monkeypatch
):
    monkeypatch.setattr(revocation, "_last_outage_log", [-math.inf])
    time_machine.move_to("2031-01-01 00:00:00", tick=False)
    login = Login(password)
    with connection.execute_wrapper(failing()), caplog.at_level("ERROR", "rest_framework_jwt"):
        for _ in range(3):
            assert_unavailable(login.client().get(PROTECTED))
        time_machine.shift(59)
        assert_unavailable(login.client().get(PROTECTED))
        time_machine.shift(2)
        assert_unavailable(login.client().get(PROTECTED))
    records = [r for r in caplog.records if r.name == "rest_framework_jwt"]
    assert len(records) == 2
    assert "unavailable" in records[0].getMessage()
    assert "OperationalError" in records[0].getMessage()
