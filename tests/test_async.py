"""Async: ``aauthenticate()`` under a real ASGI server (uvicorn on a loopback port of the test's
own), with a plain Django async view, adrf async views (the package's classes take the sync
path there, ``contrib.adrf``'s the async one) and Django Ninja (sync and async operations);
revocation with the database and the Redis denylist; and the same answer as the sync path
for every refusal (docs/async.md)."""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import asgiref.sync
import pytest
import uvicorn
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.core.asgi import get_asgi_application
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.exceptions import APIException
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import authentication, issuers, revocation, users, utils, verification
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
    TrustedIssuerAuthentication,
)
from rest_framework_jwt.contrib import adrf as contrib_adrf
from rest_framework_jwt.signals import token_refused
from rest_framework_jwt.test import freeze_token_clock, token_for
from tests import test_issuers as issuers_test
from tests import test_refusal_table as refusal_table
from tests.helpers import HANG_TIMEOUT, IMPERSONATE, capture

PLAIN = "/async/plain/"
PLAIN_STATELESS = "/async/plain-stateless/"
ADRF = "/async/adrf/"
ADRF_STATELESS = "/async/adrf-stateless/"
ADRF_ASYNC = "/async/adrf-async/"
ADRF_ASYNC_STATELESS = "/async/adrf-async-stateless/"
NINJA_SYNC = "/async/ninja/sync"
NINJA_ASYNC = "/async/ninja/async"
NINJA_STATELESS = "/async/ninja/async-stateless"
#: Every route that loads the user (the stateless ones answer a TokenUser).
LOADING = [PLAIN, ADRF, ADRF_ASYNC, NINJA_SYNC, NINJA_ASYNC]
STATELESS = [PLAIN_STATELESS, ADRF_STATELESS, ADRF_ASYNC_STATELESS, NINJA_STATELESS]
ASYNC_PATH = [
    *[PLAIN, PLAIN_STATELESS, ADRF_ASYNC, ADRF_ASYNC_STATELESS, NINJA_ASYNC, NINJA_STATELESS]
]


