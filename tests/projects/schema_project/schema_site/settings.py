"""A project that routes every view of the package, for its OpenAPI schema (drf-spectacular).

``SCHEMA_VARIANT`` picks the configuration the schema describes; tests/test_openapi.py compares
each variant's ``manage.py spectacular`` output with ``schemas/<variant>.yaml``, which
``make openapi-schemas`` writes:

- ``orig``: 1.x defaults (``Authorization: JWT <token>``, 200 with ``{"token"}``);
- ``refresh``: refresh-token mode, the ``token`` cookie, and error codes in every error body;
- ``drf-jwt``: ``JWT_COMPAT = "drf-jwt"`` (``Bearer``, 201 with ``{"pk", "token"}``);
- ``cookie``: cookie mode (``JWT_COOKIE_MODE``) with refresh tokens and the impersonation
  cookie.
"""

import os

VARIANT = os.environ.get("SCHEMA_VARIANT", "orig")
VARIANTS = {
    "orig": {},
    "refresh": {
        "JWT_REFRESH_TOKENS": True,
        "JWT_AUTH_COOKIE": "token",
        "JWT_RESPONSE_ERROR_CODES": True,
    },
    "drf-jwt": {"JWT_COMPAT": "drf-jwt"},
    "cookie": {
        "JWT_COOKIE_MODE": True,
        "JWT_REFRESH_TOKENS": True,
        "JWT_IMPERSONATION_COOKIE": "jwt-impersonation",
    },
}

SECRET_KEY = "schema-project-secret-key-that-is-long-enough-for-hs256"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
ROOT_URLCONF = "schema_site.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "drf_spectacular",
    "rest_framework_jwt",
    "rest_framework_jwt.blacklist",
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_jwt.authentication.JSONWebTokenAuthentication",
    ),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "rest_framework_jwt",
    "VERSION": "2",
    "DESCRIPTION": f"The package's views ({VARIANT})",
}

JWT_AUTH = VARIANTS[VARIANT]

# tests/test_openapi.py: the project as it is without drf-spectacular.
if os.environ.get("SCHEMA_WITHOUT_SPECTACULAR"):
    INSTALLED_APPS.remove("drf_spectacular")
    del REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]
