"""System checks for the ``JWT_AUTH`` settings (ids ``rest_framework_jwt.E001``...).

Registered when ``rest_framework_jwt`` is in INSTALLED_APPS; ``manage.py check`` runs them.

Problems that are common in test and local settings (a short test secret, a DummyCache) but
unsafe in production are split in two: a Warning under ``manage.py check`` (so runserver,
migrate and the test runner go on) and an Error under ``manage.py check --deploy`` (Django's
``deploy=True`` checks), each with its own id. Under ``--deploy`` both are shown: Django passes
a check no flag that says whether the deployment checks run too.

Each check is one :class:`Row` of a table: the setting it is about, a validator, the check id,
the message and the hint (and, for a split check, the Error id under ``--deploy``). A validator
takes the setting's value and returns one mapping per problem it finds, empty when there is
none; each mapping fills the ``{placeholders}`` of the message and the hint, next to
``{setting}`` and ``{value}``. A row's level follows from its id: ``E...`` is an Error,
``W...`` a Warning. :data:`VALUE_ROWS` (E006, W003) run first; while any of them reports an
E006, the rows of :data:`ROWS` wait.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import datetime
import inspect
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string
from rest_framework.settings import api_settings as drf_settings

from . import _state, backend, issuers, keys, keystore, throttling
from .settings import (
    COMPAT_MODES,
    DEFAULTS,
    DENYLIST_BACKENDS,
    IMPORT_STRINGS,
    REVOCATION_APP,
    TOKEN_ID_MODES,
    api_settings,
)

MIN_HMAC_SECRET_BYTES = 32

E001 = "rest_framework_jwt.E001"  # unknown algorithm
E002 = "rest_framework_jwt.E002"  # the "none" algorithm
E003 = "rest_framework_jwt.E003"  # HS secret too short (--deploy; W006 under check)
E004 = "rest_framework_jwt.E004"  # asymmetric algorithm without keys
E005 = "rest_framework_jwt.E005"  # asymmetric algorithm without the crypto extra
E006 = "rest_framework_jwt.E006"  # a setting with an invalid value
E007 = "rest_framework_jwt.E007"  # a key that cannot be used
E008 = "rest_framework_jwt.E008"  # revocation features without their app
E009 = "rest_framework_jwt.E009"  # a cache alias that CACHES does not define (throttle cache:
#                                   --deploy; W007 under check)
E010 = "rest_framework_jwt.E010"  # JWT_VERIFY off (--deploy; W001 under check)
E011 = "rest_framework_jwt.E011"  # the cache denylist on a DummyCache (--deploy; W005 under check)
W001 = "rest_framework_jwt.W001"  # JWT_VERIFY off
W002 = "rest_framework_jwt.W002"  # JWT_VERIFY_EXPIRATION off
W003 = "rest_framework_jwt.W003"  # unknown JWT_AUTH key
W004 = "rest_framework_jwt.W004"  # asymmetric signing algorithm without a private key
W005 = "rest_framework_jwt.W005"  # the cache denylist on a cache that keeps nothing
W006 = "rest_framework_jwt.W006"  # HS secret too short (E003 under --deploy)
W007 = "rest_framework_jwt.W007"  # JWT_THROTTLE_CACHE not in CACHES (E009 under --deploy)
W008 = "rest_framework_jwt.W008"  # --deploy: per-address throttles trust X-Forwarded-For
W009 = "rest_framework_jwt.W009"  # --deploy: the throttles count in a DummyCache
W010 = "rest_framework_jwt.W010"  # --deploy: the cache denylist without StoreUnavailableMiddleware
W011 = "rest_framework_jwt.W011"  # --deploy: the throttles count per process (LocMem, DEBUG off)
W012 = "rest_framework_jwt.W012"  # --deploy: the cache denylist per process (LocMem, DEBUG off)
W013 = "rest_framework_jwt.W013"  # --deploy: the cache denylist in a cache that does not persist
# The token cookies (docs/cookies.md): ids 020 and up.
E020 = "rest_framework_jwt.E020"  # a token cookie with SameSite=None but not Secure
I020 = "rest_framework_jwt.I020"  # cookie mode under DEBUG: the cookies are not Secure
W020 = "rest_framework_jwt.W020"  # --deploy: token cookies without Secure
W021 = "rest_framework_jwt.W021"  # JWT_AUTH_COOKIE_DOMAIN does not match ALLOWED_HOSTS
W022 = "rest_framework_jwt.W022"  # the CSRF check of the cookies switched off
W023 = "rest_framework_jwt.W023"  # CSRF_USE_SESSIONS: the CSRF token would need a session
W024 = "rest_framework_jwt.W024"  # CSRF_COOKIE_HTTPONLY: pages cannot read the CSRF token
W025 = "rest_framework_jwt.W025"  # a cookie domain for sibling sites, CSRF not set up for them
E012 = "rest_framework_jwt.E012"  # an unusable entry of JWT_TRUSTED_ISSUERS
E013 = "rest_framework_jwt.E013"  # a trusted issuer's http:// URL (--deploy; W014 under check)
W014 = "rest_framework_jwt.W014"  # a trusted issuer's http:// URL, fetched only with DEBUG
W015 = "rest_framework_jwt.W015"  # --deploy: the JWKS cache is not shared between processes
W016 = "rest_framework_jwt.W016"  # TrustedIssuerAuthentication after JSONWebTokenAuthentication
W017 = "rest_framework_jwt.W017"  # contrib.adrf's classes in DEFAULT_AUTHENTICATION_CLASSES

#: What a validator finds: one mapping of placeholder values per problem.
Finds = Sequence[Mapping[str, Any]]
Validator = Callable[[Any], Finds]

FOUND: Finds = ({},)  # one problem, nothing to fill in beyond {setting} and {value}
NOTHING: Finds = ()


def read_setting(setting: str) -> Any:
    """The current value of ``setting``: a ``JWT_AUTH`` key, or the ``JWT_AUTH`` dict itself."""
    if setting == "JWT_AUTH":
        return api_settings.user_settings
    return getattr(api_settings, setting)


def read_import(setting: str) -> Any:
    """An import-string setting's callable, or the ImportError that importing it raised."""
    try:
        return getattr(api_settings, setting)
    except ImportError as error:
        return error