class LiveASGIServer:
    """uvicorn serving Django's ASGI application on 127.0.0.1, in a thread of this process (so
    it sees the test database and the test's settings)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            get_asgi_application(), lifespan="off", log_level="warning", http="h11", loop="asyncio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        # Bounded by attempts, not by a clock: a slow start on a loaded machine still passes.
        for _ in range(HANG_TIMEOUT * 50):
            if self.server.started:
                return
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn stopped before it started")
            time.sleep(0.02)
        raise RuntimeError("uvicorn did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(HANG_TIMEOUT)
        self.socket.close()

    def get(self, path: str, token: str | None = None, prefix: str = "JWT") -> tuple[int, Any]:
        """GET ``path`` with this token; the status and the JSON body."""
        headers = {}
        if token is not None:
            headers = {"Authorization": f"{prefix} {token}", "X-Token": token}
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=HANG_TIMEOUT) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body)
            except ValueError:  # a 500 page
                return error.code, body.decode(errors="replace")


@pytest.fixture
def server(settings, transactional_db):
    settings.ROOT_URLCONF = "tests.urls_async"
    live = LiveASGIServer()
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def alice(transactional_db):
    return get_user_model().objects.create_user(username="alice", password="pw")


def refused(status: int, body: Any, expected_status: int, message: str) -> bool:
    return status == expected_status and isinstance(body, dict) and body["detail"] == message


# ----------------------------------------------------------------------------------------------
# under uvicorn


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_a_valid_token_is_accepted(server, alice, path):
    status, body = server.get(path, token_for(alice))
    assert status == 200, body
    assert body["username"] == "alice"
    assert body["class"] == ("TokenUser" if path in STATELESS else "User")
    if path in (PLAIN, PLAIN_STATELESS):
        assert body["token"] is True  # aauthenticate() answers the raw token, as authenticate()


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_no_token_is_a_401(server, path):
    status, _ = server.get(path)
    assert status == 401


@pytest.mark.parametrize("path", LOADING)
def test_an_inactive_or_deleted_user_is_refused(server, alice, path):
    token = token_for(alice)
    alice.is_active = False
    alice.save()
    assert refused(*server.get(path, token), 401, "User account is disabled.")
    alice.delete()
    assert refused(*server.get(path, token), 401, "Invalid signature.")


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_an_expired_or_forged_token_is_refused(server, alice, path):
    with freeze_token_clock() as clock:
        token = token_for(alice)
        assert refused(*server.get(path, token[:-2] + "xx"), 401, "Error decoding signature.")
        clock.shift(300)
        assert refused(*server.get(path, token), 401, "Signature has expired.")


DENYLISTS = ["database", "redis"]
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}


@pytest.fixture(params=DENYLISTS)
def denylist(request, settings):
    """The revocation backend: the database table, or the cache on a private redis-server."""
    if request.param == "redis":
        redis_server = request.getfixturevalue("redis_server")
        settings.CACHES = {**settings.CACHES, "denylist": {**REDIS, "LOCATION": redis_server.url}}
        settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "denylist"}
        return redis_server
    settings.JWT_AUTH = {}
    return None


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_a_logout_is_seen(server, alice, denylist, path):
    token = token_for(alice)
    assert server.get(path, token)[0] == 200
    revocation.revoke_token(verification.decode(token), user=alice)
    assert refused(*server.get(path, token), 401, "Token has been revoked.")


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_logout_everywhere_is_seen(server, alice, denylist, path):
    with freeze_token_clock(time.time() - 10):
        token = token_for(alice)
    revocation.revoke_user(alice)
    assert refused(*server.get(path, token), 401, "Token has been revoked.")
    assert server.get(path, token_for(alice))[0] == 200  # a new login works


@pytest.mark.parametrize("path", LOADING)
def test_a_password_change_is_seen(server, alice, path):
    token = token_for(alice)
    alice.set_password("another")
    alice.save()
    assert refused(*server.get(path, token), 401, "Token has been revoked.")


@pytest.mark.parametrize("path", [PLAIN, NINJA_ASYNC, NINJA_SYNC, ADRF, ADRF_ASYNC])
def test_drf_jwt_mode_answers_403_for_a_revoked_token(server, alice, settings, path):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    token = token_for(alice)
    assert server.get(path, token, prefix="Bearer")[0] == 200
    revocation.revoke_token(verification.decode(token), user=alice)
    status, body = server.get(path, token, prefix="Bearer")
    assert (status, body["detail"]) == (403, "Token is blacklisted.")


@pytest.mark.parametrize("path", ASYNC_PATH)
def test_a_redis_outage_is_a_503(server, alice, redis_server, settings, path):
    settings.CACHES = {**settings.CACHES, "denylist": {**REDIS, "LOCATION": redis_server.url}}
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "denylist"}
    token = token_for(alice)
    redis_server.stop()
    status, body = server.get(path, token)
    assert status == 503, body
    assert body["detail"] == "The token service is temporarily unavailable. Try again later."
    redis_server.start()
    assert server.get(path, token)[0] == 200


@pytest.mark.parametrize("path", LOADING + STATELESS)
def test_an_impersonation_token_dies_with_the_impersonators_access(server, alice, denylist, path):
    root = get_user_model().objects.create_superuser(username="root", password="pw")
    response = APIClient().post(
        IMPERSONATE, {"user": alice.pk}, format="json", HTTP_AUTHORIZATION=f"JWT {token_for(root)}"
    )
    assert response.status_code == 201, response.content
    token = response.data["token"]
    status, body = server.get(path, token)
    assert (status, body["username"]) == (200, "alice")
    revocation.revoke_user(root, strict=True)
    assert server.get(path, token)[0] == 401


#: Where observing_username() ran: True in the event loop (the async path), False in a thread.
IN_THE_LOOP: list[bool] = []
#: The cache calls of RecordingRedisCache: "get_many" (sync), "aget_many" (async).
CACHE_CALLS: list[str] = []


def observing_username(payload):
    """A ``JWT_PAYLOAD_GET_USERNAME_HANDLER`` that notes whether it runs in the event loop:
    both paths name the user with it, the async one in the loop, the sync one in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        IN_THE_LOOP.append(False)
    else:
        IN_THE_LOOP.append(True)
    return utils.jwt_get_username_from_payload_handler(payload)


