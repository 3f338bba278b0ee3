"""Token views subclassed with a serializer of the project's own, as drf-jwt allows.

Such a serializer returns only ``{"token": ...}`` or ``{"token": ..., "user": ...}``: none of
the keys our own serializers add (``payload``, ``previous``, ``issued_at``). The success path
of every token view (body, status, cookie, signals) must work with that, in both modes where
the answer differs (drf-jwt: 201 and {"pk": iat, "token": ...}) or takes another path.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_logged_in
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from rest_framework_jwt import utils, views
from rest_framework_jwt.serializers import JSONWebTokenSerializer
from rest_framework_jwt.signals import token_issued, token_refreshed
from tests.helpers import MODES, NOW, START, capture, decode


@pytest.fixture(params=MODES)
def mode(request, settings, time_machine):
    time_machine.move_to(START, tick=False)
    settings.JWT_AUTH = dict(request.param)
    return request.param


#: Marks a test whose answer is the same in both modes, on the same path: it runs in 1.x mode.
one_mode = pytest.mark.parametrize("mode", MODES[:1], indirect=True)


def fork(mode) -> bool:
    return mode.get("JWT_COMPAT") == "drf-jwt"


def token_for(user, **claims) -> str:
    payload = utils.jwt_payload_handler(user)
    payload.update(claims)
    return utils.jwt_encode_handler(payload)


def expected_body(mode, token: str, iat):
    return {"pk": iat, "token": token} if fork(mode) else {"token": token}


def lifetime(cookie) -> int:
    """The cookie's lifetime in seconds: its ``Max-Age``, the token's remaining lifetime."""
    return int(cookie["max-age"])


def call(view, data, user=None):
    request = APIRequestFactory().post("/x/", data, format="json")
    if user is not None:
        force_authenticate(request, user=user)
    response = view(request)
    response.render()
    return response


# ----------------------------------------------------------------------------------------------
# Serializers as projects write them: their own fields, their own result.


class EmailLoginSerializer(serializers.Serializer):
    """Logs in by e-mail address; returns the token and the user."""

    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)

    def validate(self, attrs):
        user = get_user_model().objects.filter(email=attrs["email"]).first()
        user = user and authenticate(
            self.context["request"], username=user.get_username(), password=attrs["password"]
        )
        if not user:
            raise serializers.ValidationError("Wrong e-mail address or password.")
        return {"token": token_for(user), "user": user}


class TokenOnlyLoginSerializer(EmailLoginSerializer):
    """Returns the token alone."""

    def validate(self, attrs):
        return {"token": super().validate(attrs)["token"]}


class TokenOnlyVerifySerializer(serializers.Serializer):
    token = serializers.CharField()

    def validate(self, attrs):
        utils.jwt_decode_handler(attrs["token"])
        return {"token": attrs["token"]}


class TokenAndUserRefreshSerializer(serializers.Serializer):
    token = serializers.CharField()

    def validate(self, attrs):
        payload = utils.jwt_decode_handler(attrs["token"])
        user = get_user_model().objects.get_by_natural_key(payload["username"])
        return {"token": token_for(user, exp=NOW + 60), "user": user}


class TokenOnlyRefreshSerializer(TokenAndUserRefreshSerializer):
    def validate(self, attrs):
        return {"token": super().validate(attrs)["token"]}


class TokenOnlyImpersonateSerializer(serializers.Serializer):
    username = serializers.CharField()

    def validate(self, attrs):
        user = get_user_model().objects.get_by_natural_key(attrs["username"])
        return {"token": token_for(user)}


class NotAJWTSerializer(serializers.Serializer):
    """Hands out an opaque token of its own making (not a JWT at all)."""

    def validate(self, attrs):
        return {"token": "opaque-session-token"}


def subclass(view, serializer):
    """``class XView(view): serializer_class = serializer``, as a project writes it."""
    return type(f"{serializer.__name__}View", (view,), {"serializer_class": serializer})


EmailObtainView = subclass(views.ObtainJSONWebTokenView, EmailLoginSerializer)
TokenOnlyObtainView = subclass(views.ObtainJSONWebTokenView, TokenOnlyLoginSerializer)
OpaqueObtainView = subclass(views.ObtainJSONWebTokenView, NotAJWTSerializer)
TokenOnlyVerifyView = subclass(views.VerifyJSONWebTokenView, TokenOnlyVerifySerializer)
TokenAndUserRefreshView = subclass(views.RefreshJSONWebTokenView, TokenAndUserRefreshSerializer)
TokenOnlyRefreshView = subclass(views.RefreshJSONWebTokenView, TokenOnlyRefreshSerializer)
TokenOnlyImpersonateView = subclass(
    views.ImpersonateJSONWebTokenView, TokenOnlyImpersonateSerializer
)


# ----------------------------------------------------------------------------------------------
# obtain


@pytest.mark.parametrize("view_class", [EmailObtainView, TokenOnlyObtainView])
def test_obtain_with_a_foreign_serializer(mode, user, password, view_class):
    with capture(token_issued) as issued, capture(user_logged_in) as logged_in:
        response = call(view_class.as_view(), {"email": user.email, "password": password})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    token = response.data["token"]
    assert decode(token)["username"] == "admin"
    assert response.data == expected_body(mode, token, NOW)
    assert response["Cache-Control"] == "no-store"
    assert len(issued) == 1
    assert issued[0]["payload"] == decode(token)
    if view_class is EmailObtainView:
        assert issued[0]["user"] == user
        assert [call["user"] for call in logged_in] == [user]
    else:  # no user in the result: request.user, which is anonymous here
        assert not issued[0]["user"].is_authenticated
        assert logged_in == []


def test_obtain_with_a_foreign_serializer_refuses_as_it_says(mode, user):
    response = call(EmailObtainView.as_view(), {"email": user.email, "password": "wrong"})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Wrong e-mail address or password."]}


@one_mode
def test_obtain_with_a_foreign_serializer_sets_the_cookie_from_the_token(
    mode, settings, user, password
):
    settings.JWT_AUTH = {**mode, "JWT_AUTH_COOKIE": "jwt"}
    response = call(TokenOnlyObtainView.as_view(), {"email": user.email, "password": password})

    cookie = response.cookies["jwt"]
    assert cookie.value == response.data["token"]
    assert lifetime(cookie) == 300
    assert cookie["httponly"] is True


def test_a_foreign_token_that_is_not_a_jwt_is_answered_as_it_is(mode, settings, user):
    settings.JWT_AUTH = {**mode, "JWT_AUTH_COOKIE": "jwt"}
    with capture(token_issued) as issued:
        response = call(OpaqueObtainView.as_view(), {})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    assert response.data == expected_body(mode, "opaque-session-token", None)
    assert response.cookies["jwt"].value == "opaque-session-token"
    # Nothing to read the expiry from: the cookie lives JWT_EXPIRATION_DELTA.
    assert lifetime(response.cookies["jwt"]) == 300
    assert issued[0]["payload"] == {}


def test_obtain_keeps_its_own_serializer_and_keys(mode, user, password):
    # The subclass that changes nothing else still answers through our serializer.
    class Obtain(views.ObtainJSONWebTokenView):
        serializer_class = JSONWebTokenSerializer

    response = call(Obtain.as_view(), {"username": "admin", "password": password})
    assert response.status_code == (201 if fork(mode) else 200)
    payload = decode(response.data["token"])
    assert response.data == expected_body(mode, response.data["token"], payload["iat"])


# ----------------------------------------------------------------------------------------------
# verify


def test_verify_with_a_foreign_serializer(mode, user):
    token = token_for(user, iat=NOW - 30)
    response = call(TokenOnlyVerifyView.as_view(), {"token": token})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    # drf-jwt's pk is the token's iat, read from the token the serializer returned.
    assert response.data == expected_body(mode, token, NOW - 30)


def test_verify_with_a_foreign_serializer_sets_no_cookie(mode, settings, user):
    settings.JWT_AUTH = {**mode, "JWT_AUTH_COOKIE": "jwt"}
    response = call(TokenOnlyVerifyView.as_view(), {"token": token_for(user)})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    assert "jwt" not in response.cookies


# ----------------------------------------------------------------------------------------------
# refresh


@pytest.mark.parametrize("view_class", [TokenAndUserRefreshView, TokenOnlyRefreshView])
def test_refresh_with_a_foreign_serializer(mode, settings, user, view_class):
    settings.JWT_AUTH = {**mode, "JWT_AUTH_COOKIE": "jwt"}
    old = token_for(user)
    with capture(token_refreshed) as refreshed:
        response = call(view_class.as_view(), {"token": old})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    token = response.data["token"]
    assert token != old
    assert response.data == expected_body(mode, token, NOW)
    assert lifetime(response.cookies["jwt"]) == 60  # the new token's own exp
    assert len(refreshed) == 1
    assert refreshed[0]["payload"] == decode(token)
    assert refreshed[0]["previous"] is None
    if view_class is TokenAndUserRefreshView:
        assert refreshed[0]["user"] == user


# ----------------------------------------------------------------------------------------------
# impersonate


@one_mode
def test_impersonate_with_a_foreign_serializer(mode, settings, user, superuser):
    settings.JWT_AUTH = {**mode, "JWT_IMPERSONATION_COOKIE": "impersonated"}
    with capture(token_issued) as issued:
        response = call(TokenOnlyImpersonateView.as_view(), {"username": "admin"}, superuser)

    assert response.status_code == 201, response.data
    token = response.data["token"]
    assert response.data == {"token": token}
    assert decode(token)["username"] == "admin"
    assert response.cookies["impersonated"].value == token
    assert issued[0]["payload"] == decode(token)
    # No user in the result: the signal names the caller, request.user.
    assert issued[0]["user"] == superuser


@one_mode
def test_impersonate_with_a_foreign_serializer_still_needs_a_superuser(mode, user):
    response = call(TokenOnlyImpersonateView.as_view(), {"username": "admin"}, user)
    assert response.status_code == 403


# ----------------------------------------------------------------------------------------------
# A subclass that overrides the response hooks gets every key.


def test_a_subclass_hook_sees_user_payload_and_issued_at_for_any_serializer(mode, user, password):
    seen = {}

    class Audited(TokenOnlyObtainView):
        def succeeded(self, request, data):
            seen.update(data)
            super().succeeded(request, data)

    response = call(Audited.as_view(), {"email": user.email, "password": password})

    assert response.status_code == (201 if fork(mode) else 200)
    assert seen["token"] == response.data["token"]
    assert seen["payload"] == decode(response.data["token"])
    assert seen["issued_at"] == NOW
    assert not seen["user"].is_authenticated


def test_an_issued_at_of_the_serializer_is_drf_jwts_pk(mode, user, password):
    class WithIssuedAt(EmailLoginSerializer):  # drf-jwt's own serializers return issued_at
        def validate(self, attrs):
            return {**super().validate(attrs), "issued_at": NOW - 5}

    view = subclass(views.ObtainJSONWebTokenView, WithIssuedAt).as_view()
    response = call(view, {"email": user.email, "password": password})

    assert response.status_code == (201 if fork(mode) else 200), response.data
    assert response.data == expected_body(mode, response.data["token"], NOW - 5)
