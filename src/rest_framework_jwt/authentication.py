"""The DRF authentication classes: ``Authorization: JWT <token>`` (or the configured prefix).

``authenticate()`` answers ``None`` quickly for requests that are not ours, so other
authentication classes get their turn; ``__init__`` does no work.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from . import lookup, revocation, rotation, tokens
from .exceptions import JWTAuthenticationFailed, TokenError, UserLookupError
from .settings import api_settings
from .signals import token_refused

HEADER_ENCODING = "iso-8859-1"

_HEADER_MESSAGES = {
    "authorization_header_no_credentials": _(
        "Invalid Authorization header. No credentials provided."
    ),
    "authorization_header_spaces": _(
        "Invalid Authorization header. Credentials string should not contain spaces."
    ),
    "authorization_header_encoding": _(
        "Invalid Authorization header. Credentials string should not contain invalid characters."
    ),
}


def jwt_decode_handler(token: str | bytes) -> dict[str, Any]:
    """The configured ``JWT_DECODE_HANDLER`` (module-level name kept from 1.x)."""
    return api_settings.JWT_DECODE_HANDLER(token)  # type: ignore[no-any-return]


def jwt_get_username_from_payload(payload: dict[str, Any]) -> Any:
    """The configured ``JWT_PAYLOAD_GET_USERNAME_HANDLER`` (module-level name kept from 1.x)."""
    return api_settings.JWT_PAYLOAD_GET_USERNAME_HANDLER(payload)


def refuse(message: Any, code: str) -> NoReturn:
    """Raise the 401 for ``code``."""
    raise JWTAuthenticationFailed(
        message, code=code, with_code=bool(api_settings.JWT_RESPONSE_ERROR_CODES)
    )


class BaseJSONWebTokenAuthentication(BaseAuthentication):
    """Token authentication; subclasses say where the token comes from (``get_jwt_value``)."""

    www_authenticate_realm = "api"

    def get_jwt_value(self, request: Request) -> str | None:
        """Return the raw token of ``request``, or None when the request carries none."""
        raise NotImplementedError(".get_jwt_value() must be overridden.")

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        """Return ``(user, token)`` for a valid token, None for no token; raise a 401 otherwise.

        Every 401 sends the ``token_refused`` signal with its code.
        """
        try:
            return self._authenticate(request)
        except JWTAuthenticationFailed as error:
            token_refused.send(sender=type(self), request=request, code=error.code)
            raise

    def _authenticate(self, request: Request) -> tuple[Any, str] | None:
        jwt_value = self.get_jwt_value(request)
        if jwt_value is None:
            return None
        try:
            payload = jwt_decode_handler(jwt_value)
        except Exception as error:
            code = tokens.message_code(error)
            if code not in tokens.TOKEN_MESSAGE_CODES:
                raise
            refuse(tokens.message(code, serializer=False), tokens.error_code_of(error))
        if isinstance(jwt_value, bytes):
            jwt_value = jwt_value.decode("ascii", "replace")
        revoked = None
        if type(self).authenticate_credentials is _DEFAULT_CREDENTIALS:
            user, revoked = self._load_user(jwt_value, payload)
        else:  # a subclass finds users its own way
            user = self.authenticate_credentials(payload)
        try:
            rotation.require_type(payload, rotation.ACCESS)
            revocation.finish(jwt_value, payload, user, revoked)
            if revocation.ACTOR_CLAIM in payload:  # only impersonation tokens pay for this
                self.check_actor(jwt_value, payload)
        except TokenError as error:
            refuse(tokens.message(tokens.message_code(error), serializer=False), error.code)
        return user, jwt_value

    def check_actor(self, token: str, payload: dict[str, Any]) -> None:
        """For an impersonation token: raise a TokenError if its impersonator (``act``) has
        been deactivated, deleted, has changed their password or had their tokens revoked."""
        lookup.check_actor(token, payload)

    def _load_user(self, token: str, payload: dict[str, Any]) -> tuple[Any, bool | None]:
        """The user (and, where it can be fused into the same query, the revocation state)."""
        try:
            return lookup.load(token, payload, jwt_get_username_from_payload(payload))
        except UserLookupError as error:
            refuse(tokens.message(error.code, serializer=False), error.code)

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        """Return the active user that ``payload`` names; raise a 401 otherwise."""
        username = jwt_get_username_from_payload(payload)
        try:
            return tokens.user_for_username(username)
        except UserLookupError as error:
            refuse(tokens.message(error.code, serializer=False), error.code)

    def authenticate_header(self, request: Request) -> str:
        """The ``WWW-Authenticate`` value of a 401: ``JWT realm="api"`` by default."""
        return f'{api_settings.JWT_AUTH_HEADER_PREFIX} realm="{self.www_authenticate_realm}"'


_DEFAULT_CREDENTIALS = BaseJSONWebTokenAuthentication.authenticate_credentials


def _header_bytes(request: Request) -> bytes:
    value = request.META.get("HTTP_AUTHORIZATION", b"")
    if isinstance(value, str):
        try:
            return value.encode(HEADER_ENCODING)
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace")
    return bytes(value)


class JSONWebTokenAuthentication(BaseJSONWebTokenAuthentication):
    """Reads the token from ``Authorization: <prefix> <token>``, or from the configured cookie.

    The cookie is read only when the request has no Authorization header.
    """

    def get_jwt_value(self, request: Request) -> str | None:
        header = _header_bytes(request)
        lenient = api_settings.is_drf_jwt
        # 1.x splits on any whitespace; drf-jwt on single spaces, so a double space there
        # makes an empty part and the request falls back to the cookie.
        parts = header.split(b" ") if lenient and header.strip() else header.split()
        if not parts:
            return self._cookie_value(request)
        prefix = str(api_settings.JWT_AUTH_HEADER_PREFIX).lower().encode("utf-8")
        if parts[0].lower() != prefix:
            return None
        problem = None
        if len(parts) == 1:
            problem = "authorization_header_no_credentials"
        elif len(parts) > 2 or not parts[1]:
            problem = "authorization_header_spaces"
        else:
            try:
                return parts[1].decode("ascii")
            except UnicodeDecodeError:
                problem = "authorization_header_encoding"
        # drf-jwt treats a malformed header as no header; 1.x refuses it.
        if lenient:
            return self._cookie_value(request)
        refuse(_HEADER_MESSAGES[problem], problem)

    @staticmethod
    def _cookie_value(request: Request) -> str | None:
        for name in (api_settings.JWT_IMPERSONATION_COOKIE, api_settings.JWT_AUTH_COOKIE):
            if name:
                value = request.COOKIES.get(name)
                if value:
                    return str(value)
        return None


class TokenUser:
    """A user built from the token's claims, without a database query.

    ``pk``/``id`` come from ``user_id``, the username from the configured username handler.
    It is authenticated and active, has no staff or superuser rights and no permissions.
    """

    is_active = True
    is_staff = False
    is_superuser = False
    is_authenticated = True
    is_anonymous = False

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.pk = self.id = payload.get("user_id")
        self.username = jwt_get_username_from_payload(payload)

    def get_username(self) -> Any:
        return self.username

    def __str__(self) -> str:
        return str(self.username)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and (self.pk, self.username) == (
            other.pk,
            other.username,
        )

    def __hash__(self) -> int:
        return hash((self.pk, self.username))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, module: str) -> bool:
        return False

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()


class StatelessJSONWebTokenAuthentication(JSONWebTokenAuthentication):
    """Authenticates without loading the user: ``request.user`` is a :class:`TokenUser`.

    For services that only verify tokens. A deleted or deactivated user, or a password change,
    is noticed only through the revocation app (it writes a cutoff for that user); without it,
    a token stays valid until it expires.
    """

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        username = jwt_get_username_from_payload(payload)
        if not username or not isinstance(username, str):
            refuse(tokens.message("payload_invalid", serializer=False), "payload_invalid")
        return TokenUser(payload)

    def check_actor(self, token: str, payload: dict[str, Any]) -> None:
        # No user is loaded here: the impersonator's cutoff in the store (by act.user_id).
        revocation.check_actor_cutoff(payload)


__all__ = [
    "BaseJSONWebTokenAuthentication",
    "JSONWebTokenAuthentication",
    "StatelessJSONWebTokenAuthentication",
    "TokenUser",
]
