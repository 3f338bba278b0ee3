"""Django settings for the test suite.

SQLite by default; set DATABASE_URL to run against PostgreSQL or MariaDB, e.g.
``postgres://postgres@127.0.0.1:5432/test`` or ``mysql://root@127.0.0.1:3306/test``.
REDIS_URL names the Redis server for the cache-backed paths.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

SECRET_KEY = "tests-secret-key-that-is-long-enough-for-hs256-0123456789"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.urls"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework_jwt",
    "rest_framework_jwt.blacklist",
    "tests.testapp",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    # JWT first, so an anonymous request gets a 401 with our WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_jwt.authentication.JSONWebTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ),
}


def _database_from_url(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    engines = {
        "postgres": "django.db.backends.postgresql",
        "postgresql": "django.db.backends.postgresql",
        "mysql": "django.db.backends.mysql",
        "mariadb": "django.db.backends.mysql",
        "sqlite": "django.db.backends.sqlite3",
    }
    engine = engines[parts.scheme]
    if engine.endswith("sqlite3"):
        return {"ENGINE": engine, "NAME": parts.path.lstrip("/") or ":memory:"}
    # A test database of this run's own: several runs may share one server on a machine, and a
    # second run on "test_test" drops it under the first (or fails with "database is being
    # accessed by other users"). Django drops it when the run ends.
    test = {"NAME": f"test_{parts.path.lstrip('/') or 'jwt'}_{os.getpid()}"}
    config: dict[str, object] = {
        "ENGINE": engine,
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "TEST": test,
    }
    if engine.endswith("mysql"):
        # PyMySQL stands in for mysqlclient, so no C headers are needed.
        import pymysql

        pymysql.install_as_MySQLdb()
        config["OPTIONS"] = {"charset": "utf8mb4"}
        # A binary collation, so that `username = %s` means what it means on SQLite and
        # PostgreSQL. Under a *_ci collation (MariaDB's default is utf8mb4_general_ci) "ADMIN"
        # logs in as "admin", and utf8mb4_unicode_ci also ignores a NUL inside a username: the
        # database's choice, not this package's.
        test.update(CHARSET="utf8mb4", COLLATION="utf8mb4_bin")
    return config


DATABASES = {
    "default": _database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
}

# The default cache keeps nothing, so the obtain/refresh throttles (on by default) never trip
# across tests; the throttle tests point JWT_THROTTLE_CACHE at "locmem" (or "redis").
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if os.environ.get("REDIS_URL"):
    CACHES["redis"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
STATIC_URL = "/static/"
