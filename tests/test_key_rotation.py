"""Rotating Django's SECRET_KEY: tokens signed with a key now in SECRET_KEY_FALLBACKS verify."""

import pytest
from django.test import override_settings

from rest_framework_jwt import utils
from rest_framework_jwt.exceptions import InvalidSignature

OLD = "the-old-secret-key-that-is-long-enough-for-hs256-0123456789"
NEW = "the-new-secret-key-that-is-long-enough-for-hs256-9876543210"


@pytest.fixture
def old_token(user):
    with override_settings(SECRET_KEY=OLD):
        return utils.jwt_encode_handler(utils.jwt_payload_handler(user))


def test_a_fallback_key_still_verifies(old_token, user):
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert utils.jwt_decode_handler(old_token)["username"] == "admin"
        new_token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    with override_settings(SECRET_KEY=NEW):
        # New tokens are signed with SECRET_KEY itself.
        assert utils.jwt_decode_handler(new_token)["username"] == "admin"


def test_without_the_fallback_old_tokens_fail(old_token):
    with override_settings(SECRET_KEY=NEW), pytest.raises(InvalidSignature):
        utils.jwt_decode_handler(old_token)


def test_an_explicit_jwt_secret_ignores_the_fallbacks(old_token):
    with (
        override_settings(
            SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD], JWT_AUTH={"JWT_SECRET_KEY": NEW}
        ),
        pytest.raises(InvalidSignature),
    ):
        utils.jwt_decode_handler(old_token)


def test_the_password_claim_survives_the_rotation(client, old_token):
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        client.credentials(HTTP_AUTHORIZATION=f"JWT {old_token}")
        assert client.get("/protected/").status_code == 200
