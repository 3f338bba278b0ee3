"""Sessions in refresh-token mode: each login is a family; a user lists them, ends one, or ends
every other one. (The Django admin side is in test_blacklist_admin_and_command.py; rotation and
reuse detection in test_rotation.py.)"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model

from rest_framework_jwt.blacklist.models import RefreshToken, Revocation, TokenFamily
from tests import helpers as routes
from tests.helpers import START, decode

WEEK = dt.timedelta(days=7)
REVOKED = "Token has been revoked."

FIREFOX = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    "REMOTE_ADDR": "10.0.0.1",
}
PHONE = {"HTTP_USER_AGENT": "ExampleApp/3.2 (Android 14)", "REMOTE_ADDR": "2001:db8::7"}
CURL = {"HTTP_USER_AGENT": "curl/8.5.0", "REMOTE_ADDR": "192.0.2.55"}


@pytest.fixture
def refresh_mode(settings):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}
    return settings


@pytest.fixture
def other_user(db, password):
    return get_user_model().objects.create_user(
        username="other", email="other@example.com", password=password
    )


class Session:
    """One login: its access and refresh tokens and its family id."""

    def __init__(self, data: dict):
        assert set(data) == {"token", "refresh_token"}, data
        self.access = data["token"]
        self.refresh = data["refresh_token"]
        self.family = decode(self.access)["fam"]
        assert decode(self.refresh)["fam"] == self.family

    def auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"JWT {self.access}"}


def login(client, headers=None, username="admin", password="abc123") -> Session:
    response = client.post(
        routes.OBTAIN,
        {"username": username, "password": password},
        format="json",
        **(headers or {}),
    )
    assert response.status_code == 200, response.data
    return Session(response.data)


def rotate(client, session: Session) -> Session:
    response = client.post(routes.REFRESH, {"refresh_token": session.refresh}, format="json")
    assert response.status_code == 200, response.data
    return Session(response.data)


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def sessions(client, session: Session):
    return client.get(routes.SESSIONS, **session.auth())


def assert_ended(client, session: Session) -> None:
    """Neither the access nor the refresh token of ``session`` works any more."""
    response = client.get(routes.PROTECTED, **session.auth())
    assert response.status_code == 401
    assert response.data == {"detail": REVOKED, "code": "token_revoked"}
    response = client.post(routes.REFRESH, {"refresh_token": session.refresh}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": [REVOKED], "code": "token_revoked"}
    response = client.post(routes.VERIFY, {"token": session.access}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "token_revoked"


def assert_alive(client, session: Session) -> Session:
    """The access token works and the refresh token rotates; returns the rotated session."""
    response = client.get(routes.PROTECTED, **session.auth())
    assert response.status_code == 200, response.data
    return rotate(client, session)


# ----------------------------------------------------------------------------------------------
# Listing


def test_the_list_shows_each_login_with_its_client_and_marks_the_current_one(
    client, user, refresh_mode, frozen
):
    laptop = login(client, FIREFOX)
    frozen.shift(60)
    phone = login(client, PHONE)

    response = sessions(client, laptop)

    assert response.status_code == 200
    assert response.data == [
        {
            "id": phone.family,
            "created_at": START + dt.timedelta(seconds=60),
            "last_used_at": None,
            "expires_at": START + dt.timedelta(seconds=60) + WEEK,
            "user_agent": PHONE["HTTP_USER_AGENT"],
            "ip_address": "2001:db8::7",
            "current": False,
        },
        {
            "id": laptop.family,
            "created_at": START,
            "last_used_at": None,
            "expires_at": START + WEEK,
            "user_agent": FIREFOX["HTTP_USER_AGENT"],
            "ip_address": "10.0.0.1",
            "current": True,
        },
    ]
    # The JSON the client gets.
    body = response.json()
    assert body[1]["created_at"] == iso(START)
    assert body[1]["expires_at"] == iso(START + WEEK)
    assert [item["current"] for item in sessions(client, phone).json()] == [True, False]


def test_a_rotation_keeps_the_session_and_records_its_use(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    frozen.shift(600)

    rotated = rotate(client, laptop)

    assert rotated.family == laptop.family
    (item,) = sessions(client, rotated).data
    assert item["id"] == laptop.family
    assert item["current"] is True
    assert item["last_used_at"] == START + dt.timedelta(seconds=600)
    assert item["expires_at"] == START + dt.timedelta(seconds=600) + WEEK
    assert item["created_at"] == START


def test_the_list_holds_only_the_users_own_live_sessions(
    client, user, other_user, refresh_mode, frozen
):
    first = login(client, FIREFOX)
    ended = login(client, CURL)
    theirs = login(client, PHONE, username="other")
    assert client.post(routes.LOGOUT, {}, format="json", **ended.auth()).status_code == 204
    TokenFamily.objects.create(user=user, expires_at=START - dt.timedelta(seconds=1))

    assert [item["id"] for item in sessions(client, first).data] == [first.family]
    assert [item["id"] for item in sessions(client, theirs).data] == [theirs.family]


def test_a_session_without_a_user_agent_or_address(client, user, refresh_mode, frozen):
    session = login(client, {"REMOTE_ADDR": ""})

    (item,) = sessions(client, session).data

    assert item["user_agent"] == ""
    assert item["ip_address"] is None


def test_a_long_user_agent_is_cut_to_the_column(client, user, refresh_mode, frozen):
    session = login(client, {"HTTP_USER_AGENT": "x" * 1000})

    (item,) = sessions(client, session).data

    assert item["user_agent"] == "x" * 255


def test_a_classic_token_lists_sessions_but_none_is_current(client, user, refresh_mode, frozen):
    login(client, FIREFOX)
    refresh_mode.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    classic = client.post(routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json")
    assert set(classic.data) == {"token"}

    response = client.get(routes.SESSIONS, HTTP_AUTHORIZATION=f"JWT {classic.data['token']}")

    assert response.status_code == 200
    assert [item["current"] for item in response.data] == [False]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", routes.SESSIONS),
        ("post", routes.REVOKE_OTHERS),
        ("delete", f"{routes.SESSIONS}{uuid.UUID(int=1)}/"),
    ],
)
def test_the_session_endpoints_need_a_token(client, user, refresh_mode, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


def test_a_refresh_token_cannot_list_sessions(client, user, refresh_mode, frozen):
    session = login(client, FIREFOX)

    response = client.get(routes.SESSIONS, HTTP_AUTHORIZATION=f"JWT {session.refresh}")

    assert response.status_code == 401
    assert response.data == {"detail": "Wrong token type.", "code": "token_type_invalid"}


def test_verify_refuses_a_refresh_token(client, user, refresh_mode, frozen):
    # A service that checks access tokens through verify must not accept the long-lived
    # refresh token in their place.
    session = login(client, FIREFOX)

    response = client.post(routes.VERIFY, {"token": session.refresh}, format="json")

    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["Wrong token type."],
        "code": "token_type_invalid",
    }
    assert client.post(routes.VERIFY, {"token": session.access}, format="json").status_code == 200


# ----------------------------------------------------------------------------------------------
# Ending one session


def test_deleting_a_session_ends_its_refresh_and_access_tokens(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)

    response = client.delete(f"{routes.SESSIONS}{phone.family}/", **laptop.auth())

    assert response.status_code == 204
    assert response.content == b""
    assert_ended(client, phone)
    laptop = assert_alive(client, laptop)
    assert [item["id"] for item in sessions(client, laptop).data] == [laptop.family]
    family = TokenFamily.objects.get(pk=phone.family)
    assert family.revoked_at == START
    assert family.revoke_reason == "session_revoked"


def test_deleting_the_current_session_is_a_logout(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)

    assert client.delete(f"{routes.SESSIONS}{laptop.family}/", **laptop.auth()).status_code == 204

    assert_ended(client, laptop)


def test_a_rotated_access_token_of_a_deleted_session_is_refused(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)
    frozen.shift(60)
    phone_next = rotate(client, phone)

    client.delete(f"{routes.SESSIONS}{phone.family}/", **laptop.auth())

    assert_ended(client, phone_next)


def test_another_users_session_is_a_404_and_stays_alive(
    client, user, other_user, refresh_mode, frozen
):
    mine = login(client, FIREFOX)
    theirs = login(client, PHONE, username="other")

    response = client.delete(f"{routes.SESSIONS}{theirs.family}/", **mine.auth())

    assert response.status_code == 404
    assert assert_alive(client, theirs)
    assert TokenFamily.objects.get(pk=theirs.family).revoked_at is None
    assert not Revocation.objects.filter(key=f"f:{theirs.family}").exists()


def test_an_unknown_or_ended_session_is_a_404(client, user, refresh_mode, frozen):
    mine = login(client, FIREFOX)
    ended = login(client, CURL)
    client.delete(f"{routes.SESSIONS}{ended.family}/", **mine.auth())

    assert client.delete(f"{routes.SESSIONS}{uuid.uuid4()}/", **mine.auth()).status_code == 404
    assert client.delete(f"{routes.SESSIONS}{ended.family}/", **mine.auth()).status_code == 404
    assert client.delete(f"{routes.SESSIONS}not-a-uuid/", **mine.auth()).status_code == 404


# ----------------------------------------------------------------------------------------------
# Ending the others, logout


def test_revoke_others_keeps_the_current_session(client, user, other_user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)
    script = login(client, CURL)
    theirs = login(client, CURL, username="other")
    frozen.shift(60)

    response = client.post(routes.REVOKE_OTHERS, {}, format="json", **laptop.auth())

    assert response.status_code == 200
    assert response.data == {"revoked": 2}
    assert_ended(client, phone)
    assert_ended(client, script)
    laptop = assert_alive(client, laptop)
    assert_alive(client, theirs)
    assert [item["id"] for item in sessions(client, laptop).data] == [laptop.family]
    assert set(
        TokenFamily.objects.filter(revoke_reason="other_sessions_revoked").values_list(
            "pk", flat=True
        )
    ) == {uuid.UUID(phone.family), uuid.UUID(script.family)}


def test_revoke_others_with_no_other_session(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)

    response = client.post(routes.REVOKE_OTHERS, {}, format="json", **laptop.auth())

    assert response.data == {"revoked": 0}
    assert_alive(client, laptop)


def test_revoke_others_from_a_classic_token_ends_every_session(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)
    refresh_mode.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    classic = client.post(routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json")
    refresh_mode.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}

    response = client.post(
        routes.REVOKE_OTHERS, {}, format="json", HTTP_AUTHORIZATION=f"JWT {classic.data['token']}"
    )

    assert response.data == {"revoked": 2}
    assert_ended(client, laptop)
    assert_ended(client, phone)


def test_logout_with_the_refresh_token_ends_the_session(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)

    response = client.post(
        routes.LOGOUT, {"refresh_token": laptop.refresh}, format="json", **laptop.auth()
    )

    assert response.status_code == 204
    assert_ended(client, laptop)
    assert_alive(client, phone)
    assert TokenFamily.objects.get(pk=laptop.family).revoke_reason == "logout"


def test_logout_with_only_the_refresh_token_in_the_body(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)

    response = client.post(routes.LOGOUT, {"refresh_token": laptop.refresh}, format="json")

    assert response.status_code == 204
    assert_ended(client, laptop)


def test_logout_with_the_access_token_ends_the_session_too(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)

    assert client.post(routes.LOGOUT, {}, format="json", **laptop.auth()).status_code == 204

    assert_ended(client, laptop)


def test_logout_all_ends_every_session(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    phone = login(client, PHONE)
    frozen.shift(60)

    assert client.post(routes.LOGOUT_ALL, {}, format="json", **laptop.auth()).status_code == 204

    assert_ended(client, laptop)
    assert_ended(client, phone)
    fresh = login(client, FIREFOX)
    assert [item["id"] for item in sessions(client, fresh).data] == [fresh.family]


def test_a_password_change_ends_every_session(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)
    frozen.shift(60)

    user.set_password("a new password")
    user.save()

    assert_ended(client, laptop)
    frozen.shift(1)
    fresh = login(client, FIREFOX, password="a new password")
    assert_alive(client, fresh)


def test_each_login_stores_its_refresh_token_by_id_only(client, user, refresh_mode, frozen):
    laptop = login(client, FIREFOX)

    (row,) = RefreshToken.objects.all()

    assert row.jti == decode(laptop.refresh)["jti"]
    assert str(row.family_id) == laptop.family
    assert row.expires_at == START + WEEK
    assert row.consumed_at is None
    stored = " ".join(str(value) for value in RefreshToken.objects.values_list().get())
    assert laptop.refresh not in stored
    assert laptop.refresh.split(".")[2] not in stored
