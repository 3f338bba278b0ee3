"""The system checks of the token cookies (rest_framework_jwt.E020, I020, W020-W025)."""

from __future__ import annotations

import pytest
from django.core import checks

from rest_framework_jwt import checks as jwt_checks


def our_ids(deploy: bool = False) -> set[str]:
    found = checks.run_checks(include_deployment_checks=deploy)
    return {m.id for m in found if (m.id or "").startswith("rest_framework_jwt.")}


def messages_of(check_id: str, deploy: bool = False) -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks(include_deployment_checks=deploy) if m.id == check_id]


COOKIE_IDS = {
    jwt_checks.E020,
    jwt_checks.I020,
    jwt_checks.W020,
    jwt_checks.W021,
    jwt_checks.W022,
    jwt_checks.W023,
    jwt_checks.W024,
    jwt_checks.W025,
}


def test_no_cookie_no_cookie_check(settings):
    """1.x users who never set a cookie see none of these, whatever their CSRF settings."""
    settings.JWT_AUTH = {"JWT_AUTH_COOKIE_SECURE": False, "JWT_AUTH_COOKIE_DOMAIN": "x.test"}
    settings.CSRF_USE_SESSIONS = True
    settings.CSRF_COOKIE_HTTPONLY = True
    assert not (our_ids(deploy=True) & COOKIE_IDS)


def test_cookie_mode_in_production_is_clean(settings):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_REFRESH_TOKENS": True}
    assert not (our_ids(deploy=True) & COOKIE_IDS)


def test_cookie_mode_under_debug_says_the_cookies_are_not_secure(settings):
    settings.DEBUG = True
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    (message,) = messages_of(jwt_checks.I020)
    assert message.level == checks.INFO
    assert "DEBUG" in message.msg
    # Only under DEBUG, and not when Secure is set on anyway.
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_SECURE": True}
    assert not messages_of(jwt_checks.I020)
    settings.DEBUG = False
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    assert not messages_of(jwt_checks.I020)


@pytest.mark.parametrize(
    "jwt_auth",
    [
        {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_SECURE": False},
        {"JWT_AUTH_COOKIE": "legacy"},  # 1.x's cookie: no Secure flag by default
    ],
    ids=["cookie-mode", "1x-cookie"],
)
def test_cookies_without_secure_outside_debug_fail_the_deploy_check(settings, jwt_auth):
    settings.JWT_AUTH = jwt_auth
    assert jwt_checks.W020 not in our_ids()
    (message,) = messages_of(jwt_checks.W020, deploy=True)
    assert message.level == checks.WARNING
    assert "JWT_AUTH_COOKIE_SECURE" in message.hint
    settings.DEBUG = True
    assert jwt_checks.W020 not in our_ids(deploy=True)


def test_samesite_none_without_secure_is_an_error(settings):
    settings.JWT_AUTH = {
        "JWT_COOKIE_MODE": True,
        "JWT_AUTH_COOKIE_SAMESITE": "None",
        "JWT_AUTH_COOKIE_SECURE": False,
    }
    (message,) = messages_of(jwt_checks.E020)
    assert message.level == checks.ERROR
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_SAMESITE": "None"}
    assert not messages_of(jwt_checks.E020)


@pytest.mark.parametrize(
    ("domain", "allowed", "reported"),
    [
        ("example.com", ["api.example.com"], False),
        (".example.com", ["api.example.com"], False),
        ("api.example.com", [".example.com"], False),
        ("example.com", ["*"], False),
        ("example.com", ["api.example.org"], True),
        ("other.com", ["localhost", "127.0.0.1"], True),
        ("ample.com", ["example.com"], True),
    ],
)
def test_a_cookie_domain_that_is_not_the_sites_own(settings, domain, allowed, reported):
    settings.ALLOWED_HOSTS = allowed
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
    settings.CSRF_COOKIE_DOMAIN = domain
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_DOMAIN": domain}
    assert bool(messages_of(jwt_checks.W021)) is reported


def test_a_shared_cookie_domain_needs_trusted_origins_and_the_csrf_cookie_domain(settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_DOMAIN": ".example.com"}
    found = messages_of(jwt_checks.W025)
    assert len(found) == 2
    assert "CSRF_TRUSTED_ORIGINS" in found[0].msg
    assert "CSRF_COOKIE_DOMAIN" in found[1].msg
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
    settings.CSRF_COOKIE_DOMAIN = ".example.com"
    assert not messages_of(jwt_checks.W025)


def test_the_csrf_check_switched_off(settings):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True, "JWT_AUTH_COOKIE_CSRF": False}
    assert jwt_checks.W022 in our_ids()
    # ... and then the CSRF settings do not matter to us.
    settings.CSRF_COOKIE_HTTPONLY = True
    assert jwt_checks.W024 not in our_ids()


@pytest.mark.parametrize(
    ("setting", "check_id"),
    [("CSRF_USE_SESSIONS", jwt_checks.W023), ("CSRF_COOKIE_HTTPONLY", jwt_checks.W024)],
)
def test_csrf_settings_that_break_the_cookie_check(settings, setting, check_id):
    settings.JWT_AUTH = {"JWT_COOKIE_MODE": True}
    assert check_id not in our_ids()
    setattr(settings, setting, True)
    (message,) = messages_of(check_id)
    assert setting in message.msg
    assert message.level == checks.WARNING
