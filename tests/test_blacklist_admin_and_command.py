"""The revocation app's operator side: the Django admin (sessions, the "revoke" action), the
``delete_stale_tokens`` command, and drf-jwt's ``BlacklistView`` and ``IsNotBlacklisted``."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rest_framework_jwt import utils
from rest_framework_jwt.blacklist.management.commands import delete_stale_tokens as stale_command
from rest_framework_jwt.blacklist.models import RefreshToken, Revocation, TokenFamily
from rest_framework_jwt.blacklist.permissions import IsNotBlacklisted
from tests.helpers import START, decode

OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
PROTECTED = "/protected/"
LOGOUT = "/included/api-token-logout/"
BLACKLIST = "/blacklist/"
NOT_BLACKLISTED = "/not-blacklisted/"
FAMILIES = "/admin/blacklist/tokenfamily/"
REVOCATIONS = "/admin/blacklist/revocation/"
REVOKED = "Token has been revoked."

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/128.0", "REMOTE_ADDR": "10.0.0.1"}
PHONE = {"HTTP_USER_AGENT": "ExampleApp/3.2 (Android 14)", "REMOTE_ADDR": "10.0.0.2"}

urls = pytest.mark.urls("tests.urls_blacklist")


@pytest.fixture
def alice(db, password):
    # Not "admin": pytest-django's admin_user would pick up a user of that name.
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=password
    )


def login(client, username, headers=None) -> dict:
    response = client.post(
        OBTAIN, {"username": username, "password": "abc123"}, format="json", **(headers or {})
    )
    assert response.status_code == 200, response.data
    return response.data


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"JWT {token}"}


# ----------------------------------------------------------------------------------------------
# The Django admin


@pytest.fixture
def refresh_mode(settings):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}
    return settings


@urls
def test_the_sessions_changelist_lists_the_users_sessions(
    client, admin_client, alice, refresh_mode, frozen
):
    login(client, "alice", BROWSER)
    login(client, "alice", PHONE)

    response = admin_client.get(FAMILIES)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mozilla/5.0 Firefox/128.0" in page
    assert "ExampleApp/3.2 (Android 14)" in page
    assert "10.0.0.2" in page
    assert response.context["cl"].result_count == 2


@urls
def test_a_session_page_shows_its_refresh_tokens_by_id(
    client, admin_client, alice, refresh_mode, frozen
):
    pair = login(client, "alice", BROWSER)
    family = decode(pair["token"])["fam"]
    frozen.shift(60)
    rotated = client.post(REFRESH, {"refresh_token": pair["refresh_token"]}, format="json").data

    response = admin_client.get(f"{FAMILIES}{family}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert decode(pair["refresh_token"])["jti"] in page
    assert decode(rotated["refresh_token"])["jti"] in page
    assert pair["refresh_token"] not in page
    assert pair["refresh_token"].split(".")[2] not in page


@urls
def test_staff_cannot_add_sessions_by_hand(admin_client):
    assert admin_client.get(f"{FAMILIES}add/").status_code == 403


@urls
def test_the_revoke_action_ends_the_selected_sessions(
    client, admin_client, alice, refresh_mode, frozen
):
    browser = login(client, "alice", BROWSER)
    phone = login(client, "alice", PHONE)
    browser_family = decode(browser["token"])["fam"]
    phone_family = decode(phone["token"])["fam"]

    response = admin_client.post(
        FAMILIES, {"action": "revoke_sessions", "_selected_action": [phone_family]}
    )

    assert response.status_code == 302
    family = TokenFamily.objects.get(pk=phone_family)
    assert (family.revoked_at, family.revoke_reason) == (START, "admin")
    assert TokenFamily.objects.get(pk=browser_family).revoked_at is None
    response = client.get(PROTECTED, **auth(phone["token"]))
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    response = client.post(REFRESH, {"refresh_token": phone["refresh_token"]}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": [REVOKED], "code": "token_revoked"}
    assert client.get(PROTECTED, **auth(browser["token"])).status_code == 200


@urls
def test_the_revoke_action_leaves_already_ended_sessions_as_they_were(
    client, admin_client, alice, refresh_mode, frozen
):
    pair = login(client, "alice", BROWSER)
    family_id = decode(pair["token"])["fam"]
    assert client.post(LOGOUT, {}, format="json", **auth(pair["token"])).status_code == 204
    frozen.shift(60)

    admin_client.post(FAMILIES, {"action": "revoke_sessions", "_selected_action": [family_id]})

    family = TokenFamily.objects.get(pk=family_id)
    assert (family.revoked_at, family.revoke_reason) == (START, "logout")


@urls
def test_the_revocations_changelist_shows_keys_not_tokens(client, admin_client, alice, frozen):
    token = login(client, "alice")["token"]
    client.post(LOGOUT, {}, format="json", **auth(token))

    response = admin_client.get(REVOCATIONS)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"t:{decode(token)['jti']}" in page
    assert token not in page
    assert token.split(".")[2] not in page


@urls
def test_the_admin_is_for_staff_only(client, alice):
    client.force_login(alice)

    response = client.get(FAMILIES)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# ----------------------------------------------------------------------------------------------
# delete_stale_tokens


def _revocation(key: str, expires_at: dt.datetime, user=None) -> Revocation:
    return Revocation.objects.create(key=key, kind="token", user=user, expires_at=expires_at)


def _deletes(queries, table: str) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith("DELETE") and table in query["sql"]
    ]


def run(*args, stderr: io.StringIO | None = None) -> tuple[str, list[dict]]:
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("delete_stale_tokens", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue(), queries.captured_queries


def test_delete_stale_tokens_removes_only_expired_rows_in_batches(alice, frozen):
    for n in range(5):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=n + 1), alice)
    _revocation("t:live", START + dt.timedelta(seconds=1))
    _revocation("t:expires-now", START)

    output, queries = run("--batch-size", "2")

    assert output == "5 revocations, 0 refresh tokens, 0 sessions\n"
    assert sorted(Revocation.objects.values_list("key", flat=True)) == [
        "t:expires-now",
        "t:live",
    ]
    # 5 rows in batches of 2: three DELETE statements, none larger than a batch.
    deletes = _deletes(queries, "blacklist_revocation")
    assert len(deletes) == 3


def test_delete_stale_tokens_with_the_default_batch_size(alice, frozen):
    for n in range(5):
        _revocation(f"t:expired-{n}", START - dt.timedelta(days=1))

    output, queries = run()

    assert output == "5 revocations, 0 refresh tokens, 0 sessions\n"
    assert Revocation.objects.count() == 0
    assert len(_deletes(queries, "blacklist_revocation")) == 1


def test_delete_stale_tokens_with_nothing_to_do(db, frozen):
    _revocation("t:live", START + dt.timedelta(hours=1))

    output, queries = run("--batch-size", "2")

    assert output == "0 revocations, 0 refresh tokens, 0 sessions\n"
    assert [q for q in queries if q["sql"].lstrip().upper().startswith("DELETE")] == []
    assert Revocation.objects.count() == 1


def test_delete_stale_tokens_removes_expired_sessions_and_refresh_tokens(alice, frozen):
    old = TokenFamily.objects.create(user=alice, expires_at=START - dt.timedelta(days=1))
    live = TokenFamily.objects.create(user=alice, expires_at=START + dt.timedelta(days=1))
    for n in range(3):
        RefreshToken.objects.create(
            jti=f"old-{n}",
            family=old,
            issued_at=START - dt.timedelta(days=8),
            expires_at=START - dt.timedelta(days=1),
        )
    RefreshToken.objects.create(
        jti="consumed-in-live-family",
        family=live,
        issued_at=START - dt.timedelta(days=8),
        expires_at=START - dt.timedelta(days=1),
        consumed_at=START - dt.timedelta(days=7),
    )
    RefreshToken.objects.create(
        jti="live",
        family=live,
        issued_at=START,
        expires_at=START + dt.timedelta(days=1),
    )

    output, _ = run("--batch-size", "2")

    assert output == "0 revocations, 4 refresh tokens, 1 sessions\n"
    assert list(TokenFamily.objects.values_list("pk", flat=True)) == [live.pk]
    assert list(RefreshToken.objects.values_list("jti", flat=True)) == ["live"]


def test_delete_stale_tokens_keeps_what_protects_live_tokens(client, alice, settings, frozen):
    settings.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    token = login(client, "alice")["token"]
    client.post(LOGOUT, {}, format="json", **auth(token))
    # Kept while the token lives (it would be accepted again without it); deleted after.
    for seconds, deleted, code in [(299, 0, "token_revoked"), (2, 1, "token_expired")]:
        frozen.shift(seconds)
        output, _ = run()
        assert output == f"{deleted} revocations, 0 refresh tokens, 0 sessions\n"
        response = client.get(PROTECTED, **auth(token))
        assert response.status_code == 401
        assert response.data["code"] == code


@pytest.fixture
def ticking(monkeypatch):
    """The command's clock, moved one second forward each time the command reads it."""
    ticks = iter(range(1_000))
    monkeypatch.setattr(stale_command, "clock", lambda: float(next(ticks)))


