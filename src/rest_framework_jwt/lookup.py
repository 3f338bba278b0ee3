"""The per-request user lookup, fused with the revocation check into one precompiled query.

``get_by_natural_key()`` through the ORM builds, compiles and clones a queryset on every
request; that costs far more than the SQL. Here the same query (the default manager's
queryset filtered on ``USERNAME_FIELD``, plus, with the database denylist, two ``EXISTS``
subqueries on the revocation table) is compiled once per database alias and thread, and each
request only executes it and builds the instance with ``Model.from_db``.

The fast path is used only where it is exactly equivalent: the user manager does not override
``get_by_natural_key`` and the username is a string. Everything else takes the ORM path.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import BaseUserManager
from django.db import connections, router
from django.db.models import Exists, OuterRef

from . import _state, revocation, users
from .exceptions import TokenRevoked, UserLookupError, UserNotFound
from .verification import PASSWORD_CLAIM, VerifiedToken

_SENTINEL_USERNAME = "\x01rest_framework_jwt:username\x01"
_SENTINEL_KEYS = ("\x01rest_framework_jwt:key1\x01", "\x01rest_framework_jwt:key2\x01")
_SENTINEL_TIME = datetime(1987, 6, 5, 4, 3, 2, 10203, tzinfo=dt_timezone.utc)
#: "Any cutoff revokes": the threshold for tokens that do not say when they were issued.
_EPOCH = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)
#: A denylist key no row can have (keys start with "t:", "d:", "u:" or "f:").
_NO_KEY = "-"

_plans = threading.local()


@dataclass
class Plan:
    """A compiled query: SQL, its parameter template, and how to turn a row into a user."""

    sql: str
    params: list[Any]
    username_at: int
    keys_at: tuple[int, int] | None
    time_at: int | None
    time_field: Any
    attnames: list[str]
    converters: dict[int, Any]
    compiler: Any
    with_revocation: bool
    #: The cut-off parameter, prepared for the database, by token second (most requests in
    #: a second carry tokens of few distinct seconds).
    times: dict[int, Any] = field(default_factory=dict)


def _position(params: list[Any], value: Any) -> int:
    matches = [i for i, param in enumerate(params) if param == value]
    if len(matches) != 1:
        raise LookupError("sentinel not found exactly once")
    return matches[0]


def usable(model: Any) -> bool:
    """True when the fast path is equivalent to ``get_by_natural_key`` for this user model."""
    manager = model._default_manager
    return (
        isinstance(manager, BaseUserManager)
        and type(manager).get_by_natural_key is BaseUserManager.get_by_natural_key
    )


def _build(model: Any, alias: str, with_revocation: bool) -> Plan:
    username_field = model.USERNAME_FIELD
    attnames = [f.attname for f in model._meta.concrete_fields]
    queryset = model._default_manager.db_manager(alias).filter(
        **{username_field: _SENTINEL_USERNAME}
    )
    time_field: Any = None
    if with_revocation:
        store = apps.get_model("blacklist", "Revocation")
        time_field = store._meta.get_field("not_before")
        queryset = queryset.annotate(
            _jwt_revoked=Exists(store.objects.filter(key__in=_SENTINEL_KEYS)),
            _jwt_cut_off=Exists(
                store.objects.filter(
                    kind="user", user=OuterRef("pk"), not_before__gte=_SENTINEL_TIME
                )
            ),
        )
        queryset = queryset.values_list(*attnames, "_jwt_revoked", "_jwt_cut_off")
    else:
        queryset = queryset.values_list(*attnames)
    queryset = queryset[:2]  # two rows are enough to tell "more than one"
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    params = list(params)
    connection = connections[alias]
    keys_at = time_at = None
    if with_revocation:
        keys_at = (_position(params, _SENTINEL_KEYS[0]), _position(params, _SENTINEL_KEYS[1]))
        time_at = _position(
            params, time_field.get_db_prep_value(_SENTINEL_TIME, connection, prepared=False)
        )
    selected = [column[0] for column in compiler.select[: compiler.col_count]]
    return Plan(
        sql=sql,
        params=params,
        username_at=_position(params, _SENTINEL_USERNAME),
        keys_at=keys_at,
        time_at=time_at,
        time_field=time_field,
        attnames=attnames,
        converters=compiler.get_converters(selected),
        compiler=compiler,
        with_revocation=with_revocation,
    )


def _fuse_revocation(model: Any) -> bool:
    """True when the revocation check can join the user query: the app is installed, the
    denylist is the database, and the store's user column is this model's key (tests swap
    AUTH_USER_MODEL after migrating)."""
    if not (_state.config().revocation and revocation.uses_database()):
        return False
    store = apps.get_model("blacklist", "Revocation")
    return bool(store._meta.get_field("user").related_model is model)


def plan(model: Any, alias: str) -> Plan | None:
    """The compiled plan for this thread, alias and settings generation (None: use the ORM)."""
    generation = _state.generation()
    cache = getattr(_plans, "cache", None)
    if cache is None or _plans.generation != generation:
        cache = _plans.cache = {}
        _plans.generation = generation
    key = (model, alias)
    if key not in cache:
        try:
            cache[key] = _build(model, alias, _fuse_revocation(model)) if usable(model) else None
        except (LookupError, TypeError, ValueError):
            cache[key] = None
    found: Plan | None = cache[key]
    return found


def fetch(username: str, token: VerifiedToken, *, strict: bool = False) -> tuple[Any, bool | None]:
    """Find the user and (with the database denylist) whether the token is revoked.

    Returns ``(user or None, revoked)``; ``revoked`` is None when it was not checked here
    (the caller then runs :func:`revocation.check`). Raises LookupError when the fast path
    does not apply. ``strict``: a cutoff of the user also ends tokens issued in its second.
    """
    model = _state.user_model()
    alias = router.db_for_read(model)
    compiled = plan(model, alias)
    if compiled is None:
        raise LookupError("no fast path for this user model")
    params = list(compiled.params)
    params[compiled.username_at] = username
    connection = connections[alias]
    if compiled.keys_at is not None and compiled.time_at is not None:
        family = token.family
        params[compiled.keys_at[0]] = revocation.token_key(token)
        params[compiled.keys_at[1]] = (
            revocation.family_key(family) if family is not None else _NO_KEY
        )
        issued = token.issued_at
        # Revoked by a cutoff at or after this second (the next one, unless strict).
        second = -1 if issued is None else int(issued) + (0 if strict else 1)
        prepared = compiled.times.get(second)
        if prepared is None:
            if len(compiled.times) > 4096:
                compiled.times.clear()
            threshold = _EPOCH if second < 0 else _as_utc(second)
            prepared = compiled.times[second] = compiled.time_field.get_db_prep_value(
                threshold, connection, prepared=False
            )
        params[compiled.time_at] = prepared
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchmany(2)
    if len(rows) != 1:
        if len(rows) > 1:
            raise model.MultipleObjectsReturned()
        return None, None
    row = rows[0]
    if compiled.converters:
        row = next(compiled.compiler.apply_converters([row], compiled.converters))
    count = len(compiled.attnames)
    user = model.from_db(alias, compiled.attnames, row[:count])
    revoked = bool(row[count] or row[count + 1]) if compiled.with_revocation else None
    return user, revoked


def load(token: VerifiedToken, username: Any) -> tuple[Any, bool | None]:
    """The active user ``username`` names, and whether the token is revoked if that was
    answered by the same query (else None). Raises UserLookupError subclasses."""
    users.check_username(username)
    if isinstance(username, str):
        try:
            user, revoked = fetch(username, token)
        except LookupError:  # no fast path for this user model
            pass
        else:
            if user is None:
                raise UserNotFound("User not found.")
            return users.check_active(user), revoked
    return users.user_for_username(username), None


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
    username = act["sub"]
    revoked: bool | None = None
    try:
        users.check_username(username)
        try:
            actor, revoked = fetch(username, token, strict=True)
        except LookupError:  # no fast path for this user model
            actor = users.user_for_username(username, active_only=False)
    except UserLookupError:
        actor = None
    if (
        actor is None
        or not getattr(actor, "is_active", True)
        or ("user_id" in act and str(act["user_id"]) != str(actor.pk))
    ):
        raise TokenRevoked("The impersonator can no longer impersonate.")
    revocation.check_password_version(actor, act.get(PASSWORD_CLAIM))
    if revoked is None:
        revocation.check_actor_cutoff(token, actor.pk)
    elif revoked:
        # The token's own and family keys were found clean before; what the fused query
        # found is the actor's cutoff.
        raise TokenRevoked("The impersonator's tokens have been revoked.")


def _as_utc(timestamp: int) -> datetime:
    return _EPOCH + timedelta(seconds=timestamp)


__all__ = ["Plan", "actor_claim", "check_actor", "fetch", "load", "plan", "usable"]
