"""What the obtain path builds once and shares, and what each request still gets of its own.

Each JSONWebTokenSerializer (and each verify or refresh serializer, its token field) gets copies
of fields made at import (``fresh_field``) instead of building them again, and a token's header
segment is encoded once per algorithm and key id.
Neither may show: a serializer's fields are its own, equal to freshly built ones, and tokens are
the same bytes as before.
"""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from rest_framework import serializers as drf_serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from rest_framework_jwt import _state, backend, serializers
from rest_framework_jwt.compat import PasswordField
from rest_framework_jwt.serializers import JSONWebTokenSerializer, StrictCharField
from tests.helpers import OBTAIN

#: What bind() and the copy may set differently from a field built by its constructor.
PER_INSTANCE = {"_creation_counter", "_validators"}


def built_like(name: str) -> drf_serializers.Field:
    """The field as the obtain serializer built it before copies: by its constructor."""
    return {
        "token": lambda: drf_serializers.CharField(read_only=True),
        "username": lambda: StrictCharField(write_only=True),
        "password": lambda: PasswordField(write_only=True, max_length=4096),
    }[name]()


@pytest.mark.parametrize("name", ["token", "username", "password"])
def test_each_field_is_what_its_constructor_builds(name):
    serializer = JSONWebTokenSerializer()
    field = serializer.fields[name]
    expected = built_like(name)
    expected.bind(name, serializer)
    assert type(field) is type(expected)
    state = {key: value for key, value in vars(field).items() if key not in PER_INSTANCE}
    assert state == {key: value for key, value in vars(expected).items() if key not in PER_INSTANCE}
    # The same checks in the same order (the surrogate check is DRF's, quicker for ASCII).
    for ours, theirs in zip(field.validators, expected.validators, strict=True):
        assert isinstance(ours, type(theirs))
        assert getattr(ours, "limit_value", None) == getattr(theirs, "limit_value", None)


