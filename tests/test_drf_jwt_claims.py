"""drf-jwt mode issues exactly drf-jwt's claims, and a password change still ends earlier tokens
there: through the revocation app's per-user cutoff, or (opt-in) through the ``pwv`` claim.

Also the obtain serializer's declared fields, which schema generators read, in both modes.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test.utils import override_settings

from rest_framework_jwt import revocation, utils
from rest_framework_jwt.blacklist.models import Revocation
from rest_framework_jwt.serializers import JSONWebTokenSerializer
from tests.helpers import FORK, OBTAIN, PROTECTED, REFRESH, START, VERIFY, decode

#: drf-jwt 1.19.2's claims with its defaults (JWT_TOKEN_ID "include", JWT_ALLOW_REFRESH on).
DRF_JWT_CLAIMS = {"user_id", "username", "exp", "iat", "jti", "orig_iat"}
APP = "rest_framework_jwt.blacklist"
WITHOUT_APP = [name for name in django_settings.INSTALLED_APPS if name != APP]


def obtain(client, password="abc123", status=201) -> str:
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == status, response.data
    return response.data["token"]


def get(client, token):
    return client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_accepted(client, token) -> None:
    response = get(client, token)
    assert response.status_code == 200, response.data
    assert response.data == {"username": "admin"}


def assert_blacklisted(client, token) -> None:
    """Refused as drf-jwt refuses a blacklisted token: authentication, verify and refresh."""
    response = get(client, token)
    assert response.status_code == 403, response.data
    assert response.data == {"detail": "Token is blacklisted."}
    for path in (VERIFY, REFRESH):
        response = client.post(path, {"token": token}, format="json")
        assert response.status_code == 400, path
        assert response.data == {"non_field_errors": ["Token is blacklisted."]}, path


def change_password(user, frozen, new="a new password") -> None:
    frozen.shift(60)
    user.set_password(new)
    user.save()


# ----------------------------------------------------------------------------------------------
# The claim set


def test_drf_jwt_mode_issues_exactly_drf_jwts_claims(settings, client, user, frozen):
    settings.JWT_AUTH = dict(FORK)
    token = obtain(client)
    payload = decode(token)

    assert set(payload) == DRF_JWT_CLAIMS
    assert payload["iat"] == payload["orig_iat"] == int(START.timestamp())
    assert set(utils.jwt_payload_handler(user)) == DRF_JWT_CLAIMS
    assert set(utils.jwt_create_payload(user)) == DRF_JWT_CLAIMS

    frozen.shift(10)
    response = client.post(REFRESH, {"token": token}, format="json")
    assert response.status_code == 201, response.data
    assert set(decode(response.data["token"])) == DRF_JWT_CLAIMS | {"orig_jti"}


def test_drf_jwt_mode_claims_follow_drf_jwts_settings(settings, client, user, frozen):
    settings.JWT_AUTH = {**FORK, "JWT_TOKEN_ID": "off", "JWT_ALLOW_REFRESH": False}
    assert set(decode(obtain(client))) == {"user_id", "username", "exp", "iat"}
    settings.JWT_AUTH = {**FORK, "JWT_PAYLOAD_INCLUDE_USER_ID": False}
    assert set(decode(obtain(client))) == DRF_JWT_CLAIMS - {"user_id"}


def test_the_original_mode_keeps_the_password_claim(settings, client, user, frozen):
    settings.JWT_AUTH = {}
    assert "pwv" in decode(obtain(client, status=200))
    assert "pwv" in utils.jwt_payload_handler(user)


def test_drf_jwt_mode_can_opt_in_to_the_password_claim(settings, client, user, frozen):
    settings.JWT_AUTH = {**FORK, "JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION": True}
    assert set(decode(obtain(client))) == DRF_JWT_CLAIMS | {"pwv"}


def test_the_password_claim_can_be_left_out_in_the_original_mode(settings, client, user, frozen):
    settings.JWT_AUTH = {"JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION": False}
    assert "pwv" not in decode(obtain(client, status=200))


# ----------------------------------------------------------------------------------------------
# Password changes in drf-jwt mode


def test_with_the_app_a_password_change_ends_earlier_tokens(settings, client, user, frozen):
    settings.JWT_AUTH = dict(FORK)
    token = obtain(client)
    assert "pwv" not in decode(token)
    assert_accepted(client, token)

    change_password(user, frozen)

    row = Revocation.objects.get()
    assert (row.key, row.reason) == (f"u:{user.pk}", "password_change")
    assert_blacklisted(client, token)
    # The token handed out right after the change (same second) works.
    assert_accepted(client, obtain(client, password="a new password"))


def test_with_the_app_the_cutoff_also_holds_with_the_cache_backend(settings, client, user, frozen):
    settings.CACHES = {
        **settings.CACHES,
        "locmem": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-drf-jwt-claims",
        },
    }
    settings.JWT_AUTH = {**FORK, "JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "locmem"}
    token = obtain(client)

    change_password(user, frozen)

    assert_blacklisted(client, token)
    assert Revocation.objects.count() == 0


def test_with_the_app_revoke_on_password_change_off_keeps_tokens(settings, client, user, frozen):
    settings.JWT_AUTH = {**FORK, "JWT_REVOKE_ON_PASSWORD_CHANGE": False}
    token = obtain(client)

    change_password(user, frozen)

    assert_accepted(client, token)
    assert Revocation.objects.count() == 0


def test_without_the_app_a_password_change_keeps_tokens_by_default(settings, client, user, frozen):
    settings.JWT_AUTH = dict(FORK)
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        assert not revocation.available()
        token = obtain(client)
        assert set(decode(token)) == DRF_JWT_CLAIMS

        change_password(user, frozen)

        # As in drf-jwt: nothing records the change, and the token carries no claim to notice it.
        assert_accepted(client, token)


def test_without_the_app_the_password_claim_is_the_opt_in(settings, client, user, frozen):
    settings.JWT_AUTH = {**FORK, "JWT_PAYLOAD_INCLUDE_PASSWORD_VERSION": True}
    with override_settings(INSTALLED_APPS=WITHOUT_APP):
        token = obtain(client)
        assert "pwv" in decode(token)

        change_password(user, frozen)

        response = get(client, token)
        assert response.status_code == 403, response.data
        assert response.data == {"detail": "Token is blacklisted."}
        assert_accepted(client, obtain(client, password="a new password"))


def test_a_password_claim_issued_before_is_still_checked_in_drf_jwt_mode(
    settings, client, user, frozen
):
    # Tokens issued in the original mode carry pwv; switching to drf-jwt mode keeps them tied
    # to the password, even for changes no signal reports.
    settings.JWT_AUTH = {}
    token = obtain(client, status=200)
    settings.JWT_AUTH = dict(FORK)
    user.__class__.objects.filter(pk=user.pk).update(password=make_password("changed"))

    response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.data == {"detail": "Token is blacklisted."}


# ----------------------------------------------------------------------------------------------
# The obtain serializer's fields


@pytest.mark.parametrize("jwt_auth", [{}, FORK], ids=["orig", "fork"])
def test_the_obtain_serializer_declares_token_read_only_and_credentials_write_only(
    settings, db, jwt_auth
):
    settings.JWT_AUTH = dict(jwt_auth)
    serializer = JSONWebTokenSerializer()
    fields = serializer.fields

    assert fields["token"].read_only and not fields["token"].write_only
    assert fields["username"].write_only and fields["username"].required
    assert fields["password"].write_only and fields["password"].required
    assert fields["password"].style == {"input_type": "password"}
    assert serializer.data == {"username": "", "password": ""}


def test_the_obtain_serializer_output_is_the_token(settings, user, password, frozen):
    settings.JWT_AUTH = {}
    serializer = JSONWebTokenSerializer(
        data={"username": "admin", "password": password}, context={"request": None}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.data == {"token": serializer.validated_data["token"]}
