"""Refresh-token mode (JWT_REFRESH_TOKENS): obtain answers an access/refresh pair, the refresh
endpoint rotates it, a consumed refresh token presented again revokes its whole family (unless it
comes within JWT_REFRESH_GRACE_PERIOD), and the two token types cannot stand in for each other.
With the mode off, the classic 1.x single-token refresh is unchanged."""

from __future__ import annotations

import datetime as dt
import uuid

import jwt
import pytest
from django.contrib.auth import get_user_model

from rest_framework_jwt import utils
from rest_framework_jwt.blacklist.models import RefreshToken, TokenFamily
from rest_framework_jwt.signals import refresh_token_reused
from tests.helpers import START, capture

OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"
PROTECTED = "/protected/"
EPOCH = int(START.timestamp())
CREDENTIALS = {"username": "admin", "password": "abc123"}

REUSED = "Refresh token has already been used."


def claims_of(token: str) -> dict:
    """The payload of ``token`` without any check (the tests look at what was issued)."""
    return jwt.decode(token, options={"verify_signature": False})


def code_400(response) -> str:
    assert response.status_code == 400, response.content
    return response.data["non_field_errors"][0].code


def code_401(response) -> str:
    assert response.status_code == 401, response.content
    return response.data["detail"].code


def login(client, **extra):
    response = client.post(OBTAIN, CREDENTIALS, format="json", **extra)
    assert response.status_code in (200, 201), response.content
    return response


def rotate(client, refresh_token: str, field: str = "refresh_token"):
    return client.post(REFRESH, {field: refresh_token}, format="json")


def call_protected(client, token: str, prefix: str = "JWT"):
    return client.get(PROTECTED, HTTP_AUTHORIZATION=f"{prefix} {token}")


@pytest.fixture
def mode(settings):
    """Turn refresh-token mode on; call it again with more JWT_AUTH keys to add them."""

    def configure(**extra):
        settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, **extra}

    configure()
    return configure


@pytest.fixture
def pair(client, user, mode, frozen):
    """A first login in refresh-token mode: its response data."""
    return login(client).data


# --- obtain -------------------------------------------------------------------------------


def test_obtain_answers_an_access_token_and_a_refresh_token(client, user, mode, frozen):
    response = login(client, HTTP_USER_AGENT="pytest-agent/1.0")
    assert response.status_code == 200
    assert set(response.data) == {"token", "refresh_token"}
    assert response["Cache-Control"] == "no-store"

    access = claims_of(response.data["token"])
    refresh = claims_of(response.data["refresh_token"])
    assert access["token_type"] == "access"
    assert refresh["token_type"] == "refresh"
    assert access["fam"] == refresh["fam"]
    assert access["exp"] == EPOCH + 300
    assert refresh["exp"] == EPOCH + 7 * 24 * 3600
    assert "orig_iat" not in access
    assert "orig_iat" not in refresh
    assert access["jti"] != refresh["jti"]
    assert access["user_id"] == refresh["user_id"] == user.pk

    family = TokenFamily.objects.get()
    assert str(family.pk) == access["fam"]
    assert family.user == user
    assert family.revoked_at is None
    assert family.user_agent == "pytest-agent/1.0"
    assert family.ip_address == "127.0.0.1"
    stored = RefreshToken.objects.get()
    assert stored.jti == refresh["jti"]
    assert stored.family == family
    assert stored.consumed_at is None
    assert stored.expires_at == START + dt.timedelta(days=7)


def test_obtain_in_fork_mode_answers_201_with_pk(client, user, mode, frozen):
    mode(JWT_COMPAT="drf-jwt")
    response = login(client)
    assert response.status_code == 201
    assert set(response.data) == {"pk", "token", "refresh_token"}
    assert response.data["pk"] == EPOCH == claims_of(response.data["token"])["iat"]
    assert claims_of(response.data["refresh_token"])["token_type"] == "refresh"
    assert call_protected(client, response.data["token"], "Bearer").status_code == 200


def test_each_login_starts_a_new_family(client, user, mode, frozen):
    first = login(client).data
    second = login(client).data
    assert claims_of(first["token"])["fam"] != claims_of(second["token"])["fam"]
    assert TokenFamily.objects.filter(user=user).count() == 2
    assert {str(pk) for pk in TokenFamily.objects.values_list("pk", flat=True)} == {
        claims_of(first["refresh_token"])["fam"],
        claims_of(second["refresh_token"])["fam"],
    }
    # Both sessions rotate independently.
    assert rotate(client, first["refresh_token"]).status_code == 200
    assert rotate(client, second["refresh_token"]).status_code == 200


