"""Throttles for the obtain and refresh endpoints, on by default. They count failures.

Rates come from ``JWT_AUTH["JWT_THROTTLE_RATES"]`` (a dict of scope to DRF rate string such as
``"10/min"``; ``None`` for a scope, or for the whole setting, turns throttling off) and the counts
live in the Django cache named by ``JWT_THROTTLE_CACHE``.

A request goes through two steps. Before the view's handler, :meth:`JWTRateThrottle.allow_request`
only reads: it refuses (429) when the failures counted in the current window fill the budget, and
writes nothing. After the handler, the view calls :meth:`~JWTRateThrottle.failed` when the
credentials or the token were refused (one atomic ``incr``), or
:meth:`~JWTRateThrottle.succeeded` on success, which costs nothing for the per-address scopes and
clears the per-username count. So successful logins and refreshes never use up a budget.

Counts are kept per fixed window of the rate's period (a minute for ``"10/min"``), in one integer
key per scope, identity and window, so two concurrent failures cannot overwrite each other's count.

When the cache cannot be reached, the throttles let the request through (the password and the
token are still checked), leave the cache alone for ``OUTAGE_RETRY_INTERVAL`` seconds, and log
the failure, at most once per ``OUTAGE_LOG_INTERVAL`` seconds per process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from rest_framework import serializers
from rest_framework.throttling import SimpleRateThrottle

from .logs import OUTAGE_LOG_INTERVAL, RateLimitedLog
from .settings import DEFAULTS, api_settings
from .signals import token_throttled
from .users import get_username_field

logger = logging.getLogger(__name__)

#: After a cache operation fails, the throttles leave that cache alone for this many seconds (per
#: process), so an unreachable host costs one connection timeout per interval, not per request.
OUTAGE_RETRY_INTERVAL = 5


class _Outage:
    """What this process knows about unreachable throttle caches: when to try each again, and
    the log of failures (one record, then one per ``OUTAGE_LOG_INTERVAL`` with the number left
    out)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.retry_at: dict[str, float] = {}
        self.log = RateLimitedLog(
            logger,
            OUTAGE_LOG_INTERVAL,
            left_out=" %d more cache operations failed or were skipped since the last report.",
        )

    def resting(self, alias: str) -> bool:
        """True while ``alias`` is left alone after a failure; the skipped operation is counted."""
        retry_at = self.retry_at.get(alias)
        if retry_at is None:
            return False
        now = time.time()
        # A clock set back (a test moving time) ends the rest rather than prolonging it.
        if not retry_at - OUTAGE_RETRY_INTERVAL <= now < retry_at:
            return False
        self.log.leave_out()
        return True

    def failed(self, alias: str, error: Exception) -> None:
        with self.lock:
            self.retry_at[alias] = time.time() + OUTAGE_RETRY_INTERVAL
        self.log.error(
            "The throttle cache %r cannot be reached (%s: %s): obtain and refresh are not "
            "throttled; it is tried again every %d seconds.",
            alias,
            type(error).__name__,
            error,
            OUTAGE_RETRY_INTERVAL,
        )

    def reset(self) -> None:
        with self.lock:
            self.retry_at.clear()
        self.log.reset()


outage = _Outage()