def test_delete_stale_tokens_reports_each_batch_with_rate_and_time_left(alice, frozen, ticking):
    for n in range(5):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=n + 1))
    err = io.StringIO()

    output, _ = run("--batch-size", "2", stderr=err)

    # The clock reads 0 at the start, 1 when the table starts, then 2, 3, 4 after each batch.
    assert err.getvalue().splitlines() == [
        "revocations: 2 of 5 rows deleted (2 rows/s, about 2 s left)",
        "revocations: 4 of 5 rows deleted (2 rows/s, about 0 s left)",
        "revocations: 5 of 5 rows deleted (2 rows/s, about 0 s left)",
    ]
    assert output == "5 revocations, 0 refresh tokens, 0 sessions\n"


def test_delete_stale_tokens_progress_without_elapsed_time_claims_no_rate():
    progress = stale_command.Progress("sessions", total=3, started=5.0, done=1)

    assert progress.line(5.0) == "sessions: 1 of 3 rows deleted (rate unknown, time left unknown)"
    assert progress.line(6.0) == "sessions: 1 of 3 rows deleted (1 rows/s, about 2 s left)"


def test_delete_stale_tokens_is_quiet_with_verbosity_0(alice, frozen, ticking):
    for n in range(3):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=1))
    err = io.StringIO()

    output, _ = run("--batch-size", "2", "--verbosity", "0", stderr=err)

    assert (output, err.getvalue()) == ("", "")
    assert Revocation.objects.count() == 0