# --- types -------------------------------------------------------------------------------


def test_the_access_token_authenticates(client, pair):
    response = call_protected(client, pair["token"])
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_the_refresh_token_is_refused_by_authentication(client, pair):
    response = call_protected(client, pair["refresh_token"])
    assert code_401(response) == "token_type_invalid"
    assert response.data["detail"] == "Wrong token type."
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


def test_verify_accepts_the_access_token_and_refuses_the_refresh_token(client, pair):
    assert client.post(VERIFY, {"token": pair["token"]}, format="json").status_code == 200
    response = client.post(VERIFY, {"token": pair["refresh_token"]}, format="json")
    assert code_400(response) == "token_type_invalid"
    assert RefreshToken.objects.get().consumed_at is None


@pytest.mark.parametrize("field", ["refresh_token", "token"])
def test_an_access_token_cannot_be_used_to_refresh(client, pair, field):
    response = rotate(client, pair["token"], field)
    assert code_400(response) == "token_type_invalid"
    assert response.data["non_field_errors"] == ["Wrong token type."]
    # Nothing was consumed or revoked: the real refresh token still rotates.
    assert RefreshToken.objects.get().consumed_at is None
    assert rotate(client, pair["refresh_token"]).status_code == 200
    assert TokenFamily.objects.get().revoked_at is None


# --- rotation ----------------------------------------------------------------------------


def test_refresh_answers_a_new_pair_and_consumes_the_old_refresh_token(client, pair, frozen):
    frozen.shift(60)
    response = rotate(client, pair["refresh_token"])
    assert response.status_code == 200, response.content
    assert set(response.data) == {"token", "refresh_token"}
    assert response["Cache-Control"] == "no-store"
    assert response.data["token"] != pair["token"]
    assert response.data["refresh_token"] != pair["refresh_token"]

    old, new = claims_of(pair["refresh_token"]), claims_of(response.data["refresh_token"])
    access = claims_of(response.data["token"])
    assert access["token_type"] == "access"
    assert new["token_type"] == "refresh"
    assert access["fam"] == new["fam"] == old["fam"]
    assert new["jti"] != old["jti"]
    assert access["exp"] == EPOCH + 60 + 300
    assert new["exp"] == EPOCH + 60 + 7 * 24 * 3600

    now = START + dt.timedelta(seconds=60)
    assert RefreshToken.objects.get(jti=old["jti"]).consumed_at == now
    assert RefreshToken.objects.get(jti=new["jti"]).consumed_at is None
    family = TokenFamily.objects.get()
    assert family.last_used_at == now
    assert family.revoked_at is None

    assert call_protected(client, response.data["token"]).status_code == 200
    assert rotate(client, response.data["refresh_token"]).status_code == 200


def test_the_refresh_token_may_be_posted_as_token(client, pair):
    response = rotate(client, pair["refresh_token"], field="token")
    assert response.status_code == 200, response.content
    assert set(response.data) == {"token", "refresh_token"}


def test_refresh_without_a_token_is_a_field_error(client, pair):
    response = client.post(REFRESH, {}, format="json")
    assert response.status_code == 400
    assert response.data == {"refresh_token": ["This field is required."]}
    assert RefreshToken.objects.get().consumed_at is None


def test_refresh_in_fork_mode_answers_201_with_pk(client, user, mode, frozen):
    mode(JWT_COMPAT="drf-jwt")
    first = login(client).data
    frozen.shift(10)
    response = rotate(client, first["refresh_token"])
    assert response.status_code == 201, response.content
    assert set(response.data) == {"pk", "token", "refresh_token"}
    assert response.data["pk"] == EPOCH + 10


def test_a_refresh_token_unknown_to_the_server_is_refused(client, pair):
    """A well-signed refresh token without its server-side record (never issued by rotation,
    or deleted) is refused, and the real one is untouched."""
    payload = {**claims_of(pair["refresh_token"]), "jti": str(uuid.uuid4())}
    response = rotate(client, utils.jwt_encode_handler(payload))
    assert code_400(response) == "token_revoked"
    assert RefreshToken.objects.get().consumed_at is None
    assert TokenFamily.objects.get().revoked_at is None


def test_a_refresh_token_naming_another_user_is_refused(client, pair, password):
    """Another user's token built around this family's jti: refused, and not consumed."""
    other = get_user_model().objects.create_user(username="other", password=password)
    forged = {
        **utils.jwt_payload_handler(other),
        "token_type": "refresh",
        "fam": claims_of(pair["refresh_token"])["fam"],
        "jti": claims_of(pair["refresh_token"])["jti"],
    }
    response = rotate(client, utils.jwt_encode_handler(forged))
    assert code_400(response) == "token_revoked"
    assert RefreshToken.objects.get().consumed_at is None
    assert rotate(client, pair["refresh_token"]).status_code == 200