class RecordingRedisCache(RedisCache):
    """Django's Redis cache, noting which of its sync and async reads is called."""

    def get_many(self, *args, **kwargs):
        CACHE_CALLS.append("get_many")
        return super().get_many(*args, **kwargs)

    async def aget_many(self, *args, **kwargs):
        CACHE_CALLS.append("aget_many")
        return await super().aget_many(*args, **kwargs)


@pytest.mark.parametrize(
    ("path", "in_the_loop"),
    [(ADRF, False), (ADRF_STATELESS, False), (ADRF_ASYNC, True), (ADRF_ASYNC_STATELESS, True)],
)
def test_adrf_views_take_the_path_of_their_class(
    server, alice, denylist, settings, path, in_the_loop
):
    """contrib.adrf's classes authenticate an adrf async view in the event loop (the async
    path: Django's async ORM and cache API), the package's classes in adrf's thread (the sync
    path); revocation is seen either way, with the database and the Redis denylist."""
    settings.JWT_AUTH = {
        **settings.JWT_AUTH,
        "JWT_PAYLOAD_GET_USERNAME_HANDLER": "tests.test_async.observing_username",
    }
    if denylist is not None:
        recording = {"BACKEND": f"{__name__}.RecordingRedisCache"}
        settings.CACHES = {
            **settings.CACHES,
            "denylist": {**settings.CACHES["denylist"], **recording},
        }
    IN_THE_LOOP.clear()
    CACHE_CALLS.clear()
    token = token_for(alice)
    assert server.get(path, token)[0] == 200
    revocation.revoke_token(verification.decode(token), user=alice)
    assert refused(*server.get(path, token), 401, "Token has been revoked.")
    assert [in_the_loop] * 2 == IN_THE_LOOP
    if denylist is not None:
        read = "aget_many" if in_the_loop else "get_many"
        assert CACHE_CALLS[0] == read and CACHE_CALLS.count(read) == 2


@pytest.mark.parametrize(
    ("cls", "base"),
    [
        (contrib_adrf.AsyncJSONWebTokenAuthentication, JSONWebTokenAuthentication),
        (
            contrib_adrf.AsyncStatelessJSONWebTokenAuthentication,
            StatelessJSONWebTokenAuthentication,
        ),
        (contrib_adrf.AsyncTrustedIssuerAuthentication, TrustedIssuerAuthentication),
    ],
    ids=lambda c: c.__name__,
)
def test_the_adrf_classes_authenticate_is_the_coroutine_adrf_awaits(cls, base):
    """adrf awaits an authenticate() that inspect.iscoroutinefunction() recognises; the
    package's classes stay sync, for DRF's own Request."""
    assert inspect.iscoroutinefunction(cls().authenticate)
    assert not inspect.iscoroutinefunction(base().authenticate)
    assert issubclass(cls, base)


def test_an_adrf_sync_view_awaits_the_adrf_classes_too(db, user):
    """adrf's sync views run an async authenticate() with async_to_sync (here without an
    event loop of the caller: the WSGI-like test request)."""
    from adrf.views import APIView as AdrfAPIView
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response

    class SyncView(AdrfAPIView):
        authentication_classes = [contrib_adrf.AsyncJSONWebTokenAuthentication]
        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({"username": request.user.get_username()})

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token_for(user)}")
    response = SyncView.as_view()(request)
    assert (response.status_code, response.data) == (200, {"username": "admin"})
    assert SyncView.as_view()(APIRequestFactory().get("/")).status_code == 401


@pytest.mark.parametrize("header_of", ["valid", "garbage", "none"])
def test_the_adrf_class_answers_as_aauthenticate(db, user, header_of):
    headers = {"valid": f"JWT {token_for(user)}", "garbage": "JWT not.a.token", "none": None}
    extra = {} if headers[header_of] is None else {"HTTP_AUTHORIZATION": headers[header_of]}
    request = APIRequestFactory().get("/", **extra)
    auth = contrib_adrf.AsyncJSONWebTokenAuthentication()
    expected = _answer(JSONWebTokenAuthentication(), request, run_async=True)
    try:
        found = async_to_sync(auth.authenticate)(request)
    except APIException as error:
        detail = error.detail["detail"] if isinstance(error.detail, dict) else error.detail
        assert (type(error), error.status_code, str(detail), error.get_codes()) == expected
    else:
        assert (None if found is None else (found[0].pk, found[1])) == expected
    assert (expected is not None and expected[0] == user.pk) is (header_of == "valid")


