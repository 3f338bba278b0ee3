"""Serializers for obtaining, verifying, refreshing and impersonating tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from . import (
    _state,
    claims,
    logins,
    lookup,
    messages,
    payloads,
    revocation,
    rotation,
    users,
    verification,
)
from .compat import PasswordField, Serializer
from .exceptions import RefreshError, TokenError, UserLookupError
from .settings import api_settings
from .verification import VerifiedToken


# Module-level names kept from 1.x, where tests patch them; each reads the setting per call.
def jwt_payload_handler(user: Any) -> dict[str, Any]:
    return api_settings.JWT_PAYLOAD_HANDLER(user)


def jwt_encode_handler(payload: dict[str, Any]) -> str:
    return api_settings.JWT_ENCODE_HANDLER(payload)


def jwt_decode_handler(token: str) -> dict[str, Any]:
    return api_settings.JWT_DECODE_HANDLER(token)


def jwt_get_username_from_payload(payload: dict[str, Any]) -> Any:
    return api_settings.JWT_PAYLOAD_GET_USERNAME_HANDLER(payload)


def _fail(code: str) -> serializers.ValidationError:
    return serializers.ValidationError(messages.message(code, serializer=True), code=code)


class StrictCharField(serializers.CharField):
    """A CharField that takes strings only. DRF's turns a JSON number into text, so
    ``{"username": 12345}`` would be authenticated as ``"12345"``."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class _ProhibitSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's check for lone surrogates, with its message and code, that answers at once for
    ASCII text (which has none), instead of looking at every character in Python."""

    def __call__(self, value: Any) -> None:
        if not (type(value) is str and value.isascii()):
            super().__call__(value)


#: The check holds no state: every field that uses it shares it.
_PROHIBIT_SURROGATES = _ProhibitSurrogates()


def _quick_surrogate_check(field: Any) -> Any:
    """``field`` with DRF's check for lone surrogates replaced by the one that answers at once
    for ASCII text (same message and code)."""
    field.validators = [
        _PROHIBIT_SURROGATES
        if type(validator) is ProhibitSurrogateCharactersValidator
        else validator
        for validator in field.validators
    ]
    return field


class _TokenField(serializers.CharField):
    """The CharField of a token in a request body: DRF's CharField, whose check for lone
    surrogates costs nothing for an ASCII string (every JWT is one)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _quick_surrogate_check(self)