# --- reuse detection ---------------------------------------------------------------------


def test_presenting_a_consumed_refresh_token_revokes_the_whole_family(client, user, pair, frozen):
    frozen.shift(5)
    second = rotate(client, pair["refresh_token"]).data
    frozen.shift(5)
    newest = rotate(client, second["refresh_token"]).data
    frozen.shift(5)

    with capture(refresh_token_reused) as calls:
        response = rotate(client, pair["refresh_token"])
    assert code_400(response) == "refresh_token_reused"
    assert response.data["non_field_errors"] == [REUSED]
    assert len(calls) == 1
    assert calls[0]["user"] == user
    assert calls[0]["family_id"] == claims_of(pair["refresh_token"])["fam"]
    assert calls[0]["request"] is not None

    family = TokenFamily.objects.get()
    assert family.revoked_at == START + dt.timedelta(seconds=15)
    assert family.revoke_reason == "refresh_reuse"

    # Every token of the family is refused, the newest ones included.
    for access in (pair["token"], second["token"], newest["token"]):
        assert code_401(call_protected(client, access)) == "token_revoked"
    assert code_400(rotate(client, newest["refresh_token"])) == "token_revoked"
    assert code_400(rotate(client, second["refresh_token"])) == "token_revoked"


def test_a_second_replay_is_refused_without_a_second_signal(client, pair):
    rotate(client, pair["refresh_token"])
    with capture(refresh_token_reused) as calls:
        assert code_400(rotate(client, pair["refresh_token"])) == "refresh_token_reused"
        assert code_400(rotate(client, pair["refresh_token"])) == "token_revoked"
    assert len(calls) == 1


def test_reuse_in_one_family_leaves_the_other_sessions_alone(client, pair):
    other = login(client).data
    rotate(client, pair["refresh_token"])
    assert code_400(rotate(client, pair["refresh_token"])) == "refresh_token_reused"

    assert call_protected(client, other["token"]).status_code == 200
    assert rotate(client, other["refresh_token"]).status_code == 200
    assert TokenFamily.objects.filter(revoked_at__isnull=True).count() == 1


def test_reuse_in_fork_mode_uses_the_fork_message(client, user, mode, frozen):
    mode(JWT_COMPAT="drf-jwt")
    first = login(client).data
    rotate(client, first["refresh_token"])
    response = rotate(client, first["refresh_token"])
    assert code_400(response) == "refresh_token_reused"
    assert response.data["non_field_errors"] == ["Token is blacklisted."]


# --- grace period ------------------------------------------------------------------------


@pytest.mark.parametrize("grace", [dt.timedelta(seconds=30), 30])
@pytest.mark.parametrize("delay", [0, 1, 29, 30])
def test_a_replay_within_the_grace_period_gets_the_same_successor(
    client, pair, mode, frozen, grace, delay
):
    """The client lost the answer and retries: it gets the refresh token it lost (the very
    same token), and a new access token. The family still has one refresh token to rotate."""
    mode(JWT_REFRESH_GRACE_PERIOD=grace)
    frozen.shift(10)
    first = rotate(client, pair["refresh_token"])
    assert first.status_code == 200
    frozen.shift(delay)

    with capture(refresh_token_reused) as calls:
        replay = rotate(client, pair["refresh_token"])
    assert replay.status_code == 200, replay.content
    assert set(replay.data) == {"token", "refresh_token"}
    assert replay.data["refresh_token"] == first.data["refresh_token"]
    assert replay.data["token"] != first.data["token"]
    assert claims_of(replay.data["token"])["fam"] == claims_of(pair["token"])["fam"]
    assert calls == []

    # Nothing was revoked, and no second chain was started.
    assert TokenFamily.objects.get().revoked_at is None
    for answer in (first.data, replay.data):
        assert call_protected(client, answer["token"]).status_code == 200
    assert RefreshToken.objects.filter(consumed_at__isnull=True).count() == 1
    assert (
        RefreshToken.objects.get(jti=claims_of(pair["refresh_token"])["jti"]).replaced_by
        == (claims_of(first.data["refresh_token"])["jti"])
    )
    assert rotate(client, replay.data["refresh_token"]).status_code == 200