def test_delete_stale_tokens_time_limit_stops_with_rows_left_and_says_so(alice, frozen, ticking):
    for n in range(5):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=1))
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "delete_stale_tokens", "--batch-size", "2", "--time-limit", "2",
            stdout=out, stderr=io.StringIO(),
        )  # fmt: skip

    # The first batch ends at second 2 of the run: the limit, with 3 rows left.
    assert caught.value.returncode == stale_command.STOPPED_WITH_ROWS_LEFT == 3
    assert str(caught.value) == (
        "Stopped by --time-limit after 3 s with expired rows left "
        "(2 revocations, 0 refresh tokens, 0 sessions deleted); run the command again."
    )
    assert out.getvalue() == "2 revocations, 0 refresh tokens, 0 sessions\n"
    assert Revocation.objects.count() == 3

    output, _ = run("--batch-size", "2")
    assert output == "3 revocations, 0 refresh tokens, 0 sessions\n"
    assert Revocation.objects.count() == 0


def test_delete_stale_tokens_exit_status_from_the_command_line(
    alice, frozen, ticking, capsys, monkeypatch
):
    # A command run from the command line closes every database connection when it ends; the
    # test's own transaction lives on one (PostgreSQL, MariaDB), so keep it open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    for n in range(3):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=1))
    argv = ["manage.py", "delete_stale_tokens", "--batch-size", "1"]

    with pytest.raises(SystemExit) as stopped:
        ManagementUtility([*argv, "--time-limit", "0"]).execute()
    assert stopped.value.code == 3
    assert "run the command again" in capsys.readouterr().err
    assert Revocation.objects.count() == 2

    with pytest.raises(SystemExit) as bad:
        ManagementUtility([*argv, "--batch-size", "many"]).execute()
    assert bad.value.code == 2
    assert "invalid int value: 'many'" in capsys.readouterr().err

    ManagementUtility([*argv, "--verbosity", "0"]).execute()  # status 0: returns
    assert capsys.readouterr() == ("", "")
    assert Revocation.objects.count() == 0


