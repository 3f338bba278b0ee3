"""Server-side token state: the denylist checked on every request, and revocation.

The store lives in the optional app ``rest_framework_jwt.blacklist``; this module reaches its
models through the app registry only, so the core imports without it. What is stored:

* ``t:<id>`` for one revoked token (its ``orig_jti``/``jti``: a classic refresh chain shares
  its first token's id, so revoking one link revokes the chain), ``d:<sha256>`` for a token
  without an id;
* ``u:<user pk>`` with a time: every token of that user issued before it is revoked
  (logout everywhere, password change, deactivation);
* ``f:<family id>``: a refresh-token family (one login session) and its access tokens.

The check costs one indexed query (database backend) or one ``get_many`` (cache backend).
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any, NamedTuple

from django.apps import apps
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from rest_framework.response import Response

from . import _state, claims
from .exceptions import InvalidClaim, StoreUnavailable, TokenRevoked
from .exceptions import RevocationUnavailable as RevocationUnavailable
from .logs import OUTAGE_LOG_INTERVAL, RateLimitedLog
from .settings import api_settings
from .signals import tokens_revoked
from .verification import ACTOR_CLAIM as ACTOR_CLAIM
from .verification import VerifiedToken
from .verification import denylist_key as denylist_key
from .verification import family_key as family_key
from .verification import is_key as is_key

CACHE_PREFIX = "rest_framework_jwt:revoked:"

logger = logging.getLogger("rest_framework_jwt")


def password_version(user: Any, key: bytes | None = None) -> str | None:
    """A short HMAC of the user's password hash, keyed by the server's secret.

    It changes when the password changes, and tells nothing about the password: without
    SECRET_KEY it cannot be computed or tested against guesses. None when the setting is off or
    the user has no password field. ``key`` defaults to the one derived from SECRET_KEY.
    """
    if not api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE:
        return None
    password = getattr(user, "password", None)
    if not isinstance(password, str):
        return None
    if key is None:
        key = _state.config().password_keys[0]
    message = f"{user.pk}:{password}"
    found = _versions.get((key, message))
    if found is None:
        if len(_versions) >= VERSIONS_KEPT:
            _versions.clear()
        found = hmac.digest(key, message.encode("utf-8", "surrogatepass"), "sha256").hex()[:16]
        _versions[(key, message)] = found
    return found


#: At most this many answers of :func:`password_version` are kept (then it starts again).
VERSIONS_KEPT = 4096
#: The answers of :func:`password_version` by key and message (the user's pk and password
#: hash): the HMAC is a function of those alone, so a request of a user seen before computes
#: none. A new password (or key) is a new message, never an answer kept for the old one.
_versions: dict[tuple[bytes, str], str] = {}


def check_password_version(user: Any, claimed: Any) -> None:
    """Raise TokenRevoked if ``claimed`` (a token's ``pwv``) was made before the user's last
    password change; InvalidClaim if it is not a string."""
    if claimed is None or not api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE:
        return
    if not isinstance(claimed, str):
        raise InvalidClaim("The pwv claim must be a string.")
    # Tokens issued before a SECRET_KEY rotation stay valid while the old key is a fallback.
    for key in _state.config().password_keys:
        current = password_version(user, key)
        if current is None or hmac.compare_digest(
            claimed.encode("utf-8", "surrogatepass"), current.encode("ascii")
        ):
            return  # (None: a user without a password field, e.g. TokenUser, is not checked)
    raise TokenRevoked("The password has changed since the token was issued.")


def available() -> bool:
    """True when the revocation app is installed."""
    return _state.config().revocation


def model(name: str) -> Any:
    """A model of the revocation app; RevocationUnavailable if it is not installed."""
    if not available():
        raise RevocationUnavailable()
    return apps.get_model("blacklist", name)


def as_verified(token: Any, payload: Mapping[str, Any] | None = None) -> VerifiedToken:
    """``token`` if it is a VerifiedToken, else one made of ``token`` and its ``payload``
    (for callers that decoded a token themselves)."""
    if isinstance(token, VerifiedToken):
        return token
    return VerifiedToken.of(token if token is not None else "", payload or {})


def usable_until(token: VerifiedToken | Mapping[str, Any]) -> datetime:
    """Until when ``token`` (or a payload), or a token refreshed from it, can still be
    accepted.

    A classic refresh chain lives until ``orig_iat`` + the refresh window + one token
    lifetime; the leeway extends every expiry.
    """
    verified = token if isinstance(token, VerifiedToken) else as_verified("", token)
    leeway = claims.seconds(api_settings.JWT_LEEWAY)
    ends = [verified.expires_at]
    orig_iat = verified.refresh_started_at
    if orig_iat is not None:
        ends.append(
            orig_iat
            + claims.seconds(api_settings.JWT_REFRESH_EXPIRATION_DELTA)
            + claims.seconds(api_settings.JWT_EXPIRATION_DELTA)
        )
    known = [end for end in ends if end is not None]
    if not known:
        return timezone.now() + max_lifetime()
    return _as_datetime(min(max(known) + leeway, MAX_TIMESTAMP))


def token_key(token: Any, payload: Mapping[str, Any] | None = None) -> str:
    """The denylist key of ``token`` (a VerifiedToken, or a raw token and its payload)."""
    return as_verified(token, payload).denylist_keys[0]


def user_key(user_pk: Any) -> str:
    """The denylist key of a user's cutoff: ``u:<user pk>``."""
    return f"u:{user_pk}"


#: Latest expiry stored (year 9999), whatever a token claims.
MAX_TIMESTAMP = float(claims.MAX_NUMERIC_DATE)


def max_lifetime() -> timedelta:
    """How long a token issued now may be used (or refreshed, or refreshed again): a
    revocation of every token of a user or a family lives this long."""
    longest = max(
        claims.seconds(api_settings.JWT_EXPIRATION_DELTA),
        claims.seconds(api_settings.JWT_IMPERSONATION_EXPIRATION_DELTA),
        claims.seconds(api_settings.JWT_REFRESH_EXPIRATION_DELTA)
        + claims.seconds(api_settings.JWT_EXPIRATION_DELTA),
    )
    return timedelta(seconds=longest + claims.seconds(api_settings.JWT_LEEWAY))


def _as_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=dt_timezone.utc)


