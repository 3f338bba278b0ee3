"""The fast user lookup: its Django adapter (orm.py), its explicit "no fast path" answer, and
the warning when it falls back for an unexpected reason."""

import uuid
import warnings

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import UserManager
from django.db import connection

from rest_framework_jwt import lookup, orm, utils, verification
from rest_framework_jwt.exceptions import FastLookupWarning
from tests.helpers import protected

SENTINEL = "\x01sentinel\x01"


@pytest.fixture
def fresh_plans(settings):
    """A settings change: the compiled plans of earlier tests are dropped."""
    settings.JWT_AUTH = {"JWT_LEEWAY": 0}


def token_of(user) -> verification.VerifiedToken:
    return verification.decode(utils.jwt_encode_handler(utils.jwt_payload_handler(user)))


# --- the adapter: each function on this Django version ----------------------------------------


def test_a_compiled_queryset_runs_and_converts_like_the_orm(user):
    model = get_user_model()
    names = [f.attname for f in model._meta.concrete_fields]
    queryset = model.objects.filter(username=SENTINEL).values_list(*names)[:2]
    query = orm.compile_queryset(queryset, "default")
    assert query.params.count(SENTINEL) == 1
    params = [user.username if p == SENTINEL else p for p in query.params]
    rows = orm.fetch_rows("default", query.sql, params, 2)
    assert len(rows) == 1
    row = query.convert(rows[0])
    assert tuple(row) == model.objects.filter(pk=user.pk).values_list(*names).get()
    loaded = orm.instance(model, "default", names, row)
    assert loaded == user and loaded.date_joined == user.date_joined
    assert loaded._state.db == "default" and not loaded._state.adding


def test_db_value_is_the_parameter_the_orm_sends(user):
    field = get_user_model()._meta.get_field("date_joined")
    expected = field.get_db_prep_value(user.date_joined, connection, prepared=False)
    assert orm.db_value(field, user.date_joined, "default") == expected


# --- no fast path, said explicitly ------------------------------------------------------------


def test_a_username_that_is_not_a_string_has_no_fast_path(user):
    assert lookup.fetch(42, token_of(user)) == lookup.USERNAME_NOT_A_STRING


def test_a_manager_with_its_own_natural_key_lookup_has_no_fast_path(
    user, fresh_plans, monkeypatch, recwarn
):
    seen = []

    def get_by_natural_key(self, username):
        seen.append(username)
        return self.get(username=username)

    monkeypatch.setattr(UserManager, "get_by_natural_key", get_by_natural_key)
    token = token_of(user)
    assert lookup.fetch("admin", token) == lookup.CUSTOM_MANAGER
    assert protected(f"JWT {token.raw}").status_code == 200
    assert seen == ["admin"]  # the request took the manager's own lookup
    assert not [w for w in recwarn if issubclass(w.category, FastLookupWarning)]


def test_the_fast_path_answers_user_and_revocation(user, fresh_plans):
    found = lookup.fetch("admin", token_of(user))
    assert not isinstance(found, lookup.NoFastPath)
    assert found == (user, False)
    assert lookup.fetch("nobody", token_of(user)) == (None, None)


def test_an_unexpected_failure_warns_once_and_takes_the_orm_path(
    user, fresh_plans, settings, monkeypatch, django_assert_num_queries
):
    cause = f"internals moved {uuid.uuid4()}"

    def broken(queryset, alias):
        raise AttributeError(cause)

    monkeypatch.setattr(orm, "compile_queryset", broken)
    token = token_of(user)
    with pytest.warns(FastLookupWarning, match=cause):
        found = lookup.fetch("admin", token)
    assert isinstance(found, lookup.NoFastPath) and cause in found.reason
    with warnings.catch_warnings():
        warnings.simplefilter("error", FastLookupWarning)
        with django_assert_num_queries(2):  # the ORM's user query and the denylist lookup
            assert protected(f"JWT {token.raw}").status_code == 200
        settings.JWT_AUTH = {"JWT_LEEWAY": 1}  # the plan is built (and fails) again: no warning
        assert protected(f"JWT {token.raw}").status_code == 200