def test_delete_stale_tokens_time_limit_reached_on_the_last_batch_is_success(
    alice, frozen, ticking
):
    for n in range(2):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=1))

    output, _ = run("--batch-size", "2", "--time-limit", "1")

    assert output == "2 revocations, 0 refresh tokens, 0 sessions\n"
    assert Revocation.objects.count() == 0


def test_delete_stale_tokens_database_failure_exits_1_and_keeps_the_rest(alice, frozen):
    for n in range(4):
        _revocation(f"t:expired-{n}", START - dt.timedelta(seconds=n + 1))
    _revocation("t:live", START + dt.timedelta(days=1))
    deletes = 0

    def second_delete_fails(execute, sql, params, many, context):
        nonlocal deletes
        if sql.lstrip().upper().startswith("DELETE"):
            deletes += 1
            if deletes == 2:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(second_delete_fails), pytest.raises(CommandError) as caught:
        call_command("delete_stale_tokens", "--batch-size", "2", stdout=io.StringIO(),
                     stderr=io.StringIO())  # fmt: skip

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "The database failed while deleting revocations: OperationalError: server closed the "
        "connection unexpectedly. Deleted before the failure: 2 revocations, 0 refresh tokens, "
        "0 sessions. Nothing else changed; "
        "run the command again."
    )
    # The first batch (the two oldest by primary key) went; the rest is intact.
    assert sorted(Revocation.objects.values_list("key", flat=True)) == [
        "t:expired-2",
        "t:expired-3",
        "t:live",
    ]


def test_delete_stale_tokens_refuses_a_bad_batch_size(db):
    with pytest.raises(CommandError) as caught:
        call_command("delete_stale_tokens", "--batch-size", "many")
    assert str(caught.value) == "Error: argument --batch-size: invalid int value: 'many'"


# ----------------------------------------------------------------------------------------------
# drf-jwt's BlacklistView and IsNotBlacklisted


@urls
def test_blacklist_view_revokes_the_posted_token(client, alice, settings, frozen):
    settings.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    token = login(client, "alice")["token"]

    response = client.post(BLACKLIST, {"token": token}, format="json", **auth(token))

    assert response.status_code == 201
    assert response.data == {"token": token}
    response = client.get(PROTECTED, **auth(token))
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    assert not Revocation.objects.filter(key__contains=token.split(".")[2]).exists()


@urls
def test_blacklist_view_defaults_to_the_token_of_the_request(client, alice, settings, frozen):
    settings.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    token = login(client, "alice")["token"]

    response = client.post(BLACKLIST, {}, format="json", **auth(token))

    assert response.status_code == 201
    assert response.data == {"token": token}
    assert client.get(PROTECTED, **auth(token)).status_code == 401
    # Blacklisting it again: the request no longer authenticates.
    assert client.post(BLACKLIST, {}, format="json", **auth(token)).status_code == 401


