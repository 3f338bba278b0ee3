"""Storage outages: the denylist store (a cache on Redis, or the database) unreachable.

The Redis cases run against a private ``redis-server`` that the test starts on its own port and
stops (the ``redis_server`` fixture in conftest.py), so nothing here touches a shared server.
"""

from __future__ import annotations

import re

import pytest
import redis
from asgiref.sync import async_to_sync
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.urls import include, path
from redis.backoff import NoBackoff
from redis.retry import Retry
from rest_framework.test import APIClient

from rest_framework_jwt import revocation
from rest_framework_jwt.exceptions import StoreUnavailable
from rest_framework_jwt.settings import api_settings
from tests.helpers import (
    HANG_TIMEOUT,
    LOGOUT,
    LOGOUT_ALL,
    OBTAIN,
    PROTECTED,
    REFRESH,
    SESSIONS,
    VERIFY,
    protected,
    stateless_view,
)


def test_the_redis_server_fixture_starts_stops_and_starts_again(redis_server):
    conn = redis.Redis.from_url(redis_server.url, socket_timeout=HANG_TIMEOUT)
    conn.set("k", "v")
    assert conn.get("k") == b"v"
    redis_server.stop()
    assert not redis_server.running
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, retry=Retry(NoBackoff(), 0)).ping()
    redis_server.start()
    # Same URL, an empty server again (no persistence).
    fresh = redis.Redis.from_url(redis_server.url, socket_timeout=HANG_TIMEOUT)
    assert fresh.ping()
    assert fresh.get("k") is None


# ----------------------------------------------------------------------------------------------
# The denylist store unavailable: a 503 with a stable code and Retry-After, never a 500, never a
# revoked token accepted.


#: The lines under test. Classic refresh and refresh tokens take other paths through the store;
#: drf-jwt mode answers a revoked token with another status, so the tests that refuse one run
#: in it too (``refusing``).
MODES = {
    "classic": {"JWT_ALLOW_REFRESH": True},
    "refresh-tokens": {"JWT_REFRESH_TOKENS": True},
    "fork": {"JWT_COMPAT": "drf-jwt"},
}
refusing = pytest.mark.parametrize("mode", list(MODES), indirect=True)
one_mode = pytest.mark.parametrize("mode", ["classic"], indirect=True)
UNAVAILABLE = {"detail": "The token service is temporarily unavailable. Try again later.",
               "code": "temporarily_unavailable"}  # fmt: skip


#: The status of a revoked token: drf-jwt's 403 in drf-jwt mode.
REFUSED = {"classic": 401, "refresh-tokens": 401, "fork": 403}


def assert_unavailable(response) -> None:
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert not response.cookies


@pytest.fixture(params=["classic", "refresh-tokens"])
def mode(request) -> str:
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
    settings.JWT_AUTH = {
        **MODES[mode],
        "JWT_DENYLIST_BACKEND": "cache",
        "JWT_DENYLIST_CACHE": "outage",
    }
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


@refusing
def test_redis_denylist_down_never_accepts_a_revoked_token(redis_denylist, user, password, mode):
    login = Login(password)
    assert login.client().post(LOGOUT).status_code == 204
    assert login.client().get(PROTECTED).status_code == REFUSED[mode]
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


@refusing
def test_redis_denylist_back_up_serves_again(redis_denylist, user, password, mode):
    login = Login(password)
    redis_denylist.stop()
    assert_unavailable(login.client().get(PROTECTED))
    redis_denylist.start()
    assert login.client().get(PROTECTED).status_code == 200
    assert login.client().post(LOGOUT).status_code == 204
    assert login.client().get(PROTECTED).status_code == REFUSED[mode]


@pytest.fixture
def database_denylist(mode, settings):
    settings.JWT_AUTH = {**MODES[mode]}


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


@refusing
def test_denylist_table_failing_never_accepts_a_token(database_denylist, user, password, mode):
    login = Login(password)
    revoked = Login(password)
    assert revoked.client().post(LOGOUT).status_code == 204
    with connection.execute_wrapper(failing(only="blacklist_revocation")):
        for current in (login, revoked):
            assert_unavailable(current.client().get(PROTECTED))
            assert_unavailable(APIClient().post(VERIFY, {"token": current.token}, format="json"))
        assert_unavailable(login.client().post(LOGOUT))
    assert login.client().get(PROTECTED).status_code == 200
    assert revoked.client().get(PROTECTED).status_code == REFUSED[mode]


@one_mode
def test_the_outage_is_logged_once_a_minute(
    database_denylist, user, password, caplog, time_machine
):
    revocation.outage_log.reset()
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
    assert "more requests met it" not in records[0].getMessage()
    # The second one says how many were left out in between (3 requests at least).
    left_out = re.search(
        r" (\d+) more requests met it since the last report", records[1].getMessage()
    )
    assert left_out is not None and int(left_out.group(1)) >= 3, records[1].getMessage()


# ----------------------------------------------------------------------------------------------
# Revocations that a user's save or deletion writes (blacklist/signals.py), outside DRF: the
# Django admin and plain Django views. With the store down the change is refused with the same
# 503 (StoreUnavailableMiddleware) and nothing of it is saved: a deactivated user's tokens must
# not keep working on services that do not load the user.

