"""Derived state: everything computed from the settings, built once and dropped on a change.

The key ring (parsed keys), the decode options and the user model live here. They are rebuilt
lazily after ``api_settings`` reloads (``setting_changed``, ``override_settings``, or an
assignment ``api_settings.X = value``), so the request path never parses a key or a setting.
They are also rebuilt when a key file changes (the key directory's ``keys.json`` after
``manage.py jwt_keys rotate``, a ``keys.from_file`` key): the files are looked at, at most once
per ``JWT_KEY_RELOAD_INTERVAL``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed

from . import backend, claims, keys, keystore
from .settings import REVOCATION_APP, api_settings


@dataclass(frozen=True)
class Config:
    """The settings the decode path needs, in the form it needs them."""

    ring: backend.KeyRing
    allowed: frozenset[str]
    verify: bool
    verify_exp: bool
    leeway: float
    audience: Any
    issuer: Any
    max_size: int
    insist_on_kid: bool
    required: tuple[str, ...]
    user_secret: bool
    revocation: bool
    password_keys: tuple[bytes, ...]
    #: The key files the ring was read from, each with its identity then (see keystore).
    watched: tuple[tuple[str, Any], ...] = ()
    #: The ``iss`` of the trusted external issuers (JWT_TRUSTED_ISSUERS) other than our own
    #: JWT_ISSUER: the package's keys never verify a token claiming one of them.
    foreign_issuers: frozenset[str] = frozenset()
    #: The token headers seen under this configuration, by their encoded segment, with what
    #: checking them answered (see ``verification.decode``): a deployment's tokens share one
    #: or a few headers, so a request decodes and checks none. Bounded (``HEADERS_KEPT``).
    headers: dict[bytes, Any] = field(default_factory=dict, compare=False, repr=False)
    #: How many verified tokens ``verified`` keeps (JWT_VERIFIED_TOKEN_CACHE_SIZE; 0: none).
    verified_kept: int = 0
    #: The tokens verified under this configuration, by their text (see
    #: ``verification.decode``): a client sends the same token until it expires, and its
    #: signature and the claims that do not depend on the time give the same answer each time.
    verified: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


#: At most this many headers are kept in ``Config.headers`` (then it starts again).
HEADERS_KEPT = 64


#: Salt of the key of the "pwv" claim's HMAC (the key is derived as Django's salted_hmac does).
PASSWORD_SALT = "rest_framework_jwt.tokens.password_version"

_config: Config | None = None
#: Other modules' state derived from the settings (the trusted issuers and their parsed key
#: sets, in ``issuers``), emptied with the rest.
derived: dict[str, Any] = {}
_user_model: Any = None
_generation = 0
_next_look = 0.0


def _fallbacks() -> list[Any]:
    return list(getattr(settings, "SECRET_KEY_FALLBACKS", None) or ())


def secret_keys() -> Any:
    """The HMAC secrets: ``JWT_SECRET_KEY`` as configured or, when it is the default, Django's
    key rotation: SECRET_KEY signs and SECRET_KEY_FALLBACKS still verify."""
    secrets = api_settings.JWT_SECRET_KEY
    explicit = "JWT_SECRET_KEY" in api_settings.user_settings
    fallbacks = _fallbacks()
    if fallbacks and not explicit and secrets == settings.SECRET_KEY:
        return [settings.SECRET_KEY, *fallbacks]
    return secrets


def build_ring(algorithms: list[str]) -> backend.KeyRing:
    """Parse the key settings and the key directory for ``algorithms``."""
    return backend.build_keyring(
        algorithms,
        secret_keys(),
        api_settings.JWT_PRIVATE_KEY,
        api_settings.JWT_PUBLIC_KEY,
        key_dir=api_settings.JWT_KEY_DIR,
    )


def key_files() -> list[str]:
    """The files the key ring is read from: ``from_file`` keys and the key directory's list."""
    paths = [
        path
        for value in (
            api_settings.JWT_SECRET_KEY,
            api_settings.JWT_PRIVATE_KEY,
            api_settings.JWT_PUBLIC_KEY,
        )
        for path in keys.key_files(value)
    ]
    if api_settings.JWT_KEY_DIR:
        paths.append(str(keystore.metadata_path(api_settings.JWT_KEY_DIR)))
    return paths


