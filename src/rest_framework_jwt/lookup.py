"""The per-request user lookup, fused with the revocation check into one precompiled query.

``get_by_natural_key()`` through the ORM builds, compiles and clones a queryset on every
request; that costs far more than the SQL. Here the same query (the default manager's
queryset filtered on ``USERNAME_FIELD``, plus, with the database denylist, one boolean column:
an ``EXISTS`` on the revocation table for each of the token's own keys, or'ed with one for a
cutoff of the user) is compiled once per database alias, thread and number of token keys, and
each request only executes it and builds the instance with ``Model.from_db``.

The fast path is used only where it is exactly equivalent: the user manager does not override
``get_by_natural_key`` and the username is a string. Everything else takes the ORM path, and
:func:`fetch` says so with a :class:`NoFastPath` result. If the plan cannot be built for any
other reason (a Django version whose internals moved), the lookup warns once
(:class:`~exceptions.FastLookupWarning`) and takes the ORM path. The Django internals it uses
are in :mod:`orm`.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import operator
import threading
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from functools import reduce
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import BaseUserManager
from django.db import router
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from . import _state, orm, revocation, users
from .exceptions import FastLookupWarning, TokenRevoked, UserLookupError, UserNotFound
from .verification import PASSWORD_CLAIM, VerifiedToken

_SENTINEL_USERNAME = "\x01rest_framework_jwt:username\x01"
_SENTINEL_KEYS = ("\x01rest_framework_jwt:key1\x01", "\x01rest_framework_jwt:key2\x01")
_SENTINEL_TIME = datetime(1987, 6, 5, 4, 3, 2, 10203, tzinfo=dt_timezone.utc)
#: "Any cutoff revokes": the threshold for tokens that do not say when they were issued.
_EPOCH = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)


@dataclass(frozen=True)
class NoFastPath:
    """The answer of :func:`fetch` when the one-query lookup does not apply: ``reason`` says
    why (``"custom_manager"``, ``"username_not_a_string"``, or the failure that stopped the
    plan from being built). The caller takes the ORM path."""

    reason: str


CUSTOM_MANAGER = NoFastPath("custom_manager")
USERNAME_NOT_A_STRING = NoFastPath("username_not_a_string")


@dataclass
class Plan:
    """A compiled query, where its parameters go, and how to turn a row into a user."""

    query: orm.CompiledQuery
    username_at: int
    #: Where the token's own denylist keys go (``VerifiedToken.denylist_keys``, in order), or
    #: None when the query does not check the store.
    keys_at: tuple[int, ...] | None
    time_at: int | None
    time_field: Any
    attnames: list[str]
    #: Builds the user from its columns' values (``orm.loader``).
    load: Any
    #: The cut-off parameter, prepared for the database, by token second (most requests in
    #: a second carry tokens of few distinct seconds).
    times: dict[int, Any] = field(default_factory=dict)


def _position(params: tuple[Any, ...], value: Any) -> int:
    matches = [i for i, param in enumerate(params) if param == value]
    if len(matches) != 1:
        raise ValueError(f"the sentinel parameter appears {len(matches)} times in the SQL")
    return matches[0]


def usable(model: Any) -> bool:
    """True when the fast path is equivalent to ``get_by_natural_key`` for this user model."""
    manager = model._default_manager
    return (
        isinstance(manager, BaseUserManager)
        and type(manager).get_by_natural_key is BaseUserManager.get_by_natural_key
    )


def _queryset(model: Any, alias: str, store: Any, attnames: list[str], keys: int) -> Any:
    """The user query; when ``store`` is given, with the column ``_jwt_revoked``: an entry
    for one of the token's ``keys`` keys, or a cutoff of the user at or after a time."""
    queryset = model._default_manager.db_manager(alias).filter(
        **{model.USERNAME_FIELD: _SENTINEL_USERNAME}
    )
    if store is None:
        return queryset.values_list(*attnames)[:2]  # two rows tell "more than one"
    # One EXISTS per key (an equality on the unique key; SQLite runs that faster than one
    # IN list) and one for the cutoff, or'ed into one column.
    cut_off = store.objects.filter(kind="user", user=OuterRef("pk"), not_before__gte=_SENTINEL_TIME)
    found = [Q(Exists(store.objects.filter(key=key))) for key in _SENTINEL_KEYS[:keys]]
    found.append(Q(Exists(cut_off)))
    revoked = ExpressionWrapper(reduce(operator.or_, found), output_field=BooleanField())
    return queryset.annotate(_jwt_revoked=revoked).values_list(*attnames, "_jwt_revoked")[:2]