# ----------------------------------------------------------------------------------------------
# the same answer as the sync path


def _answer(auth: Any, request: Any, run_async: bool) -> Any:
    try:
        if run_async:
            found = async_to_sync(auth.aauthenticate)(request)
        else:
            found = auth.authenticate(request)
    except APIException as error:
        detail = error.detail["detail"] if isinstance(error.detail, dict) else error.detail
        return (type(error), error.status_code, str(detail), error.get_codes())
    return None if found is None else (found[0].pk, found[1])


@pytest.mark.parametrize(
    "cls",
    [JSONWebTokenAuthentication, StatelessJSONWebTokenAuthentication],
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize("header_of", ["valid", "none", "spaces", "bare", "garbage", "expired"])
def test_aauthenticate_answers_as_authenticate(db, user, cls, header_of):
    with freeze_token_clock(time.time() - (301 if header_of == "expired" else 0)):
        token = token_for(user)
    headers = {
        "valid": f"JWT {token}",
        "none": None,
        "spaces": "JWT a b",
        "bare": "JWT",
        "garbage": "JWT not.a.token",
        "expired": f"JWT {token}",
    }
    extra = {} if headers[header_of] is None else {"HTTP_AUTHORIZATION": headers[header_of]}
    request = APIRequestFactory().get("/", **extra)
    sync = _answer(cls(), request, run_async=False)
    assert _answer(cls(), request, run_async=True) == sync
    assert (sync is not None and sync[0] == user.pk) is (header_of == "valid")


@pytest.mark.parametrize(
    ("row", "mode"),
    [
        pytest.param(row, mode, id=f"{refusal_table._id(row)}-{mode}")
        for row in refusal_table.TABLE
        if row.surface == refusal_table.AUTH
        for mode in row.modes()
    ],
)
def test_every_refusal_of_the_table_is_the_same_from_aauthenticate(
    row, mode, settings, user, inactive_user
):
    """Each authentication row of tests/test_refusal_table.py: the same exception, status,
    message and code from both paths (and no SynchronousOnlyOperation: the async path runs in
    an event loop)."""
    with freeze_token_clock(refusal_table.START):
        settings.JWT_AUTH = {**refusal_table.MODES[mode], **row.settings}
        prefix = "Bearer" if mode == "fork" else "JWT"
        if row.situation in refusal_table.HEADERS:
            header = refusal_table.HEADERS[row.situation].format(prefix=prefix)
        else:
            header = f"{prefix} {refusal_table.token_for(row.situation, user, inactive_user)}"
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=header)
        sync = _answer(JSONWebTokenAuthentication(), request, run_async=False)
        assert _answer(JSONWebTokenAuthentication(), request, run_async=True) == sync
    status, body = row.answer(mode)
    if sync is None:  # anonymous: DRF's own 401 follows
        assert body == {"detail": refusal_table.NOT_PROVIDED}
    else:
        assert sync[1:3] == (status, body["detail"])


@pytest.fixture
def no_thread_hop(monkeypatch):
    """Fail on any sync_to_async call of the package's own (Django's async ORM and cache API
    may use one inside; the package must not add another)."""
    calls: list[Any] = []

    def spy(function, *args, **kwargs):
        calls.append(function)
        return real(function, *args, **kwargs)

    real = asgiref.sync.sync_to_async
    for module in (authentication, users):
        monkeypatch.setattr(module, "sync_to_async", spy)
    return calls


