"""Django settings for the benchmark: one project serves rest_framework_jwt and simplejwt.

Environment:

* ``BENCH_DB``: the SQLite file (``bench/run.py`` makes one in a temporary directory);
* ``BENCH_ALGORITHM``: the algorithm both packages start with (``--gunicorn`` runs one server
  per algorithm; in-process runs switch with ``override_settings``);
* ``BENCH_VARIANT``: a key of ``VARIANTS`` (a mode of rest_framework_jwt), for ``--gunicorn``;
* ``BENCH_CONN_MAX_AGE``: the database connections' ``CONN_MAX_AGE`` in seconds (600; ``none``:
  for a worker's life; ``0``, Django's default: a new connection per request).

Both packages use the same password hasher (MD5PasswordHasher: fast, so the obtain figures
measure the packages rather than the hasher) and the same user table.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from importlib.util import find_spec
from typing import Any

from bench import keys


def _importable(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except ImportError:
        return False


SECRET_KEY = keys.SECRET
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No middleware: the in-process figures call the views directly, and the server figures should
# not measure sessions or CSRF, which neither package needs.
MIDDLEWARE: list[str] = []

HAS_SIMPLEJWT = _importable("rest_framework_simplejwt")
#: simplejwt's blacklist app, for the like-for-like rotating refresh (its rotation then records
#: the used token, as ours does). simplejwt decides at import whether its token classes use the
#: app, so it is installed for the whole run; bench/views.py rebuilds the token class without
#: it for the other simplejwt rows, which then run as they do without the app.
SJ_BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"
HAS_SJ_BLACKLIST = HAS_SIMPLEJWT and _importable(SJ_BLACKLIST_APP)

# --- Modes and hooks ---------------------------------------------------------------------------
#: The revocation app. When importable, its tables are migrated, and the modes that need it
#: run with it in INSTALLED_APPS (the others without it: the package checks the denylist
#: whenever the app is installed).
REVOCATION_APP = "rest_framework_jwt.blacklist"
HAS_REVOCATION = _importable(REVOCATION_APP) and not os.environ.get("BENCH_NO_REVOCATION")
HAS_ROTATION = HAS_REVOCATION and _importable("rest_framework_jwt.rotation")
#: The stateless authentication class (a user built from the claims, no database), as a dotted
#: path; BENCH_STATELESS_AUTHENTICATION overrides it. Its extra JWT_AUTH keys go in VARIANTS.
STATELESS_AUTHENTICATION: str = os.environ.get(
    "BENCH_STATELESS_AUTHENTICATION",
    "rest_framework_jwt.authentication.StatelessJSONWebTokenAuthentication",
)

#: Each mode of rest_framework_jwt: whether it needs the revocation app, whether our obtain and
#: refresh throttles are on (their defaults, counting in the "default" cache; off otherwise),
#: and its JWT_AUTH keys on top of ``jwt_auth()``. The in-process run switches between them
#: with override_settings; ``--gunicorn`` starts one server per mode (BENCH_VARIANT).
VARIANTS: dict[str, dict[str, Any]] = {
    "": {"revocation_app": False, "jwt_auth": {}},
    "stateless": {"revocation_app": False, "jwt_auth": {}},
    # Every request decodes its token: the verified-token cache off (the first request of a
    # token, or a process that sees each token once).
    "uncached": {"revocation_app": False, "jwt_auth": {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 0}},
    # The default throttles (JWT_THROTTLE_RATES as shipped), which count failures only.
    "throttled": {"revocation_app": False, "throttles": True, "jwt_auth": {}},
    "revocation": {"revocation_app": True, "jwt_auth": {"JWT_DENYLIST_BACKEND": "database"}},
    "revocation-cache": {
        "revocation_app": True,
        "jwt_auth": {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "default"},
    },
    "rotating": {"revocation_app": True, "jwt_auth": {"JWT_REFRESH_TOKENS": True}},
    # TrustedIssuerAuthentication: the issuer's JWK Set is seeded into the cache before the
    # clock starts (run.seed_external_jwks), and lives longer than a run, so nothing is fetched.
    "external": {
        "revocation_app": False,
        "jwt_auth": {
            "JWT_TRUSTED_ISSUERS": [
                {
                    "issuer": "https://idp.bench.invalid/",
                    "jwks_url": "https://idp.bench.invalid/jwks.json",
                    "audience": "bench-api",
                    "algorithms": ["RS256", "ES256", "EdDSA"],
                }
            ],
            "JWT_JWKS_CACHE": "default",
            "JWT_JWKS_CACHE_LIFETIME": datetime.timedelta(days=1),
        },
    },
}
# ----------------------------------------------------------------------------------------------

BASE_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework_jwt",
] + ([SJ_BLACKLIST_APP] if HAS_SJ_BLACKLIST else [])


def installed_apps(variant: str = "", *, migrate: bool = False) -> list[str]:
    """INSTALLED_APPS for a mode (``migrate``: every app whose tables the run needs)."""
    apps = list(BASE_APPS)
    if HAS_REVOCATION and (migrate or VARIANTS[variant]["revocation_app"]):
        apps.append(REVOCATION_APP)
    return apps


VARIANT = os.environ.get("BENCH_VARIANT", "")
INSTALLED_APPS = installed_apps(VARIANT)


def conn_max_age(value: str) -> int | None:
    """``CONN_MAX_AGE`` from ``BENCH_CONN_MAX_AGE``: seconds, or ``none`` (no limit)."""
    return None if value.strip().lower() == "none" else int(value)


#: Connections are kept across requests, as a deployment keeps them (Django's deployment
#: checklist: persistent connections, CONN_MAX_AGE, or a pool). With Django's default, 0, every
#: request that reads the database opens a new connection (on SQLite: a file opened, Django's
#: SQL functions registered, its PRAGMAs run) and closes it at request_finished, which only the
#: rows with a query pay, and only under a server (--gunicorn; the in-process rows send no
#: request signals, so their connection stays open whatever this says).
CONN_MAX_AGE = conn_max_age(os.environ.get("BENCH_CONN_MAX_AGE", "600"))

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "BENCH_DB", os.path.join(tempfile.gettempdir(), "rest_framework_jwt_bench.sqlite3")
        ),
        "OPTIONS": {"timeout": 20},
        "CONN_MAX_AGE": CONN_MAX_AGE,
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.AllowAny",),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("rest_framework.parsers.JSONParser",),
}

#: Token lifetime: long enough that no token expires during a run.
LIFETIME = datetime.timedelta(hours=2)


def jwt_auth(algorithm: str, *, throttles: bool = False, **extra: Any) -> dict[str, Any]:
    """rest_framework_jwt's JWT_AUTH for ``algorithm`` (1.x defaults otherwise)."""
    config: dict[str, Any] = {
        "JWT_ALGORITHM": algorithm,
        "JWT_EXPIRATION_DELTA": LIFETIME,
        # Refresh is measured, so tokens carry orig_iat.
        "JWT_ALLOW_REFRESH": True,
    }
    if not throttles:
        # simplejwt has no throttles; ours are on by default. Off except in the "throttled"
        # mode (obtain's: a success costs one cache get per scope; only failures write).
        config["JWT_THROTTLE_RATES"] = None
    if algorithm.startswith("HS"):
        config["JWT_SECRET_KEY"] = keys.SECRET
    else:
        config["JWT_PRIVATE_KEY"] = keys.private_pem(algorithm)
        config["JWT_PUBLIC_KEY"] = keys.public_pem(algorithm)
    config.update(extra)
    return config


def simple_jwt(algorithm: str) -> dict[str, Any]:
    """simplejwt's SIMPLE_JWT for ``algorithm`` (its defaults otherwise)."""
    config: dict[str, Any] = {
        "ALGORITHM": algorithm,
        "ACCESS_TOKEN_LIFETIME": LIFETIME,
        "REFRESH_TOKEN_LIFETIME": datetime.timedelta(days=1),
        "UPDATE_LAST_LOGIN": False,
    }
    if algorithm.startswith("HS"):
        config["SIGNING_KEY"] = keys.SECRET
    else:
        config["SIGNING_KEY"] = keys.private_pem(algorithm)
        config["VERIFYING_KEY"] = keys.public_pem(algorithm)
    return config


ALGORITHM = os.environ.get("BENCH_ALGORITHM", "HS256")
JWT_AUTH = jwt_auth(
    ALGORITHM, throttles=VARIANTS[VARIANT].get("throttles", False), **VARIANTS[VARIANT]["jwt_auth"]
)
SIMPLE_JWT = simple_jwt(ALGORITHM)
