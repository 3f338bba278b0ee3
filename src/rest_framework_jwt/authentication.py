"""The DRF authentication classes: ``Authorization: JWT <token>`` (or the configured prefix).

``authenticate()`` answers ``None`` quickly for requests that are not ours, so other
authentication classes get their turn; ``__init__`` does no work.

A request goes through one chain of hooks, each of which a subclass may override:
``authenticate()`` calls ``get_jwt_value()`` (1.x's hook), which calls drf-jwt's classmethod
``get_token_from_request()``, which calls ``get_token_from_authorization_header()`` (and
``prefixes_match()``) and then ``get_token_from_cookies()``; the token is verified once, by
:func:`verification.verify` through ``jwt_decode_token()``, and the user named with
``jwt_get_username_from_payload()``. The :class:`~verification.VerifiedToken` is left on the
request as ``request.verified_token`` (``request.auth`` stays the raw string), so views and
permissions never decode it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from . import cookies, lookup, messages, revocation, rotation, users, utils, verification
from .exceptions import (
    InvalidAuthorizationCredentials,
    JWTAuthenticationFailed,
    JWTPermissionDenied,
    MissingToken,
    TokenError,
    UserLookupError,
)
from .settings import api_settings
from .signals import token_refused
from .verification import VerifiedToken

if TYPE_CHECKING:
    from django.db.models import Model

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
    return api_settings.JWT_DECODE_HANDLER(token)


def jwt_get_username_from_payload(payload: dict[str, Any]) -> Any:
    """The configured ``JWT_PAYLOAD_GET_USERNAME_HANDLER`` (module-level name kept from 1.x)."""
    return api_settings.JWT_PAYLOAD_GET_USERNAME_HANDLER(payload)


def refuse(
    message: Any, code: str, error: type[JWTAuthenticationFailed] = JWTAuthenticationFailed
) -> NoReturn:
    """Raise the 401 for ``code`` (drf-jwt mode: a 403 for a revoked token, as drf-jwt)."""
    with_code = bool(api_settings.JWT_RESPONSE_ERROR_CODES)
    if code in _FORBIDDEN_IN_DRF_JWT and api_settings.is_drf_jwt:
        raise JWTPermissionDenied(message, code=code, with_code=with_code)
    raise error(message, code=code, with_code=with_code)


_FORBIDDEN_IN_DRF_JWT = frozenset({"token_revoked", "refresh_token_reused"})


def refuse_error(error: Exception) -> NoReturn:
    """Raise the 401 for ``error`` (:func:`messages.explain`), or ``error`` itself when it
    refuses no token (a bug, a database outage)."""
    refusal = messages.explain(error, serializer=False)
    if refusal is None:
        raise error
    refuse(refusal.message, refusal.code)


class BaseJSONWebTokenAuthentication(BaseAuthentication):
    """Token authentication; subclasses say where the token comes from (``get_jwt_value``).

    The handler classmethods are drf-jwt's: each calls the handler configured in ``JWT_AUTH``
    at call time, and ``authenticate()`` goes through them, so a subclass may override them.
    """

    www_authenticate_realm = "api"

    @classmethod
    def jwt_create_payload(cls, *args: Any, **kwargs: Any) -> Any:
        """The payload of a new token: ``JWT_PAYLOAD_HANDLER(user)``."""
        return api_settings.JWT_PAYLOAD_HANDLER(*args, **kwargs)

    @classmethod
    def jwt_encode_payload(cls, *args: Any, **kwargs: Any) -> Any:
        """The signed token of a payload: ``JWT_ENCODE_HANDLER(payload)``."""
        return api_settings.JWT_ENCODE_HANDLER(*args, **kwargs)

    @classmethod
    def jwt_decode_token(cls, token: Any) -> Any:
        """The verified payload of ``token``: ``JWT_DECODE_HANDLER(token)``.

        A refused token raises the handler's exception (PyJWT's types, as in drf-jwt).
        """
        return jwt_decode_handler(token)

    @classmethod
    def jwt_get_username_from_payload(cls, payload: Any) -> Any:
        """The username a payload names: ``JWT_PAYLOAD_GET_USERNAME_HANDLER(payload)``."""
        return jwt_get_username_from_payload(payload)

    @classmethod
    def jwt_create_response_payload(
        cls, token: Any, user: Any = None, request: Any = None, issued_at: Any = None
    ) -> Any:
        """The body of a token response: ``JWT_RESPONSE_PAYLOAD_HANDLER(...)``.

        The handler gets ``issued_at`` if it takes four arguments (drf-jwt's), else three (1.x).
        """
        return utils.call_response_handler(
            api_settings.JWT_RESPONSE_PAYLOAD_HANDLER, token, user, request, issued_at
        )

    def get_jwt_value(self, request: Request) -> str | None:
        """Return the raw token of ``request``, or None when the request carries none."""
        raise NotImplementedError(".get_jwt_value() must be overridden.")

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        """Return ``(user, token)`` for a valid token, None for no token; raise a 401 otherwise.

        On success ``request.verified_token`` is the :class:`~verification.VerifiedToken`.
        Every 401 sends the ``token_refused`` signal with its code. A database that cannot be
        reached is a 503 (``StoreUnavailable``), never an accepted token. A token that came
        from a cookie (not the ``Authorization`` header) on an unsafe method must also pass
        Django's CSRF check (:meth:`enforce_csrf`).
        """
        try:
            found = self._authenticate(request)
        except MissingToken:  # from a hook that follows drf-jwt's convention
            return None
        except (JWTAuthenticationFailed, JWTPermissionDenied) as error:
            token_refused.send(sender=type(self), request=request, code=error.code)
            if not request.META.get("HTTP_AUTHORIZATION") and self._cookie_token(request):
                cookies.mark_refused(request)  # the package's views clear the dead cookies
            raise
        except revocation.DATABASE_OUTAGES as error:
            raise revocation.unavailable(error, "database") from error
        if found is None:
            return None
        user, token = found
        if cookies.csrf_required(request) and cookies.token_from_cookie(request, token.raw):
            self.enforce_csrf(request)
        setattr(request, verification.REQUEST_ATTRIBUTE, token)
        return user, token.raw

    def _cookie_token(self, request: Request) -> str | None:
        getter = getattr(self, "get_token_from_cookies", None)
        return getter(request.COOKIES) if getter is not None else None

    def enforce_csrf(self, request: Request) -> None:
        """Refuse (403, code ``csrf_failed``) an unsafe request that a token cookie
        authenticated unless it passes Django's CSRF check (docs/cookies.md). Requests
        authenticated by the ``Authorization`` header never get here."""
        cookies.enforce_csrf(request)

    @classmethod
    def decode_hook(cls) -> Any:
        """What :func:`verification.verify` decodes with: ``jwt_decode_token`` when a subclass
        (or a patch of this module's ``jwt_decode_handler``) replaces it, else None (the
        configured ``JWT_DECODE_HANDLER``)."""
        if cls.jwt_decode_token.__func__ is _BASE_DECODE and jwt_decode_handler is _MODULE_DECODE:  # type: ignore[attr-defined]
            return None
        return cls.jwt_decode_token

    @classmethod
    def verify_token(cls, jwt_value: str | bytes) -> VerifiedToken:
        """The :class:`~verification.VerifiedToken` of ``jwt_value``, decoded through the
        hooks; a refused token is the 401 of its code (a hook's own DRF exception as it is)."""
        try:
            return verification.verify(jwt_value, cls.decode_hook())
        except APIException:
            raise  # a hook's own answer (a subclass's AuthenticationFailed), as in 1.x and drf-jwt
        except Exception as error:
            refuse_error(error)

    def _authenticate(self, request: Request) -> tuple[Any, VerifiedToken] | None:
        jwt_value = self.get_jwt_value(request)
        if jwt_value is None:
            return None
        token = self.verify_token(jwt_value)
        revoked = None
        if type(self).authenticate_credentials is _DEFAULT_CREDENTIALS:
            user, revoked = self._load_user(token)
        else:  # a subclass finds users its own way
            user = self.authenticate_credentials(token.payload)
        try:
            rotation.require_type(token, rotation.ACCESS)
            revocation.check(token, user, revoked)
            if token.is_impersonation:  # only impersonation tokens pay for this
                self.check_actor(token)
        except TokenError as error:
            refuse_error(error)
        return user, token

    def check_actor(self, token: VerifiedToken) -> None:
        """For an impersonation token: raise a TokenError if its impersonator (``act``) has
        been deactivated, deleted, has changed their password or had their tokens revoked."""
        lookup.check_actor(token)

    def _load_user(self, token: VerifiedToken) -> tuple[Any, bool | None]:
        """The user (and, where it can be fused into the same query, the revocation state)."""
        try:
            return lookup.load(token, self.jwt_get_username_from_payload(token.payload))
        except UserLookupError as error:
            refuse_error(error)

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        """Return the active user that ``payload`` names; raise a 401 otherwise."""
        username = self.jwt_get_username_from_payload(payload)
        try:
            return users.user_for_username(username)
        except UserLookupError as error:
            refuse_error(error)

    def authenticate_header(self, request: Request) -> str:
        """The ``WWW-Authenticate`` value of a 401: ``JWT realm="api"`` by default."""
        return f'{api_settings.JWT_AUTH_HEADER_PREFIX} realm="{self.www_authenticate_realm}"'


_DEFAULT_CREDENTIALS = BaseJSONWebTokenAuthentication.authenticate_credentials
_BASE_DECODE = BaseJSONWebTokenAuthentication.jwt_decode_token.__func__  # type: ignore[attr-defined]
_MODULE_DECODE = jwt_decode_handler


def _as_bytes(value: str | bytes) -> bytes:
    """A header value as the bytes the client sent (WSGI hands them over as latin-1 text)."""
    if isinstance(value, str):
        try:
            return value.encode(HEADER_ENCODING)
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace")
    return bytes(value)


class JSONWebTokenAuthentication(BaseJSONWebTokenAuthentication):
    """Reads the token from ``Authorization: <prefix> <token>``, or from the configured cookie.

    The cookie is read only when the request has no Authorization header (in drf-jwt mode,
    also when the header names our scheme but is malformed).
    """

    def get_jwt_value(self, request: Request) -> str | None:
        """The token of ``request`` (``get_token_from_request``), or None."""
        try:
            return self.get_token_from_request(request)  # type: ignore[no-any-return]
        except MissingToken:
            return None

    @classmethod
    def get_token_from_request(cls, request: Any) -> Any:
        """The token of ``request``: from the Authorization header, else from the cookies.

        None when the header names another scheme, or when there is no header and no token
        cookie. A malformed header of our scheme is a 401 in 1.x mode; in drf-jwt mode the
        cookies are tried instead.
        """
        header = request.META.get("HTTP_AUTHORIZATION")
        if header:
            try:
                return cls.get_token_from_authorization_header(
                    header if isinstance(header, str) else bytes(header).decode(HEADER_ENCODING)
                )
            except MissingToken:
                pass
            except InvalidAuthorizationCredentials:
                if not api_settings.is_drf_jwt:
                    raise
        return cls.get_token_from_cookies(request.COOKIES)

    @classmethod
    def get_token_from_authorization_header(cls, header_str: str | bytes) -> str | None:
        """The token in an ``Authorization`` header value, None for another scheme.

        An empty header raises MissingToken; ``<prefix>`` alone, more than one space-separated
        credential or a non-ASCII token raise InvalidAuthorizationCredentials (with 1.x's
        message and a code saying which).
        """
        header = _as_bytes(header_str)
        lenient = api_settings.is_drf_jwt
        # 1.x splits on any whitespace; drf-jwt on single spaces, so a double space there
        # makes an empty part and the request falls back to the cookie.
        parts = header.split(b" ") if lenient and header.strip() else header.split()
        if not parts:
            raise MissingToken()
        if not cls.prefixes_match(parts[0].decode(HEADER_ENCODING)):
            return None
        if len(parts) == 1:
            problem = "authorization_header_no_credentials"
        elif len(parts) > 2 or not parts[1]:
            problem = "authorization_header_spaces"
        else:
            try:
                return parts[1].decode("ascii")
            except UnicodeDecodeError:
                problem = "authorization_header_encoding"
        refuse(_HEADER_MESSAGES[problem], problem, InvalidAuthorizationCredentials)

    @classmethod
    def prefixes_match(cls, prefix: str) -> bool:
        """True when ``prefix`` is ``JWT_AUTH_HEADER_PREFIX``, ignoring case."""
        return prefix.lower() == str(api_settings.JWT_AUTH_HEADER_PREFIX).lower()

    @classmethod
    def get_token_from_cookies(cls, cookies: Mapping[str, Any]) -> str | None:
        """The token in ``JWT_IMPERSONATION_COOKIE``, else in ``JWT_AUTH_COOKIE``, else None."""
        for name in (api_settings.JWT_IMPERSONATION_COOKIE, api_settings.JWT_AUTH_COOKIE):
            if name:
                value = cookies.get(name)
                if value:
                    return str(value)
        return None


class TokenUser:
    """A user built from the token's claims, without a database query.

    ``pk``/``id`` come from ``user_id``, the username from the configured username handler.
    It is authenticated and active, has no staff or superuser rights and no permissions.

    Its methods have the signatures of Django's ``User``, so that under mypy
    ``isinstance(request.user, TokenUser)`` narrows ``request.user`` instead of being
    unreachable.
    """

    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, payload: dict[str, Any], username: Any = None) -> None:
        self.payload = payload
        self.pk: Any = payload.get("user_id")
        self.id: Any = self.pk
        self.username: Any = (
            jwt_get_username_from_payload(payload) if username is None else username
        )

    @property
    def is_authenticated(self) -> Literal[True]:
        return True

    @property
    def is_anonymous(self) -> Literal[False]:
        return False

    def get_username(self) -> str:
        return str(self.username)

    def __str__(self) -> str:
        return str(self.username)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and (self.pk, self.username) == (
            other.pk,
            other.username,
        )

    def __hash__(self) -> int:
        return hash((self.pk, self.username))

    def has_perm(self, perm: str, obj: Model | None = None) -> bool:
        return False

    def has_perms(self, perm_list: Iterable[str], obj: Model | None = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def get_all_permissions(self, obj: Model | None = None) -> set[str]:
        return set()

    async def ahas_perm(self, perm: str, obj: Model | None = None) -> bool:
        return self.has_perm(perm, obj)

    async def ahas_perms(self, perm_list: Iterable[str], obj: Model | None = None) -> bool:
        return self.has_perms(perm_list, obj)

    async def ahas_module_perms(self, app_label: str) -> bool:
        return self.has_module_perms(app_label)

    async def aget_all_permissions(self, obj: Model | None = None) -> set[str]:
        return self.get_all_permissions(obj)


class StatelessJSONWebTokenAuthentication(JSONWebTokenAuthentication):
    """Authenticates without loading the user: ``request.user`` is a :class:`TokenUser`.

    For services that only verify tokens. A deleted or deactivated user, or a password change,
    is noticed only through the revocation app (it writes a cutoff for that user); without it,
    a token stays valid until it expires.
    """

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        username = self.jwt_get_username_from_payload(payload)
        if not username or not isinstance(username, str):
            refuse(messages.message("payload_invalid", serializer=False), "payload_invalid")
        return TokenUser(payload, username)

    def check_actor(self, token: VerifiedToken) -> None:
        # No user is loaded here: the impersonator's cutoff in the store (by act.user_id).
        revocation.check_actor_cutoff(token)


__all__ = [
    "BaseJSONWebTokenAuthentication",
    "JSONWebTokenAuthentication",
    "StatelessJSONWebTokenAuthentication",
    "TokenUser",
]
