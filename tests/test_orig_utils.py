"""1.x (orig) behaviour of ``rest_framework_jwt.utils`` in the default mode."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIRequestFactory

from rest_framework_jwt import utils
from rest_framework_jwt.exceptions import TokenError
from tests.helpers import forge, make_token

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())
OTHER_SECRET = "another-secret-key-that-is-also-long-enough-0123456789"
LONG_SECRET = "a-secret-that-is-long-enough-even-for-hs512-signatures-0123456789abcdef"


def password_secret(user):
    """Per-user secret: tokens die when the password changes."""
    return "per-user-secret-" + user.password


# --- payload handler ------------------------------------------------------------------------


def test_payload_default_claims(user):
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(user)

    assert set(payload) == {"user_id", "username", "email", "exp", "iat", "jti", "pwv"}
    assert payload["user_id"] == user.pk
    assert payload["username"] == "admin"
    assert payload["email"] == "admin@example.com"
    assert type(payload["exp"]) is int
    assert payload["exp"] == NOW_TS + 300
    assert type(payload["iat"]) is int
    assert payload["iat"] == NOW_TS
    assert isinstance(payload["jti"], str)
    assert uuid.UUID(payload["jti"]).version == 4


def test_payload_jti_is_unique_per_token(user):
    assert utils.jwt_payload_handler(user)["jti"] != utils.jwt_payload_handler(user)["jti"]


def test_payload_has_no_orig_iat_by_default(user):
    assert "orig_iat" not in utils.jwt_payload_handler(user)


def test_payload_orig_iat_with_allow_refresh(user, settings):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(user)
    assert type(payload["orig_iat"]) is int
    assert payload["orig_iat"] == NOW_TS


def test_payload_has_no_aud_or_iss_by_default(user):
    payload = utils.jwt_payload_handler(user)
    assert "aud" not in payload
    assert "iss" not in payload


def test_payload_aud_and_iss_when_configured(user, settings):
    settings.JWT_AUTH = {"JWT_AUDIENCE": "my-audience", "JWT_ISSUER": "my-issuer"}
    payload = utils.jwt_payload_handler(user)
    assert payload["aud"] == "my-audience"
    assert payload["iss"] == "my-issuer"


def test_payload_1x_byte_compatible_when_iat_and_jti_off(user, settings):
    settings.JWT_AUTH = {
        "JWT_PAYLOAD_INCLUDE_IAT": False,
        "JWT_TOKEN_ID": "off",
        "JWT_REVOKE_ON_PASSWORD_CHANGE": False,
    }
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(user)
    assert payload == {
        "user_id": user.pk,
        "username": "admin",
        "email": "admin@example.com",
        "exp": NOW_TS + 300,
    }


def test_payload_expiration_delta_setting(user, settings):
    settings.JWT_AUTH = {"JWT_EXPIRATION_DELTA": timedelta(hours=2)}
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(user)
    assert payload["exp"] == NOW_TS + 7200


def test_payload_email_empty_string_is_kept(db, password):
    from django.contrib.auth import get_user_model

    nomail = get_user_model().objects.create_user(username="nomail", password=password)
    payload = utils.jwt_payload_handler(nomail)
    assert payload["email"] == ""
    assert payload["username"] == "nomail"


# --- encode / decode ------------------------------------------------------------------------


def test_encode_returns_str_signed_with_secret_key(user):
    payload = utils.jwt_payload_handler(user)
    token = utils.jwt_encode_handler(payload)
    assert isinstance(token, str)
    assert token.count(".") == 2
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    decoded = jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])
    assert decoded == payload


def test_decode_of_encode_is_identity(user):
    payload = utils.jwt_payload_handler(user)
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload


def test_decode_of_encode_is_identity_with_all_optional_claims(user, settings):
    settings.JWT_AUTH = {
        "JWT_ALLOW_REFRESH": True,
        "JWT_AUDIENCE": "aud-1",
        "JWT_ISSUER": "iss-1",
    }
    payload = utils.jwt_payload_handler(user)
    assert {"orig_iat", "aud", "iss"} <= set(payload)
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload


def test_decode_accepts_1x_token_without_iat_and_jti():
    payload = {
        "user_id": 1,
        "username": "admin",
        "email": "admin@example.com",
        "exp": int(datetime.now(timezone.utc).timestamp()) + 300,
    }
    assert utils.jwt_decode_handler(forge(payload)) == payload


def test_decode_accepts_bytes(user):
    payload = utils.jwt_payload_handler(user)
    token = utils.jwt_encode_handler(payload)
    assert utils.jwt_decode_handler(token.encode()) == payload


def test_decode_expired_raises_expired_signature_error(user):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    with time_machine.travel(NOW + timedelta(seconds=299), tick=False):
        assert utils.jwt_decode_handler(token)["username"] == "admin"
    with (
        time_machine.travel(NOW + timedelta(seconds=301), tick=False),
        pytest.raises(jwt.ExpiredSignatureError) as excinfo,
    ):
        utils.jwt_decode_handler(token)
    assert isinstance(excinfo.value, jwt.InvalidTokenError)
    assert isinstance(excinfo.value, TokenError)
    assert excinfo.value.code == "token_expired"


def test_decode_bad_signature_raises_decode_error(user):
    token = forge(utils.jwt_payload_handler(user), key=OTHER_SECRET)
    with pytest.raises(jwt.DecodeError) as excinfo:
        utils.jwt_decode_handler(token)
    assert isinstance(excinfo.value, TokenError)
    assert excinfo.value.code == "token_decode_error"


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "", "eyJhbGciOiJIUzI1NiJ9.e30."])
def test_decode_malformed_raises_decode_error(garbage):
    with pytest.raises(jwt.DecodeError) as excinfo:
        utils.jwt_decode_handler(garbage)
    assert isinstance(excinfo.value, TokenError)


def test_decode_token_with_aud_when_audience_not_configured(user):
    payload = {**utils.jwt_payload_handler(user), "aud": "someone"}
    with pytest.raises(jwt.InvalidAudienceError) as excinfo:
        utils.jwt_decode_handler(forge(payload))
    assert isinstance(excinfo.value, TokenError)


def test_decode_token_with_other_aud_than_configured(user, settings):
    payload = {**utils.jwt_payload_handler(user), "aud": "someone"}
    settings.JWT_AUTH = {"JWT_AUDIENCE": "me"}
    with pytest.raises(jwt.InvalidAudienceError):
        utils.jwt_decode_handler(forge(payload))


@pytest.mark.parametrize(("setting", "claim"), [("JWT_AUDIENCE", "aud"), ("JWT_ISSUER", "iss")])
def test_decode_token_without_the_claim_a_setting_requires(user, setting, claim):
    token = make_token(user)
    with (
        override_settings(JWT_AUTH={setting: "me"}),
        pytest.raises(jwt.MissingRequiredClaimError) as excinfo,
    ):
        utils.jwt_decode_handler(token)
    assert excinfo.value.claim == claim
    assert isinstance(excinfo.value, TokenError)


def test_decode_matching_audience(user, settings):
    settings.JWT_AUTH = {"JWT_AUDIENCE": "me"}
    payload = utils.jwt_payload_handler(user)
    assert utils.jwt_decode_handler(forge(payload))["aud"] == "me"


def test_decode_wrong_issuer_raises_invalid_issuer_error(user, settings):
    payload = {**utils.jwt_payload_handler(user), "iss": "mallory"}
    settings.JWT_AUTH = {"JWT_ISSUER": "me"}
    with pytest.raises(jwt.InvalidIssuerError) as excinfo:
        utils.jwt_decode_handler(forge(payload))
    assert isinstance(excinfo.value, TokenError)


def test_decode_refuses_other_hmac_algorithm(user, settings):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": LONG_SECRET}
    token = forge(utils.jwt_payload_handler(user), key=LONG_SECRET, algorithm="HS512")
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(token)
    settings.JWT_AUTH = {"JWT_SECRET_KEY": LONG_SECRET, "JWT_ALGORITHM": "HS512"}
    assert utils.jwt_decode_handler(token)["username"] == "admin"


def test_algorithm_setting_used_for_signing(user, settings):
    settings.JWT_AUTH = {"JWT_ALGORITHM": "HS384"}
    token = make_token(user)
    assert jwt.get_unverified_header(token)["alg"] == "HS384"
    assert utils.jwt_decode_handler(token)["username"] == "admin"


def test_decode_refuses_alg_none(user):
    token = jwt.encode(utils.jwt_payload_handler(user), None, algorithm="none")
    with pytest.raises(jwt.InvalidTokenError):
        utils.jwt_decode_handler(token)


def test_secret_key_setting_used_for_signing(user, settings):
    settings.JWT_AUTH = {"JWT_SECRET_KEY": OTHER_SECRET}
    token = make_token(user)
    assert jwt.decode(token, OTHER_SECRET, algorithms=["HS256"])["username"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])


# --- leeway and verification switches -------------------------------------------------------


@pytest.mark.parametrize("leeway", [10, timedelta(seconds=10)])
def test_leeway_accepts_recently_expired_token(user, settings, leeway):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    settings.JWT_AUTH = {"JWT_LEEWAY": leeway}
    with time_machine.travel(NOW + timedelta(seconds=305), tick=False):
        assert utils.jwt_decode_handler(token)["username"] == "admin"


@pytest.mark.parametrize("leeway", [2, timedelta(seconds=2)])
def test_leeway_too_small_still_expires(user, settings, leeway):
    with time_machine.travel(NOW, tick=False):
        token = make_token(user)
    settings.JWT_AUTH = {"JWT_LEEWAY": leeway}
    with (
        time_machine.travel(NOW + timedelta(seconds=305), tick=False),
        pytest.raises(jwt.ExpiredSignatureError),
    ):
        utils.jwt_decode_handler(token)


def test_verify_expiration_off_accepts_expired_token(user, settings):
    with time_machine.travel(NOW, tick=False):
        payload = utils.jwt_payload_handler(user)
        token = utils.jwt_encode_handler(payload)
    settings.JWT_AUTH = {"JWT_VERIFY_EXPIRATION": False}
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        assert utils.jwt_decode_handler(token) == payload


def test_verify_expiration_off_still_checks_signature(user, settings):
    token = forge(utils.jwt_payload_handler(user), key=OTHER_SECRET)
    settings.JWT_AUTH = {"JWT_VERIFY_EXPIRATION": False}
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_handler(token)


def test_verify_off_skips_signature_check(user, settings):
    payload = utils.jwt_payload_handler(user)
    token = forge(payload, key=OTHER_SECRET)
    settings.JWT_AUTH = {"JWT_VERIFY": False}
    assert utils.jwt_decode_handler(token) == payload


# --- small handlers -------------------------------------------------------------------------


def test_username_handler():
    assert utils.jwt_get_username_from_payload_handler({"username": "bob", "user_id": 3}) == "bob"
    assert utils.jwt_get_username_from_payload_handler({"user_id": 3}) is None


def test_user_id_handler():
    assert utils.jwt_get_user_id_from_payload_handler({"username": "bob", "user_id": 3}) == 3
    assert utils.jwt_get_user_id_from_payload_handler({"username": "bob"}) is None


def test_response_payload_handler(user):
    request = APIRequestFactory().post("/")
    assert utils.jwt_response_payload_handler("T") == {"token": "T"}
    assert utils.jwt_response_payload_handler("T", user) == {"token": "T"}
    assert utils.jwt_response_payload_handler("T", user=user, request=request) == {"token": "T"}


def test_get_secret_key_defaults_to_secret_key(user):
    assert utils.jwt_get_secret_key() == django_settings.SECRET_KEY
    assert utils.jwt_get_secret_key(utils.jwt_payload_handler(user)) == django_settings.SECRET_KEY


# --- per-user secret ------------------------------------------------------------------------


@pytest.mark.parametrize("handler", ["tests.test_orig_utils.password_secret", password_secret])
def test_user_secret_key(user, settings, handler):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": handler}
    payload = utils.jwt_payload_handler(user)
    token = utils.jwt_encode_handler(payload)

    assert utils.jwt_get_secret_key(payload) == password_secret(user)
    # Signed with the user's secret, not with SECRET_KEY.
    assert jwt.decode(token, password_secret(user), algorithms=["HS256"]) == payload
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, django_settings.SECRET_KEY, algorithms=["HS256"])
    assert utils.jwt_decode_handler(token) == payload

    user.set_password("a-new-password")
    user.save()
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_handler(token)
    # A fresh token for the same user works again.
    assert utils.jwt_decode_handler(make_token(user))["username"] == "admin"


def test_user_secret_key_does_not_touch_other_users(user, superuser, settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": password_secret}
    admin_token = make_token(user)
    root_token = make_token(superuser)
    user.set_password("changed")
    user.save()
    assert utils.jwt_decode_handler(root_token)["username"] == "root"
    with pytest.raises(jwt.DecodeError):
        utils.jwt_decode_handler(admin_token)


# --- property: any JSON claims survive the round trip ---------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


# The size bound is not what this tests (test_hardening does): lifted, so no example is refused
# for its size.
@override_settings(JWT_AUTH={"JWT_MAX_TOKEN_SIZE": 10**7})
@hypothesis_settings(max_examples=50, deadline=None)
@given(extra=st.dictionaries(st.text(max_size=12).map(lambda k: "x_" + k), json_values))
def test_round_trip_of_arbitrary_claims(extra):
    payload = {
        **extra,
        "username": "admin",
        "exp": int(datetime.now(timezone.utc).timestamp()) + 300,
    }
    assert utils.jwt_decode_handler(utils.jwt_encode_handler(payload)) == payload
