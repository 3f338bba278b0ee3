"""Revocation: logout, logout everywhere, password changes, deactivation, deleted users, the cost
of the check on the request path, what the store holds, and the behaviour without the app.

Every behaviour that goes through the denylist runs against each backend: the database, and the
cache backend on the "locmem" alias, plus "redis" when REDIS_URL is set (CI sets it). Each cache
test gets its own key prefix, and removes only its own keys afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import re
import uuid

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.core.checks import Error
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rest_framework_jwt import checks, revocation, utils
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.blacklist.models import Revocation, TokenFamily
from rest_framework_jwt.signals import tokens_revoked
from tests import helpers as routes
from tests.conftest import read_key
from tests.helpers import START, decode

REVOKED = "Token has been revoked."
APP = "rest_framework_jwt.blacklist"
WITHOUT_APP = [name for name in django_settings.INSTALLED_APPS if name != APP]

# The cache backend runs on Redis only when the environment names one; never a skipped test.
BACKENDS = [
    "database",
    "cache:locmem",
    *(["cache:redis"] if os.environ.get("REDIS_URL") else []),
]


# ----------------------------------------------------------------------------------------------
# Fixtures and helpers


class Denylist:
    """The backend a test runs against, with a private key prefix for the cache aliases."""

    def __init__(self, name: str, settings):
        self.name = name
        self.kind, _, self.alias = name.partition(":")
        self.settings = settings
        self.prefix = f"test-revocation-{uuid.uuid4().hex}"
        self.jwt_auth: dict = {"JWT_ALLOW_REFRESH": True, "JWT_RESPONSE_ERROR_CODES": True}
        if self.kind == "cache":
            cache_settings = {alias: dict(config) for alias, config in settings.CACHES.items()}
            cache_settings[self.alias]["KEY_PREFIX"] = self.prefix
            if self.alias == "locmem":
                cache_settings[self.alias]["LOCATION"] = self.prefix
            settings.CACHES = cache_settings
            self.jwt_auth.update(JWT_DENYLIST_BACKEND="cache", JWT_DENYLIST_CACHE=self.alias)
        settings.JWT_AUTH = dict(self.jwt_auth)

    def configure(self, **extra) -> None:
        self.settings.JWT_AUTH = {**self.jwt_auth, **extra}

    @property
    def cache(self):
        return caches[self.alias]

    def cache_items(self) -> dict[str, object]:
        """Everything this test wrote to the cache: key (without prefix/version) -> value."""
        if self.alias == "redis":
            client = self.cache._cache.get_client(None, write=False)
            names = [key.decode() for key in client.scan_iter(match=f"{self.prefix}:*")]
            return {name.split(":", 2)[2]: client.get(name) for name in names}
        return {
            key.split(":", 2)[2]: value
            for key, value in self.cache._cache.items()
            if key.startswith(f"{self.prefix}:")
        }

    def cleanup(self) -> None:
        if self.kind != "cache":
            return
        if self.alias == "redis":
            client = self.cache._cache.get_client(None, write=True)
            names = list(client.scan_iter(match=f"{self.prefix}:*"))
            if names:
                client.delete(*names)
        else:
            self.cache.clear()


@pytest.fixture(params=BACKENDS)
def denylist(request, settings):
    backend = Denylist(request.param, settings)
    yield backend
    backend.cleanup()


@pytest.fixture
def other_user(db, password):
    return get_user_model().objects.create_user(
        username="other", email="other@example.com", password=password
    )


def obtain(client, username="admin", password="abc123") -> str:
    response = client.post(
        routes.OBTAIN, {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.data
    return response.data["token"]


def get(client, token, path=routes.PROTECTED):
    return client.get(path, HTTP_AUTHORIZATION=f"JWT {token}")


def post(client, path, token=None, data=None):
    headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
    return client.post(path, data or {}, format="json", **headers)


def assert_accepted(client, token, username="admin") -> None:
    response = get(client, token)
    assert response.status_code == 200, response.data
    assert response.data == {"username": username}


def assert_revoked(client, token) -> None:
    """Refused everywhere a token is checked: authentication (401), verify and refresh (400)."""
    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    for path in (routes.VERIFY, routes.REFRESH):
        response = client.post(path, {"token": token}, format="json")
        assert response.status_code == 400, path
        assert response.data == {"non_field_errors": [REVOKED], "code": "token_revoked"}, path


def authenticate(token: str):
    request = Request(APIRequestFactory().get(routes.PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}"))
    return JSONWebTokenAuthentication().authenticate(request)


# ----------------------------------------------------------------------------------------------
# Logout


def test_logout_revokes_the_presented_token_at_once(client, user, denylist, frozen):
    token = obtain(client)
    assert_accepted(client, token)

    response = post(client, routes.LOGOUT, token)

    assert response.status_code == 204
    assert response.content == b""
    assert_revoked(client, token)


#: The order of the P-256 group: an ES256 signature (r, s) also verifies as (r, n - s).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def other_signature(token: str) -> str:
    """``token`` (ES256) with the second valid form of its signature."""
    head, body, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    r, s = raw[:32], int.from_bytes(raw[32:], "big")
    twin = r + (P256_ORDER - s).to_bytes(32, "big")
    return f"{head}.{body}." + base64.urlsafe_b64encode(twin).rstrip(b"=").decode()


def test_logout_of_a_token_without_id_also_refuses_its_other_ecdsa_signature(
    client, user, denylist, frozen
):
    denylist.configure(
        JWT_ALGORITHM="ES256",
        JWT_PRIVATE_KEY=read_key("ec_private.pem"),
        JWT_PUBLIC_KEY=read_key("ec_public.pem"),
        JWT_TOKEN_ID="off",
    )
    token = obtain(client)
    twin = other_signature(token)
    assert twin != token
    assert_accepted(client, twin)  # the second form verifies: only the signed part is the token

    assert post(client, routes.LOGOUT, token).status_code == 204

    assert_revoked(client, token)
    assert_revoked(client, twin)


def test_a_revoked_token_fails_with_the_code_token_revoked(client, user, denylist, frozen):
    denylist.configure(JWT_RESPONSE_ERROR_CODES=False)
    token = obtain(client)
    post(client, routes.LOGOUT, token)

    with pytest.raises(AuthenticationFailed) as caught:
        authenticate(token)

    assert caught.value.get_codes() == "token_revoked"
    assert caught.value.detail == REVOKED


def test_the_revoked_body_without_error_codes_is_the_plain_1x_shape(client, user, denylist, frozen):
    token = obtain(client)
    post(client, routes.LOGOUT, token)
    denylist.configure(JWT_RESPONSE_ERROR_CODES=False)

    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED}
    response = client.post(routes.VERIFY, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": [REVOKED]}


def test_drf_jwt_mode_words_a_revoked_token_its_way(client, user, denylist, frozen):
    denylist.configure(JWT_COMPAT="drf-jwt", JWT_RESPONSE_ERROR_CODES=False)
    response = client.post(
        routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json"
    )
    assert response.status_code == 201
    token = response.data["token"]

    response = client.post(routes.LOGOUT, {}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 204

    response = client.get(routes.PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")
    # drf-jwt's status: 403, without WWW-Authenticate.
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response
    assert response.data == {"detail": "Token is blacklisted."}
    response = client.post(routes.VERIFY, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Token is blacklisted."]}


def test_logout_with_the_token_in_the_body_and_no_authorization(client, user, denylist, frozen):
    token = obtain(client)

    response = post(client, routes.LOGOUT, data={"token": token})

    assert response.status_code == 204
    assert_revoked(client, token)


def test_logout_with_nothing_to_revoke_is_a_400_token_missing(client, user, denylist, frozen):
    response = post(client, routes.LOGOUT)

    assert response.status_code == 400
    assert response.data["token"] == ["No token to revoke."]
    assert response.data["token"][0].code == "token_missing"
    assert Revocation.objects.count() == 0


def test_logout_refuses_a_body_token_of_another_user(client, user, other_user, denylist, frozen):
    mine = obtain(client)
    theirs = obtain(client, "other")

    response = post(client, routes.LOGOUT, mine, data={"token": theirs})

    assert response.status_code == 400
    assert response.data["token"] == ["Invalid token."]
    # Nothing was revoked: the request failed as a whole.
    assert_accepted(client, mine)
    assert_accepted(client, theirs, "other")


def test_logout_with_an_invalid_body_token_is_a_400(client, user, denylist, frozen):
    response = post(client, routes.LOGOUT, data={"token": "not.a.token"})

    assert response.status_code == 400
    assert list(response.data) == ["token", "code"]  # (JWT_RESPONSE_ERROR_CODES is on)
    assert response.data["code"] == "token_decode_error"


def test_logout_leaves_the_other_tokens_and_users_alone(client, user, other_user, denylist, frozen):
    first = obtain(client)
    frozen.shift(1)
    second = obtain(client)
    theirs = obtain(client, "other")

    assert post(client, routes.LOGOUT, first).status_code == 204

    assert_revoked(client, first)
    assert_accepted(client, second)
    assert_accepted(client, theirs, "other")


def test_logout_kills_the_classic_refresh_chain(client, user, denylist, frozen):
    token1 = obtain(client)
    frozen.shift(30)
    response = client.post(routes.REFRESH, {"token": token1}, format="json")
    assert response.status_code == 200
    token2 = response.data["token"]
    assert token2 != token1
    assert decode(token2)["orig_jti"] == decode(token1)["jti"]
    frozen.shift(30)
    token3 = client.post(routes.REFRESH, {"token": token2}, format="json").data["token"]
    assert decode(token3)["orig_jti"] == decode(token1)["jti"]

    assert post(client, routes.LOGOUT, token1).status_code == 204

    assert_revoked(client, token2)
    assert_revoked(client, token3)


def test_logout_with_a_refreshed_token_kills_its_ancestor_too(client, user, denylist, frozen):
    token1 = obtain(client)
    frozen.shift(30)
    token2 = client.post(routes.REFRESH, {"token": token1}, format="json").data["token"]

    assert post(client, routes.LOGOUT, token2).status_code == 204

    assert_revoked(client, token1)
    assert_revoked(client, token2)


def test_a_token_without_an_id_is_revoked_by_its_digest(client, user, denylist, frozen):
    denylist.configure(JWT_TOKEN_ID="off")
    token = obtain(client)
    assert "jti" not in decode(token)
    frozen.shift(1)
    other = obtain(client)
    assert other != token

    assert post(client, routes.LOGOUT, token).status_code == 204

    assert_revoked(client, token)
    assert_accepted(client, other)


def test_a_revocation_lives_as_long_as_the_token(client, user, denylist, frozen):
    token = obtain(client)
    post(client, routes.LOGOUT, token)

    frozen.shift(299)
    assert_revoked(client, token)
    frozen.shift(2)
    response = get(client, token)
    assert response.status_code == 401
    assert response.data["code"] == "token_expired"


def _let_time_pass(denylist, frozen, seconds: float) -> None:
    """Move the clock, and let the store forget what it may forget by then: the database after
    the cleanup command (run from cron); LocMemCache by the moved clock."""
    frozen.shift(seconds)
    if denylist.kind == "database":
        call_command("delete_stale_tokens", stdout=io.StringIO())


def _redis_ttl(denylist, key: str) -> int:
    client = denylist.cache._cache.get_client(None, write=False)
    (name,) = client.scan_iter(match=f"{denylist.prefix}:*{key}")
    return int(client.ttl(name))


def test_a_revoked_chain_stays_revoked_while_a_later_link_lives(client, user, denylist, frozen):
    token1 = obtain(client)  # exp START + 300
    frozen.shift(200)
    token2 = client.post(routes.REFRESH, {"token": token1}, format="json").data[
        "token"
    ]  # exp + 500
    frozen.shift(10)
    assert post(client, routes.LOGOUT, token1).status_code == 204

    if denylist.alias == "redis":
        # Redis keeps real time: the entry must outlive token2 (290 s from now).
        assert _redis_ttl(denylist, f"t:{decode(token1)['jti']}") >= 290
        return
    _let_time_pass(denylist, frozen, 190)  # START + 400: token1 has expired, token2 has not
    response = get(client, token2)
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    response = client.post(routes.REFRESH, {"token": token2}, format="json")
    assert response.status_code == 400


def test_a_revoked_token_stays_revoked_within_the_leeway(client, user, denylist, frozen):
    denylist.configure(JWT_LEEWAY=60)
    token = obtain(client)  # exp START + 300, accepted until START + 360
    assert post(client, routes.LOGOUT, token).status_code == 204

    if denylist.alias == "redis":
        assert _redis_ttl(denylist, f"t:{decode(token)['jti']}") >= 360
        return
    _let_time_pass(denylist, frozen, 330)
    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}


def test_logout_sends_tokens_revoked(client, user, denylist, frozen):
    token = obtain(client)
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    tokens_revoked.connect(receiver, weak=False)
    try:
        post(client, routes.LOGOUT, token)
    finally:
        tokens_revoked.disconnect(receiver)

    assert [(call["user"], call["kind"], call["reason"]) for call in calls] == [
        (user, "token", "logout")
    ]


# ----------------------------------------------------------------------------------------------
# Logout everywhere


def test_logout_all_revokes_every_token_of_the_user(client, user, other_user, denylist, frozen):
    first = obtain(client)
    frozen.shift(60)
    second = obtain(client)
    theirs = obtain(client, "other")
    frozen.shift(60)

    response = post(client, routes.LOGOUT_ALL, second)

    assert response.status_code == 204
    assert_revoked(client, first)
    assert_revoked(client, second)
    assert_accepted(client, theirs, "other")


def test_a_login_right_after_logout_all_works(client, user, denylist, time_machine):
    time_machine.move_to(START, tick=False)
    old = obtain(client)
    # A cutoff inside a second: tokens issued in that second (iat is whole seconds) survive it.
    time_machine.move_to(START + dt.timedelta(seconds=10, milliseconds=700), tick=False)
    assert post(client, routes.LOGOUT_ALL, old).status_code == 204

    new = obtain(client)

    assert decode(new)["iat"] == int((START + dt.timedelta(seconds=10)).timestamp())
    assert_accepted(client, new)
    assert_revoked(client, old)
    time_machine.shift(3600)
    new_later = obtain(client)
    assert_accepted(client, new_later)


def test_logout_all_revokes_the_presenting_token_even_in_the_cutoff_second(
    client, user, denylist, frozen
):
    # Documented precision: a token issued in the same second as the cutoff survives it,
    # except the token that asked for the logout, which is revoked by its own id.
    presenting = obtain(client)
    sibling = obtain(client)

    assert post(client, routes.LOGOUT_ALL, presenting).status_code == 204

    assert_revoked(client, presenting)
    assert_accepted(client, sibling)


def test_logout_all_ends_every_session_even_its_tokens_of_the_cutoff_second(
    client, user, denylist, frozen
):
    # In refresh-token mode each session ends with its own entry, as a logout does: an access
    # token of another session, issued in the second of the cutoff, is refused with its
    # session (a classic token of that second survives, above). So is a token that a rotation
    # under way when the cutoff came issues after it (tests/test_concurrency.py).
    denylist.configure(JWT_REFRESH_TOKENS=True)
    presenting = obtain(client)
    response = client.post(
        routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json"
    )
    sibling, sibling_refresh = response.data["token"], response.data["refresh_token"]
    assert_accepted(client, sibling)

    assert post(client, routes.LOGOUT_ALL, presenting).status_code == 204

    refused = get(client, sibling)
    assert (refused.status_code, refused.data) == (
        401,
        {"detail": REVOKED, "code": "token_revoked"},
    )
    refreshed = client.post(routes.REFRESH, {"refresh_token": sibling_refresh}, format="json")
    assert (refreshed.status_code, refreshed.data["code"]) == (400, "token_revoked")
    # A login right after still works: it starts a session of its own.
    assert_accepted(client, obtain(client))


@pytest.mark.parametrize("allow_refresh", [True, False])
def test_a_login_after_logout_all_works_with_1x_shaped_payloads(
    client, user, denylist, frozen, allow_refresh
):
    # JWT_PAYLOAD_INCLUDE_IAT off and JWT_TOKEN_ID "off" give 1.x byte-compatible payloads;
    # the user must still be able to log in again after "log out everywhere".
    denylist.configure(
        JWT_PAYLOAD_INCLUDE_IAT=False, JWT_TOKEN_ID="off", JWT_ALLOW_REFRESH=allow_refresh
    )
    old = obtain(client)
    assert "iat" not in decode(old)
    frozen.shift(60)
    assert post(client, routes.LOGOUT_ALL, old).status_code == 204
    frozen.shift(60)

    new = obtain(client)

    assert_accepted(client, new)
    assert get(client, old).status_code == 401


def test_a_login_after_a_password_change_works_with_1x_shaped_payloads(
    client, user, denylist, frozen
):
    denylist.configure(JWT_PAYLOAD_INCLUDE_IAT=False, JWT_TOKEN_ID="off", JWT_ALLOW_REFRESH=False)
    old = obtain(client)
    frozen.shift(60)
    user.set_password("a new password")
    user.save()
    frozen.shift(60)

    new = obtain(client, password="a new password")

    assert_accepted(client, new)
    assert get(client, old).status_code == 401


def test_logout_all_needs_an_authenticated_user(client, user, denylist, frozen):
    response = post(client, routes.LOGOUT_ALL)

    assert response.status_code == 401
    assert Revocation.objects.count() == 0


def test_logout_all_with_a_revoked_token_is_refused(client, user, denylist, frozen):
    token = obtain(client)
    post(client, routes.LOGOUT, token)

    response = post(client, routes.LOGOUT_ALL, token)

    assert response.status_code == 401
    assert response.data["code"] == "token_revoked"


def test_logout_all_revokes_the_refresh_token_sessions(client, user, denylist, frozen):
    denylist.configure(JWT_REFRESH_TOKENS=True)
    pair = client.post(
        routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json"
    ).data
    frozen.shift(60)

    assert post(client, routes.LOGOUT_ALL, pair["token"]).status_code == 204

    family = TokenFamily.objects.get(user=user)
    assert family.revoked_at is not None
    assert family.revoke_reason == "logout_all"
    response = client.post(routes.REFRESH, {"refresh_token": pair["refresh_token"]}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "token_revoked"


# ----------------------------------------------------------------------------------------------
# Password changes, deactivation, deleted users


def test_a_password_change_revokes_earlier_tokens(client, user, other_user, denylist, frozen):
    token = obtain(client)
    theirs = obtain(client, "other")
    frozen.shift(60)

    user.set_password("a new password")
    user.save()

    assert_revoked(client, token)
    assert_accepted(client, theirs, "other")
    frozen.shift(1)
    assert_accepted(client, obtain(client, password="a new password"))


def test_a_token_issued_right_after_a_password_change_works(client, user, denylist, frozen):
    # The usual "change password, hand out a fresh token" view: both in the same second. The
    # pwv claim already tells the old tokens from the new one.
    old = obtain(client)
    frozen.shift(60)

    user.set_password("a new password")
    user.save()
    fresh = utils.jwt_encode_handler(utils.jwt_payload_handler(user))

    assert_accepted(client, fresh)
    assert_revoked(client, old)


def test_the_password_claim_alone_catches_a_change_that_sends_no_signal(
    client, user, denylist, frozen
):
    token = obtain(client)
    # A queryset update() sends no post_save: only the pwv claim can notice it.
    get_user_model().objects.filter(pk=user.pk).update(password=make_password("changed"))

    assert_revoked(client, token)
    assert Revocation.objects.count() == 0


def test_the_password_claim_works_without_the_app(client, user, frozen, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True, "JWT_RESPONSE_ERROR_CODES": True}
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        assert not revocation.available()
        token = obtain(client)
        assert "pwv" in decode(token)
        assert_accepted(client, token)

        user.set_password("a new password")
        user.save()

        assert_revoked(client, token)
        assert_accepted(client, obtain(client, password="a new password"))


def test_the_password_claim_is_not_the_password_hash(user, settings):
    settings.JWT_AUTH = {}
    payload = utils.jwt_payload_handler(user)
    claim = payload["pwv"]

    assert re.fullmatch(r"[0-9a-f]{16}", claim)
    assert claim not in user.password
    # Not a plain digest of the hash either: it is keyed by the server's secret.
    for algorithm in ("md5", "sha1", "sha256", "sha512"):
        for text in (user.password, f"{user.pk}:{user.password}"):
            assert claim not in hashlib.new(algorithm, text.encode()).hexdigest()
    with override_settings(SECRET_KEY="another-secret-key-that-is-long-enough-0123456789"):
        assert utils.jwt_payload_handler(user)["pwv"] != claim


def test_the_password_claim_is_stable_while_nothing_changes(client, user, denylist, frozen):
    first = obtain(client)
    frozen.shift(60)
    second = obtain(client)
    user.first_name = "Ada"
    user.save()
    user.refresh_from_db()

    assert decode(first)["pwv"] == decode(second)["pwv"]
    assert utils.jwt_payload_handler(user)["pwv"] == decode(first)["pwv"]
    assert_accepted(client, first)
    assert_accepted(client, second)


def test_the_password_claim_differs_between_users_with_the_same_password(user, other_user):
    assert utils.jwt_payload_handler(user)["pwv"] != utils.jwt_payload_handler(other_user)["pwv"]


def test_the_same_password_set_again_still_revokes(client, user, denylist, frozen):
    # A new salt makes a new hash: setting the same password is a change.
    token = obtain(client)
    frozen.shift(60)
    user.set_password("abc123")
    user.save()

    assert_revoked(client, token)


def test_a_secret_key_rotation_with_a_fallback_keeps_the_password_claim(
    client, user, frozen, settings
):
    old_secret = django_settings.SECRET_KEY
    # The tokens are signed with their own key, so only the pwv HMAC depends on SECRET_KEY.
    settings.JWT_AUTH = {
        "JWT_SECRET_KEY": "a-separate-jwt-signing-key-of-enough-length-0123456789",
        "JWT_RESPONSE_ERROR_CODES": True,
    }
    token = obtain(client)

    settings.SECRET_KEY = "the-new-django-secret-key-that-is-long-enough-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert_accepted(client, token)
    fresh = obtain(client)
    assert decode_with(fresh)["pwv"] != decode_with(token)["pwv"]
    assert_accepted(client, fresh)

    settings.SECRET_KEY_FALLBACKS = []
    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}


def decode_with(token: str, key="a-separate-jwt-signing-key-of-enough-length-0123456789") -> dict:
    return jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})


def test_revoke_on_password_change_off_issues_no_password_claim(client, user, settings, frozen):
    settings.JWT_AUTH = {"JWT_REVOKE_ON_PASSWORD_CHANGE": False}
    token = obtain(client)

    assert "pwv" not in decode(token)
    assert "pwv" not in utils.jwt_payload_handler(user)


def test_revoke_on_password_change_off_keeps_tokens_across_a_password_change(
    client, user, denylist, frozen
):
    denylist.configure(JWT_REVOKE_ON_PASSWORD_CHANGE=False)
    token = obtain(client)
    frozen.shift(60)

    user.set_password("a new password")
    user.save()

    assert_accepted(client, token)


def test_a_token_with_a_password_claim_is_not_checked_when_the_setting_is_off(
    client, user, settings, frozen
):
    settings.JWT_AUTH = {}
    token = obtain(client)
    get_user_model().objects.filter(pk=user.pk).update(password=make_password("changed"))
    settings.JWT_AUTH = {"JWT_REVOKE_ON_PASSWORD_CHANGE": False}

    assert_accepted(client, token)


def test_a_token_without_a_password_claim_is_accepted(client, user, settings, frozen):
    # A 1.x token carries no pwv: it keeps working.
    settings.JWT_AUTH = {"JWT_REVOKE_ON_PASSWORD_CHANGE": False}
    token = obtain(client)
    settings.JWT_AUTH = {}

    assert_accepted(client, token)


def test_a_password_claim_that_is_not_a_string_is_refused(client, user, settings, frozen):
    settings.JWT_AUTH = {}
    payload = utils.jwt_payload_handler(user)
    payload["pwv"] = 12345
    token = utils.jwt_encode_handler(payload)

    response = get(client, token)

    assert response.status_code == 401


def test_deactivation_revokes_earlier_tokens_for_good(client, user, denylist, frozen):
    token = obtain(client)
    frozen.shift(60)

    user.is_active = False
    user.save()
    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": "User account is disabled.", "code": "user_inactive"}

    frozen.shift(60)
    user.is_active = True
    user.save()
    assert_revoked(client, token)
    assert_accepted(client, obtain(client))


def test_deactivation_is_recorded_with_its_reason(user, denylist, frozen):
    user.is_active = False
    user.save()

    if denylist.kind == "database":
        row = Revocation.objects.get()
        assert (row.key, row.kind, row.user, row.reason) == (
            f"u:{user.pk}",
            "user",
            user,
            "deactivated",
        )
        # Strict: the cutoff covers the whole current second.
        assert row.not_before == START + dt.timedelta(seconds=1)
    else:
        assert list(denylist.cache_items()) == [f"rest_framework_jwt:revoked:u:{user.pk}"]


def test_saving_an_unchanged_user_revokes_nothing(client, user, denylist, frozen):
    token = obtain(client)
    user.last_name = "Lovelace"
    user.save()

    assert_accepted(client, token)
    assert Revocation.objects.count() == 0


def test_a_deleted_user_is_refused_everywhere_without_a_500(client, user, denylist, frozen):
    token = obtain(client)
    post(client, routes.LOGOUT, obtain(client))  # leaves a revocation row pointing at the user
    user_pk = user.pk
    user.delete()

    response = get(client, token)
    assert response.status_code == 401
    assert response.data == {"detail": "Invalid signature.", "code": "user_not_found"}
    for path in (routes.VERIFY, routes.REFRESH):
        response = client.post(path, {"token": token}, format="json")
        assert response.status_code == 400, path
        assert response.data == {
            "non_field_errors": ["User doesn't exist."],
            "code": "user_not_found",
        }
    response = post(client, routes.LOGOUT, token)
    assert response.status_code == 401
    response = post(client, routes.LOGOUT, data={"token": token})
    assert response.status_code == 400
    response = post(client, routes.LOGOUT_ALL, token)
    assert response.status_code == 401
    if denylist.kind == "database":
        # The logout row lost its user; the deletion added a cutoff for the user's pk.
        rows = {row.kind: row for row in Revocation.objects.all()}
        assert set(rows) == {"token", "user"}
        assert rows["token"].user is None
        assert (rows["user"].key, rows["user"].user, rows["user"].reason) == (
            f"u:{user_pk}",
            None,
            "deleted",
        )


def test_deleting_a_user_with_sessions_works(client, user, denylist, frozen):
    denylist.configure(JWT_REFRESH_TOKENS=True)
    pair = client.post(
        routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json"
    ).data
    post(client, routes.LOGOUT_ALL, pair["token"])

    user.delete()

    assert TokenFamily.objects.count() == 0
    response = client.post(routes.REFRESH, {"refresh_token": pair["refresh_token"]}, format="json")
    assert response.status_code == 400


# ----------------------------------------------------------------------------------------------
# The request path


def _writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
    ]


def _revocation_lookups(queries) -> list[str]:
    return [query["sql"] for query in queries if "blacklist_revocation" in query["sql"]]


class CustomLookupAuthentication(JSONWebTokenAuthentication):
    """A subclass that finds users its own way: the user query and the revocation check run
    separately (the ORM path)."""

    def authenticate_credentials(self, payload):
        return super().authenticate_credentials(payload)


def _store_some_state(client, frozen) -> str:
    """Revocations of another user and a cutoff for "admin" that the returned token outlives."""
    post(client, routes.LOGOUT, obtain(client, "other"))
    frozen.shift(60)
    post(client, routes.LOGOUT_ALL, obtain(client))
    frozen.shift(60)
    return obtain(client)


def test_authentication_costs_one_query_and_one_revocation_lookup(
    client, user, other_user, denylist, frozen
):
    token = _store_some_state(client, frozen)

    with CaptureQueriesContext(connection) as queries:
        assert_accepted(client, token)

    # Database: the user row and the revocation lookup in one statement. Cache: the user query
    # and one get_many.
    assert len(queries) == 1, [query["sql"] for query in queries]
    lookups = _revocation_lookups(queries.captured_queries)
    assert len(lookups) == (1 if denylist.kind == "database" else 0)
    assert _writes(queries.captured_queries) == []


def test_refusing_a_revoked_token_costs_the_same(client, user, denylist, frozen):
    token = obtain(client)
    post(client, routes.LOGOUT, token)

    with CaptureQueriesContext(connection) as queries:
        assert get(client, token).status_code == 401

    assert len(queries) == 1
    assert len(_revocation_lookups(queries.captured_queries)) == (
        1 if denylist.kind == "database" else 0
    )
    assert _writes(queries.captured_queries) == []


def test_a_cutoff_refuses_through_the_fused_query(client, user, denylist, frozen):
    token = obtain(client)
    frozen.shift(60)
    post(client, routes.LOGOUT_ALL, obtain(client))

    with CaptureQueriesContext(connection) as queries:
        response = get(client, token)

    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    assert len(queries) == 1


def test_the_orm_path_costs_the_user_query_and_one_lookup(
    client, user, other_user, denylist, frozen
):
    token = _store_some_state(client, frozen)
    revoked = obtain(client)
    post(client, routes.LOGOUT, revoked)
    request = Request(APIRequestFactory().get(routes.PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}"))

    with CaptureQueriesContext(connection) as queries:
        assert CustomLookupAuthentication().authenticate(request) == (user, token)

    assert len(queries) == (2 if denylist.kind == "database" else 1)
    assert len(_revocation_lookups(queries.captured_queries)) == (
        1 if denylist.kind == "database" else 0
    )
    assert _writes(queries.captured_queries) == []
    request = Request(
        APIRequestFactory().get(routes.PROTECTED, HTTP_AUTHORIZATION=f"JWT {revoked}")
    )
    with pytest.raises(AuthenticationFailed) as caught:
        CustomLookupAuthentication().authenticate(request)
    assert caught.value.detail["code"] == "token_revoked"


def test_authentication_without_the_app_costs_one_query(client, user, settings, frozen):
    settings.JWT_AUTH = {}
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        token = obtain(client)
        with CaptureQueriesContext(connection) as queries:
            assert_accepted(client, token)

    assert len(queries) == 1
    assert _revocation_lookups(queries.captured_queries) == []


def test_verify_applies_the_same_check_without_writing(client, user, denylist, frozen):
    token = obtain(client)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(routes.VERIFY, {"token": token}, format="json")

    assert response.status_code == 200
    assert _writes(queries.captured_queries) == []
    assert len(_revocation_lookups(queries.captured_queries)) <= 1


# ----------------------------------------------------------------------------------------------
# What the store holds


UUID_SHAPE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KEY_SHAPE = re.compile(rf"t:{UUID_SHAPE}|d:[0-9a-f]{{64}}|u:\d+|f:{UUID_SHAPE}")


def _pieces(token: str) -> list[str]:
    header, payload, signature = token.split(".")
    return [token, signature, payload, f"{header}.{payload}"]


def test_the_database_never_holds_a_raw_token(client, user, settings, frozen):
    settings.JWT_AUTH = {}
    with_id = obtain(client)
    settings.JWT_AUTH = {"JWT_TOKEN_ID": "off"}
    frozen.shift(1)
    without_id = obtain(client)

    post(client, routes.LOGOUT, with_id)
    post(client, routes.LOGOUT, without_id)

    rows = list(Revocation.objects.values_list("key", "reason"))
    assert sorted(key for key, _ in rows) == sorted(
        [
            f"t:{decode(with_id)['jti']}",
            "d:" + hashlib.sha256(without_id.rpartition(".")[0].encode()).hexdigest(),
        ]
    )
    for key, reason in rows:
        assert KEY_SHAPE.fullmatch(key), key
        for piece in _pieces(with_id) + _pieces(without_id):
            assert piece not in key
            assert piece not in reason


@pytest.mark.parametrize("alias", [name for name in BACKENDS if name != "database"])
def test_the_cache_never_holds_a_raw_token(client, user, settings, frozen, alias):
    backend = Denylist(alias, settings)
    try:
        token = obtain(client)
        post(client, routes.LOGOUT, token)
        items = backend.cache_items()
        assert list(items) == [f"rest_framework_jwt:revoked:t:{decode(token)['jti']}"]
        stored = " ".join(f"{key} {value!r}" for key, value in items.items())
        for piece in _pieces(token):
            assert piece not in stored
        # The entry lives as long as the token or a token refreshed from it: this one has
        # orig_iat (JWT_ALLOW_REFRESH), so the refresh window plus one lifetime.
        lifetime = 7 * 24 * 3600 + 300
        if backend.alias == "redis":
            client_ = backend.cache._cache.get_client(None, write=False)
            (name,) = client_.scan_iter(match=f"{backend.prefix}:*")
            assert lifetime - 10 <= client_.ttl(name) <= lifetime
        else:
            (name,) = backend.cache._expire_info
            assert backend.cache._expire_info[name] == pytest.approx(START.timestamp() + lifetime)
    finally:
        backend.cleanup()


def test_revocation_rows_carry_expiry_user_and_reason(client, user, settings, frozen):
    settings.JWT_AUTH = {}
    token = obtain(client)

    post(client, routes.LOGOUT, token)

    row = Revocation.objects.get()
    assert (row.kind, row.user, row.reason, row.not_before) == ("token", user, "logout", None)
    assert row.expires_at == START + dt.timedelta(seconds=300)


# ----------------------------------------------------------------------------------------------
# Without the app


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", routes.LOGOUT),
        ("post", routes.LOGOUT_ALL),
        ("get", routes.SESSIONS),
        ("post", routes.REVOKE_OTHERS),
        ("delete", f"{routes.SESSIONS}0b7e5a3c-9d51-4f6a-8c2e-1f4d6b8a9c70/"),
    ],
)
def test_the_endpoints_answer_501_without_the_app(client, user, settings, method, path):
    settings.JWT_AUTH = {}
    token = obtain(client)
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        for headers in ({"HTTP_AUTHORIZATION": f"JWT {token}"}, {}):
            response = getattr(client, method)(path, {}, format="json", **headers)

            assert response.status_code == 501
            assert response.data["detail"].code == "revocation_unavailable"
            assert APP in str(response.data["detail"])


def test_revocation_functions_say_the_app_is_missing(user, settings):
    settings.JWT_AUTH = {}
    with (
        override_settings(INSTALLED_APPS=WITHOUT_APP),
        pytest.raises(revocation.RevocationUnavailable) as caught,
    ):
        revocation.revoke_user(user)
    assert caught.value.code == "revocation_unavailable"
    assert APP in str(caught.value)


@pytest.mark.parametrize(
    "jwt_auth",
    [
        {"JWT_REFRESH_TOKENS": True},
        {"JWT_DENYLIST_BACKEND": "cache"},
        {"JWT_REFRESH_GRACE_PERIOD": dt.timedelta(seconds=5)},
    ],
)
def test_check_e008_when_revocation_settings_lack_the_app(settings, jwt_auth):
    settings.JWT_AUTH = jwt_auth
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        messages = checks.check_settings()

    errors = [message for message in messages if message.id == "rest_framework_jwt.E008"]
    assert len(errors) == 1
    assert isinstance(errors[0], Error)
    assert next(iter(jwt_auth)) in errors[0].msg
    assert APP in errors[0].hint


def test_no_e008_with_the_app_or_without_the_settings(settings):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True}
    assert [m.id for m in checks.check_settings() if m.id == "rest_framework_jwt.E008"] == []
    settings.JWT_AUTH = {}
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        assert [m.id for m in checks.check_settings() if m.id == "rest_framework_jwt.E008"] == []