@urls
def test_blacklist_view_in_drf_jwt_mode(client, alice, settings, frozen):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    response = client.post(OBTAIN, {"username": "alice", "password": "abc123"}, format="json")
    token = response.data["token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    response = client.post(BLACKLIST, {"token": token}, format="json", **bearer)

    assert response.status_code == 201
    assert response.data == {"token": token}
    response = client.get(PROTECTED, **bearer)
    assert response.status_code == 403
    assert response.data == {"detail": "Token is blacklisted."}


@urls
def test_blacklist_view_refuses_an_undecodable_token_with_a_400(client, alice, frozen):
    token = login(client, "alice")["token"]

    response = client.post(BLACKLIST, {"token": "not-a-token"}, format="json", **auth(token))

    assert response.status_code == 400
    assert list(response.data) == ["token"]
    assert Revocation.objects.count() == 0


@urls
def test_blacklist_view_only_creates(client, alice, frozen):
    token = login(client, "alice")["token"]

    for method in ("get", "put", "patch", "delete"):
        assert getattr(client, method)(BLACKLIST, **auth(token)).status_code == 405, method


@urls
def test_is_not_blacklisted_lets_requests_without_a_token_through(client, db):
    response = client.get(NOT_BLACKLISTED)

    assert response.status_code == 200
    assert response.data == {"authenticated": False}


@urls
def test_is_not_blacklisted_lets_a_live_token_through(client, alice, frozen):
    token = login(client, "alice")["token"]

    response = client.get(NOT_BLACKLISTED, **auth(token))

    assert response.status_code == 200
    assert response.data == {"authenticated": True}


def test_is_not_blacklisted_refuses_a_revoked_token(client, alice, settings, frozen):
    settings.JWT_AUTH = {}
    token = login(client, "alice")["token"]
    other = utils.jwt_encode_handler(utils.jwt_payload_handler(alice))
    client.post(LOGOUT, {}, format="json", **auth(token))
    permission = IsNotBlacklisted()

    assert permission.has_permission(SimpleNamespace(auth=token), None) is False
    assert permission.has_permission(SimpleNamespace(auth=other), None) is True
    assert permission.has_permission(Request(APIRequestFactory().get("/")), None) is True
    assert str(permission.message) == "You have been blacklisted."


def test_is_not_blacklisted_refuses_a_token_of_a_revoked_user(client, alice, settings, frozen):
    settings.JWT_AUTH = {}
    token = login(client, "alice")["token"]
    frozen.shift(60)
    alice.set_password("a new password")
    alice.save()

    assert IsNotBlacklisted().has_permission(SimpleNamespace(auth=token), None) is False


def test_the_session_ids_are_uuids(client, alice, refresh_mode, frozen):
    pair = login(client, "alice", BROWSER)
    assert uuid.UUID(decode(pair["token"])["fam"]).version == 4


# ----------------------------------------------------------------------------------------------
# obtain_token (drf-jwt's command): stderr and SystemExit(1) on failure


def obtain_token(*args) -> tuple[str, str, int | None]:
    """Run ``obtain_token``; answer its stdout, its stderr and its exit status (None: none)."""
    out, err = io.StringIO(), io.StringIO()
    status = None
    try:
        call_command("obtain_token", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        status = exit_.code
    return out.getvalue(), err.getvalue(), status


def test_obtain_token_prints_a_token_for_the_user(alice, settings):
    settings.DEBUG = True

    out, err, status = obtain_token(str(alice.pk))

    assert (err, status) == ("", None)
    token = out.strip()
    assert decode(token)["username"] == "alice"
    assert utils.jwt_decode_handler(token)["user_id"] == alice.pk


def test_obtain_token_refuses_without_debug(alice, settings):
    settings.DEBUG = False

    out, err, status = obtain_token(str(alice.pk))

    assert status == 1
    assert out == ""
    assert err == "Unable to obtain token because DEBUG is False.\n"


@pytest.mark.parametrize("pk", ["999999", "not-a-number"])
def test_obtain_token_refuses_an_unknown_user(db, settings, pk):
    settings.DEBUG = True

    out, err, status = obtain_token(pk)

    assert status == 1
    assert out == ""
    assert err == f"Unable to obtain token because no user has primary key {pk!r}.\n"


def test_obtain_token_from_the_command_line_writes_one_line_to_stderr(db, settings, capsys):
    settings.DEBUG = False

    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "obtain_token", "1"]).execute()

    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Unable to obtain token because DEBUG is False.\n"