@pytest.mark.parametrize("first_holder", ["original", "replay"])
def test_after_a_graced_replay_whichever_copy_rotates_second_is_a_reuse(
    client, user, pair, mode, frozen, first_holder
):
    """Two parties hold the successor now (the one who got the first answer and the one who
    replayed). One rotates it; when the other rotates its copy later, that is a reuse: the
    family is revoked, the newest tokens with it."""
    mode(JWT_REFRESH_GRACE_PERIOD=30)
    frozen.shift(10)
    original = rotate(client, pair["refresh_token"]).data
    frozen.shift(5)
    replay = rotate(client, pair["refresh_token"]).data
    copies = {"original": original, "replay": replay}
    second_holder = "replay" if first_holder == "original" else "original"

    frozen.shift(60)
    newest = rotate(client, copies[first_holder]["refresh_token"])
    assert newest.status_code == 200
    frozen.shift(31)
    with capture(refresh_token_reused) as calls:
        late = rotate(client, copies[second_holder]["refresh_token"])
    assert code_400(late) == "refresh_token_reused"
    assert len(calls) == 1
    assert TokenFamily.objects.get().revoke_reason == "refresh_reuse"
    assert code_400(rotate(client, newest.data["refresh_token"])) == "token_revoked"
    assert code_401(call_protected(client, newest.data["token"])) == "token_revoked"


def test_a_replay_after_the_successor_was_rotated_is_a_reuse(client, pair, mode, frozen):
    """Within the grace period of R0, but its successor R1 has been rotated already: whoever
    replays R0 did not lose R1's answer (R1 was used), so two parties hold the chain."""
    mode(JWT_REFRESH_GRACE_PERIOD=30)
    second = rotate(client, pair["refresh_token"]).data
    frozen.shift(1)
    third = rotate(client, second["refresh_token"]).data
    frozen.shift(1)
    assert code_400(rotate(client, pair["refresh_token"])) == "refresh_token_reused"
    assert code_400(rotate(client, third["refresh_token"])) == "token_revoked"


def test_a_graced_replay_of_a_row_without_a_successor_is_a_reuse(client, pair, mode, frozen):
    """A row consumed before successors were recorded (migration 0006) cannot answer its
    successor again: the replay is treated as a reuse rather than starting a second chain."""
    mode(JWT_REFRESH_GRACE_PERIOD=30)
    rotate(client, pair["refresh_token"])
    RefreshToken.objects.filter(jti=claims_of(pair["refresh_token"])["jti"]).update(replaced_by="")
    assert code_400(rotate(client, pair["refresh_token"])) == "refresh_token_reused"
    assert TokenFamily.objects.get().revoke_reason == "refresh_reuse"


def test_the_stored_times_are_the_tokens_own(client, user, mode, frozen):
    """The successor is rebuilt from its row, so the row holds the token's iat and exp (whole
    seconds, also when the clock is not on one)."""
    frozen.shift(0.75)
    refresh = claims_of(login(client).data["refresh_token"])
    row = RefreshToken.objects.get()
    assert row.issued_at.timestamp() == refresh["iat"]
    assert row.expires_at.timestamp() == refresh["exp"]


@pytest.mark.parametrize("delay", [31, 3600])
def test_a_replay_after_the_grace_period_is_reuse(client, user, pair, mode, frozen, delay):
    mode(JWT_REFRESH_GRACE_PERIOD=dt.timedelta(seconds=30))
    frozen.shift(10)
    first = rotate(client, pair["refresh_token"]).data
    frozen.shift(delay)

    with capture(refresh_token_reused) as calls:
        replay = rotate(client, pair["refresh_token"])
    assert code_400(replay) == "refresh_token_reused"
    assert len(calls) == 1
    assert TokenFamily.objects.get().revoke_reason == "refresh_reuse"
    assert code_400(rotate(client, first["refresh_token"])) == "token_revoked"


def test_without_a_grace_period_an_immediate_replay_is_reuse(client, pair):
    rotate(client, pair["refresh_token"])
    assert code_400(rotate(client, pair["refresh_token"])) == "refresh_token_reused"


# --- expiry and user state ---------------------------------------------------------------


@pytest.mark.parametrize("delta", [dt.timedelta(hours=1), 3600])
@pytest.mark.parametrize(("elapsed", "accepted"), [(3599, True), (3601, False)])
def test_the_refresh_token_lives_jwt_refresh_expiration_delta(
    client, user, mode, frozen, delta, elapsed, accepted
):
    mode(JWT_REFRESH_EXPIRATION_DELTA=delta)
    first = login(client).data
    assert claims_of(first["refresh_token"])["exp"] == EPOCH + 3600
    frozen.shift(elapsed)
    # The access token died long ago (after 300 s); the refresh token is what counts.
    assert code_401(call_protected(client, first["token"])) == "token_expired"
    response = rotate(client, first["refresh_token"])
    if accepted:
        assert response.status_code == 200, response.content
        assert claims_of(response.data["refresh_token"])["exp"] == EPOCH + elapsed + 3600
    else:
        assert code_400(response) == "token_expired"
        assert RefreshToken.objects.get().consumed_at is None