#: Database errors that mean "the database cannot be reached or cannot answer now" (a dropped
#: connection, a server that is down, a deadlock or lock timeout), as opposed to a bug.
DATABASE_OUTAGES: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

#: The log of store outages: one record, then at most one per ``OUTAGE_LOG_INTERVAL`` seconds.
outage_log = RateLimitedLog(
    logger, OUTAGE_LOG_INTERVAL, left_out=" %d more requests met it since the last report."
)


def unavailable(error: BaseException, store: str) -> StoreUnavailable:
    """The 503 for a failure of ``store`` (``"cache"`` or ``"database"``); logs ``error`` on
    the ``rest_framework_jwt`` logger, at most once per ``OUTAGE_LOG_INTERVAL`` seconds."""
    outage_log.error(
        "The token store (%s) is unavailable; answering 503: %s: %s",
        store,
        type(error).__name__,
        error,
    )
    return StoreUnavailable()


class Entry(NamedTuple):
    """One denylist entry: its ``key``, its ``kind`` (token, user, family), the ``user`` it
    belongs to (or None), until when it is kept, why, and for a user cutoff the time before
    which that user's tokens are revoked."""

    key: str
    kind: str
    user: Any
    expires_at: datetime
    reason: str
    not_before: datetime | None = None


class Denylist:
    """A denylist backend: :meth:`lookup` keys, :meth:`add` an entry."""

    def lookup(self, keys: list[str]) -> dict[str, float | None]:
        """The entries found for ``keys``: key to cutoff timestamp (None: no cutoff)."""
        raise NotImplementedError

    def add(
        self,
        key: str,
        kind: str,
        user: Any,
        expires_at: datetime,
        reason: str,
        not_before: datetime | None = None,
    ) -> None:
        """Write one entry; the same key again updates it."""
        self.write(Entry(key, kind, user, expires_at, reason, not_before))

    def write(self, entry: Entry) -> None:
        raise NotImplementedError


