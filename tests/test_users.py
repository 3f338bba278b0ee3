"""users.auser_for_username: the async user lookup keeps a manager's own lookup.

Django's ``aget_by_natural_key`` ignores an override of the sync ``get_by_natural_key``; a
manager that overrides only the sync one has it run in a thread, and a manager with its own
async lookup has that awaited.
"""

from __future__ import annotations

import django
import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.base_user import BaseUserManager

from rest_framework_jwt import _state, users
from rest_framework_jwt.exceptions import UserInactive, UserNotFound


class Person:
    def __init__(self, username: str, *, active: bool = True, via: str = "") -> None:
        self.username, self.is_active, self.via = username, active, via


PEOPLE = {"ada": Person("ada"), "bob": Person("bob", active=False)}


def model_with(manager_class: type) -> type:
    class Model:
        USERNAME_FIELD = "username"
        DoesNotExist = type("DoesNotExist", (Exception,), {})
        _default_manager = manager_class()

    Model._default_manager.model = Model
    return Model


class CaseInsensitive(BaseUserManager):
    """Overrides only the sync lookup (usernames in any case)."""

    def get_by_natural_key(self, username):
        try:
            found = PEOPLE[username.lower()]
        except KeyError:
            raise self.model.DoesNotExist() from None
        return Person(found.username, active=found.is_active, via="sync")


class OwnAsync(CaseInsensitive):
    """Overrides both: its async lookup is its own."""

    def get_by_natural_key(self, username):
        raise AssertionError("the sync lookup must not run")

    async def aget_by_natural_key(self, username):
        if username not in PEOPLE:
            raise ValueError("not a username this manager knows")
        return Person(username, active=PEOPLE[username].is_active, via="async")


@pytest.fixture
def lookup_with(monkeypatch):
    def install(manager_class):
        monkeypatch.setattr(_state, "user_model", lambda: model_with(manager_class))
        return async_to_sync(users.auser_for_username)

    return install


def test_a_sync_only_override_is_kept(lookup_with):
    find = lookup_with(CaseInsensitive)
    user = find("ADA")
    assert (user.username, user.via) == ("ada", "sync")
    with pytest.raises(UserNotFound):
        find("carol")
    with pytest.raises(UserInactive):
        find("Bob")
    assert find("Bob", active_only=False).username == "bob"


def test_a_managers_own_async_lookup_is_awaited(lookup_with):
    find = lookup_with(OwnAsync)
    assert find("ada").via == "async"
    with pytest.raises(UserNotFound):  # its ValueError is "not found", not a 500
        find("carol")
    with pytest.raises(UserInactive):
        find("bob")


@pytest.mark.parametrize(
    ("manager_class", "own"),
    # Django 5.0 gave BaseUserManager its aget_by_natural_key; on 4.2 it has none of its own.
    [(BaseUserManager, django.VERSION >= (5, 0)), (CaseInsensitive, False), (OwnAsync, True)],
)
def test_own_async_lookup(manager_class, own):
    assert users._own_async_lookup(manager_class) is own


def test_a_class_without_either_lookup_has_no_own_async_lookup():
    assert users._own_async_lookup(object) is False


def test_get_username_falls_back_to_the_username_attribute(user):
    assert users.get_username(user) == "admin"  # get_username()
    assert users.get_username(Person("legacy")) == "legacy"  # no get_username()
    with pytest.raises(AttributeError):
        users.get_username(object())