def test_each_serializer_has_fields_of_its_own():
    first, second = JSONWebTokenSerializer(), JSONWebTokenSerializer()
    for name in ("token", "username", "password"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    # What one instance's code changes in place stays with that instance.
    first.fields["password"].validators.append(lambda value: None)
    first.fields["username"].error_messages["blank"] = "Say who you are."
    first.fields["password"].style["placeholder"] = "secret"
    first.fields["username"].max_length = 3
    for other in (second, JSONWebTokenSerializer()):
        assert len(other.fields["password"].validators) == len(built_like("password").validators)
        assert other.fields["username"].error_messages["blank"] == "This field may not be blank."
        assert other.fields["password"].style == {"input_type": "password"}
        assert other.fields["username"].max_length is None


def test_a_changed_field_is_used_by_its_instance_only(db, user, password):
    strict = JSONWebTokenSerializer(data={"username": "admin", "password": password})
    strict.fields["username"].error_messages["blank"] = "Say who you are."
    strict.fields["password"].validators.append(_refuse_everything)
    assert not strict.is_valid()
    assert strict.errors["password"] == ["Refused."]
    blank = JSONWebTokenSerializer(data={"username": "", "password": password})
    blank.fields["username"].error_messages["blank"] = "Say who you are."
    assert not blank.is_valid()
    assert blank.errors["username"] == ["Say who you are."]
    plain = JSONWebTokenSerializer(data={"username": "admin", "password": password})
    assert plain.is_valid(), plain.errors


def _refuse_everything(value):
    raise drf_serializers.ValidationError("Refused.")


class WithRemember(JSONWebTokenSerializer):
    remember = drf_serializers.BooleanField(default=False)


def test_a_subclass_that_declares_fields_gets_them_and_ours(db, user, password):
    serializer = WithRemember(data={"username": "admin", "password": password, "remember": True})
    assert list(serializer.fields) == ["token", "remember", "username", "password"]
    assert serializer.fields["remember"] is not WithRemember().fields["remember"]
    assert serializer.fields["remember"] is not WithRemember._declared_fields["remember"]
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["token"]


class OwnToken(JSONWebTokenSerializer):
    token = drf_serializers.CharField(read_only=True, help_text="The access token.")


def test_a_subclass_that_declares_token_again_gets_its_own():
    field = OwnToken().fields["token"]
    assert field.help_text == "The access token."
    assert JSONWebTokenSerializer().fields["token"].help_text is None


@pytest.mark.parametrize(
    ("body", "field", "character"),
    [
        ('{"username": "\\udcff", "password": "abc123"}', "username", "DCFF"),
        ('{"username": "j\u00f6rg\\udcff", "password": "abc123"}', "username", "DCFF"),
        ('{"username": "admin", "password": "\\ud800"}', "password", "D800"),
    ],
    ids=["username", "username-after-non-ascii", "password"],
)
def test_credential_surrogates_answer_drfs_message(orig, client, user, body, field, character):
    # The fields skip the character-by-character check for ASCII text only.
    response = client.post(OBTAIN, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.data == {field: [f"Surrogate characters are not allowed: U+{character}."]}
    assert response.data[field][0].code == "surrogate_characters_not_allowed"
    message = ProhibitSurrogateCharactersValidator.message.format(code_point=int(character, 16))
    assert response.data[field][0] == message


def test_a_username_that_is_not_ascii_logs_in(orig, client, django_user_model):
    django_user_model.objects.create_user(username="j\u00f6rg", password="j\u00f6rg-pw-1")
    response = client.post(
        OBTAIN, {"username": "j\u00f6rg", "password": "j\u00f6rg-pw-1"}, format="json"
    )
    assert response.status_code == 200, response.data


# ----------------------------------------------------------------------------------------------
# the header segment


def segments(token: str) -> list[dict]:
    parts = token.split(".")
    assert len(parts) == 3
    return [
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in parts[:2]
    ]


def test_the_header_segment_is_the_compact_header(settings):
    settings.JWT_AUTH = {}
    ring = _state.config().ring
    token = backend.encode({"sub": "1"}, ring)
    first = token.split(".")[0]
    expected = {"alg": ring.algorithm, "typ": "JWT"}
    raw = json.dumps(expected, separators=(",", ":")).encode()
    assert first == base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert backend.encode({"sub": "1"}, ring).split(".")[0] == first


def test_the_header_follows_the_key_id_and_the_algorithm(settings):
    settings.JWT_AUTH = {}
    for algorithm, kid in [("HS256", "one"), ("HS256", "two"), ("HS512", None), ("HS512", "one")]:
        ring = dataclasses.replace(_state.config().ring, algorithm=algorithm, signing_kid=kid)
        header, claims = segments(backend.encode({"sub": "1"}, ring))
        expected = {"alg": algorithm, "typ": "JWT", **({"kid": kid} if kid else {})}
        assert header == expected
        assert list(header) == list(expected)
        assert claims == {"sub": "1"}


def test_headers_given_to_encode_are_added_to_the_header(settings):
    settings.JWT_AUTH = {}
    ring = dataclasses.replace(_state.config().ring, signing_kid="k1")
    header, _ = segments(backend.encode({"sub": "1"}, ring, {"cty": "x", "typ": "at+jwt"}))
    assert header == {"alg": ring.algorithm, "typ": "at+jwt", "kid": "k1", "cty": "x"}
    # A key given for one token (a user's own secret) names no key id.
    header, _ = segments(backend.encode({"sub": "1"}, ring, key=b"k" * 32))
    assert header == {"alg": ring.algorithm, "typ": "JWT"}
    header, _ = segments(backend.encode({"sub": "1"}, ring))
    assert header == {"alg": ring.algorithm, "typ": "JWT", "kid": "k1"}


#: The serializers that keep the base's token field (refresh-token mode's declares its own
#: two, which DRF copies).
VERIFICATION_SERIALIZERS = [
    serializers.VerifyJSONWebTokenSerializer,
    serializers.RefreshJSONWebTokenSerializer,
]


@pytest.mark.parametrize("cls", VERIFICATION_SERIALIZERS)
def test_a_verification_serializers_token_field_is_what_its_constructor_builds(cls):
    first, second = cls(), cls()
    field = first.fields["token"]
    expected = serializers._TokenField()
    expected.bind("token", first)
    assert type(field) is type(expected)
    assert field is not second.fields["token"] and field.parent is first
    state = {key: value for key, value in vars(field).items() if key not in PER_INSTANCE}
    assert state == {key: value for key, value in vars(expected).items() if key not in PER_INSTANCE}
    for ours, theirs in zip(field.validators, expected.validators, strict=True):
        assert type(ours) is type(theirs)
    # What one instance's code changes in place stays with that instance.
    field.validators.append(_refuse_everything)
    field.error_messages["blank"] = "Send a token."
    assert len(cls().fields["token"].validators) == len(expected.validators)
    assert cls().fields["token"].error_messages["blank"] == "This field may not be blank."


class OwnVerifyToken(serializers.VerifyJSONWebTokenSerializer):
    token = drf_serializers.CharField(help_text="The token to check.")


class VerifyWithExtra(serializers.VerifyJSONWebTokenSerializer):
    note = drf_serializers.CharField(required=False)


def test_a_verification_subclass_that_declares_fields_gets_them_as_drf_copies_them():
    assert OwnVerifyToken().fields["token"].help_text == "The token to check."
    assert serializers.VerifyJSONWebTokenSerializer().fields["token"].help_text is None
    fields = VerifyWithExtra().fields
    assert list(fields) == ["token", "note"]
    assert fields["token"] is not serializers.VerificationBaseSerializer._declared_fields["token"]
    assert type(fields["token"]) is serializers._TokenField
