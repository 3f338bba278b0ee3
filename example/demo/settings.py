"""Settings of the demo project.

A local playground for rest_framework_jwt: SQLite, DEBUG on, a secret that is published in this
file. Never deploy it.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# DEMO ONLY, NOT FOR PRODUCTION: this key is public. A real project reads its secret from the
# environment or a secrets store, and it must be at least 32 bytes long for HS256
# (system check rest_framework_jwt.W006; an error, E003, under `manage.py check --deploy`).
SECRET_KEY = "demo-only-not-for-production-7f3c9a1e5b2d4c6e8a0b1d3f5e7c9a2b"

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_jwt",
    # Logout and sessions (the /browser/ page logs out through it).
    "rest_framework_jwt.blacklist",
    "demo_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # DEMO_DATABASE lets the test suite run the demo on a throwaway file.
        "NAME": os.environ.get("DEMO_DATABASE", BASE_DIR / "db.sqlite3"),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# As on the 1.0.0 package page: JWT next to DRF's session and basic authentication.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    # The seed page's refresh example has a typo (an unclosed string); see demo_api/parsers.py.
    "DEFAULT_PARSER_CLASSES": (
        "demo_api.parsers.SeedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ),
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework_jwt.authentication.JSONWebTokenAuthentication",
    ),
}

# Everything else keeps its default (docs/settings.md). Refresh is on so that
# /api-token-refresh/ can be tried: tokens then carry orig_iat.
#
# Cookie mode (docs/cookies.md) for the /browser/ page: HttpOnly cookies, CSRF checked. The
# seed's routes are in header mode (demo/urls.py), so its curl flows answer tokens in the body.
# DEBUG is on, so the cookies are not Secure (check I020 says so) and work over plain HTTP.
#
# Two switches for the browser test (tests/test_browser.py): DEMO_REFRESH_TOKENS=1 turns on
# refresh-token mode (a refresh cookie next to the access cookie; the seed's refresh of an
# access token then fails), DEMO_COOKIE_CSRF=off the CSRF check (to show the attack it stops).
JWT_AUTH = {
    "JWT_ALLOW_REFRESH": True,
    "JWT_COOKIE_MODE": True,
    "JWT_REFRESH_TOKENS": os.environ.get("DEMO_REFRESH_TOKENS") == "1",
    "JWT_AUTH_COOKIE_CSRF": os.environ.get("DEMO_COOKIE_CSRF") != "off",
}
