"""Settings of both services; the environment says which one this process is.

- ``SERVICE=issuer``: issues RS256 tokens with the keys of ``KEY_DIR`` (made by
  ``manage.py jwt_keys``), users in the SQLite file ``DATABASE``, and serves its JWK Set.
- ``SERVICE=resource``: has no keys and no users of its own; it trusts the issuer as an external
  issuer, whose JWK Set is at ``ISSUER_JWKS_URL``.

``CLOCK_FILE`` (serve.py) sets the servers' clock.
"""

import os

SERVICE = os.environ["SERVICE"]
ISSUER = "https://issuer.two-services.test"
AUDIENCE = "resource"

SECRET_KEY = f"two-services-{SERVICE}-insecure-key-that-is-long-enough"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_jwt",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "services.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DATABASE", ":memory:"),
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_AUTHENTICATION_CLASSES": (),
    "NUM_PROXIES": 0,
}

if SERVICE == "issuer":
    JWT_AUTH = {
        "JWT_ALGORITHM": "RS256",
        "JWT_KEY_DIR": os.environ["KEY_DIR"],
        # Every use of the key ring looks whether `jwt_keys` changed the directory.
        "JWT_KEY_RELOAD_INTERVAL": 0,
        "JWT_EXPIRATION_DELTA": 3600,
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": AUDIENCE,
        "JWT_THROTTLE_RATES": None,
    }
else:
    # The issuer's JWK Set is served over http on a loopback port: allowed with DEBUG only.
    DEBUG = True
    JWT_AUTH = {
        "JWT_TRUSTED_ISSUERS": [
            {
                "issuer": ISSUER,
                "jwks_url": os.environ["ISSUER_JWKS_URL"],
                "audience": AUDIENCE,
                "algorithms": ["RS256"],
                "username_claim": "username",
            }
        ],
        # The defaults, written out: the test moves the clock past them.
        "JWT_JWKS_CACHE_LIFETIME": 600,
        "JWT_JWKS_REFETCH_INTERVAL": 60,
        "JWT_RESPONSE_ERROR_CODES": True,
        "JWT_THROTTLE_RATES": None,
    }