@dataclass(frozen=True)
class Row:
    """One check: the setting it is about, its validator, id, message and hint.

    ``deploy_id`` makes it a split check: the Warning ``check_id`` under ``check``, whose hint
    names the Error ``deploy_id`` it is under ``check --deploy``. ``deploy_only`` rows run under
    ``check --deploy`` only.
    """

    setting: str
    validator: Validator
    check_id: str
    message: str
    hint: str
    deploy_id: str | None = None
    deploy_only: bool = False
    read: Callable[[str], Any] = read_setting
    #: The docs page and anchor that explain it (``"security.md#throttle-cache"``), which the
    #: hint names.
    docs: str | None = None

    def id_under(self, deploy: bool) -> str | None:
        """The id this row reports under ``check`` (or ``--deploy``); None when it does not run."""
        if self.deploy_only:
            return self.check_id if deploy else None
        return self.deploy_id if deploy else self.check_id

    def run(self, deploy: bool) -> list[CheckMessage]:
        check_id = self.id_under(deploy)
        if check_id is None:
            return []
        value = self.read(self.setting)
        hint = self.hint
        if self.docs:
            hint += f" See docs/{self.docs}."
        if self.deploy_id and not deploy:
            hint += f" `manage.py check --deploy` reports this as {self.deploy_id}."
        level = _LEVELS[check_id.rsplit(".", 1)[-1][0]]
        return [
            level(self.message.format_map(fields), hint=hint.format_map(fields), id=check_id)
            for fields in (
                {"setting": self.setting, "value": value, **found}
                for found in self.validator(value)
            )
        ]


_LEVELS: dict[str, type[Error] | type[Warning] | type[Info]] = {
    "E": Error,
    "W": Warning,
    "I": Info,
}


def run_rows(rows: Iterable[Row], deploy: bool = False) -> list[CheckMessage]:
    return [message for row in rows for message in row.run(deploy)]


# ----------------------------------------------------------------------------------------------
# validators


def must(ok: Callable[[Any], bool]) -> Validator:
    """A validator that finds one problem when ``ok(value)`` is false."""
    return lambda value: NOTHING if ok(value) else FOUND


def _unknown_keys(user: Mapping[str, Any]) -> Finds:
    return [{"name": name} for name in sorted(set(user) - set(DEFAULTS))]


def _duration_ok(value: Any, *, allow_zero: bool) -> bool:
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        return False
    return seconds > 0 or (allow_zero and seconds == 0)


