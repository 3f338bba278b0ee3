"""The password check of obtain (logins.py): with Django's ModelBackend as the one backend, the
same answer as ``django.contrib.auth.authenticate()`` in one precompiled query; in every other
configuration, Django's ``authenticate()`` itself."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import UserManager
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rest_framework_jwt import logins
from rest_framework_jwt import serializers as jwt_serializers
from tests.helpers import OBTAIN

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ALLOW_ALL = "django.contrib.auth.backends.AllowAllUsersModelBackend"


class OwnBackend(ModelBackend):
    """A project's backend: its own class, so Django's authenticate() asks it."""


class NewerHasher(MD5PasswordHasher):
    """A hasher the tests prefer to MD5: an MD5 hash is then one to upgrade."""

    algorithm = "md5-newer"


def failures() -> tuple[list[dict], object]:
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append({"sender": sender, **kwargs})

    user_login_failed.connect(receiver)
    return seen, receiver


def answer(call, request, username, password):
    """What ``call`` answers for these credentials: the user's pk and backend (or None),
    the user_login_failed signals it sent, and the queries it ran."""
    seen, receiver = failures()
    try:
        with CaptureQueriesContext(connection) as queries:
            user = call(request, username, password)
    finally:
        user_login_failed.disconnect(receiver)
    found = None if user is None else (user.pk, user.backend, user.is_active)
    return found, seen, len(queries)


def django_answer(request, username, password):
    return logins.DJANGO_AUTHENTICATE(request, username=username, password=password)


def shortcut_answer(request, username, password):
    return logins.authenticate(request, "username", username, password)


@pytest.fixture
def no_django_authenticate(monkeypatch):
    """Django's authenticate() made to fail the test if it is called."""

    def called(*args, **kwargs):
        raise AssertionError("Django's authenticate() was called")

    monkeypatch.setattr(logins, "_django", called)


@pytest.mark.parametrize("backend", [MODEL_BACKEND, ALLOW_ALL])
@pytest.mark.parametrize(
    ("username", "right_password"),
    [("admin", True), ("admin", False), ("sleeper", True), ("nobody", True)],
    ids=["right", "wrong-password", "inactive", "unknown-user"],
)
def test_the_shortcut_answers_as_django(
    settings,
    user,
    inactive_user,
    password,
    backend,
    username,
    right_password,
    no_django_authenticate,
):
    # Compared with Django's authenticate() itself.
    settings.AUTHENTICATION_BACKENDS = [backend]
    request = object()
    typed = password if right_password else password + "x"
    expected = answer(django_answer, request, username, typed)
    found, seen, queries = answer(shortcut_answer, request, username, typed)
    assert (found, seen) == expected[:2]
    assert queries == 1 == expected[2]
    # A user for the right password of an account that may log in (an inactive one with
    # AllowAllUsersModelBackend); else a signal.
    may_log_in = right_password and (
        username == "admin" or (username, backend) == ("sleeper", ALLOW_ALL)
    )
    assert (found is not None) == may_log_in == (not seen)


def test_a_wrong_password_sends_django_signal_with_the_password_hidden(
    settings, user, password, no_django_authenticate
):
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    request = object()
    found, seen, _ = answer(shortcut_answer, request, "admin", password + "x")
    assert found is None
    assert seen == [
        {
            "sender": "django.contrib.auth",
            "signal": user_login_failed,
            "credentials": {"username": "admin", "password": "********************"},
            "request": request,
        }
    ]


def test_an_unknown_username_runs_the_hasher_once(
    settings, user, password, monkeypatch, no_django_authenticate
):
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    model = get_user_model()
    hashed = []
    original = model.set_password

    def set_password(self, raw):
        hashed.append(raw)
        original(self, raw)

    monkeypatch.setattr(model, "set_password", set_password)
    assert shortcut_answer(None, "nobody", "guess") is None
    assert hashed == ["guess"]
    assert shortcut_answer(None, "admin", password) == user
    assert hashed == ["guess"]


def test_an_old_hash_is_upgraded_as_django_does(settings, user, password, no_django_authenticate):
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    settings.PASSWORD_HASHERS = [
        f"{__name__}.NewerHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert user.password.startswith("md5$")
    assert shortcut_answer(None, "admin", password) == user
    user.refresh_from_db()
    assert user.password.startswith("md5-newer$")


def django_spy(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    original = logins._django

    def spy(request, username_field, username, password):
        calls.append({username_field: username, "password": password})
        return original(request, username_field, username, password)

    monkeypatch.setattr(logins, "_django", spy)
    return calls


@pytest.mark.parametrize(
    ("backends", "answers"),
    [
        ([MODEL_BACKEND, ALLOW_ALL], True),
        ([f"{__name__}.OwnBackend"], True),
        # It takes no username and password: Django skips it.
        (["django.contrib.auth.backends.RemoteUserBackend"], False),
    ],
    ids=["two-backends", "own-subclass", "remote-user"],
)
def test_other_backends_go_through_django(settings, user, password, monkeypatch, backends, answers):
    settings.AUTHENTICATION_BACKENDS = backends
    calls = django_spy(monkeypatch)
    found = shortcut_answer(None, "admin", password)
    assert calls == [{"username": "admin", "password": password}]
    if answers:
        assert found == user
        assert found.backend == backends[0]
    else:
        assert found is None


def test_a_replaced_model_backend_authenticate_goes_through_django(
    settings, user, password, monkeypatch
):
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    calls = django_spy(monkeypatch)
    monkeypatch.setattr(ModelBackend, "authenticate", lambda self, request, **kw: None)
    assert shortcut_answer(None, "admin", password) is None
    assert calls == [{"username": "admin", "password": password}]


def test_a_replaced_django_authenticate_turns_the_shortcut_off(
    settings, user, password, monkeypatch
):
    from django.contrib import auth

    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    calls = django_spy(monkeypatch)
    monkeypatch.setattr(auth, "authenticate", lambda request=None, **credentials: None)
    assert shortcut_answer(None, "admin", password) == user
    assert calls == [{"username": "admin", "password": password}]


def test_a_managers_own_lookup_goes_through_django(settings, user, password, monkeypatch):
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    settings.JWT_AUTH = {"JWT_LEEWAY": 0}  # a fresh plan
    calls = django_spy(monkeypatch)
    seen = []

    def get_by_natural_key(self, username):
        seen.append(username)
        return self.get(username=username)

    monkeypatch.setattr(UserManager, "get_by_natural_key", get_by_natural_key)
    assert shortcut_answer(None, "admin", password) == user
    assert seen == ["admin"]
    assert calls == [{"username": "admin", "password": password}]


def test_obtain_calls_a_replaced_authenticate_of_the_serializers_module(client, user, monkeypatch):
    # 1.x test suites patch rest_framework_jwt.serializers.authenticate.
    calls = []

    def authenticate(request=None, **credentials):
        calls.append(credentials)
        return user

    monkeypatch.setattr(jwt_serializers, "authenticate", authenticate)
    response = client.post(OBTAIN, {"username": "admin", "password": "anything"}, format="json")
    assert response.status_code == 200
    assert calls == [{"username": "admin", "password": "anything"}]


def test_obtain_takes_the_shortcut(client, user, password, no_django_authenticate):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200
    assert len(queries) == 1
