"""The ``JWT_AUTH`` settings, read at call time.

``api_settings.JWT_X`` returns the project's value from ``settings.JWT_AUTH`` or the default, with
dotted paths in the handler settings imported. Values are cached on the object after the first
read and dropped again when Django sends ``setting_changed`` for ``JWT_AUTH``, ``SECRET_KEY`` or
``REST_FRAMEWORK`` (``override_settings`` does), so every module sees a change at once.

Code written for 1.x may assign ``api_settings.JWT_X = value``; that keeps working until the next
settings change, as it did in 1.x.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

COMPAT_ORIGINAL = "djangorestframework-jwt"
COMPAT_DRF_JWT = "drf-jwt"
COMPAT_MODES = (COMPAT_ORIGINAL, COMPAT_DRF_JWT)

TOKEN_ID_MODES = ("off", "include", "require")
DENYLIST_BACKENDS = ("database", "cache")
REVOCATION_APP = "rest_framework_jwt.blacklist"

#: Defaults of the original 1.x line (djangorestframework-jwt 1.11.0), plus the 2.x keys.
DEFAULTS: dict[str, Any] = {
    "JWT_COMPAT": COMPAT_ORIGINAL,
    "JWT_ENCODE_HANDLER": "rest_framework_jwt.utils.jwt_encode_handler",
    "JWT_DECODE_HANDLER": "rest_framework_jwt.utils.jwt_decode_handler",
    "JWT_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_payload_handler",
    "JWT_PAYLOAD_GET_USER_ID_HANDLER": (
        "rest_framework_jwt.utils.jwt_get_user_id_from_payload_handler"
    ),
    "JWT_PAYLOAD_GET_USERNAME_HANDLER": (
        "rest_framework_jwt.utils.jwt_get_username_from_payload_handler"
    ),
    "JWT_RESPONSE_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_response_payload_handler",
    # None means "settings.SECRET_KEY, read at call time".
    "JWT_SECRET_KEY": None,
    "JWT_GET_USER_SECRET_KEY": None,
    "JWT_PUBLIC_KEY": None,
    "JWT_PRIVATE_KEY": None,
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY": True,
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_LEEWAY": 0,
    "JWT_EXPIRATION_DELTA": datetime.timedelta(seconds=300),
    "JWT_AUDIENCE": None,
    "JWT_ISSUER": None,
    "JWT_ALLOW_REFRESH": False,
    "JWT_REFRESH_EXPIRATION_DELTA": datetime.timedelta(days=7),
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_AUTH_COOKIE": None,
    # Keys that drf-jwt added, with the same meaning.
    "JWT_AUTH_COOKIE_DOMAIN": None,
    "JWT_AUTH_COOKIE_PATH": "/",
    "JWT_AUTH_COOKIE_SECURE": False,
    "JWT_AUTH_COOKIE_SAMESITE": None,
    "JWT_IMPERSONATION_COOKIE": None,
    "JWT_INSIST_ON_KID": False,
    "JWT_TOKEN_ID": "include",
    "JWT_PAYLOAD_INCLUDE_USER_ID": True,
    "JWT_DELETE_STALE_BLACKLISTED_TOKENS": False,
    # New in 2.x.
    "JWT_PAYLOAD_INCLUDE_IAT": True,
    "JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION": True,
    "JWT_IMPERSONATION_EXPIRATION_DELTA": datetime.timedelta(minutes=5),
    "JWT_MAX_TOKEN_SIZE": 8192,
    "JWT_VERIFIED_TOKEN_CACHE_SIZE": 1024,
    # Keys: the key directory of manage.py jwt_keys, and the JWKS endpoint.
    "JWT_KEY_DIR": None,
    "JWT_KEY_RELOAD_INTERVAL": datetime.timedelta(seconds=60),
    "JWT_JWKS_MAX_AGE": datetime.timedelta(seconds=300),
    "JWT_REQUIRED_CLAIMS": ("exp",),
    "JWT_RESPONSE_ERROR_CODES": False,
    "JWT_UPDATE_LAST_LOGIN": False,
    # Cookie mode (docs/cookies.md): True changes the cookie defaults to COOKIE_MODE_DEFAULTS.
    "JWT_COOKIE_MODE": False,
    "JWT_AUTH_REFRESH_COOKIE": None,
    # None: the common directory of the refresh and logout URLs (cookies.refresh_cookie_path).
    "JWT_AUTH_REFRESH_COOKIE_PATH": None,
    "JWT_AUTH_COOKIE_CSRF": True,
    # Revocation (the optional app rest_framework_jwt.blacklist) and refresh tokens.
    "JWT_REVOKE_ON_PASSWORD_CHANGE": True,
    "JWT_DENYLIST_BACKEND": "database",
    "JWT_DENYLIST_CACHE": "default",
    "JWT_REFRESH_TOKENS": False,
    "JWT_REFRESH_GRACE_PERIOD": datetime.timedelta(seconds=0),
    "JWT_THROTTLE_CACHE": "default",
    # External issuers (resource-server mode) and the cache of their JWK Sets.
    "JWT_TRUSTED_ISSUERS": (),
    "JWT_JWKS_CACHE": "default",
    "JWT_JWKS_CACHE_LIFETIME": datetime.timedelta(minutes=10),
    "JWT_JWKS_REFETCH_INTERVAL": datetime.timedelta(minutes=1),
    "JWT_JWKS_STALE_LIFETIME": datetime.timedelta(days=1),
    "JWT_JWKS_FETCH_TIMEOUT": 5,
    "JWT_JWKS_MAX_SIZE": 262144,
    "JWT_THROTTLE_RATES": {
        "obtain_ip": "30/min",
        "obtain_username": "10/min",
        "refresh_ip": "60/min",
    },
}

#: The defaults that ``JWT_COMPAT = "drf-jwt"`` changes (drf-jwt 1.19.2's values).
DRF_JWT_DEFAULTS: dict[str, Any] = {
    "JWT_ENCODE_HANDLER": "rest_framework_jwt.utils.jwt_encode_payload",
    "JWT_DECODE_HANDLER": "rest_framework_jwt.utils.jwt_decode_token",
    "JWT_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_create_payload",
    "JWT_RESPONSE_PAYLOAD_HANDLER": "rest_framework_jwt.utils.jwt_create_response_payload",
    "JWT_ALLOW_REFRESH": True,
    "JWT_AUTH_HEADER_PREFIX": "Bearer",
    "JWT_AUTH_COOKIE_SECURE": True,
    "JWT_AUTH_COOKIE_SAMESITE": "Lax",
    # drf-jwt's exact claim set: a password change revokes through the blacklist app's cutoff.
    "JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION": False,
}

#: The defaults that ``JWT_COOKIE_MODE = True`` changes (over both compat modes'). ``SECURE``'s
#: is computed at call time: on, unless ``DEBUG`` is.
COOKIE_MODE_DEFAULTS: dict[str, Any] = {
    "JWT_AUTH_COOKIE": "jwt",
    "JWT_AUTH_REFRESH_COOKIE": "jwt-refresh",
    "JWT_AUTH_COOKIE_SECURE": None,
    "JWT_AUTH_COOKIE_SAMESITE": "Lax",
}

#: Settings whose value may be a dotted path to a callable.
IMPORT_STRINGS: tuple[str, ...] = (
    "JWT_ENCODE_HANDLER",
    "JWT_DECODE_HANDLER",
    "JWT_PAYLOAD_HANDLER",
    "JWT_PAYLOAD_GET_USER_ID_HANDLER",
    "JWT_PAYLOAD_GET_USERNAME_HANDLER",
    "JWT_RESPONSE_PAYLOAD_HANDLER",
    "JWT_GET_USER_SECRET_KEY",
)

#: The Django settings whose change reloads ``api_settings``.
WATCHED_SETTINGS = frozenset(
    {
        "JWT_AUTH",
        "SECRET_KEY",
        "SECRET_KEY_FALLBACKS",
        "REST_FRAMEWORK",
        "INSTALLED_APPS",
        # The Secure default of cookie mode follows DEBUG.
        "DEBUG",
    }
)


def _import(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return import_string(value)
        except ImportError as exc:
            raise ImportError(f"Could not import '{value}' for setting '{name}': {exc}") from exc
    return value


def _project_dict() -> dict[str, Any]:
    user = getattr(settings, "JWT_AUTH", None)
    if user:
        return dict(user)
    # As in 1.x, which built on DRF's APISettings: without JWT_AUTH, the JWT_* keys are looked
    # up in REST_FRAMEWORK.
    rest = getattr(settings, "REST_FRAMEWORK", None) or {}
    return {key: value for key, value in rest.items() if key.startswith("JWT_")}


#: A duration setting: a timedelta or a number of seconds.
Duration = datetime.timedelta | int | float


class JWTSettings:
    """The settings object: attribute access reads the project's value or the default.

    The annotations below are the types of the values a valid configuration has (the system
    checks report others, as E006); a type checker sees them on ``api_settings.JWT_X``.
    Handler settings hold the imported callable.
    """

    JWT_COMPAT: Literal["djangorestframework-jwt", "drf-jwt"]
    JWT_ENCODE_HANDLER: Callable[[dict[str, Any]], str]
    JWT_DECODE_HANDLER: Callable[[str | bytes], dict[str, Any]]
    JWT_PAYLOAD_HANDLER: Callable[[Any], dict[str, Any]]
    JWT_PAYLOAD_GET_USER_ID_HANDLER: Callable[[Mapping[str, Any]], Any]
    JWT_PAYLOAD_GET_USERNAME_HANDLER: Callable[[Mapping[str, Any]], Any]
    #: Called with (token, user, request) as in 1.x, or with issued_at too (drf-jwt).
    JWT_RESPONSE_PAYLOAD_HANDLER: Callable[..., Any]
    #: Never None when read: without a value of its own it is ``settings.SECRET_KEY``.
    JWT_SECRET_KEY: str | bytes | Sequence[str | bytes] | Mapping[str, str | bytes]
    JWT_GET_USER_SECRET_KEY: Callable[[Any], str | bytes] | None
    #: PEM text or bytes, a ``cryptography`` key object, or a list or dict (by ``kid``) of them.
    JWT_PUBLIC_KEY: Any
    JWT_PRIVATE_KEY: Any
    JWT_ALGORITHM: str | Sequence[str]
    JWT_VERIFY: bool
    JWT_VERIFY_EXPIRATION: bool
    JWT_LEEWAY: Duration
    JWT_EXPIRATION_DELTA: Duration
    JWT_AUDIENCE: str | None
    JWT_ISSUER: str | None
    JWT_ALLOW_REFRESH: bool
    JWT_REFRESH_EXPIRATION_DELTA: Duration
    JWT_AUTH_HEADER_PREFIX: str
    JWT_AUTH_COOKIE: str | None
    JWT_AUTH_COOKIE_DOMAIN: str | None
    JWT_AUTH_COOKIE_PATH: str
    JWT_AUTH_COOKIE_SECURE: bool
    JWT_AUTH_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] | None
    JWT_IMPERSONATION_COOKIE: str | None
    JWT_INSIST_ON_KID: bool
    JWT_TOKEN_ID: Literal["off", "include", "require"]
    JWT_PAYLOAD_INCLUDE_USER_ID: bool
    JWT_DELETE_STALE_BLACKLISTED_TOKENS: bool
    JWT_PAYLOAD_INCLUDE_IAT: bool
    JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION: bool
    JWT_IMPERSONATION_EXPIRATION_DELTA: Duration
    JWT_MAX_TOKEN_SIZE: int
    JWT_VERIFIED_TOKEN_CACHE_SIZE: int
    JWT_KEY_DIR: str | PurePath | None
    JWT_KEY_RELOAD_INTERVAL: Duration
    JWT_JWKS_MAX_AGE: Duration
    JWT_REQUIRED_CLAIMS: Sequence[str]
    JWT_RESPONSE_ERROR_CODES: bool
    JWT_UPDATE_LAST_LOGIN: bool
    JWT_COOKIE_MODE: bool
    JWT_AUTH_REFRESH_COOKIE: str | None
    JWT_AUTH_REFRESH_COOKIE_PATH: str | None
    JWT_AUTH_COOKIE_CSRF: bool
    JWT_REVOKE_ON_PASSWORD_CHANGE: bool
    JWT_DENYLIST_BACKEND: Literal["database", "cache"]
    JWT_DENYLIST_CACHE: str
    JWT_REFRESH_TOKENS: bool
    JWT_REFRESH_GRACE_PERIOD: Duration
    JWT_THROTTLE_CACHE: str
    #: Scope to DRF rate ("10/min"), None turning a scope off; None turns them all off.
    JWT_THROTTLE_RATES: Mapping[str, str | None] | None
    #: One dict per external issuer (docs/settings.md, JWT_TRUSTED_ISSUERS).
    JWT_TRUSTED_ISSUERS: Sequence[Mapping[str, Any]]
    JWT_JWKS_CACHE: str
    JWT_JWKS_CACHE_LIFETIME: Duration
    JWT_JWKS_REFETCH_INTERVAL: Duration
    JWT_JWKS_STALE_LIFETIME: Duration
    JWT_JWKS_FETCH_TIMEOUT: Duration
    JWT_JWKS_MAX_SIZE: int

    _hooks: list[Callable[[], None]]

    def __init__(self) -> None:
        object.__setattr__(self, "_hooks", [])

    @property
    def user_settings(self) -> dict[str, Any]:
        """The project's ``JWT_AUTH`` dict (a copy)."""
        return _project_dict()

    @property
    def compat(self) -> str:
        """The value of ``JWT_COMPAT``: which 1.x line the defaults follow."""
        return str(self.JWT_COMPAT)

    @property
    def is_drf_jwt(self) -> bool:
        """True when ``JWT_COMPAT`` is ``"drf-jwt"``."""
        return bool(self.JWT_COMPAT == COMPAT_DRF_JWT)

    @property
    def cookie_mode(self) -> bool:
        """True when ``JWT_COOKIE_MODE`` is on (docs/cookies.md)."""
        return bool(self.JWT_COOKIE_MODE)

    def default(self, name: str) -> Any:
        """Return the default of ``name`` under the current ``JWT_COMPAT`` and cookie mode."""
        if name in COOKIE_MODE_DEFAULTS and self.cookie_mode:
            if name == "JWT_AUTH_COOKIE_SECURE":
                return not settings.DEBUG
            return COOKIE_MODE_DEFAULTS[name]
        if name != "JWT_COMPAT" and self.is_drf_jwt and name in DRF_JWT_DEFAULTS:
            return DRF_JWT_DEFAULTS[name]
        if name == "JWT_SECRET_KEY":
            return settings.SECRET_KEY
        return DEFAULTS[name]

    if not TYPE_CHECKING:  # a type checker knows the settings from the annotations above

        def __getattr__(self, name: str) -> Any:
            # Only called when the attribute is not cached in the instance dict yet.
            if name not in DEFAULTS:
                raise AttributeError(f"Invalid API setting: '{name}'")
            user = _project_dict()
            value = user[name] if name in user else self.default(name)
            if name == "JWT_SECRET_KEY" and value is None:
                value = settings.SECRET_KEY
            if name in IMPORT_STRINGS:
                value = _import(value, name)
            object.__setattr__(self, name, value)
            return value

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        self._run_hooks()

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        self._run_hooks()

    def reload(self) -> None:
        """Forget every cached value; the next read sees the current Django settings."""
        for name in [key for key in self.__dict__ if key in DEFAULTS]:
            object.__delattr__(self, name)
        self._run_hooks()

    def on_reload(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` whenever a value changes (used to drop derived state)."""
        self._hooks.append(hook)

    def _run_hooks(self) -> None:
        for hook in self._hooks:
            hook()


api_settings = JWTSettings()


def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in WATCHED_SETTINGS:
        api_settings.reload()


setting_changed.connect(_setting_changed, dispatch_uid="rest_framework_jwt.settings.reload")


def __getattr__(name: str) -> Any:
    # 1.x exposed the project's dict as a module constant read at import.
    if name == "USER_SETTINGS":
        return _project_dict() or None
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMPAT_DRF_JWT",
    "COMPAT_MODES",
    "COMPAT_ORIGINAL",
    "COOKIE_MODE_DEFAULTS",
    "DEFAULTS",
    "DENYLIST_BACKENDS",
    "DRF_JWT_DEFAULTS",
    "IMPORT_STRINGS",
    "REVOCATION_APP",
    "TOKEN_ID_MODES",
    "JWTSettings",
    "api_settings",
]
