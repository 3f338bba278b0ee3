"""The serializers' 1.x hooks and their edges: a subclass's ``_check_payload`` and
``_check_user`` are used, an error that refuses no token is raised as it is (never a 400 that
hides an outage), and ``impersonation_credential`` for an authentication built like ours that
leaves no VerifiedToken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import OperationalError

from rest_framework_jwt import serializers, utils


def token_for(user, **extra) -> str:
    return utils.jwt_encode_handler({**utils.jwt_payload_handler(user), **extra})


class OwnPayload(serializers.VerifyJSONWebTokenSerializer):
    """A 1.x subclass that decodes tokens itself."""

    def _check_payload(self, token):
        payload = super()._check_payload(token)
        return {**payload, "checked_by": "subclass"}


class OwnUser(serializers.VerifyJSONWebTokenSerializer):
    """A 1.x subclass that finds users its own way."""

    found = []

    def _check_user(self, payload):
        self.found.append(payload["username"])
        return super()._check_user(payload)


def test_a_subclass_check_payload_gives_the_payload(user):
    serializer = OwnPayload(data={"token": token_for(user)})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["payload"]["checked_by"] == "subclass"
    assert serializer.validated_data["user"] == user
    refused = OwnPayload(data={"token": "garbage"})
    assert not refused.is_valid()
    assert refused.errors["non_field_errors"][0].code == "token_decode_error"


def test_a_subclass_check_user_finds_the_user(user, inactive_user):
    OwnUser.found.clear()
    serializer = OwnUser(data={"token": token_for(user)})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["user"] == user
    assert OwnUser.found == ["admin"]
    refused = OwnUser(data={"token": token_for(inactive_user)})
    assert not refused.is_valid()
    assert refused.errors["non_field_errors"][0].code == "user_inactive"


def test_an_error_that_refuses_no_token_is_raised_as_it_is(user, settings):
    def outage(token):
        raise OperationalError("server closed the connection unexpectedly")

    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": outage}
    with pytest.raises(OperationalError):
        serializers.VerifyJSONWebTokenSerializer(data={"token": token_for(user)}).is_valid()


class BuiltLikeOurs:
    """An authentication class of a project: drf-jwt's API, no VerifiedToken left behind."""

    def get_jwt_value(self, request):
        return request.auth


def request_with(token, authenticator=None):
    return SimpleNamespace(
        auth=token, successful_authenticator=authenticator or BuiltLikeOurs(), user=None
    )


def test_impersonation_credential_decodes_the_token_again(user, superuser, settings):
    plain = token_for(user)
    impersonation = token_for(user, act={"sub": "root", "user_id": superuser.pk})
    assert serializers.impersonation_credential(request_with(plain)) is False
    assert serializers.impersonation_credential(request_with(impersonation)) is True
    # Another scheme (no get_jwt_value) carries no JWT; a token that is no string neither.
    assert serializers.impersonation_credential(request_with(plain, object())) is False
    assert serializers.impersonation_credential(request_with(None)) is False


def test_impersonation_credential_fails_closed(user, settings):
    assert serializers.impersonation_credential(request_with("expired.or.garbage")) is True
    settings.JWT_AUTH = {"JWT_DECODE_HANDLER": lambda token: ["not", "a", "payload"]}
    assert serializers.impersonation_credential(request_with(token_for(user))) is True