@pytest.mark.parametrize("denylist_backend", ["database", "cache"])
@pytest.mark.parametrize(
    "cls",
    [JSONWebTokenAuthentication, StatelessJSONWebTokenAuthentication],
    ids=lambda c: c.__name__,
)
def test_the_async_path_adds_no_thread_hop(
    db, user, settings, no_thread_hop, cls, denylist_backend
):
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": denylist_backend, "JWT_DENYLIST_CACHE": "locmem"}
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token_for(user)}")
    assert async_to_sync(cls().aauthenticate)(request)[0].pk == user.pk
    assert no_thread_hop == []
    revocation.revoke_token(verification.decode(request.META["HTTP_AUTHORIZATION"][4:]))
    with pytest.raises(APIException, match="revoked"):
        async_to_sync(cls().aauthenticate)(request)
    # The refusal's token_refused: Signal.asend() from Django 5.0, send() in a thread on 4.2.
    expected = [] if hasattr(token_refused, "asend") else ["send"]
    assert [function.__name__ for function in no_thread_hop] == expected


def test_a_sync_hook_without_its_async_twin_runs_in_a_thread(db, user, no_thread_hop):
    seen = []

    class Custom(JSONWebTokenAuthentication):
        def authenticate_credentials(self, payload):
            seen.append(payload["username"])
            return get_user_model().objects.get(username=payload["username"])  # sync ORM

        def check_actor(self, token):  # not reached: no act claim
            raise AssertionError

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token_for(user)}")
    assert async_to_sync(Custom().aauthenticate)(request)[0] == user
    assert seen == ["admin"]
    assert [f.__name__ for f in no_thread_hop] == ["authenticate_credentials"]


def test_a_hook_with_its_async_twin_runs_in_the_loop(db, user, no_thread_hop):
    class Custom(JSONWebTokenAuthentication):
        def authenticate_credentials(self, payload):
            raise AssertionError("the sync path only")

        async def aauthenticate_credentials(self, payload):
            return await get_user_model().objects.aget(username=payload["username"])

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token_for(user)}")
    assert async_to_sync(Custom().aauthenticate)(request)[0] == user
    assert no_thread_hop == []


def test_a_custom_decode_handler_runs_in_a_thread(db, user, settings, no_thread_hop):
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": "tests.test_async.counting_decode"}
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token_for(user)}")
    assert async_to_sync(JSONWebTokenAuthentication().aauthenticate)(request)[0] == user
    assert [f.__name__ for f in no_thread_hop] == ["verify_token"]


def counting_decode(token):
    return verification.jwt_decode_handler(token)


def test_the_verified_token_is_left_on_the_request(db, user):
    token = token_for(user)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert async_to_sync(JSONWebTokenAuthentication().aauthenticate)(request)[1] == token
    assert request.verified_token.raw == token
    assert request.verified_token.claims["username"] == "admin"


def test_a_refusal_sends_token_refused_from_the_async_path(db, user):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="JWT not.a.token")
    with capture(token_refused) as calls, pytest.raises(APIException):
        async_to_sync(JSONWebTokenAuthentication().aauthenticate)(request)
    assert [call["code"] for call in calls] == ["token_decode_error"]