def build_config() -> Config:
    """Read the settings and parse the keys (no caching; see :func:`config`)."""
    algorithms = keys.algorithm_list(api_settings.JWT_ALGORITHM)
    fallbacks = _fallbacks()
    # Before the keys are read: a change while they are read is then noticed afterwards.
    watched = tuple((path, keystore.file_identity(path)) for path in key_files())
    ring = build_ring(algorithms)
    verify_exp = bool(api_settings.JWT_VERIFY_EXPIRATION)
    required = [str(name) for name in api_settings.JWT_REQUIRED_CLAIMS or ()]
    if api_settings.JWT_TOKEN_ID == "require" and "jti" not in required:
        required.append("jti")
    return Config(
        ring=ring,
        allowed=frozenset(name for name in algorithms if name in backend.ALGORITHMS),
        verify=bool(api_settings.JWT_VERIFY),
        verify_exp=verify_exp,
        leeway=claims.seconds(api_settings.JWT_LEEWAY),
        audience=api_settings.JWT_AUDIENCE,
        issuer=api_settings.JWT_ISSUER,
        max_size=int(api_settings.JWT_MAX_TOKEN_SIZE or 0),
        insist_on_kid=bool(api_settings.JWT_INSIST_ON_KID),
        required=tuple(required),
        user_secret=api_settings.JWT_GET_USER_SECRET_KEY is not None,
        revocation=apps.is_installed(REVOCATION_APP),
        password_keys=tuple(
            hashlib.sha256((PASSWORD_SALT + str(secret)).encode()).digest()
            for secret in [settings.SECRET_KEY, *fallbacks]
        ),
        watched=watched,
        foreign_issuers=_foreign_issuers(api_settings.JWT_TRUSTED_ISSUERS, api_settings.JWT_ISSUER),
        verified_kept=_count(api_settings.JWT_VERIFIED_TOKEN_CACHE_SIZE),
    )


def _count(value: Any) -> int:
    """A non-negative whole number from a setting (anything else counts as 0: the system
    check reports it)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0


def _key_files_changed(current: Config) -> bool:
    """True when a file of ``current.watched`` changed (looked at once per interval)."""
    global _next_look
    now = claims.now()
    if now < _next_look:
        return False
    _next_look = now + claims.seconds(api_settings.JWT_KEY_RELOAD_INTERVAL)
    return any(keystore.file_identity(path) != identity for path, identity in current.watched)


def _foreign_issuers(entries: Any, own: Any) -> frozenset[str]:
    listed = entries if isinstance(entries, (list, tuple)) else ()
    names = (entry.get("issuer") for entry in listed if isinstance(entry, dict))
    return frozenset(name for name in names if isinstance(name, str) and name != own)


def config() -> Config:
    """The current :class:`Config`, built on first use after a settings change or a change of
    a key file."""
    global _config
    if _config is not None and _config.watched and _key_files_changed(_config):
        reset()
    if _config is None:
        _config = build_config()
    return _config


def user_model() -> Any:
    """The user model, looked up once per ``AUTH_USER_MODEL``."""
    global _user_model
    if _user_model is None:
        _user_model = get_user_model()
    return _user_model


def generation() -> int:
    """A number that changes whenever the derived state is dropped (for per-thread caches)."""
    return _generation


def reset() -> None:
    """Drop everything derived from the settings."""
    global _config, _user_model, _generation, _next_look
    _config = None
    _user_model = None
    derived.clear()
    _generation += 1
    _next_look = 0.0


api_settings.on_reload(reset)


def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "AUTH_USER_MODEL":
        reset()


setting_changed.connect(_setting_changed, dispatch_uid="rest_framework_jwt._state.reset")


__all__ = [
    "PASSWORD_SALT",
    "Config",
    "build_config",
    "config",
    "generation",
    "reset",
    "secret_keys",
    "user_model",
]