def _build(model: Any, alias: str, with_revocation: bool, keys: int) -> Plan:
    attnames = [f.attname for f in model._meta.concrete_fields]
    store = apps.get_model("blacklist", "Revocation") if with_revocation else None
    query = orm.compile_queryset(_queryset(model, alias, store, attnames, keys), alias)
    keys_at = time_at = time_field = None
    if store is not None:
        time_field = store._meta.get_field("not_before")
        keys_at = tuple(_position(query.params, key) for key in _SENTINEL_KEYS[:keys])
        time_at = _position(query.params, orm.db_value(time_field, _SENTINEL_TIME, alias))
    return Plan(
        query=query,
        username_at=_position(query.params, _SENTINEL_USERNAME),
        keys_at=keys_at,
        time_at=time_at,
        time_field=time_field,
        attnames=attnames,
        load=orm.loader(model, attnames),
    )


def _fuse_revocation(model: Any) -> bool:
    """True when the revocation check can join the user query: the app is installed, the
    denylist is the database, and the store's user column is this model's key (tests swap
    AUTH_USER_MODEL after migrating)."""
    if not (_state.config().revocation and revocation.uses_database()):
        return False
    store = apps.get_model("blacklist", "Revocation")
    return bool(store._meta.get_field("user").related_model is model)


_plans = threading.local()
_warned: set[str] = set()


def _plan_or_reason(model: Any, alias: str, keys: int, user_only: bool) -> Plan | NoFastPath:
    if not usable(model):
        return CUSTOM_MANAGER
    try:
        return _build(model, alias, not user_only and _fuse_revocation(model), keys)
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        if reason not in _warned:
            _warned.add(reason)
            warnings.warn(
                f"The one-query user lookup is not available for {model._meta.label} on "
                f"{alias!r} ({reason}); users are loaded through the ORM instead.",
                FastLookupWarning,
                stacklevel=2,
            )
        return NoFastPath(reason)


def plan(model: Any, alias: str, keys: int = 1, *, user_only: bool = False) -> Plan | NoFastPath:
    """The compiled plan for this thread, alias and settings generation, or why there is
    none. ``keys``: how many denylist keys of the token it checks, when it checks the store
    (1, or 2 for a token of a refresh-token family). ``user_only``: the user query alone,
    never fused with the revocation check."""
    generation = _state.generation()
    cache = getattr(_plans, "cache", None)
    if cache is None or _plans.generation != generation:
        cache = _plans.cache = {}
        _plans.generation = generation
    key = (model, alias, keys, user_only)
    found: Plan | NoFastPath | None = cache.get(key)
    if found is None:
        found = cache[key] = _plan_or_reason(model, alias, keys, user_only)
    return found


def _cutoff_param(compiled: Plan, issued: float | None, strict: bool, alias: str) -> Any:
    """The cut-off time parameter for a token issued at ``issued``: a cutoff at or after
    this second (the next one, unless ``strict``) revokes it; any cutoff, when unknown."""
    second = -1 if issued is None else int(issued) + (0 if strict else 1)
    prepared = compiled.times.get(second)
    if prepared is None:
        if len(compiled.times) > 4096:
            compiled.times.clear()
        threshold = _EPOCH if second < 0 else _as_utc(second)
        prepared = compiled.times[second] = orm.db_value(compiled.time_field, threshold, alias)
    return prepared


def _params(
    compiled: Plan, username: str, token: VerifiedToken, strict: bool, alias: str
) -> list[Any]:
    params = list(compiled.query.params)
    params[compiled.username_at] = username
    if compiled.keys_at is not None and compiled.time_at is not None:
        for at, key in zip(compiled.keys_at, token.denylist_keys, strict=True):
            params[at] = key
        params[compiled.time_at] = _cutoff_param(compiled, token.issued_at, strict, alias)
    return params


def fetch(
    username: Any, token: VerifiedToken, *, strict: bool = False
) -> tuple[Any, bool | None] | NoFastPath:
    """Find the user and (with the database denylist) whether the token is revoked.

    Returns ``(user or None, revoked)``; ``revoked`` is None when it was not checked here
    (the caller then runs :func:`revocation.check`). Returns :class:`NoFastPath` when the
    one query does not apply. ``strict``: a cutoff of the user also ends tokens issued in its
    second.
    """
    if not isinstance(username, str):
        return USERNAME_NOT_A_STRING
    model = _state.user_model()
    alias = router.db_for_read(model)
    compiled = plan(model, alias)
    if not isinstance(compiled, NoFastPath) and compiled.keys_at is not None:
        keys = len(token.denylist_keys)
        if keys != len(compiled.keys_at):  # a token of a family: its family's key too
            compiled = plan(model, alias, keys)
    if isinstance(compiled, NoFastPath):
        return compiled
    sql, params = compiled.query.statement(_params(compiled, username, token, strict, alias))
    rows = orm.fetch_rows(alias, sql, params, 2)
    if len(rows) > 1:
        raise model.MultipleObjectsReturned()
    if not rows:
        return None, None
    row = compiled.query.convert(rows[0])
    if compiled.keys_at is None:
        return compiled.load(alias, row), None
    count = len(compiled.attnames)
    return compiled.load(alias, row[:count]), bool(row[count])