class DatabaseDenylist(Denylist):
    """The denylist in the ``blacklist_revocation`` table."""

    def lookup(self, keys: list[str]) -> dict[str, float | None]:
        try:
            return self._entries(list(self._rows(keys)))
        except DATABASE_OUTAGES as error:
            raise unavailable(error, "database") from error

    async def alookup(self, keys: list[str]) -> dict[str, float | None]:
        """:meth:`lookup` through Django's async ORM."""
        try:
            return self._entries([row async for row in self._rows(keys)])
        except DATABASE_OUTAGES as error:
            raise unavailable(error, "database") from error

    @staticmethod
    def _rows(keys: list[str]) -> Any:
        return model("Revocation").objects.filter(key__in=keys).values_list("key", "not_before")

    @staticmethod
    def _entries(rows: list[tuple[str, datetime | None]]) -> dict[str, float | None]:
        return {key: (None if nb is None else nb.timestamp()) for key, nb in rows}

    def write(self, entry: Entry) -> None:
        store = model("Revocation")
        values = {
            "kind": entry.kind,
            "user_id": _user_id(store, entry.user),
            "not_before": entry.not_before,
            "expires_at": entry.expires_at,
            "reason": entry.reason[:32],
        }
        try:
            self._write(store, entry.key, values)
        except DATABASE_OUTAGES as error:
            raise unavailable(error, "database") from error

    @staticmethod
    def _write(store: Any, key: str, values: dict[str, Any]) -> None:
        # Idempotent under concurrency: several requests may revoke the same family at once
        # (a replayed refresh token); the unique key settles who inserts, the rest update.
        for attempt in range(3):
            try:
                with transaction.atomic(using=store.objects.db):
                    if not store.objects.filter(key=key).update(**values):
                        store.objects.create(key=key, **values)
                return
            except IntegrityError:
                continue
            except OperationalError:  # a deadlock victim (MariaDB): try again
                if attempt == 2:
                    raise
        store.objects.filter(key=key).update(**values)


def _user_id(store: Any, user: Any) -> Any:
    """The user's pk for the store's foreign key, or None if it points at another model (the
    user model was swapped after migrating, as tests do)."""
    if user is None or store._meta.get_field("user").related_model is not type(user):
        return None
    return user.pk


class _ThreadsCache(threading.local):
    """This thread's object of the denylist cache (what ``caches[alias]`` answered), for the
    alias and the ``CACHES`` it was made under: Django gives a thread the same object for an
    alias each time, so a request need not look it up again (``caches[alias]`` goes through
    asgiref's context-local storage, about a microsecond)."""

    alias: str | None = None
    generation = -1
    cache: Any = None


_threads_cache = _ThreadsCache()
#: Counts the changes of the CACHES setting (``override_settings``): a thread's kept object
#: made before one is not used after it.
_caches_generation = 0


def _caches_changed(*, setting: str, **kwargs: Any) -> None:
    global _caches_generation
    if setting == "CACHES":
        _caches_generation += 1


setting_changed.connect(_caches_changed, dispatch_uid="rest_framework_jwt.revocation.caches")


class CacheDenylist(Denylist):
    """The denylist in a Django cache (``JWT_DENYLIST_CACHE``); entries expire with the tokens."""

    @property
    def cache(self) -> Any:
        return caches[api_settings.JWT_DENYLIST_CACHE]

    @staticmethod
    def _thread_cache() -> Any:
        """:attr:`cache`, kept for this thread (see :class:`_ThreadsCache`)."""
        alias = api_settings.JWT_DENYLIST_CACHE
        kept = _threads_cache
        if kept.alias != alias or kept.generation != _caches_generation:
            kept.cache = caches[alias]
            kept.alias, kept.generation = alias, _caches_generation
        return kept.cache

    def lookup(self, keys: list[str]) -> dict[str, float | None]:
        # Any error of the cache backend (a Redis or Memcached client's own exception types)
        # means the answer is unknown: refuse to guess, and never accept the token unchecked.
        names = [CACHE_PREFIX + key for key in keys]
        try:
            found = self._thread_cache().get_many(names)
        except Exception as error:
            raise unavailable(error, "cache") from error
        return self._entries(found) if found else {}

    async def alookup(self, keys: list[str]) -> dict[str, float | None]:
        """:meth:`lookup` through Django's async cache API (``aget_many``)."""
        try:
            found = await self.cache.aget_many([CACHE_PREFIX + key for key in keys])
        except Exception as error:
            raise unavailable(error, "cache") from error
        return self._entries(found)

    @staticmethod
    def _entries(found: Mapping[str, Any]) -> dict[str, float | None]:
        return {
            name[len(CACHE_PREFIX) :]: (None if value == "" else float(value))
            for name, value in found.items()
        }

    def write(self, entry: Entry) -> None:
        timeout = max(1, math.ceil((entry.expires_at - timezone.now()).total_seconds()))
        value = "" if entry.not_before is None else repr(entry.not_before.timestamp())
        try:
            self.cache.set(CACHE_PREFIX + entry.key, value, timeout=timeout)
        except Exception as error:
            raise unavailable(error, "cache") from error


