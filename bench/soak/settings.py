"""Django settings of the soak run: PostgreSQL, the Redis denylist, refresh-token mode.

``bench/soak/run.py`` sets the environment: ``SOAK_DATABASE_URL`` (a PostgreSQL database it
created for the run) and ``SOAK_REDIS_URL`` (a private redis-server it started). Throttles keep
their defaults, with their counts in the same Redis, as in production.
"""

from __future__ import annotations

import datetime
import os
from urllib.parse import unquote, urlsplit

SECRET_KEY = "soak-secret-key-of-the-rest-framework-jwt-load-run-0123456789abcdef"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "bench.soak.urls"
WSGI_APPLICATION = "bench.soak.wsgi.application"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Fast hashing, so that logins measure the package rather than PBKDF2 (as in bench/settings.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MIDDLEWARE = ["rest_framework_jwt.middleware.StoreUnavailableMiddleware"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework_jwt",
    "rest_framework_jwt.blacklist",
]

_db = urlsplit(os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jwt_soak"))
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": unquote(_db.username or ""),
        "PASSWORD": unquote(_db.password or ""),
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": str(_db.port or 5432),
        "CONN_MAX_AGE": 60,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_jwt.authentication.JSONWebTokenAuthentication",
    ),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("rest_framework.parsers.JSONParser",),
}

JWT_AUTH = {
    "JWT_REFRESH_TOKENS": True,
    "JWT_DENYLIST_BACKEND": "cache",
    "JWT_DENYLIST_CACHE": "default",
    "JWT_THROTTLE_CACHE": "default",
    "JWT_RESPONSE_ERROR_CODES": True,
    # Longer than any run: an access token never expires under a client that follows the protocol.
    "JWT_EXPIRATION_DELTA": datetime.timedelta(minutes=30),
    "JWT_REFRESH_EXPIRATION_DELTA": datetime.timedelta(days=1),
}