class JWTRateThrottle(SimpleRateThrottle):
    """Base: the rate and the cache come from the ``JWT_AUTH`` settings, read per request.

    Counts failed attempts only; see the module docstring for the two steps.
    """

    scope_setting = ""
    #: Whether a success clears this scope's count (the username's, not an address's: one
    #: account's password must not buy more guesses for others from the same address).
    reset_on_success = False
    #: The request whose count was read for this throttle by another one of its view.
    _read_for: Any = None

    def __init__(self) -> None:
        # SimpleRateThrottle reads DRF's THROTTLE_RATES here; ours are read in allow_request.
        self.rate: str | None = None
        self.limit = 0  # failures per window
        self.period = 60  # the window, in seconds
        self.key: str | None = None
        self.failures = 0
        self.now = 0.0

    @property
    def cache(self) -> Any:  # type: ignore[override]
        return caches[api_settings.JWT_THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        rate = scope_rates().get(self.scope_setting)
        return None if rate is None else str(rate)

    def cache_key_for(self, ident: str) -> str:
        return f"rest_framework_jwt:throttle:{self.scope_setting}:{ident}"

    # -- the check, before the handler ---------------------------------------------------------

    def allow_request(self, request: Any, view: Any) -> bool:
        """Refuse when this window's failures fill the budget. Reads; never writes.

        The view's throttles of this class that count in the same cache are read together,
        with one ``get_many`` (one round trip to Redis) by the first of them to run, when the
        view keeps the same throttle instances for the whole request (``reuses_throttles``,
        as the package's views do); otherwise each reads its own count.
        """
        if self._read_for is not request:
            _read_counts(request, view, self)
        self._read_for = None
        if self.rate is None or self.key is None:
            return True
        return self.failures < self.limit

    def wait(self) -> float | None:
        """Seconds until the current window ends (at least 1, so ``Retry-After`` is sent)."""
        if self.rate is None or self.key is None:
            return None
        return float(max(1, math.ceil(self._window_end() - self.timer())))

    def _prepare(self, request: Any, view: Any) -> bool:
        """Set this request's rate, window and key; False when there is nothing to count
        (the scope is off, or the request has no key)."""
        self.failures = 0
        self.rate = self.get_rate()
        if self.rate is None:
            self.key = None
            return False
        limit, period = self.parse_rate(self.rate)
        self.limit, self.period = int(limit or 0), int(period or 60)
        self.num_requests, self.duration = self.limit, self.period  # DRF's names
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return False
        self.now = self.timer()
        return True

    # -- the outcome, after the handler --------------------------------------------------------

    def failed(self, request: Any, view: Any) -> None:
        """Count one failed attempt. The failure that fills the budget sends ``token_throttled``."""
        if self.rate is None or self.key is None:
            return
        self.now = self.timer()
        key = self._window_key()
        timeout = max(1, math.ceil(self._window_end() - self.now) + 1)

        def count(cache: Any) -> Any:
            # The window's key exists after its first failure: one increment. Before, it is
            # made (atomically, with the window's expiry) and then increased.
            try:
                return cache.incr(key)
            except ValueError:  # not there yet, or expired
                pass
            cache.add(key, 0, timeout)
            try:
                return cache.incr(key)
            except ValueError:  # gone again, or a cache that keeps nothing (DummyCache)
                return None

        total = self._cache_call(count, default=None)
        if total == self.limit:
            token_throttled.send(
                sender=type(view),
                request=request,
                scope=self.scope_setting,
                address=self.get_ident(request),
                username=self.locked_username(),
                retry_after=int(self.wait() or 1),
            )

    def succeeded(self, request: Any, view: Any) -> None:
        """A success: clear the count where the scope says so (only if there is one)."""
        if self.reset_on_success and self.key is not None and self.failures:
            key = self._window_key()
            self._cache_call(lambda cache: cache.delete(key), default=None)

    def locked_username(self) -> str | None:
        """The normalized username of a per-username scope, for the signal; None otherwise."""
        return None

    # -- helpers -------------------------------------------------------------------------------

    def _window(self) -> int:
        return int(self.now // self.period)

    def _window_key(self) -> str:
        return f"{self.key}:{self._window()}"

    def _window_end(self) -> float:
        return float((self._window() + 1) * self.period)

    def _cache_call(self, operation: Callable[[Any], Any], *, default: Any) -> Any:
        alias = str(api_settings.JWT_THROTTLE_CACHE)
        if outage.resting(alias):
            return default
        try:
            return operation(self.cache)
        except Exception as error:  # an unreachable or misconfigured cache: let login proceed
            outage.failed(alias, error)
            return default


def _read_together(throttle: JWTRateThrottle, view: Any) -> list[JWTRateThrottle]:
    """``throttle`` and the other throttles of ``view`` whose counts are read with its own.

    Those are the ones that read as this class does, in the cache that ``JWT_THROTTLE_CACHE``
    names (a subclass with an ``allow_request``, ``cache`` or ``_cache_call`` of its own reads
    alone), when ``view`` keeps its throttle instances for the request (``reuses_throttles``)
    and ``throttle`` is one of them.
    """
    if not getattr(view, "reuses_throttles", False) or not _reads_as_base(throttle):
        return [throttle]
    throttles = view.get_throttles()
    if len(throttles) == 1 or not any(item is throttle for item in throttles):
        return [throttle]
    return [item for item in throttles if item is throttle or _reads_as_base(item)]


def _reads_as_base(throttle: Any) -> bool:
    kind = type(throttle)
    return (
        isinstance(throttle, JWTRateThrottle)
        and kind.allow_request is JWTRateThrottle.allow_request
        and kind.cache is JWTRateThrottle.cache
        and kind._cache_call is JWTRateThrottle._cache_call
    )


def _read_counts(request: Any, view: Any, throttle: JWTRateThrottle) -> None:
    """Prepare ``throttle`` and those read with it (:func:`_read_together`) for ``request``
    and read their failure counts, in one ``get_many`` (a ``get`` for one key); a count that
    cannot be read (the cache is down) is 0."""
    keys: dict[JWTRateThrottle, str] = {}
    for item in _read_together(throttle, view):
        if item._prepare(request, view):
            keys[item] = item._window_key()
        item._read_for = request
    if not keys:
        return
    wanted = list(dict.fromkeys(keys.values()))
    if len(wanted) == 1:  # one key: a plain get (LocMemCache's get_many is a loop of them)
        found = {wanted[0]: throttle._cache_call(lambda cache: cache.get(wanted[0]), default=0)}
    else:
        found = throttle._cache_call(lambda cache: cache.get_many(wanted), default={})
    for item, key in keys.items():
        count = found.get(key, 0) if isinstance(found, dict) else 0
        item.failures = count if isinstance(count, int) and not isinstance(count, bool) else 0


class ObtainIPThrottle(JWTRateThrottle):
    """Failed obtain attempts per client address (``obtain_ip``)."""

    scope_setting = "obtain_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_key_for(self.get_ident(request))


class ObtainUsernameThrottle(JWTRateThrottle):
    """Failed obtain attempts per username, from any address (``obtain_username``).

    The username is the value the view's serializer authenticates: its username field's own
    validation (DRF strips whitespace), then case-folded and NFKC-normalized, stored hashed.
    """

    scope_setting = "obtain_username"
    reset_on_success = True

    def __init__(self) -> None:
        super().__init__()
        self.username: str | None = None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        self.username = normalized_username(request, view)
        if self.username is None:
            return None
        digest = hashlib.sha256(self.username.encode("utf-8", "replace")).hexdigest()
        return self.cache_key_for(digest)

    def locked_username(self) -> str | None:
        return self.username


class RefreshIPThrottle(JWTRateThrottle):
    """Failed refresh attempts per client address (``refresh_ip``)."""

    scope_setting = "refresh_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_key_for(self.get_ident(request))


def scope_rates() -> dict[str, Any]:
    """The rate of each scope: ``JWT_THROTTLE_RATES`` over the defaults; {} when it is off."""
    rates = api_settings.JWT_THROTTLE_RATES
    if not rates:  # None or {}: throttling off
        return {}
    # A partial dict changes only the scopes it names.
    return {**DEFAULTS["JWT_THROTTLE_RATES"], **rates}


def fold(username: str) -> str:
    """Case-fold and NFKC-normalize, so that every spelling of one name is one key."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def normalized_username(request: Any, view: Any) -> str | None:
    """The username of an obtain request as the serializer will authenticate it, folded.

    None when there is none, or when the serializer's field refuses it (the view answers 400).
    """
    name = get_username_field()
    try:
        data = request.data
    except Exception:  # an unparsable body: the view answers 400 anyway
        return None
    raw = data.get(name) if hasattr(data, "get") else None
    if not isinstance(raw, str):
        return None
    field = _username_field(view, name)
    try:
        value = field.run_validation(raw)
    except serializers.ValidationError:
        return None
    if not isinstance(value, str) or not value:
        return None
    return fold(value)


def _username_field(view: Any, name: str) -> Any:
    """The view serializer's field for ``name``, or a default CharField.

    A view that knows that field without building a serializer gives it through
    ``throttle_field(name)`` (ours: ``JSONWebTokenAPIView.throttle_field``).
    """
    known = getattr(view, "throttle_field", None)
    field = known(name) if known is not None else None
    if field is not None:
        return field
    get_serializer = getattr(view, "get_serializer", None)
    if get_serializer is not None:
        try:
            field = get_serializer().fields.get(name)
        except Exception:  # a serializer that cannot be built without data: the default
            field = None
    return field if field is not None else serializers.CharField()


__all__ = [
    "JWTRateThrottle",
    "ObtainIPThrottle",
    "ObtainUsernameThrottle",
    "RefreshIPThrottle",
    "normalized_username",
    "scope_rates",
]