class StoreOutageMixin:
    """For an ``APIView``: a database that cannot be reached, wherever the view meets it (the
    user lookup, the sessions, the denylist), is the 503 of :class:`StoreUnavailable`."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DATABASE_OUTAGES):
            exc = unavailable(exc, "database")
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response


def uses_database() -> bool:
    """True when the denylist is the database table (``JWT_DENYLIST_BACKEND``)."""
    return bool(api_settings.JWT_DENYLIST_BACKEND != "cache")


#: The two backends; they hold no state of their own (the cache is looked up per call).
_DATABASE = DatabaseDenylist()
_CACHE = CacheDenylist()


def denylist() -> DatabaseDenylist | CacheDenylist:
    """The configured backend (``JWT_DENYLIST_BACKEND``)."""
    return _CACHE if api_settings.JWT_DENYLIST_BACKEND == "cache" else _DATABASE


def check(token: VerifiedToken, user: Any = None, revoked: bool | None = None) -> None:
    """Raise TokenRevoked if ``token`` was revoked, directly or through its user or family.

    ``revoked`` is the answer of a user lookup that checked the store in the same query
    (:mod:`lookup`); None: look now. Also checks the password claim against ``user``. Does
    nothing else (and no query) without the app.
    """
    keys = _keys_to_look_up(token, user, revoked)
    if keys:
        found = denylist().lookup(keys)
        if found:
            _refuse_found(found, token)


async def acheck(token: VerifiedToken, user: Any = None, revoked: bool | None = None) -> None:
    """:func:`check` for async code: the store is read with Django's async ORM or cache API."""
    keys = _keys_to_look_up(token, user, revoked)
    if keys:
        _refuse_found(await denylist().alookup(keys), token)


def _keys_to_look_up(token: VerifiedToken, user: Any, revoked: bool | None) -> list[str]:
    """What :func:`check` checks without the store (the password claim, an answer of the user
    query), then the store keys that apply to ``token`` (none: nothing to look up)."""
    if user is not None:
        check_password_version(user, token.password_version)
    if revoked is not None:
        if revoked:
            raise TokenRevoked("Token has been revoked.")
        return []
    if not _state.config().revocation:
        return []
    own = token.denylist_keys  # the token's and its family's, built once per token
    keys = [own[0]]
    owner = user.pk if user is not None else token.claims.get("user_id")
    # (A user id of a type no user has, from an unverified claim, can match no cutoff.)
    if (type(owner) is int and abs(owner) < 2**63) or is_key(owner):
        keys.append(user_key(owner))
    keys.extend(own[1:])
    return keys


def _refuse_found(
    found: Mapping[str, float | None], token: VerifiedToken, *, strict: bool = False
) -> None:
    """Raise TokenRevoked if an entry ``found`` for ``token``'s keys applies to it.

    ``strict``: a user cutoff also ends the tokens issued in its second.
    """
    for key, not_before in found.items():
        if key.startswith("u:") and not_before is not None:
            issued = token.issued_at
            # Tokens issued in the second of the cutoff or later survive it (iat is whole
            # seconds), so a login right after "log out everywhere" works.
            first = math.floor(not_before) + (1 if strict else 0)
            if issued is not None and issued >= first:
                continue
        raise TokenRevoked("Token has been revoked.")


def check_actor_cutoff(token: VerifiedToken, actor_pk: Any = None) -> None:
    """Raise TokenRevoked if the impersonator of ``token`` (``actor_pk``, by default the
    ``user_id`` in its ``act`` claim) has a cutoff after the token was issued: they logged
    out everywhere, changed their password, were deactivated or deleted, or an admin revoked
    their tokens. One store lookup; nothing without the app or without a known actor pk."""
    keys = _actor_keys(token, actor_pk)
    if keys:
        # Strict: an impersonation made in the second of the impersonator's "log out
        # everywhere" may come just before it, and nobody needs it to survive (impersonate
        # again).
        _refuse_found(denylist().lookup(keys), token, strict=True)