def _one_word(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value.split() == [value]


def _byte_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _rate_entries(rates: Any) -> list[tuple[Any, Any]]:
    return list(rates.items()) if isinstance(rates, dict) else []


def _unknown_scopes(rates: Any) -> Finds:
    known = DEFAULTS["JWT_THROTTLE_RATES"]
    return [{"scope": scope} for scope, _ in _rate_entries(rates) if scope not in known]


def _rate_ok(rate: Any) -> bool:
    if not isinstance(rate, str):
        return False
    try:
        attempts, _ = throttling.ObtainIPThrottle().parse_rate(rate)
    except (ValueError, KeyError, IndexError):
        return False
    return bool(attempts and attempts > 0)


def _bad_rates(rates: Any) -> Finds:
    known = DEFAULTS["JWT_THROTTLE_RATES"]
    return [
        {"scope": scope, "rate": rate}
        for scope, rate in _rate_entries(rates)
        if scope in known and rate is not None and not _rate_ok(rate)
    ]


def _secrets_ok(value: Any) -> bool:
    return all(
        item.error is not None or isinstance(item.material, (str, bytes))
        for item in keys.key_list(value)
    )


def _import_failed(value: Any) -> Finds:
    return [{"error": value}] if isinstance(value, ImportError) else NOTHING


def _callable_or_unset(value: Any) -> bool:
    return value is None or isinstance(value, ImportError) or callable(value)


def _algorithms_where(test: Callable[[str], bool]) -> Validator:
    """A validator that finds each configured algorithm for which ``test`` is true."""
    return lambda value: [{"name": name} for name in keys.algorithm_list(value) if test(name)]


def _is_none(name: str) -> bool:
    return name.lower() == "none"


def _is_unknown(name: str) -> bool:
    return not _is_none(name) and name not in keys.SUPPORTED_ALGORITHMS


def _needs_missing_crypto(name: str) -> bool:
    return name in keys.ASYMMETRIC_ALGORITHMS and not backend.crypto_available()


def _usable_algorithms(value: Any) -> list[str]:
    """The algorithms of ``JWT_ALGORITHM`` (``value``) this installation can use."""
    return [
        name
        for name in keys.algorithm_list(value)
        if name in backend.ALGORITHMS
        and (backend.crypto_available() or name not in keys.ASYMMETRIC_ALGORITHMS)
    ]


def _unusable_keys(value: Any) -> Finds:
    usable = _usable_algorithms(value)
    if not usable:
        return NOTHING
    return [{"problem": problem} for problem in _state.build_ring(usable).errors]


def _stored_keys() -> list[keystore.StoredKey]:
    """The keys of the key directory (none when unset or unreadable: E007 reports that)."""
    if not api_settings.JWT_KEY_DIR:
        return []
    try:
        return keystore.read(api_settings.JWT_KEY_DIR)
    except keys.KeySourceError:
        return []


def _asymmetric_without_keys(value: Any) -> Finds:
    asymmetric = [name for name in _usable_algorithms(value) if name in keys.ASYMMETRIC_ALGORITHMS]
    configured = api_settings.JWT_PUBLIC_KEY or api_settings.JWT_PRIVATE_KEY or _stored_keys()
    if asymmetric and not configured:
        return [{"name": asymmetric[0]}]
    return NOTHING


def _verify_only(private_key: Any) -> Finds:
    # Without any key at all it is E004 instead.
    usable = _usable_algorithms(api_settings.JWT_ALGORITHM)
    if not usable or usable[0] not in keys.ASYMMETRIC_ALGORITHMS:
        return NOTHING
    signs = private_key or any(key.signing for key in _stored_keys())
    return [{"name": usable[0]}] if api_settings.JWT_PUBLIC_KEY and not signs else NOTHING


def _secret_name(index: int, item: keys.KeyMaterial, from_django: bool) -> str:
    if from_django:
        return "SECRET_KEY" if index == 0 else f"SECRET_KEY_FALLBACKS[{index - 1}]"
    label = f"[{item.kid!r}]" if item.kid is not None else ""
    return f"JWT_AUTH['JWT_SECRET_KEY']{label}"


def _size(material: Any) -> int:
    return len(material if isinstance(material, bytes) else str(material).encode())


def _short_secrets(value: Any) -> Finds:
    """Each HS secret (with SECRET_KEY_FALLBACKS when they verify) under 32 bytes; an empty
    one is E007."""
    if not any(keys.is_hmac(name) for name in _usable_algorithms(api_settings.JWT_ALGORITHM)):
        return NOTHING
    from_django = value is None  # JWT_SECRET_KEY not set: Django's SECRET_KEY and fallbacks
    return [
        {"name": _secret_name(index, item, from_django), "size": _size(item.material)}
        for index, item in enumerate(keys.key_list(_state.secret_keys()))
        if item.error is None and 0 < _size(item.material) < MIN_HMAC_SECRET_BYTES
    ]


def _read_user_secret(setting: str) -> Any:
    return api_settings.user_settings.get(setting)


def _revocation_settings(user: Mapping[str, Any]) -> Finds:
    if apps.is_installed(REVOCATION_APP):
        return NOTHING
    wanted = [
        name
        for name, on in (
            ("JWT_REFRESH_TOKENS", bool(api_settings.JWT_REFRESH_TOKENS)),
            ("JWT_DENYLIST_BACKEND", "JWT_DENYLIST_BACKEND" in user),
            ("JWT_REFRESH_GRACE_PERIOD", "JWT_REFRESH_GRACE_PERIOD" in user),
        )
        if on
    ]
    return [{"names": ", ".join(wanted)}] if wanted else NOTHING


def _caches() -> Mapping[str, Any]:
    return getattr(settings, "CACHES", {}) or {}


def _backend_of(alias: Any) -> str:
    config = _caches().get(alias) or {}
    return str(config.get("BACKEND", ""))


def _is_dummy(alias: Any) -> bool:
    return _backend_of(alias).endswith("DummyCache")


def _is_per_process(alias: Any) -> bool:
    """A ``LocMemCache`` while ``DEBUG`` is off: each worker process has a cache of its own."""
    return _backend_of(alias).endswith("LocMemCache") and not settings.DEBUG


#: Cache backends that keep nothing over a restart of their server, whatever its settings.
_VOLATILE_BACKENDS = ("MemcachedCache", "PyMemcacheCache", "PyLibMCCache")


def _redis_persists(alias: Any) -> bool | None:
    """Whether the Redis server of the cache ``alias`` writes snapshots (``save``) or an
    append-only file; None when that cannot be told (no ``redis`` package, the server cannot
    be reached in two seconds, or it refuses ``CONFIG GET``, as managed services may)."""
    try:
        import redis
    except ImportError:
        return None
    location = (_caches().get(alias) or {}).get("LOCATION")
    if isinstance(location, str):
        location = location.split(",")
    if not location:
        return None
    try:
        client = redis.Redis.from_url(
            str(location[0]).strip(), socket_connect_timeout=2, socket_timeout=2
        )
        try:
            found = {**client.config_get("save"), **client.config_get("appendonly")}
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return None
    return bool(found.get("save")) or found.get("appendonly") == "yes"


def _volatile_denylist(alias: Any) -> Finds:
    """The cache denylist in a cache that loses its keys when its server restarts: Memcached,
    or a Redis server that neither saves snapshots nor keeps an append-only file."""
    backend = _backend_of(alias)
    if backend.endswith(_VOLATILE_BACKENDS):
        return [{"kind": "a Memcached cache, which keeps nothing over a restart"}]
    if backend.endswith("RedisCache") and _redis_persists(alias) is False:
        return [{"kind": "a Redis server without persistence (no save, appendonly no)"}]
    return NOTHING


def _undefined_cache(alias: Any) -> Finds:
    caches = _caches()
    if alias in caches:
        return NOTHING
    return [{"aliases": ", ".join(map(repr, caches)) or "the aliases in CACHES"}]


def _with_cache_denylist(validator: Validator) -> Validator:
    """``validator``, for when the denylist is in the cache (``JWT_DENYLIST_BACKEND``)."""
    return lambda value: (
        validator(value) if api_settings.JWT_DENYLIST_BACKEND == "cache" else NOTHING
    )


def _throttles_on() -> bool:
    return any(rate is not None for rate in throttling.scope_rates().values())


def _trusting_forwarded_for(rates: Any) -> Finds:
    on = throttling.scope_rates()  # ``rates`` over the defaults
    by_address = [scope for scope in ("obtain_ip", "refresh_ip") if on.get(scope) is not None]
    if by_address and drf_settings.NUM_PROXIES is None:
        return [{"scopes": ", ".join(by_address)}]
    return NOTHING


#: The middleware that answers StoreUnavailable outside DRF (middleware.py).
OUTAGE_MIDDLEWARE = "rest_framework_jwt.middleware.StoreUnavailableMiddleware"


def _is_outage_middleware(path: str) -> bool:
    from .middleware import StoreUnavailableMiddleware

    if path == OUTAGE_MIDDLEWARE:
        return True
    try:
        found = import_string(path)
    except ImportError:
        return False
    return isinstance(found, type) and issubclass(found, StoreUnavailableMiddleware)


def _without_outage_middleware(backend: Any) -> Finds:
    """The revocation app with the cache denylist, and no StoreUnavailableMiddleware (or a
    subclass) in MIDDLEWARE."""
    if not _state.config().revocation:
        return NOTHING
    middleware = getattr(settings, "MIDDLEWARE", None) or ()
    return NOTHING if any(map(_is_outage_middleware, middleware)) else FOUND


def _token_cookies() -> list[str]:
    """The names of the configured token cookies."""
    names = (api_settings.JWT_AUTH_COOKIE, api_settings.JWT_AUTH_REFRESH_COOKIE)
    return [str(name) for name in names if name]


def _with_cookies(validator: Validator) -> Validator:
    """``validator``, run only when a token cookie is configured."""
    return lambda value: validator(value) if _token_cookies() else NOTHING


def _cookies_with_csrf(validator: Validator) -> Validator:
    """``validator``, run only when a token cookie is configured and its CSRF check is on."""
    return _with_cookies(
        lambda value: validator(value) if api_settings.JWT_AUTH_COOKIE_CSRF else NOTHING
    )


def _not_secure_in_debug(secure: Any) -> Finds:
    return FOUND if api_settings.cookie_mode and settings.DEBUG and not secure else NOTHING


def _not_secure_in_production(secure: Any) -> Finds:
    return FOUND if not settings.DEBUG and not secure else NOTHING


def _samesite_none_without_secure(samesite: Any) -> Finds:
    none = isinstance(samesite, str) and samesite.lower() == "none"
    return FOUND if none and not api_settings.JWT_AUTH_COOKIE_SECURE else NOTHING


def _host_in_domain(pattern: str, domain: str) -> bool:
    """True when a host that ``pattern`` of ALLOWED_HOSTS allows may set a cookie for
    ``domain`` (the domain itself or one of its subdomains)."""
    pattern = pattern.lower()
    if pattern == "*":
        return True
    host = pattern.lstrip(".")
    if host == domain or host.endswith("." + domain):
        return True
    return pattern.startswith(".") and domain.endswith("." + host)


def _foreign_domain(domain: Any) -> Finds:
    if not domain:
        return NOTHING
    name = str(domain).lstrip(".").lower()
    allowed = getattr(settings, "ALLOWED_HOSTS", None) or ()
    if not allowed or any(_host_in_domain(str(pattern), name) for pattern in allowed):
        return NOTHING
    return ({"hosts": ", ".join(map(str, allowed))},)


def _sibling_csrf_gaps(domain: Any) -> Finds:
    """A cookie domain (an SPA on a sibling subdomain) without the CSRF settings it needs."""
    if not domain:
        return NOTHING
    problems = []
    if not getattr(settings, "CSRF_TRUSTED_ORIGINS", None):
        problems.append(
            "CSRF_TRUSTED_ORIGINS is empty, so unsafe requests from the sibling sites fail "
            "the Origin check"
        )
    if getattr(settings, "CSRF_COOKIE_DOMAIN", None) != domain:
        problems.append(
            "CSRF_COOKIE_DOMAIN is not the same domain, so pages on the sibling sites cannot "
            "read the CSRF token"
        )
    return [{"problem": problem} for problem in problems]


def _django_setting(setting: str) -> Any:
    return getattr(settings, setting, None)


def _issuer_entries(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, (list, tuple)) else []


def _bad_issuers(value: Any) -> Finds:
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for index, entry in _issuer_entries(value):
        found.extend({"index": index, "problem": p} for p in issuers.entry_problems(entry))
        name = entry.get("issuer") if isinstance(entry, Mapping) else None
        field = _unknown_user_field(entry)
        if field is not None:
            found.append({"index": index, "problem": f"the user model has no field {field!r}"})
        if isinstance(name, str) and name in seen:
            found.append({"index": index, "problem": f"the issuer {name!r} is listed twice"})
        seen.add(name)
    return found


def _unknown_user_field(entry: Any) -> str | None:
    """The user model field an entry with a ``user_claim`` matches, if the model lacks it."""
    if not isinstance(entry, Mapping) or not entry.get("user_claim"):
        return None
    model = _state.user_model()
    field = entry.get("user_field") or getattr(model, "USERNAME_FIELD", "username")
    try:
        model._meta.get_field(field)
    except (FieldDoesNotExist, TypeError):
        return str(field)
    return None


def _plain_http_urls(value: Any) -> Finds:
    """The http:// URLs of the trusted issuers, while DEBUG is off (they are not fetched)."""
    if settings.DEBUG:
        return NOTHING
    return [
        {"index": index, "url": entry[name]}
        for index, entry in _issuer_entries(value)
        if isinstance(entry, Mapping)
        for name in ("jwks_url", "discovery_url")
        if isinstance(entry.get(name), str) and entry[name].startswith("http://")
    ]


def _with_issuers(validator: Validator) -> Validator:
    """``validator``, for when ``JWT_TRUSTED_ISSUERS`` names at least one issuer."""
    return lambda value: (
        validator(value) if _issuer_entries(api_settings.JWT_TRUSTED_ISSUERS) else NOTHING
    )


def _not_shared(alias: Any) -> bool:
    config = _caches().get(alias) or {}
    return str(config.get("BACKEND", "")).endswith(("DummyCache", "LocMemCache"))


TRUSTED_ISSUER_CLASS = "rest_framework_jwt.authentication.TrustedIssuerAuthentication"
OWN_CLASS = "rest_framework_jwt.authentication.JSONWebTokenAuthentication"


def _issuers_after_own(value: Any) -> Finds:
    """TrustedIssuerAuthentication listed after JSONWebTokenAuthentication while both read
    the same scheme: the first refuses the trusted issuers' tokens before the second sees them."""
    names = [
        path if isinstance(path, str) else f"{path.__module__}.{path.__qualname__}"
        for path in drf_settings.user_settings.get("DEFAULT_AUTHENTICATION_CLASSES", ())
    ]
    if TRUSTED_ISSUER_CLASS not in names or OWN_CLASS not in names:
        return NOTHING
    same_scheme = str(api_settings.JWT_AUTH_HEADER_PREFIX).lower() == "bearer"
    if same_scheme and names.index(OWN_CLASS) < names.index(TRUSTED_ISSUER_CLASS):
        return FOUND
    return NOTHING


def _awaited_by_default(value: Any) -> Finds:
    """An authentication class of the package's with an ``async def authenticate()``
    (``contrib.adrf``'s) in DEFAULT_AUTHENTICATION_CLASSES: DRF's own Request does not await
    it, so a plain DRF view that uses the default would fail."""
    found = []
    for entry in drf_settings.user_settings.get("DEFAULT_AUTHENTICATION_CLASSES", ()):
        try:
            cls = import_string(entry) if isinstance(entry, str) else entry
        except ImportError:
            continue  # DRF reports that itself
        authenticate = getattr(cls, "authenticate", None)
        if hasattr(cls, "aauthenticate") and inspect.iscoroutinefunction(authenticate):
            found.append({"name": getattr(cls, "__qualname__", str(entry))})
    return found


# ----------------------------------------------------------------------------------------------
# the tables

_HANDLER_HINT = "Give a dotted path to a callable, or the callable."
_DURATIONS = (
    ("JWT_EXPIRATION_DELTA", False),
    ("JWT_REFRESH_EXPIRATION_DELTA", False),
    ("JWT_IMPERSONATION_EXPIRATION_DELTA", False),
    ("JWT_LEEWAY", True),
    ("JWT_REFRESH_GRACE_PERIOD", True),
    ("JWT_KEY_RELOAD_INTERVAL", True),
    ("JWT_JWKS_MAX_AGE", True),
    ("JWT_JWKS_CACHE_LIFETIME", False),
    ("JWT_JWKS_REFETCH_INTERVAL", False),
    ("JWT_JWKS_STALE_LIFETIME", True),
    ("JWT_JWKS_FETCH_TIMEOUT", False),
)
_CHOICES = (
    ("JWT_COMPAT", COMPAT_MODES),
    ("JWT_DENYLIST_BACKEND", DENYLIST_BACKENDS),
    ("JWT_TOKEN_ID", TOKEN_ID_MODES),
)


def _one_of(choices: tuple[str, ...]) -> Validator:
    return must(lambda value: value in choices)


#: W003 and E006: unknown keys, and values of the wrong type or outside their choices.
VALUE_ROWS: tuple[Row, ...] = (
    Row(
        "JWT_AUTH",
        _unknown_keys,
        W003,
        "JWT_AUTH['{name}'] is not a setting of rest_framework_jwt; it is ignored.",
        "Check the spelling against the settings reference (docs/settings.md).",
    ),
    *(
        Row(
            setting,
            _one_of(choices),
            E006,
            "JWT_AUTH['{setting}'] is {value!r}.",
            f"Use one of {', '.join(map(repr, choices))}.",
        )
        for setting, choices in _CHOICES
    ),
    *(
        Row(
            setting,
            must(partial(_duration_ok, allow_zero=allow_zero)),
            E006,
            "JWT_AUTH['{setting}'] must be a datetime.timedelta or a number of seconds"
            + (" (zero or more)." if allow_zero else " greater than zero."),
            "For example datetime.timedelta(minutes=5).",
        )
        for setting, allow_zero in _DURATIONS
    ),
    Row(
        "JWT_AUTH_HEADER_PREFIX",
        must(_one_word),
        E006,
        "JWT_AUTH['{setting}'] must be one word.",
        'For example "JWT" or "Bearer".',
    ),
    Row(
        "JWT_MAX_TOKEN_SIZE",
        must(_byte_count),
        E006,
        "JWT_AUTH['{setting}'] must be a whole number of bytes.",
        "The default is 8192; 0 turns the bound off.",
    ),
    Row(
        "JWT_VERIFIED_TOKEN_CACHE_SIZE",
        must(_byte_count),
        E006,
        "JWT_AUTH['{setting}'] must be a whole number of tokens.",
        "The default is 1024; 0 turns the cache off.",
    ),
    Row(
        "JWT_THROTTLE_RATES",
        must(lambda rates: rates is None or isinstance(rates, dict)),
        E006,
        "JWT_AUTH['{setting}'] must be a dict of scope to rate, or None.",
        'For example {{"obtain_username": "5/min"}}; None turns a scope off.',
    ),
    Row(
        "JWT_THROTTLE_RATES",
        _unknown_scopes,
        E006,
        "JWT_AUTH['{setting}'] names the unknown scope {scope!r}.",
        f"Use {', '.join(map(repr, DEFAULTS['JWT_THROTTLE_RATES']))}.",
    ),
    Row(
        "JWT_THROTTLE_RATES",
        _bad_rates,
        E006,
        "JWT_AUTH['{setting}'] has the rate {rate!r} for {scope!r}, which is not a DRF rate.",
        "A positive number of attempts per second, minute, hour or day, such as "
        '"10/min" or "100/hour"; None turns the scope off.',
    ),
    Row(
        "JWT_SECRET_KEY",
        must(_secrets_ok),
        E006,
        "JWT_AUTH['{setting}'] must be a str or bytes, or a list or dict of them.",
        "For example a 50-character random str.",
    ),
    Row(
        "JWT_KEY_DIR",
        must(lambda value: value is None or isinstance(value, (str, os.PathLike))),
        E006,
        "JWT_AUTH['{setting}'] must be a path (str or pathlib.Path), or None.",
        'For example BASE_DIR / "jwt-keys" (see docs/keys.md).',
    ),
    Row(
        "JWT_TRUSTED_ISSUERS",
        must(lambda value: isinstance(value, (list, tuple))),
        E006,
        "JWT_AUTH['{setting}'] must be a list of dicts.",
        'For example [{{"issuer": "https://idp.example/", "jwks_url": '
        '"https://idp.example/jwks.json", "audience": "api"}}].',
    ),
    Row(
        "JWT_JWKS_MAX_SIZE",
        must(lambda value: _byte_count(value) and value > 0),
        E006,
        "JWT_AUTH['{setting}'] must be a whole number of bytes greater than zero.",
        "The default is 262144 (256 KiB).",
    ),
    Row(
        "JWT_JWKS_CACHE",
        must(lambda value: isinstance(value, str)),
        E006,
        "JWT_AUTH['{setting}'] must be the alias of a cache in CACHES.",
        'For example "default".',
    ),
    Row(
        "JWT_ALGORITHM",
        must(lambda value: isinstance(value, (str, list, tuple))),
        E006,
        "JWT_AUTH['{setting}'] must be a name or a list of names.",
        'For example "HS256" or ["RS256", "HS256"].',
    ),
    *(
        row
        for setting in IMPORT_STRINGS
        for row in (
            Row(
                setting,
                _import_failed,
                E006,
                "JWT_AUTH['{setting}'] cannot be imported: {error}",
                _HANDLER_HINT,
                read=read_import,
            ),
            Row(
                setting,
                must(_callable_or_unset),
                E006,
                "JWT_AUTH['{setting}'] is not callable.",
                _HANDLER_HINT,
                read=read_import,
            ),
        )
    ),
)

#: The other checks, in the order they report: algorithms and keys, secrets, verification,
#: revocation, caches, then the throttles' deployment checks.
ROWS: tuple[Row, ...] = (
    Row(
        "JWT_ALGORITHM",
        _algorithms_where(_is_none),
        E002,
        "JWT_AUTH['{setting}'] includes 'none': unsigned tokens would be accepted.",
        "Remove 'none'; use HS256 or an asymmetric algorithm.",
    ),
    Row(
        "JWT_ALGORITHM",
        _algorithms_where(_is_unknown),
        E001,
        "JWT_AUTH['{setting}'] includes the unknown algorithm {name!r}.",
        f"Use one of {', '.join(sorted(keys.SUPPORTED_ALGORITHMS))}.",
    ),
    Row(
        "JWT_ALGORITHM",
        _algorithms_where(_needs_missing_crypto),
        E005,
        "The algorithm {name!r} needs the 'cryptography' package.",
        "Install djangorestframework-jwt[crypto].",
    ),
    Row(
        "JWT_ALGORITHM",
        _unusable_keys,
        E007,
        "A configured key cannot be used: {problem}",
        "Check the key's type against JWT_ALGORITHM.",
    ),
    Row(
        "JWT_ALGORITHM",
        _asymmetric_without_keys,
        E004,
        "JWT_AUTH['{setting}'] uses {name} but no key is configured.",
        "Set JWT_PRIVATE_KEY (to sign) and JWT_PUBLIC_KEY (to verify), or JWT_KEY_DIR and run "
        "`manage.py jwt_keys generate`.",
    ),
    Row(
        "JWT_PRIVATE_KEY",
        _verify_only,
        W004,
        "Tokens would be signed with {name} but JWT_PRIVATE_KEY is not set: this service can "
        "verify tokens but not issue them (obtain and refresh fail).",
        "Fine for a service that only verifies; otherwise set JWT_PRIVATE_KEY.",
    ),
    Row(
        "JWT_SECRET_KEY",
        _short_secrets,
        W006,
        "{name} is {size} bytes long; HS tokens signed with it can be brute-forced.",
        f"Use a random secret of at least {MIN_HMAC_SECRET_BYTES} bytes "
        "(python -c 'import secrets; print(secrets.token_urlsafe(48))').",
        deploy_id=E003,
        docs="security.md#secure-defaults",
        read=_read_user_secret,
    ),
    Row(
        "JWT_VERIFY",
        must(bool),
        W001,
        "JWT_AUTH['{setting}'] is False: token signatures are not checked, so anyone can "
        "forge a token.",
        "Remove JWT_VERIFY or set it to True.",
        deploy_id=E010,
        docs="security.md#secure-defaults",
    ),
    Row(
        "JWT_VERIFY_EXPIRATION",
        must(bool),
        W002,
        "JWT_AUTH['{setting}'] is False: tokens never expire.",
        "Remove JWT_VERIFY_EXPIRATION or set it to True.",
    ),
    Row(
        "JWT_AUTH",
        _revocation_settings,
        E008,
        "JWT_AUTH sets {names}, which needs the revocation app.",
        f"Add '{REVOCATION_APP}' to INSTALLED_APPS and run migrate.",
    ),
    # Without its cache, a throttle lets every request through (and logs it).
    Row(
        "JWT_THROTTLE_CACHE",
        _undefined_cache,
        W007,
        "JWT_AUTH['{setting}'] names the cache {value!r}, which CACHES does not define. "
        "Obtain and refresh are not throttled.",
        "Use one of {aliases}.",
        deploy_id=E009,
        docs="security.md#throttle-cache",
    ),
    Row(
        "JWT_DENYLIST_CACHE",
        _with_cache_denylist(_undefined_cache),
        E009,
        "JWT_AUTH['{setting}'] names the cache {value!r}, which CACHES does not define.",
        "Use one of {aliases}.",
    ),
    Row(
        "JWT_DENYLIST_CACHE",
        _with_cache_denylist(must(lambda alias: not _is_dummy(alias))),
        W005,
        "The denylist is in the cache {value!r}, a DummyCache: revoked tokens keep working.",
        "Point JWT_DENYLIST_CACHE at a real cache (Redis), or use the database backend.",
        deploy_id=E011,
        docs="security.md#denylist-cache",
    ),
    Row(
        "JWT_TRUSTED_ISSUERS",
        _bad_issuers,
        E012,
        "JWT_AUTH['{setting}'][{index}]: {problem}; the entry is ignored.",
        'An entry is a dict with "issuer", "jwks_url" or "discovery_url", and "audience" '
        "(see docs/resource-server.md).",
    ),
    Row(
        "JWT_TRUSTED_ISSUERS",
        _plain_http_urls,
        W014,
        "JWT_AUTH['{setting}'][{index}] has the http:// URL {url!r}: it is fetched only while "
        "DEBUG is on, so this issuer's tokens are refused with 503.",
        "Use the issuer's https:// URL.",
        deploy_id=E013,
        docs="resource-server.md#fetching-keys",
    ),
    Row(
        "JWT_JWKS_CACHE",
        _with_issuers(_undefined_cache),
        E009,
        "JWT_AUTH['{setting}'] names the cache {value!r}, which CACHES does not define.",
        "Use one of {aliases}.",
    ),
    Row(
        "JWT_JWKS_CACHE",
        _with_issuers(must(lambda alias: not _not_shared(alias))),
        W015,
        "The JWK Sets of the trusted issuers are cached in {value!r}, which processes do not "
        "share: each worker fetches them itself, and no copy survives a restart.",
        "Point JWT_JWKS_CACHE at a cache all workers share (Redis, Memcached).",
        deploy_only=True,
        docs="resource-server.md#the-jwks-cache",
    ),
    Row(
        "JWT_AUTH_HEADER_PREFIX",
        _issuers_after_own,
        W016,
        "REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'] lists JSONWebTokenAuthentication "
        "before TrustedIssuerAuthentication, and both read 'Bearer' tokens: the first refuses "
        "the trusted issuers' tokens before the second sees them.",
        "List TrustedIssuerAuthentication first; it leaves the package's own tokens to "
        "JSONWebTokenAuthentication.",
    ),
    Row(
        "JWT_AUTH_HEADER_PREFIX",
        _awaited_by_default,
        W017,
        "REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'] lists {name}, whose authenticate() is "
        "a coroutine for adrf: a plain DRF view using the default (the package's own views "
        "among them) would fail on every request.",
        "List the classes of rest_framework_jwt.authentication in "
        "DEFAULT_AUTHENTICATION_CLASSES, and {name} in the authentication_classes of the adrf "
        "views.",
        docs="async.md#adrf",
    ),
    Row(
        "JWT_THROTTLE_RATES",
        _trusting_forwarded_for,
        W008,
        "REST_FRAMEWORK['NUM_PROXIES'] is not set, so the per-address throttles ({scopes}) take "
        "the client address from the X-Forwarded-For header whenever there is one: a client "
        "that sends a new value with each attempt is never throttled by address.",
        "Set REST_FRAMEWORK['NUM_PROXIES'] to the number of proxies in front of the "
        "application (0 when clients connect to it directly).",
        deploy_only=True,
        docs="security.md#client-address",
    ),
    Row(
        "JWT_THROTTLE_CACHE",
        must(lambda alias: not (_throttles_on() and _is_dummy(alias))),
        W009,
        "The throttles count in the cache {value!r}, a DummyCache: obtain and refresh are "
        "never throttled.",
        "Point JWT_THROTTLE_CACHE at a cache all workers share (Redis, Memcached), or set "
        "JWT_THROTTLE_RATES to None if throttling is done elsewhere.",
        deploy_only=True,
        docs="security.md#throttle-cache",
    ),
    Row(
        "JWT_THROTTLE_CACHE",
        must(lambda alias: not (_throttles_on() and _is_per_process(alias))),
        W011,
        "The throttles count in the cache {value!r}, a LocMemCache, and DEBUG is off: each "
        "worker process counts on its own, so the real limit is the rate times the number of "
        "processes.",
        "Point JWT_THROTTLE_CACHE at a cache all workers share (Redis, Memcached).",
        deploy_only=True,
        docs="security.md#throttle-cache",
    ),
    Row(
        "JWT_DENYLIST_CACHE",
        _with_cache_denylist(must(lambda alias: not _is_per_process(alias))),
        W012,
        "The denylist is in the cache {value!r}, a LocMemCache, and DEBUG is off: a logout or "
        "revocation is seen only by the worker process that wrote it, and is lost when that "
        "process restarts.",
        "Point JWT_DENYLIST_CACHE at a cache all workers share that persists (Redis with "
        "persistence), or use the database backend.",
        deploy_only=True,
        docs="security.md#denylist-cache",
    ),
    Row(
        "JWT_DENYLIST_CACHE",
        _with_cache_denylist(_volatile_denylist),
        W013,
        "The denylist is in the cache {value!r}, {kind}: when the cache server restarts, every "
        "revoked token that has not expired is accepted again.",
        "Turn on persistence (Redis: appendonly yes, or save), or use the database backend.",
        deploy_only=True,
        docs="security.md#denylist-cache",
    ),
    Row(
        "JWT_DENYLIST_BACKEND",
        _with_cache_denylist(_without_outage_middleware),
        W010,
        "The denylist is in a cache (JWT_DENYLIST_BACKEND = 'cache'), and MIDDLEWARE does not "
        "have StoreUnavailableMiddleware: while that cache cannot be reached, a password change "
        "or deactivation saved through the admin or a view that is not DRF's is refused with a "
        "500 instead of a 503.",
        f"Add '{OUTAGE_MIDDLEWARE}' to MIDDLEWARE.",
        deploy_only=True,
        docs="revocation.md#when-the-store-is-unavailable",
    ),
    Row(
        "JWT_AUTH_COOKIE_SAMESITE",
        _with_cookies(_samesite_none_without_secure),
        E020,
        "JWT_AUTH['{setting}'] is 'None' but JWT_AUTH_COOKIE_SECURE is off: browsers refuse "
        "such cookies.",
        "Set JWT_AUTH_COOKIE_SECURE to True, or use 'Lax'.",
    ),
    Row(
        "JWT_AUTH_COOKIE_SECURE",
        _with_cookies(_not_secure_in_debug),
        I020,
        "The token cookies are not Secure because DEBUG is on (cookie mode's default), so "
        "they also travel over plain HTTP.",
        "Nothing to do for local development; with DEBUG off they are Secure.",
    ),
    Row(
        "JWT_AUTH_COOKIE_SECURE",
        _with_cookies(_not_secure_in_production),
        W020,
        "The token cookies are not Secure: a browser also sends them over plain HTTP, where "
        "anyone on the network can read them.",
        "Set JWT_AUTH['JWT_AUTH_COOKIE_SECURE'] = True and serve the site over HTTPS "
        "(JWT_COOKIE_MODE does so by default).",
        deploy_only=True,
        docs="cookies.md#the-threat-model",
    ),
    Row(
        "JWT_AUTH_COOKIE_DOMAIN",
        _with_cookies(_foreign_domain),
        W021,
        "JWT_AUTH['{setting}'] is {value!r}, which matches none of ALLOWED_HOSTS ({hosts}): "
        "browsers refuse cookies for a domain that is not the site's own.",
        "Use the site's domain or a parent of it (for example '.example.com' for "
        "api.example.com), or None.",
        docs="cookies.md#a-single-page-app-on-a-sibling-subdomain",
    ),
    Row(
        "JWT_AUTH_COOKIE_DOMAIN",
        _cookies_with_csrf(_sibling_csrf_gaps),
        W025,
        "JWT_AUTH['{setting}'] shares the token cookies with sibling sites, but {problem}.",
        "Set CSRF_TRUSTED_ORIGINS to the sibling sites' origins and CSRF_COOKIE_DOMAIN to "
        "the same domain.",
        docs="cookies.md#a-single-page-app-on-a-sibling-subdomain",
    ),
    Row(
        "JWT_AUTH_COOKIE_CSRF",
        _with_cookies(must(bool)),
        W022,
        "JWT_AUTH['{setting}'] is off: a request authenticated by the token cookie needs no "
        "CSRF token, so any site can make the browser send unsafe requests as the user.",
        "Remove JWT_AUTH_COOKIE_CSRF and have the page echo the CSRF token.",
        docs="cookies.md#what-happens-in-cookie-mode",
    ),
    Row(
        "CSRF_USE_SESSIONS",
        _cookies_with_csrf(must(lambda value: not value)),
        W023,
        "CSRF_USE_SESSIONS is on: the CSRF token of the token cookies would live in a Django "
        "session, which token authentication does not have.",
        "Set CSRF_USE_SESSIONS = False (Django's default): the token then lives in its cookie.",
        read=_django_setting,
    ),
    Row(
        "CSRF_COOKIE_HTTPONLY",
        _cookies_with_csrf(must(lambda value: not value)),
        W024,
        "CSRF_COOKIE_HTTPONLY is on: the page cannot read the CSRF token it must echo with "
        "each unsafe request authenticated by the token cookie.",
        "Set CSRF_COOKIE_HTTPONLY = False (Django's default); the CSRF token is no secret "
        "from the page.",
        read=_django_setting,
    ),
)


# ----------------------------------------------------------------------------------------------
# registered with Django


def check_values() -> list[CheckMessage]:
    """E006: values of the wrong type or outside their choices; W003: unknown keys."""
    return run_rows(VALUE_ROWS)


def _has_invalid_value(messages: list[CheckMessage]) -> bool:
    return any(message.id == E006 for message in messages)


@register(Tags.security, "rest_framework_jwt")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run every rest_framework_jwt check of ``manage.py check``."""
    messages = check_values()
    if _has_invalid_value(messages):
        return messages
    return messages + run_rows(ROWS)


@register(Tags.security, "rest_framework_jwt", deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The checks ``manage.py check --deploy`` adds: the Errors of the split checks, and W008
    to W013. Nothing while a setting is invalid (``check`` reports that as E006)."""
    if _has_invalid_value(check_values()):
        return []
    return run_rows(ROWS, deploy=True)


__all__ = [
    "E001",
    "E002",
    "E003",
    "E004",
    "E005",
    "E006",
    "E007",
    "E008",
    "E009",
    "E010",
    "E011",
    "FOUND",
    "MIN_HMAC_SECRET_BYTES",
    "NOTHING",
    "OUTAGE_MIDDLEWARE",
    "ROWS",
    "VALUE_ROWS",
    "W001",
    "W002",
    "W003",
    "W004",
    "W005",
    "W006",
    "W007",
    "W008",
    "W009",
    "W010",
    "W011",
    "W012",
    "W013",
    "Finds",
    "Row",
    "Validator",
    "check_deployment",
    "check_settings",
    "check_values",
    "must",
    "read_import",
    "read_setting",
    "run_rows",
]