def test_a_refresh_token_of_a_deactivated_user_is_refused(client, user, pair, frozen):
    frozen.shift(5)
    user.is_active = False
    user.save()
    assert code_400(rotate(client, pair["refresh_token"])) == "user_inactive"
    assert code_401(call_protected(client, pair["token"])) == "user_inactive"

    # Reactivating the account does not bring the old session back.
    frozen.shift(5)
    user.is_active = True
    user.save()
    assert code_400(rotate(client, pair["refresh_token"])) == "token_revoked"
    assert code_401(call_protected(client, pair["token"])) == "token_revoked"
    assert rotate(client, login(client).data["refresh_token"]).status_code == 200


def test_a_refresh_token_issued_before_a_password_change_is_refused(client, user, pair, frozen):
    frozen.shift(5)
    user.set_password("a-new-password")
    user.save()
    assert code_400(rotate(client, pair["refresh_token"])) == "token_revoked"
    assert code_401(call_protected(client, pair["token"])) == "token_revoked"
    assert RefreshToken.objects.get().consumed_at is None

    fresh = client.post(
        OBTAIN, {"username": "admin", "password": "a-new-password"}, format="json"
    ).data
    assert rotate(client, fresh["refresh_token"]).status_code == 200


def test_a_refresh_token_of_a_deleted_user_is_refused(client, user, pair):
    user.delete()
    assert code_400(rotate(client, pair["refresh_token"])) == "user_not_found"
    assert code_401(call_protected(client, pair["token"])) == "user_not_found"


# --- the classic refresh, mode off -------------------------------------------------------


@pytest.fixture
def classic(settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}


def test_classic_refresh_is_unchanged_when_the_mode_is_off(client, user, classic, frozen):
    response = login(client)
    assert set(response.data) == {"token"}
    token = response.data["token"]
    payload = claims_of(token)
    assert "token_type" not in payload
    assert "fam" not in payload
    assert payload["orig_iat"] == EPOCH

    frozen.shift(60)
    refreshed = client.post(REFRESH, {"token": token}, format="json")
    assert refreshed.status_code == 200, refreshed.content
    assert set(refreshed.data) == {"token"}
    new = claims_of(refreshed.data["token"])
    assert new["orig_iat"] == EPOCH
    assert new["exp"] == EPOCH + 60 + 300
    assert "token_type" not in new
    # The old token is not consumed: 1.x refresh is stateless.
    assert client.post(REFRESH, {"token": token}, format="json").status_code == 200
    assert not TokenFamily.objects.exists()
    assert not RefreshToken.objects.exists()


def test_classic_refresh_refuses_a_refresh_type_token(client, user, mode, settings):
    refresh_token = login(client).data["refresh_token"]
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    response = client.post(REFRESH, {"token": refresh_token}, format="json")
    assert code_400(response) == "token_type_invalid"
    assert response.data["non_field_errors"] == ["Wrong token type."]
    assert RefreshToken.objects.get().consumed_at is None


# --- transactions --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("compat", ["djangorestframework-jwt", "drf-jwt"])
def test_reuse_detection_survives_atomic_requests(client, user, mode, monkeypatch, compat):
    """With ATOMIC_REQUESTS every view runs in a transaction. Refusing the replay must not
    roll back the revocation of its family, in either mode (in drf-jwt mode the refusal is
    raised through DRF's exception handler, which marks that transaction for rollback).
    Transactional, so that the request's transaction is the outermost one, as in production."""
    from django.db import connection

    mode(JWT_COMPAT=compat)
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    first = login(client).data
    second = rotate(client, first["refresh_token"]).data

    assert code_400(rotate(client, first["refresh_token"])) == "refresh_token_reused"
    assert TokenFamily.objects.get().revoke_reason == "refresh_reuse"
    assert code_400(rotate(client, second["refresh_token"])) == "token_revoked"
    prefix = "Bearer" if compat == "drf-jwt" else "JWT"
    response = call_protected(client, second["token"], prefix)
    # drf-jwt answers 403 for a blacklisted token.
    assert response.status_code == (403 if compat == "drf-jwt" else 401), response.content
    assert response.data["detail"].code == "token_revoked"