def by_natural_key(model: Any, username: Any) -> Any:
    """What ``model._default_manager.get_by_natural_key(username)`` returns, in the one
    precompiled query of the user alone: the user, or None where it raises ``DoesNotExist``
    (``MultipleObjectsReturned`` is raised as it is). :class:`NoFastPath` where the query is
    not the same (see :func:`fetch`)."""
    if not isinstance(username, str):
        return USERNAME_NOT_A_STRING
    alias = router.db_for_read(model)
    compiled = plan(model, alias, user_only=True)
    if isinstance(compiled, NoFastPath):
        return compiled
    params = list(compiled.query.params)
    params[compiled.username_at] = username
    sql, values = compiled.query.statement(params)
    rows = orm.fetch_rows(alias, sql, values, 2)
    if len(rows) > 1:
        raise model.MultipleObjectsReturned()
    if not rows:
        return None
    return compiled.load(alias, compiled.query.convert(rows[0]))


def load(token: VerifiedToken, username: Any) -> tuple[Any, bool | None]:
    """The active user ``username`` names, and whether the token is revoked if that was
    answered by the same query (else None). Raises UserLookupError subclasses."""
    users.check_username(username)
    found = fetch(username, token)
    if isinstance(found, NoFastPath):
        return users.user_for_username(username), None
    user, revoked = found
    if user is None:
        raise UserNotFound("User not found.")
    return users.check_active(user), revoked


async def aload(token: VerifiedToken, username: Any) -> tuple[Any, bool | None]:
    """:func:`load` for async code: the user through Django's async ORM. The revocation
    state is not fused into that query (there is no async raw query), so it is None: the
    caller runs :func:`revocation.acheck`."""
    return await users.auser_for_username(username), None


def actor_claim(actor: Any) -> dict[str, Any]:
    """The ``act`` claim naming ``actor`` as the impersonator (RFC 8693 section 4.1): ``sub``
    (the username), and what lets every check find exactly this account again: ``user_id``
    (always: a user created later under the same username is not the actor) and ``pwv`` (with
    ``JWT_REVOKE_ON_PASSWORD_CHANGE``)."""
    pk = actor.pk
    claim: dict[str, Any] = {
        "sub": users.get_username(actor),
        "user_id": str(pk) if isinstance(pk, uuid.UUID) else pk,
    }
    version = revocation.password_version(actor)
    if version is not None:
        claim[PASSWORD_CLAIM] = version
    return claim


def check_actor(token: VerifiedToken) -> None:
    """Raise a TokenError unless the impersonator named in ``token``'s ``act`` claim could
    still impersonate: the account exists (the same one: its pk and password version match the
    claim), is active, and has no revocation cutoff after the token was issued.

    Only impersonation tokens pay for it: one query (the user query above, fused with the
    actor's cutoff where it can be) or, without the fast path, the user and one store lookup.
    """
    act = token.actor
    if act is None:
        return
    actor, revoked = _actor(act["sub"], token)
    _check_actor_account(act, actor)
    if revoked is None:
        revocation.check_actor_cutoff(token, actor.pk)
    elif revoked:
        # The token's own and family keys were found clean before; what the fused query
        # found is the actor's cutoff.
        raise TokenRevoked("The impersonator's tokens have been revoked.")


async def acheck_actor(token: VerifiedToken) -> None:
    """:func:`check_actor` for async code: the actor through Django's async ORM, then its
    cutoff with :func:`revocation.acheck_actor_cutoff`."""
    act = token.actor
    if act is None:
        return
    try:
        actor = await users.auser_for_username(act["sub"], active_only=False)
    except UserLookupError:
        actor = None
    _check_actor_account(act, actor)
    await revocation.acheck_actor_cutoff(token, actor.pk)


def _check_actor_account(act: Mapping[str, Any], actor: Any) -> None:
    """Raise TokenRevoked unless ``actor`` is the account ``act`` names (its pk, if the claim
    has one), exists, is active, and has the password the claim's ``pwv`` was made with."""
    if (
        actor is None
        or not getattr(actor, "is_active", True)
        or ("user_id" in act and str(act["user_id"]) != str(actor.pk))
    ):
        raise TokenRevoked("The impersonator can no longer impersonate.")
    revocation.check_password_version(actor, act.get(PASSWORD_CLAIM))


def _actor(username: Any, token: VerifiedToken) -> tuple[Any, bool | None]:
    """The account ``username`` names, active or not (None if there is none), and whether the
    fused query found the actor's cutoff (None: not checked)."""
    try:
        users.check_username(username)
        found = fetch(username, token, strict=True)
        if isinstance(found, NoFastPath):
            return users.user_for_username(username, active_only=False), None
    except UserLookupError:
        return None, None
    return found


def _as_utc(timestamp: int) -> datetime:
    return _EPOCH + timedelta(seconds=timestamp)


__all__ = [
    "NoFastPath",
    "Plan",
    "acheck_actor",
    "actor_claim",
    "aload",
    "by_natural_key",
    "check_actor",
    "fetch",
    "load",
    "plan",
    "usable",
]