MIDDLEWARE = "rest_framework_jwt.middleware.StoreUnavailableMiddleware"


def _deactivate(request, pk):
    user = get_user_model().objects.get(pk=pk)
    user.is_active = False
    user.save()
    return HttpResponse("deactivated")


def _change_password(request, pk):
    user = get_user_model().objects.get(pk=pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    return HttpResponse("changed")


def _delete(request, pk):
    get_user_model().objects.get(pk=pk).delete()
    return HttpResponse("deleted")


def _fails(request):
    raise ValueError("not an outage")


async def _async_outage(request):
    raise StoreUnavailable()


urlpatterns = [
    path("plain/deactivate/<int:pk>/", _deactivate),
    path("plain/password/<int:pk>/", _change_password),
    path("plain/delete/<int:pk>/", _delete),
    path("plain/fails/", _fails),
    path("plain/async/", _async_outage),
    path("admin/", admin.site.urls),
    path("", include("tests.urls")),
]
plain_urls = pytest.mark.urls(__name__)


@pytest.fixture
def staff_client(redis_denylist, settings, superuser, transactional_db, time_machine):
    """A client logged in to the admin as a superuser, with the middleware installed, and the
    clock stopped (``later()`` moves it past the second of the logins, which a password change
    lets live)."""
    time_machine.move_to("2031-01-01 00:00:00", tick=False)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    client = Client()
    client.force_login(superuser)
    return client


def user_form(user, **changes) -> dict:
    """The admin's change form of ``user`` as posted back, with ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **changes,
    }
    return {name: value for name, value in data.items() if value != ""}


@pytest.fixture
def later(time_machine):
    return lambda: time_machine.shift(2)


def assert_refused_everywhere(login: Login, mode: str, change: str) -> None:
    """The token no longer works, also on a service that does not load the user (there, the
    revocation refuses it; where the user is loaded, a deactivated or deleted user's own 401
    comes first, in drf-jwt mode too)."""
    header = f"{api_settings.JWT_AUTH_HEADER_PREFIX} {login.token}"
    loading = 401 if change in ("deactivate", "delete") else REFUSED[mode]
    assert protected(header).status_code == loading
    assert protected(header, view=stateless_view).status_code == REFUSED[mode]


def assert_still_works(login: Login) -> None:
    header = f"{api_settings.JWT_AUTH_HEADER_PREFIX} {login.token}"
    assert protected(header).status_code == 200
    assert protected(header, view=stateless_view).status_code == 200


def assert_unchanged(user, password: str) -> None:
    """``user``'s row is as it was: there, active, with its password."""
    saved = get_user_model().objects.get(pk=user.pk)
    assert saved.is_active
    assert saved.check_password(password)


NEW_PASSWORD = "a-new-password-1"

#: Changes through the admin: (the URL under /admin/auth/user/<pk>/, the form posted).
ADMIN_CHANGES = {
    "deactivate": ("change/", lambda user: user_form(user, is_active="")),
    "password": ("password/", lambda user: {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    "delete": ("delete/", lambda user: {"post": "yes"}),
}


@plain_urls
@refusing
@pytest.mark.parametrize("change", list(ADMIN_CHANGES))
def test_an_admin_change_with_the_denylist_down_is_a_503_and_saves_nothing(
    staff_client, redis_denylist, user, password, later, change, mode
):
    login = Login(password)
    page, form = ADMIN_CHANGES[change]
    url = f"/admin/auth/user/{user.pk}/{page}"
    redis_denylist.stop()
    assert_unavailable(staff_client.post(url, form(user)))
    assert_unchanged(user, password)
    redis_denylist.start()
    assert_still_works(login)
    later()
    # With the store back, the same change goes through and ends the user's tokens.
    response = staff_client.post(url, form(user))
    assert response.status_code == 302, response.content[:300]
    assert_refused_everywhere(login, mode, change)


@plain_urls
@refusing
@pytest.mark.parametrize("action", ["deactivate", "password", "delete"])
def test_a_plain_view_that_saves_a_user_with_the_denylist_down(
    staff_client, redis_denylist, user, password, action, later, mode
):
    # A save outside any transaction (no ATOMIC_REQUESTS): it must not be written either.
    login = Login(password)
    redis_denylist.stop()
    assert_unavailable(staff_client.post(f"/plain/{action}/{user.pk}/"))
    assert_unchanged(user, password)
    redis_denylist.start()
    assert_still_works(login)
    later()
    assert staff_client.post(f"/plain/{action}/{user.pk}/").status_code == 200
    assert_refused_everywhere(login, mode, action)


@plain_urls
def test_the_middleware_answers_async_views_too(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    assert_unavailable(async_to_sync(AsyncClient().get)("/plain/async/"))


@plain_urls
@one_mode
def test_the_middleware_leaves_other_errors_alone(staff_client):
    with pytest.raises(ValueError, match="not an outage"):
        staff_client.get("/plain/fails/")


@plain_urls
@one_mode
def test_without_the_middleware_the_outage_reaches_django(
    redis_denylist, transactional_db, user, password
):
    # What the middleware is for: Django's own answer would be a 500. The save is not written.
    client = Client()
    redis_denylist.stop()
    with pytest.raises(StoreUnavailable):
        client.post(f"/plain/deactivate/{user.pk}/")
    assert_unchanged(user, password)