class JSONWebTokenSerializer(Serializer):
    """Obtain a token with the user model's ``USERNAME_FIELD`` and a password."""

    token = serializers.CharField(read_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = fresh_field(_USERNAME_FIELD)
        # Bounded so a megabyte "password" cannot make the hasher burn CPU.
        self.fields["password"] = fresh_field(_PASSWORD_FIELD)

    @property
    def username_field(self) -> str:
        return users.get_username_field()

    def get_fields(self) -> dict[str, Any]:
        """The declared fields, copied for this instance: ours with :func:`fresh_field`, a
        subclass's own declarations as DRF copies them."""
        return _token_only(self, _TOKEN_FIELD) or super().get_fields()

    @classmethod
    def throttle_field(cls, name: str) -> Any:
        """The field an instance validates ``name`` with, for the per-username throttle
        (``throttling.normalized_username``), without building the serializer: the shared
        ``StrictCharField`` every instance of this class has, or None for a subclass that
        makes its fields or names its username field its own way."""
        if (
            cls.__init__ is JSONWebTokenSerializer.__init__
            and cls.username_field is JSONWebTokenSerializer.username_field
            and name == users.get_username_field()
        ):
            return _USERNAME_FIELD
        return None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        credentials = {
            self.username_field: attrs.get(self.username_field),
            "password": attrs.get("password"),
        }
        if not all(credentials.values()):
            raise serializers.ValidationError(
                _('Must include "{username_field}" and "password".').format(
                    username_field=self.username_field
                ),
                code="credentials_missing",
            )
        request = self.context.get("request")
        if authenticate is logins.DJANGO_AUTHENTICATE:  # not replaced (1.x tests patch it)
            user = logins.authenticate(
                request,
                self.username_field,
                credentials[self.username_field],
                credentials["password"],
            )
        else:
            user = authenticate(request, **credentials)
        if user is not None and not getattr(user, "is_active", True):
            # Only reachable with a backend that lets inactive users authenticate
            # (AllowAllUsersModelBackend), so the password was right: 1.x tells its holder that
            # the account is disabled; drf-jwt mode answers as for a wrong password. Neither
            # gets a token.
            user_login_failed.send(
                sender=__name__,
                credentials={self.username_field: credentials[self.username_field]},
                request=request,
            )
            raise _fail("invalid_credentials" if api_settings.is_drf_jwt else "user_inactive")
        if user is None:
            raise _fail("invalid_credentials")
        return issue(user, request)


#: The fields of every JSONWebTokenSerializer, unbound; each instance gets copies
#: (:func:`fresh_field`). Validating a value with the username field keeps no state (the
#: per-username throttle does it).
_USERNAME_FIELD = _quick_surrogate_check(StrictCharField(write_only=True))
_PASSWORD_FIELD = _quick_surrogate_check(PasswordField(write_only=True, max_length=4096))
_TOKEN_FIELD = JSONWebTokenSerializer._declared_fields["token"]


def _token_only(serializer: Serializer, prototype: Any) -> dict[str, Any] | None:
    """``{"token": a copy of prototype}`` when the only declared field of ``serializer`` is
    ``prototype`` (the class's own ``token``); else None (a subclass declared its own)."""
    declared = serializer._declared_fields
    if declared.keys() == {"token"} and declared["token"] is prototype:
        return {"token": fresh_field(prototype)}
    return None


def fresh_field(prototype: serializers.Field) -> Any:  # type: ignore[type-arg]
    """A new unbound field like ``prototype`` (an unbound field made once), for one serializer.

    What DRF's ``copy.deepcopy`` of a declared field gives (the field built again from its
    arguments), without running the constructors again, which are most of the cost of a new
    serializer (every obtain builds one): the attributes are copied, and the containers that
    code may change in place on one instance's field (its list of validators, its error
    messages and style) are its own. The validator objects are shared, as DRF shares the
    validators a field is given (``Field.__deepcopy__``).
    """
    field = object.__new__(type(prototype))
    state = vars(field)
    state.update(vars(prototype))
    state["_validators"] = list(prototype.validators)
    state["error_messages"] = dict(prototype.error_messages)
    state["style"] = dict(prototype.style)
    return field


def issue(user: Any, request: Any = None) -> dict[str, Any]:
    """What a successful login gives ``user``: ``token``, ``payload`` and ``user`` (and, in
    refresh-token mode, a new session's ``refresh_token`` and ``refresh_payload``)."""
    if rotation.enabled():
        return {**rotation.start(user, request), "user": user}
    payload = jwt_payload_handler(user)
    return {"token": jwt_encode_handler(payload), "user": user, "payload": payload}


def _refused(error: Exception) -> Exception:
    """The 400 for ``error`` when it refuses the token (:func:`messages.explain`): the message
    of its kind and its stable code; else ``error`` itself, to be raised as it is."""
    refusal = messages.explain(error, serializer=True)
    if refusal is None:
        return error
    return serializers.ValidationError(refusal.message, code=refusal.code)


def _refuse_impersonation_refresh(token: VerifiedToken) -> None:
    """An impersonation token is never renewed, in either refresh mode (checked first, so the
    answer says why whatever the state of its actor)."""
    if token.is_impersonation:
        raise _fail("impersonation_refresh")


class VerificationBaseSerializer(Serializer):
    """Base for serializers that take a token: ``_check_payload`` and ``_check_user``.

    The token is verified once (:meth:`verify_token`, through ``JWT_DECODE_HANDLER``, this
    module's ``jwt_decode_handler`` or a subclass's ``_check_payload``).
    """

    token = _TokenField()

    def get_fields(self) -> dict[str, Any]:
        """The declared fields, copied for this instance: the token field with
        :func:`fresh_field` (a verify or refresh builds one serializer per request), a
        subclass's own declarations as DRF copies them."""
        return _token_only(self, _VERIFICATION_TOKEN_FIELD) or super().get_fields()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError("Please define a validate method.")

    def _check_payload(self, token: str) -> dict[str, Any]:
        """The verified payload of ``token`` (1.x's hook); a 400 if it is refused."""
        return self._verified(token).payload

    def verify_token(self, token: str) -> VerifiedToken:
        """The :class:`~verification.VerifiedToken` of ``token``; a 400 if it is refused."""
        if type(self)._check_payload is not VerificationBaseSerializer._check_payload:
            return VerifiedToken.of(token, self._check_payload(token=token))
        return self._verified(token)

    def _verified(self, token: str) -> VerifiedToken:
        hook = None if jwt_decode_handler is _MODULE_DECODE else jwt_decode_handler
        try:
            return verification.verify(token, hook)
        except Exception as error:
            raise _refused(error) from None

    def _check_user(self, payload: dict[str, Any]) -> Any:
        username = jwt_get_username_from_payload(payload)
        try:
            return users.user_for_username(username)
        except UserLookupError as error:
            raise _refused(error) from None

    def _check_user_and_state(self, token: VerifiedToken, token_type: str) -> Any:
        """The active user, after the checks authentication does: revocation (in the same
        query as the user where possible) and the token type."""
        revoked = None
        if type(self)._check_user is VerificationBaseSerializer._check_user:
            try:
                user, revoked = lookup.load(token, jwt_get_username_from_payload(token.payload))
            except UserLookupError as error:
                raise _fail(error.code) from None
        else:  # a subclass finds users its own way
            user = self._check_user(payload=token.payload)
        try:
            rotation.require_type(token, token_type)
            revocation.check(token, user, revoked)
            if token.is_impersonation:
                lookup.check_actor(token)
        except TokenError as error:
            raise _refused(error) from None
        return user


#: The token field of every verification serializer, unbound; each instance gets a copy.
_VERIFICATION_TOKEN_FIELD = VerificationBaseSerializer._declared_fields["token"]


class VerifyJSONWebTokenSerializer(VerificationBaseSerializer):
    """Check a token: valid signature and claims, and an active user."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = self.verify_token(attrs["token"])
        # Verify answers for access tokens: a refresh token is not a credential for an API.
        user = self._check_user_and_state(token, rotation.ACCESS)
        return {"token": token.raw, "user": user, "payload": token.payload}


class RefreshJSONWebTokenSerializer(VerificationBaseSerializer):
    """Exchange a valid token for a new one, within ``JWT_REFRESH_EXPIRATION_DELTA`` of login."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = self.verify_token(attrs["token"])
        _refuse_impersonation_refresh(token)
        user = self._check_user_and_state(token, rotation.ACCESS)
        try:
            payloads.check_refresh_window(token)
        except RefreshError as error:
            raise _refused(error) from None
        new_payload = payloads.refresh_payload(token, user)
        return {
            "token": jwt_encode_handler(new_payload),
            "user": user,
            "payload": new_payload,
            "previous": token.payload,
        }


class RotateRefreshTokenSerializer(VerificationBaseSerializer):
    """Refresh-token mode: exchange a refresh token for a new access/refresh pair."""

    token = _TokenField(required=False)
    refresh_token = _TokenField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = attrs.get("refresh_token") or attrs.get("token")
        if not token:
            raise serializers.ValidationError(
                {"refresh_token": [_("This field is required.")]}, code="required"
            )
        verified = self.verify_token(token)
        _refuse_impersonation_refresh(verified)
        user = self._check_user_and_state(verified, rotation.REFRESH)
        request = self.context.get("request")
        try:
            pair = rotation.rotate(verified, user, request)
        except TokenError as error:
            raise _refused(error) from None
        return {**pair, "user": user, "previous": verified.payload}


class _UserField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A primary key field that answers "does not exist" for numbers no column can hold
    (Django 4.2 raises OverflowError for them)."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class ImpersonateAuthTokenSerializer(Serializer):
    """A short-lived token for another user, naming the impersonator in ``act`` (RFC 8693)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per instance (not at import), so a swapped AUTH_USER_MODEL is honoured.
        self.fields["user"] = _UserField(queryset=_state.user_model()._default_manager.all())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = attrs["user"]
        if not getattr(user, "is_active", True):
            raise _fail("user_inactive")
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        if actor is None or not getattr(actor, "is_authenticated", False):
            # The token must name who acts, or no revocation of theirs could end it.
            raise serializers.ValidationError(
                _("Authentication credentials were not provided."), code="not_authenticated"
            )
        if impersonation_credential(request):
            raise serializers.ValidationError(IMPERSONATION_NESTED, code="impersonation_nested")
        payload = dict(jwt_payload_handler(user))
        issued = int(claims.now())
        lifetime = int(claims.seconds(api_settings.JWT_IMPERSONATION_EXPIRATION_DELTA))
        payload["exp"] = min(int(payload.get("exp", issued + lifetime)), issued + lifetime)
        payload.pop("orig_iat", None)
        payload.pop("orig_jti", None)
        payload[revocation.ACTOR_CLAIM] = lookup.actor_claim(actor)
        return {"token": jwt_encode_handler(payload), "user": user, "payload": payload}


IMPERSONATION_NESTED = _("Impersonation tokens cannot be used to impersonate.")


def impersonation_credential(request: Any) -> bool:
    """True when ``request`` was authenticated with an impersonation token (one with ``act``).

    Such a token never impersonates again: the new token's ``act`` would name only the
    impersonated user, and the short lifetime would start over. The token was accepted a
    moment ago: its :class:`~verification.VerifiedToken` says. Without one (an authentication
    class built like ours that does not leave it), the token is decoded again; if it no longer
    decodes (it expired in between), the answer is still True.
    """
    verified = verification.verified_token(request)
    if verified is not None:
        return verified.is_impersonation
    authenticator = getattr(request, "successful_authenticator", None)
    token = getattr(request, "auth", None)
    # Ours, or built like ours (drf-jwt's API: get_jwt_value()); other schemes carry no JWT.
    if not hasattr(authenticator, "get_jwt_value") or not isinstance(token, (str, bytes)):
        return False
    try:
        payload = jwt_decode_handler(token)  # type: ignore[arg-type]
    except Exception:  # whatever a custom JWT_DECODE_HANDLER raises: fail closed
        return True
    return not isinstance(payload, dict) or revocation.ACTOR_CLAIM in payload


_MODULE_DECODE = jwt_decode_handler

# drf-jwt's names for the same serializers.
VerifyAuthTokenSerializer = VerifyJSONWebTokenSerializer
RefreshAuthTokenSerializer = RefreshJSONWebTokenSerializer

__all__ = [
    "ImpersonateAuthTokenSerializer",
    "JSONWebTokenSerializer",
    "RefreshAuthTokenSerializer",
    "RefreshJSONWebTokenSerializer",
    "RotateRefreshTokenSerializer",
    "VerificationBaseSerializer",
    "VerifyAuthTokenSerializer",
    "VerifyJSONWebTokenSerializer",
]