def test_the_ninja_auth_is_a_bearer_scheme_in_the_openapi_schema(settings):
    from tests.urls_async import api

    settings.ROOT_URLCONF = "tests.urls_async"
    schemes = api.get_openapi_schema()["components"]["securitySchemes"]
    assert schemes["JWTAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["AsyncJWTAuth"] == schemes["JWTAuth"]


@pytest.mark.parametrize("path", [NINJA_SYNC, NINJA_ASYNC])
def test_ninja_without_a_token_is_its_own_401(server, path):
    assert server.get(path) == (401, {"detail": "Unauthorized"})


@pytest.mark.parametrize("csrf", ["missing", "sent"])
def test_a_cookie_token_on_an_unsafe_method_passes_the_same_csrf_check(db, user, settings, csrf):
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    settings.JWT_AUTH = {"JWT_AUTH_COOKIE": "jwt", "JWT_AUTH_COOKIE_CSRF": True}
    secret = _get_new_csrf_string()
    request = APIRequestFactory(enforce_csrf_checks=True).post("/", {}, format="json")
    request.COOKIES["jwt"] = token_for(user)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = secret
    if csrf == "sent":
        request.META["HTTP_X_CSRFTOKEN"] = _mask_cipher_secret(secret)
    request.META["HTTP_HOST"] = "testserver"
    request.META["HTTP_ORIGIN"] = "http://testserver"
    sync = _answer(JSONWebTokenAuthentication(), request, run_async=False)
    assert _answer(JSONWebTokenAuthentication(), request, run_async=True) == sync
    if csrf == "missing":
        assert sync[1] == 403 and sync[3] == {"detail": "csrf_failed", "code": "csrf_failed"}
    else:
        assert sync[0] == user.pk


# ----------------------------------------------------------------------------------------------
# TrustedIssuerAuthentication: the same path, with the issuer's keys and the local user as its
# I/O steps


#: test_issuers.py's JWKS server and clock fixtures.
idp = issuers_test.idp
clock = issuers_test.clock


@pytest.fixture
def issuer_server(idp, clock):
    return idp


ISSUER_CASES = {
    "valid": {},
    "wrong_audience": {"aud": "other"},
    "expired": {"exp": 0},
    "unknown_kid": {"kid": "nope"},
    "untrusted": {"iss": "https://elsewhere.example"},
    "bad_signature": {"key": issuers_test.RSA2_PRIVATE},
}


@pytest.mark.parametrize("case", ISSUER_CASES)
def test_trusted_issuer_tokens_get_the_same_answer_from_aauthenticate(db, issuer_server, case):
    with issuers_test.trusting(issuers_test.entry(issuer_server)):
        token = issuers_test.token_of(issuer_server, **ISSUER_CASES[case])
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
        auth = TrustedIssuerAuthentication
        sync = _answer(auth(), request, run_async=False)
        caches["locmem"].clear()
        issuers._memo().clear()  # the async path fetches the set again, in its thread
        assert _answer(auth(), request, run_async=True) == sync
    if case == "valid":
        assert sync == ("alice", token)  # an IssuerTokenUser, pk = sub
    else:
        assert sync[1] == 401


@pytest.mark.parametrize("found", ["found", "missing", "inactive", "created"])
def test_trusted_issuer_local_users_through_the_async_orm(db, issuer_server, user, found):
    create = found == "created"
    options = {"user_claim": "sub", "create_users": create}
    with issuers_test.trusting(issuers_test.entry(issuer_server, **options)):
        if found == "inactive":
            user.is_active = False
            user.save()
        sub = {"found": "admin", "inactive": "admin"}.get(found, "carol")
        token = issuers_test.token_of(issuer_server, sub=sub)
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
        answer = _answer(TrustedIssuerAuthentication(), request, run_async=True)
        if found in ("found", "created"):
            model = get_user_model()
            assert answer == (model.objects.get(username=sub).pk, token)
        else:
            assert answer[1] == 401
            assert answer[3]["code"] == (
                "user_inactive" if found == "inactive" else "user_not_found"
            )
        if found == "created":  # the second time it is found
            assert _answer(TrustedIssuerAuthentication(), request, run_async=True)[1] == token


def test_trusted_issuer_keys_held_by_the_process_cost_no_thread_hop(
    db, issuer_server, no_thread_hop, monkeypatch
):
    import rest_framework_jwt.issuers as issuers_module

    calls = []
    real = asgiref.sync.sync_to_async

    def spy(function, *args, **kwargs):
        calls.append(function.__name__)
        return real(function, *args, **kwargs)

    monkeypatch.setattr(issuers_module, "sync_to_async", spy)
    with issuers_test.trusting(issuers_test.entry(issuer_server)):
        token = issuers_test.token_of(issuer_server)
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
        for _ in range(3):
            assert async_to_sync(TrustedIssuerAuthentication().aauthenticate)(request)[1] == token
    assert calls == ["key_ring"]  # the first request fetched the set, in a thread
    assert issuer_server.fetches == 1
    assert no_thread_hop == []


def test_an_unreachable_issuer_is_the_same_503_from_aauthenticate(db, issuer_server):
    with issuers_test.trusting(issuers_test.entry(issuer_server)):
        token = issuers_test.token_of(issuer_server)
        issuer_server.stop()
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
        sync = _answer(TrustedIssuerAuthentication(), request, run_async=False)
        caches["locmem"].clear()
        issuers._memo().clear()
        assert _answer(TrustedIssuerAuthentication(), request, run_async=True) == sync
    assert sync[1] == 503
