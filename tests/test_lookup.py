"""lookup.py and orm.py below the request path: a row without converters, the bounded cache of
cut-off parameters, and the impersonator checks (sync and async) for tokens with no actor, an
unknown one or one that cannot be a username."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.contrib.auth.models import UserManager
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rest_framework_jwt import lookup, orm, utils, verification
from rest_framework_jwt.exceptions import TokenRevoked

pytestmark = pytest.mark.django_db


def token_of(user, **extra) -> verification.VerifiedToken:
    payload = {**utils.jwt_payload_handler(user), **extra}
    return verification.decode(utils.jwt_encode_handler(payload))


def test_a_row_without_converters_is_returned_as_it_is(user):
    queryset = get_user_model().objects.filter(pk=user.pk).values_list("id", "username")
    query = orm.compile_queryset(queryset, "default")
    assert query.converters == {}
    (row,) = orm.fetch_rows("default", query.sql, list(query.params), 2)
    assert query.convert(row) is row
    assert tuple(row) == (user.pk, user.username)


def test_the_cache_of_cut_off_parameters_is_bounded(settings, user):
    settings.JWT_AUTH = {"JWT_LEEWAY": 0}  # a fresh plan
    compiled = lookup.plan(get_user_model(), "default")
    assert isinstance(compiled, lookup.Plan) and compiled.time_field is not None
    for second in range(4097):
        compiled.times[second] = object()
    prepared = lookup._cutoff_param(compiled, 1_000_000.5, False, "default")
    assert list(compiled.times) == [1_000_001]
    assert prepared == orm.db_value(compiled.time_field, lookup._as_utc(1_000_001), "default")
    # The fast path still answers right after the cache was emptied.
    assert lookup.fetch(user.username, token_of(user)) == (user, False)


def test_a_token_without_an_actor_costs_no_query(user):
    token = token_of(user)
    with CaptureQueriesContext(connection) as queries:
        lookup.check_actor(token)
        async_to_sync(lookup.acheck_actor)(token)
    assert len(queries) == 0


@pytest.mark.parametrize("sub", ["nobody", "root\x00", "\udc00"])
def test_an_actor_that_is_no_account_is_refused_sync_and_async(user, sub):
    token = token_of(user, act={"sub": sub})
    with pytest.raises(TokenRevoked, match="can no longer impersonate"):
        lookup.check_actor(token)
    with pytest.raises(TokenRevoked, match="can no longer impersonate"):
        async_to_sync(lookup.acheck_actor)(token)


def test_the_actor_claim_has_no_password_version_when_that_is_off(settings, superuser):
    settings.JWT_AUTH = {"JWT_REVOKE_ON_PASSWORD_CHANGE": False}
    assert lookup.actor_claim(superuser) == {"sub": "root", "user_id": superuser.pk}
    settings.JWT_AUTH = {"JWT_REVOKE_ON_PASSWORD_CHANGE": True}
    assert set(lookup.actor_claim(superuser)) == {"sub", "user_id", lookup.PASSWORD_CLAIM}


def test_without_the_fast_path_the_actor_is_found_by_the_managers_lookup(
    settings, monkeypatch, user, superuser
):
    settings.JWT_AUTH = {"JWT_LEEWAY": 0}  # a fresh plan
    seen = []

    def get_by_natural_key(self, username):
        seen.append(username)
        return self.get(username=username)

    monkeypatch.setattr(UserManager, "get_by_natural_key", get_by_natural_key)
    token = token_of(user, act=lookup.actor_claim(superuser))
    lookup.check_actor(token)  # the actor exists, is active, has no cutoff
    assert seen == ["root"]
    superuser.is_active = False
    superuser.save()
    with pytest.raises(TokenRevoked, match="can no longer impersonate"):
        lookup.check_actor(token)
    assert seen == ["root", "root"]
