"""System checks for the ``JWT_AUTH`` settings (ids ``rest_framework_jwt.E001``...).

Registered when ``rest_framework_jwt`` is in INSTALLED_APPS; ``manage.py check`` runs them.

Problems that are common in test and local settings (a short test secret, a DummyCache) but
unsafe in production are split in two: a Warning under ``manage.py check`` (so runserver,
migrate and the test runner go on) and an Error under ``manage.py check --deploy`` (Django's
``deploy=True`` checks), each with its own id. Under ``--deploy`` both are shown: Django passes
a check no flag that says whether the deployment checks run too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from rest_framework.settings import api_settings as drf_settings

from . import _state, backend, keys, throttling
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


def _invalid(name: str, problem: str, hint: str) -> Error:
    return Error(f"JWT_AUTH['{name}'] {problem}", hint=hint, id=E006)


def _split(deploy: bool, ids: tuple[str, str], msg: str, hint: str) -> CheckMessage:
    """The Warning ``ids[0]`` under ``check``, or the Error ``ids[1]`` under ``check --deploy``."""
    warning_id, error_id = ids
    if deploy:
        return Error(msg, hint=hint, id=error_id)
    return Warning(
        msg, hint=f"{hint} `manage.py check --deploy` reports this as {error_id}.", id=warning_id
    )


def _duration_ok(value: Any, *, allow_zero: bool) -> bool:
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        return False
    return seconds > 0 or (allow_zero and seconds == 0)


def check_values() -> list[CheckMessage]:
    """E006: values of the wrong type or outside their choices; W003: unknown keys."""
    messages: list[CheckMessage] = []
    user = api_settings.user_settings
    for name in sorted(set(user) - set(DEFAULTS)):
        messages.append(
            Warning(
                f"JWT_AUTH['{name}'] is not a setting of rest_framework_jwt; it is ignored.",
                hint="Check the spelling against the settings reference (docs/settings.md).",
                id=W003,
            )
        )
    if api_settings.JWT_COMPAT not in COMPAT_MODES:
        messages.append(
            _invalid(
                "JWT_COMPAT",
                f"is {api_settings.JWT_COMPAT!r}.",
                f"Use one of {', '.join(map(repr, COMPAT_MODES))}.",
            )
        )
    if api_settings.JWT_DENYLIST_BACKEND not in DENYLIST_BACKENDS:
        messages.append(
            _invalid(
                "JWT_DENYLIST_BACKEND",
                f"is {api_settings.JWT_DENYLIST_BACKEND!r}.",
                f"Use one of {', '.join(map(repr, DENYLIST_BACKENDS))}.",
            )
        )
    if api_settings.JWT_TOKEN_ID not in TOKEN_ID_MODES:
        messages.append(
            _invalid(
                "JWT_TOKEN_ID",
                f"is {api_settings.JWT_TOKEN_ID!r}.",
                f"Use one of {', '.join(map(repr, TOKEN_ID_MODES))}.",
            )
        )
    for name, allow_zero in (
        ("JWT_EXPIRATION_DELTA", False),
        ("JWT_REFRESH_EXPIRATION_DELTA", False),
        ("JWT_IMPERSONATION_EXPIRATION_DELTA", False),
        ("JWT_LEEWAY", True),
        ("JWT_REFRESH_GRACE_PERIOD", True),
    ):
        if not _duration_ok(getattr(api_settings, name), allow_zero=allow_zero):
            messages.append(
                _invalid(
                    name,
                    "must be a datetime.timedelta or a number of seconds"
                    + (" (zero or more)." if allow_zero else " greater than zero."),
                    "For example datetime.timedelta(minutes=5).",
                )
            )
    prefix = api_settings.JWT_AUTH_HEADER_PREFIX
    if not isinstance(prefix, str) or not prefix or prefix.split() != [prefix]:
        messages.append(
            _invalid(
                "JWT_AUTH_HEADER_PREFIX", "must be one word.", 'For example "JWT" or "Bearer".'
            )
        )
    size = api_settings.JWT_MAX_TOKEN_SIZE
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        messages.append(
            _invalid(
                "JWT_MAX_TOKEN_SIZE",
                "must be a whole number of bytes.",
                "The default is 8192; 0 turns the bound off.",
            )
        )
    messages.extend(_check_throttle_rates())
    for item in keys.key_list(api_settings.JWT_SECRET_KEY):
        if not isinstance(item.material, (str, bytes)):
            messages.append(
                _invalid(
                    "JWT_SECRET_KEY",
                    "must be a str or bytes, or a list or dict of them.",
                    "For example a 50-character random str.",
                )
            )
            break
    algorithm = api_settings.JWT_ALGORITHM
    if not isinstance(algorithm, (str, list, tuple)):
        messages.append(
            _invalid(
                "JWT_ALGORITHM",
                "must be a name or a list of names.",
                'For example "HS256" or ["RS256", "HS256"].',
            )
        )
    for name in IMPORT_STRINGS:
        try:
            value = getattr(api_settings, name)
        except ImportError as error:
            messages.append(
                _invalid(
                    name,
                    f"cannot be imported: {error}",
                    "Give a dotted path to a callable, or the callable.",
                )
            )
            continue
        if value is not None and not callable(value):
            messages.append(
                _invalid(
                    name, "is not callable.", "Give a dotted path to a callable, or the callable."
                )
            )
    return messages


def _check_throttle_rates() -> list[CheckMessage]:
    rates = api_settings.JWT_THROTTLE_RATES
    example = 'For example {"obtain_username": "5/min"}; None turns a scope off.'
    if rates is None:
        return []
    if not isinstance(rates, dict):
        return [
            _invalid("JWT_THROTTLE_RATES", "must be a dict of scope to rate, or None.", example)
        ]
    messages: list[CheckMessage] = []
    for scope, rate in rates.items():
        if scope not in DEFAULTS["JWT_THROTTLE_RATES"]:
            messages.append(
                _invalid(
                    "JWT_THROTTLE_RATES",
                    f"names the unknown scope {scope!r}.",
                    f"Use {', '.join(map(repr, DEFAULTS['JWT_THROTTLE_RATES']))}.",
                )
            )
        elif rate is not None and not _rate_ok(rate):
            messages.append(
                _invalid(
                    "JWT_THROTTLE_RATES",
                    f"has the rate {rate!r} for {scope!r}, which is not a DRF rate.",
                    "A positive number of attempts per second, minute, hour or day, such as "
                    '"10/min" or "100/hour"; None turns the scope off.',
                )
            )
    return messages


def _rate_ok(rate: Any) -> bool:
    if not isinstance(rate, str):
        return False
    try:
        attempts, _ = throttling.ObtainIPThrottle().parse_rate(rate)
    except (ValueError, KeyError, IndexError):
        return False
    return bool(attempts and attempts > 0)


def _usable_algorithms() -> list[str]:
    """The configured algorithms this installation can use."""
    return [
        name
        for name in keys.algorithm_list(api_settings.JWT_ALGORITHM)
        if name in backend.ALGORITHMS
        and (backend.crypto_available() or name not in keys.ASYMMETRIC_ALGORITHMS)
    ]


def check_keys() -> list[CheckMessage]:
    """E001-E005 and E007: algorithms and the keys they need."""
    messages: list[CheckMessage] = []
    algorithms = keys.algorithm_list(api_settings.JWT_ALGORITHM)
    for name in algorithms:
        if name.lower() == "none":
            messages.append(
                Error(
                    "JWT_AUTH['JWT_ALGORITHM'] includes 'none': unsigned tokens would be accepted.",
                    hint="Remove 'none'; use HS256 or an asymmetric algorithm.",
                    id=E002,
                )
            )
        elif name not in keys.SUPPORTED_ALGORITHMS:
            messages.append(
                Error(
                    f"JWT_AUTH['JWT_ALGORITHM'] includes the unknown algorithm {name!r}.",
                    hint=f"Use one of {', '.join(sorted(keys.SUPPORTED_ALGORITHMS))}.",
                    id=E001,
                )
            )
        elif name in keys.ASYMMETRIC_ALGORITHMS and not backend.crypto_available():
            messages.append(
                Error(
                    f"The algorithm {name!r} needs the 'cryptography' package.",
                    hint="Install djangorestframework-jwt[crypto].",
                    id=E005,
                )
            )
    usable = _usable_algorithms()
    if not usable:
        return messages

    ring = backend.build_keyring(
        usable,
        _state.secret_keys(),
        api_settings.JWT_PRIVATE_KEY,
        api_settings.JWT_PUBLIC_KEY,
    )
    for problem in ring.errors:
        messages.append(
            Error(
                f"A configured key cannot be used: {problem}",
                hint="Check the key's type against JWT_ALGORITHM.",
                id=E007,
            )
        )

    asymmetric = [name for name in usable if name in keys.ASYMMETRIC_ALGORITHMS]
    if asymmetric and not (api_settings.JWT_PUBLIC_KEY or api_settings.JWT_PRIVATE_KEY):
        messages.append(
            Error(
                f"JWT_AUTH['JWT_ALGORITHM'] uses {asymmetric[0]} but no key is configured.",
                hint="Set JWT_PRIVATE_KEY (to sign) and JWT_PUBLIC_KEY (to verify).",
                id=E004,
            )
        )
    elif usable[0] in keys.ASYMMETRIC_ALGORITHMS and not api_settings.JWT_PRIVATE_KEY:
        messages.append(
            Warning(
                f"Tokens would be signed with {usable[0]} but JWT_PRIVATE_KEY is not set: this "
                "service can verify tokens but not issue them (obtain and refresh fail).",
                hint="Fine for a service that only verifies; otherwise set JWT_PRIVATE_KEY.",
                id=W004,
            )
        )

    return messages


def check_secret_length(deploy: bool = False) -> list[CheckMessage]:
    """W006 (E003 under --deploy): an HS secret shorter than 32 bytes."""
    if not any(keys.is_hmac(name) for name in _usable_algorithms()):
        return []
    messages: list[CheckMessage] = []
    # Including SECRET_KEY_FALLBACKS when they verify (JWT_SECRET_KEY not set).
    from_django = api_settings.user_settings.get("JWT_SECRET_KEY") is None
    for index, item in enumerate(keys.key_list(_state.secret_keys())):
        material = item.material
        size = len(material if isinstance(material, bytes) else str(material).encode())
        if size >= MIN_HMAC_SECRET_BYTES or size == 0:  # an empty secret is E007
            continue
        if from_django:
            name = "SECRET_KEY" if index == 0 else f"SECRET_KEY_FALLBACKS[{index - 1}]"
        else:
            label = f"[{item.kid!r}]" if item.kid is not None else ""
            name = f"JWT_AUTH['JWT_SECRET_KEY']{label}"
        messages.append(
            _split(
                deploy,
                (W006, E003),
                f"{name} is {size} bytes long; HS tokens signed with it can be brute-forced.",
                f"Use a random secret of at least {MIN_HMAC_SECRET_BYTES} bytes "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))').",
            )
        )
    return messages


def check_verification(deploy: bool = False) -> list[CheckMessage]:
    """W001 (E010 under --deploy), W002: verification switched off."""
    messages: list[CheckMessage] = []
    if not api_settings.JWT_VERIFY:
        messages.append(
            _split(
                deploy,
                (W001, E010),
                "JWT_AUTH['JWT_VERIFY'] is False: token signatures are not checked, so anyone can "
                "forge a token.",
                "Remove JWT_VERIFY or set it to True.",
            )
        )
    if deploy:
        return messages
    if not api_settings.JWT_VERIFY_EXPIRATION:
        messages.append(
            Warning(
                "JWT_AUTH['JWT_VERIFY_EXPIRATION'] is False: tokens never expire.",
                hint="Remove JWT_VERIFY_EXPIRATION or set it to True.",
                id=W002,
            )
        )
    return messages


def check_revocation() -> list[CheckMessage]:
    """E008: features that need the revocation app, without it."""
    if apps.is_installed(REVOCATION_APP):
        return []
    wanted = [
        name
        for name, on in (
            ("JWT_REFRESH_TOKENS", bool(api_settings.JWT_REFRESH_TOKENS)),
            ("JWT_DENYLIST_BACKEND", "JWT_DENYLIST_BACKEND" in api_settings.user_settings),
            ("JWT_REFRESH_GRACE_PERIOD", "JWT_REFRESH_GRACE_PERIOD" in api_settings.user_settings),
        )
        if on
    ]
    if not wanted:
        return []
    return [
        Error(
            f"JWT_AUTH sets {', '.join(wanted)}, which needs the revocation app.",
            hint=f"Add '{REVOCATION_APP}' to INSTALLED_APPS and run migrate.",
            id=E008,
        )
    ]


def _is_dummy(alias: str) -> bool:
    config = (getattr(settings, "CACHES", {}) or {}).get(alias) or {}
    return str(config.get("BACKEND", "")).endswith("DummyCache")


def check_caches(deploy: bool = False) -> list[CheckMessage]:
    """Unknown cache aliases: E009, the throttle cache's W007 (E009 under --deploy); W005 (E011
    under --deploy): a denylist in a cache that forgets everything."""
    messages: list[CheckMessage] = []
    caches = getattr(settings, "CACHES", {}) or {}
    known = f"Use one of {', '.join(map(repr, caches)) or 'the aliases in CACHES'}."

    def undefined(name: str, alias: Any) -> str:
        return f"JWT_AUTH['{name}'] names the cache {alias!r}, which CACHES does not define."

    throttle_alias = api_settings.JWT_THROTTLE_CACHE
    if throttle_alias not in caches:
        # Without its cache, a throttle lets every request through (and logs it).
        messages.append(
            _split(
                deploy,
                (W007, E009),
                undefined("JWT_THROTTLE_CACHE", throttle_alias)
                + " Obtain and refresh are not throttled.",
                known,
            )
        )
    if api_settings.JWT_DENYLIST_BACKEND != "cache":
        return messages
    alias = api_settings.JWT_DENYLIST_CACHE
    if alias not in caches:
        if not deploy:  # an Error under check already
            messages.append(Error(undefined("JWT_DENYLIST_CACHE", alias), hint=known, id=E009))
    elif _is_dummy(alias):
        messages.append(
            _split(
                deploy,
                (W005, E011),
                f"The denylist is in the cache {alias!r}, a DummyCache: revoked tokens keep "
                "working.",
                "Point JWT_DENYLIST_CACHE at a real cache (Redis), or use the database backend.",
            )
        )
    return messages


def check_throttle_deployment() -> list[CheckMessage]:
    """--deploy: W008, the per-address throttles trust X-Forwarded-For; W009, the throttles
    count in a DummyCache."""
    rates = throttling.scope_rates()
    if not any(rate is not None for rate in rates.values()):
        return []
    messages: list[CheckMessage] = []
    by_address = [scope for scope in ("obtain_ip", "refresh_ip") if rates.get(scope) is not None]
    if by_address and drf_settings.NUM_PROXIES is None:
        messages.append(
            Warning(
                f"REST_FRAMEWORK['NUM_PROXIES'] is not set, so the per-address throttles "
                f"({', '.join(by_address)}) take the client address from the X-Forwarded-For "
                "header whenever there is one: a client that sends a new value with each "
                "attempt is never throttled by address.",
                hint="Set REST_FRAMEWORK['NUM_PROXIES'] to the number of proxies in front of "
                "the application (0 when clients connect to it directly).",
                id=W008,
            )
        )
    if _is_dummy(api_settings.JWT_THROTTLE_CACHE):
        messages.append(
            Warning(
                f"The throttles count in the cache {api_settings.JWT_THROTTLE_CACHE!r}, a "
                "DummyCache: obtain and refresh are never throttled.",
                hint="Point JWT_THROTTLE_CACHE at a cache all workers share (Redis, Memcached), "
                "or set JWT_THROTTLE_RATES to None if throttling is done elsewhere.",
                id=W009,
            )
        )
    return messages


@register(Tags.security, "rest_framework_jwt")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run every rest_framework_jwt check of ``manage.py check``."""
    messages = check_values()
    if any(message.id == E006 for message in messages):
        return messages
    return (
        messages
        + check_keys()
        + check_secret_length()
        + check_verification()
        + check_revocation()
        + check_caches()
    )


@register(Tags.security, "rest_framework_jwt", deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The checks ``manage.py check --deploy`` adds: the Errors of the split checks, and W008,
    W009. Nothing while a setting is invalid (``check`` reports that as E006)."""
    if any(message.id == E006 for message in check_values()):
        return []
    return (
        check_secret_length(deploy=True)
        + check_verification(deploy=True)
        + check_caches(deploy=True)
        + check_throttle_deployment()
    )