async def acheck_actor_cutoff(token: VerifiedToken, actor_pk: Any = None) -> None:
    """:func:`check_actor_cutoff` for async code."""
    keys = _actor_keys(token, actor_pk)
    if keys:
        _refuse_found(await denylist().alookup(keys), token, strict=True)


def _actor_keys(token: VerifiedToken, actor_pk: Any) -> list[str]:
    if actor_pk is None:
        actor = token.actor
        actor_pk = actor.get("user_id") if actor is not None else None
    if actor_pk is None or not _state.config().revocation:
        return []
    return [user_key(actor_pk)]


def revoke_token(
    token: Any,
    payload: Mapping[str, Any] | None = None,
    *,
    user: Any = None,
    reason: str = "logout",
) -> None:
    """Revoke one token (a VerifiedToken, or a raw token and its verified payload) and, for
    a token of a family, the whole family."""
    verified = as_verified(token, payload)
    denylist().add(token_key(verified), "token", user, usable_until(verified), reason)
    if verified.family is not None:
        revoke_families([verified.family], user=user, reason=reason)
    tokens_revoked.send(sender=__name__, user=user, kind="token", reason=reason)


def revoke_user(user: Any, *, reason: str = "logout_all", strict: bool = False) -> None:
    """Revoke every token of ``user`` issued until now, and all its refresh-token families.

    Token ``iat`` values are whole seconds, so the current second is ambiguous: by default
    tokens issued in it survive (a login right after "log out everywhere" works); with
    ``strict`` they are revoked too (deactivation, password change).
    """
    _cut_off(user.pk, user, reason, strict)
    # Each session ends with its own entry, as a logout does: a token of the session that the
    # cutoff lets through (issued in its second, or by a rotation that was under way when it
    # came and commits after it) is refused all the same.
    live = model("TokenFamily").objects.filter(user=user, revoked_at__isnull=True)
    _end_families([str(pk) for pk in live.values_list("pk", flat=True)], user, reason)
    tokens_revoked.send(sender=__name__, user=user, kind="user", reason=reason)


def revoke_deleted_user(user_pk: Any) -> None:
    """Revoke every token of a user that has just been deleted (its sessions went with it).

    Services that load the user per request refuse these tokens anyway; this is for those
    that do not (StatelessJSONWebTokenAuthentication).
    """
    _cut_off(user_pk, None, "deleted", strict=True)
    tokens_revoked.send(sender=__name__, user=None, kind="user", reason="deleted")


def _cut_off(user_pk: Any, user: Any, reason: str, strict: bool) -> None:
    now = timezone.now()
    cutoff = now.replace(microsecond=0) + timedelta(seconds=1) if strict else now
    denylist().add(user_key(user_pk), "user", user, now + max_lifetime(), reason, not_before=cutoff)


def revoke_families(family_ids: Iterable[Any], *, user: Any = None, reason: str) -> int:
    """Revoke refresh-token families (sessions) and every token issued in them."""
    family_ids = [str(family_id) for family_id in family_ids]
    count = _end_families(family_ids, user, reason)
    if family_ids:
        tokens_revoked.send(sender=__name__, user=user, kind="family", reason=reason)
    return count


def _end_families(family_ids: list[str], user: Any, reason: str) -> int:
    """Mark the sessions ``family_ids`` revoked and write their denylist entries; the number
    of sessions that were live."""
    if not family_ids:
        return 0
    now = timezone.now()
    expires_at = now + max_lifetime()
    backend = denylist()
    families = model("TokenFamily").objects
    # One transaction: a failure of the sessions' UPDATE or of a denylist write (the table,
    # or the cache, written last) records neither, so a retry finds the family as it was.
    with transaction.atomic(using=families.db):
        count = int(
            families.filter(pk__in=family_ids, revoked_at__isnull=True).update(
                revoked_at=now, revoke_reason=reason[:32]
            )
        )
        for family_id in family_ids:
            backend.add(family_key(family_id), "family", user, expires_at, reason)
    return count


__all__ = ["password_version", "revoke_families", "revoke_token", "revoke_user"]
