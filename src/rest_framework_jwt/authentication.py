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

from collections.abc import Callable, Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import FieldError, MultipleObjectsReturned
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from . import (
    _state,
    backend,
    cookies,
    issuers,
    lookup,
    messages,
    revocation,
    rotation,
    users,
    utils,
    verification,
)
from .exceptions import (
    InvalidAuthorizationCredentials,
    InvalidIssuer,
    JWTAuthenticationFailed,
    JWTPermissionDenied,
    MissingToken,
    TokenError,
    UserLookupError,
    UserNotFound,
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


class _RequestPath:
    """``authenticate()`` and ``aauthenticate()`` over the steps of a class's request path
    (``_steps``): one driver for DRF's sync path, one for async code; the refusals, the signal
    and the 503 of a database outage are handled alike, by :func:`_failure`."""

    def _steps(self, request: Request) -> _Steps:
        raise NotImplementedError

    def _refused(self, request: Request) -> None:
        """Called after a refusal's ``token_refused`` signal."""

    def _send_refused(self, request: Request, code: str | None) -> None:
        token_refused.send(sender=type(self), request=request, code=code)

    async def _asend_refused(self, request: Request, code: str | None) -> None:
        await _asend(token_refused, sender=type(self), request=request, code=code)

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        """Return ``(user, token)`` for a valid token, None for no token; raise a 401 otherwise.

        On success ``request.verified_token`` is the :class:`~verification.VerifiedToken`.
        Every 401 sends the ``token_refused`` signal with its code. A database that cannot be
        reached is a 503 (``StoreUnavailable``), never an accepted token. With the JWT
        classes, a token that came from a cookie (not the ``Authorization`` header) on an
        unsafe method must also pass Django's CSRF check (their ``enforce_csrf()``).
        """
        try:
            found = _drive_sync(self._steps(request))
        except Exception as error:
            refusal = _failure(error)
            if refusal is None:
                return None
            self._send_refused(request, refusal.code)
            self._refused(request)
            raise
        return _accepted(request, found)

    async def aauthenticate(self, request: Request) -> tuple[Any, str] | None:
        """:meth:`authenticate` for async code (a Django async view, Ninja's async operations):
        the same steps and answers; the user, the denylist and the impersonator are read with
        Django's async ORM and cache API, in the event loop. Code of the project's own that may
        block (a sync hook a subclass overrides without its ``a`` twin, a custom decode
        handler, ``JWT_GET_USER_SECRET_KEY``) runs in a thread (``sync_to_async``)."""
        try:
            found = await _drive(self, self._steps(request))
        except Exception as error:
            refusal = _failure(error)
            if refusal is None:
                return None
            await _arun(self, (self._send_refused, request, refusal.code))
            self._refused(request)
            raise
        return _accepted(request, found)


class BaseJSONWebTokenAuthentication(_RequestPath, BaseAuthentication):
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

    def _steps(self, request: Request) -> _Steps:
        """The request path, written once for :meth:`authenticate` and :meth:`aauthenticate`:
        it yields each step that does I/O (a bound method and its arguments, see
        :func:`_drive`), and the driver of the sync or the async path runs it and sends
        back the result (or throws its exception in)."""
        jwt_value = self.get_jwt_value(request)
        if jwt_value is None:
            return None
        token: VerifiedToken = yield (self.verify_token, jwt_value)
        revoked = None
        if type(self).authenticate_credentials is _DEFAULT_CREDENTIALS:
            user, revoked = yield (self._load_user, token)
        else:  # a subclass finds users its own way
            user = yield (self.authenticate_credentials, token.payload)
        try:
            rotation.require_type(token, rotation.ACCESS)
            yield (self._check_revocation, token, user, revoked)
            if token.is_impersonation:  # only impersonation tokens pay for this
                yield (self.check_actor, token)
        except TokenError as error:
            refuse_error(error)
        if cookies.csrf_required(request) and cookies.token_from_cookie(request, token.raw):
            yield (self.enforce_csrf, request)  # its 403 is no token refusal (no signal)
        return user, token

    def _refused(self, request: Request) -> None:
        if not request.META.get("HTTP_AUTHORIZATION") and self._cookie_token(request):
            cookies.mark_refused(request)  # the package's views clear the dead cookies

    def _cookie_token(self, request: Request) -> str | None:
        getter = getattr(self, "get_token_from_cookies", None)
        return getter(request.COOKIES) if getter is not None else None

    def enforce_csrf(self, request: Request) -> None:
        """Refuse (403, code ``csrf_failed``) an unsafe request that a token cookie
        authenticated unless it passes Django's CSRF check (docs/cookies.md). Requests
        authenticated by the ``Authorization`` header never get here."""
        cookies.enforce_csrf(request)

    async def aenforce_csrf(self, request: Request) -> None:
        """:meth:`enforce_csrf` for async code (in a thread with ``CSRF_USE_SESSIONS``, whose
        CSRF token is in the session)."""
        if settings.CSRF_USE_SESSIONS:
            await sync_to_async(self.enforce_csrf)(request)
        else:
            self.enforce_csrf(request)

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

    @classmethod
    async def averify_token(cls, jwt_value: str | bytes) -> VerifiedToken:
        """:meth:`verify_token` for async code: in the event loop, or in a thread when the
        decoding may block (:func:`verification.may_block`)."""
        if verification.may_block(cls.decode_hook()):
            return await sync_to_async(cls.verify_token)(jwt_value)
        return cls.verify_token(jwt_value)

    def _check_revocation(self, token: VerifiedToken, user: Any, revoked: bool | None) -> None:
        revocation.check(token, user, revoked)

    async def _acheck_revocation(
        self, token: VerifiedToken, user: Any, revoked: bool | None
    ) -> None:
        await revocation.acheck(token, user, revoked)

    def check_actor(self, token: VerifiedToken) -> None:
        """For an impersonation token: raise a TokenError if its impersonator (``act``) has
        been deactivated, deleted, has changed their password or had their tokens revoked."""
        lookup.check_actor(token)

    async def acheck_actor(self, token: VerifiedToken) -> None:
        """:meth:`check_actor` for async code."""
        await lookup.acheck_actor(token)

    def _load_user(self, token: VerifiedToken) -> tuple[Any, bool | None]:
        """The user (and, where it can be fused into the same query, the revocation state)."""
        try:
            return lookup.load(token, self.jwt_get_username_from_payload(token.payload))
        except UserLookupError as error:
            refuse_error(error)

    async def _aload_user(self, token: VerifiedToken) -> tuple[Any, bool | None]:
        try:
            return await lookup.aload(token, self.jwt_get_username_from_payload(token.payload))
        except UserLookupError as error:
            refuse_error(error)

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        """Return the active user that ``payload`` names; raise a 401 otherwise."""
        username = self.jwt_get_username_from_payload(payload)
        try:
            return users.user_for_username(username)
        except UserLookupError as error:
            refuse_error(error)

    async def aauthenticate_credentials(self, payload: dict[str, Any]) -> Any:
        """:meth:`authenticate_credentials` for async code."""
        username = self.jwt_get_username_from_payload(payload)
        try:
            return await users.auser_for_username(username)
        except UserLookupError as error:
            refuse_error(error)

    def authenticate_header(self, request: Request) -> str:
        """The ``WWW-Authenticate`` value of a 401: ``JWT realm="api"`` by default."""
        return f'{api_settings.JWT_AUTH_HEADER_PREFIX} realm="{self.www_authenticate_realm}"'


_DEFAULT_CREDENTIALS = BaseJSONWebTokenAuthentication.authenticate_credentials
_BASE_DECODE = BaseJSONWebTokenAuthentication.jwt_decode_token.__func__  # type: ignore[attr-defined]
_MODULE_DECODE = jwt_decode_handler


#: A step of the request path that does I/O: a bound method and its arguments.
_Step = tuple[Any, ...]
_Steps = Generator[_Step, Any, "tuple[Any, VerifiedToken] | None"]


async def _drive(auth: _RequestPath, steps: _Steps) -> tuple[Any, VerifiedToken] | None:
    """Run the request path in async code: each step's async twin is awaited (:func:`_arun`),
    its result sent back into the steps, its exception thrown in."""
    try:
        step = next(steps)
        while True:
            try:
                result = await _arun(auth, step)
            except Exception as error:
                step = steps.throw(error)
            else:
                step = steps.send(result)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def _drive_sync(steps: _Steps) -> tuple[Any, VerifiedToken] | None:
    """Run the request path on the sync path: each step's method is called, its result sent
    back into the steps, its exception thrown in (:func:`_drive` without the awaits)."""
    try:
        step = next(steps)
        while True:
            try:
                result = step[0](*step[1:])
            except Exception as error:
                step = steps.throw(error)
            else:
                step = steps.send(result)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def _arun(auth: _RequestPath, step: _Step) -> Any:
    """Await the async twin of a step's method: the method of the same name with ``a`` in
    front (after a leading underscore: ``_load_user``, ``_aload_user``). When a subclass
    overrides the sync method but not the twin, the override runs in a thread, so the hook
    still counts."""
    method, args = step[0], step[1:]
    name = method.__name__
    twin = "_a" + name[1:] if name.startswith("_") else "a" + name
    owners = [next(k for k in type(auth).__mro__ if each in vars(k)) for each in (name, twin)]
    if owners[0] is not owners[1] and issubclass(owners[0], owners[1]):
        return await sync_to_async(method)(*args)
    return await getattr(auth, twin)(*args)


_REFUSALS = (JWTAuthenticationFailed, JWTPermissionDenied)


def _failure(error: Exception) -> JWTAuthenticationFailed | JWTPermissionDenied | None:
    """What an authentication whose steps raised ``error`` answers: None for no token
    (drf-jwt's MissingToken), the refusal to send the ``token_refused`` signal for and raise;
    the 503 of a database outage is raised from here, and anything else as it is."""
    refusal = _refusal(error)
    if refusal is None:
        return None
    if not isinstance(refusal, _REFUSALS):
        raise refusal from error
    return refusal


def _refusal(error: Exception) -> Exception | None:
    """What an authentication that raised ``error`` answers: None (no token, drf-jwt's
    MissingToken convention), ``error`` itself (a refusal: 401, or the drf-jwt 403), or the
    503 of a database outage. Anything else is raised again."""
    if isinstance(error, MissingToken):
        return None
    if isinstance(error, _REFUSALS):
        return error
    if isinstance(error, revocation.DATABASE_OUTAGES):
        return revocation.unavailable(error, "database")
    raise error


def _accepted(request: Any, found: tuple[Any, VerifiedToken] | None) -> tuple[Any, str] | None:
    """``(user, raw token)``, with the VerifiedToken left on the request."""
    if found is None:
        return None
    user, token = found
    setattr(request, verification.REQUEST_ATTRIBUTE, token)
    return user, token.raw


async def _asend(signal: Any, **kwargs: Any) -> None:
    """Send ``signal`` from async code: ``asend()`` (Django 5.0+, sync receivers in a thread),
    or ``send()`` in a thread on Django 4.2."""
    if hasattr(signal, "asend"):
        await signal.asend(**kwargs)
    else:
        await sync_to_async(signal.send)(**kwargs)


def _as_bytes(value: str | bytes) -> bytes:
    """A header value as the bytes the client sent (WSGI hands them over as latin-1 text)."""
    if isinstance(value, str):
        try:
            return value.encode(HEADER_ENCODING)
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace")
    return bytes(value)


def token_from_header(
    header_str: str | bytes, prefix_matches: Callable[[str], bool], *, lenient: bool
) -> str | None:
    """The token in an ``Authorization`` header value whose scheme ``prefix_matches``; None
    for another scheme. MissingToken for an empty header, InvalidAuthorizationCredentials for a
    scheme without a credential, more than one credential or a non-ASCII one.

    1.x splits on any whitespace; drf-jwt (``lenient``) on single spaces, so a double space
    there makes an empty part and the request falls back to the cookie.
    """
    header = _as_bytes(header_str)
    parts = header.split(b" ") if lenient and header.strip() else header.split()
    if not parts:
        raise MissingToken()
    if not prefix_matches(parts[0].decode(HEADER_ENCODING)):
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
        return token_from_header(header_str, cls.prefixes_match, lenient=api_settings.is_drf_jwt)

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


def reader_of(request: Any) -> type[JSONWebTokenAuthentication]:
    """The class of ``request``'s first ``JSONWebTokenAuthentication`` (that class itself if it
    has none): its hooks find, decode and name the user of any token the request carries or
    posts, as for the token that authenticates it."""
    for authenticator in getattr(request, "authenticators", None) or ():
        if isinstance(authenticator, JSONWebTokenAuthentication):
            return type(authenticator)
    return JSONWebTokenAuthentication


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

    async def aauthenticate_credentials(self, payload: dict[str, Any]) -> Any:
        return self.authenticate_credentials(payload)  # no I/O

    def check_actor(self, token: VerifiedToken) -> None:
        # No user is loaded here: the impersonator's cutoff in the store (by act.user_id).
        revocation.check_actor_cutoff(token)

    async def acheck_actor(self, token: VerifiedToken) -> None:
        await revocation.acheck_actor_cutoff(token)


class IssuerTokenUser(TokenUser):
    """The user of a trusted issuer's token, built from its claims without a query.

    ``pk``/``id`` are the ``sub`` claim, ``username`` the issuer's ``username_claim`` (default
    ``sub``), ``issuer`` its ``iss``; ``token`` is the verified token.
    """

    def __init__(self, token: issuers.ExternalToken, username: str) -> None:
        self.token = token
        self.payload = dict(token.claims)
        self.pk = self.id = token.claims.get("sub")
        self.username = username
        self.issuer = token.issuer.issuer

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IssuerTokenUser) and (self.issuer, self.pk, self.username) == (
            other.issuer,
            other.pk,
            other.username,
        )

    def __hash__(self) -> int:
        return hash((self.issuer, self.pk, self.username))


class TrustedIssuerAuthentication(_RequestPath, BaseAuthentication):
    """Accepts tokens of the issuers in ``JWT_TRUSTED_ISSUERS`` from ``Authorization: Bearer``.

    The issuer is chosen by the token's ``iss`` and the key by its ``kid``, from that issuer's
    JWK Set only (see ``rest_framework_jwt.issuers``). ``request.auth`` is the raw token and
    ``request.verified_token`` the verified
    :class:`~rest_framework_jwt.issuers.ExternalToken`. ``request.user`` is an
    :class:`IssuerTokenUser`, or the local user named by the issuer's ``user_claim``.

    A token whose ``iss`` is not trusted is refused (401 ``token_invalid_issuer``), unless
    ``keyword`` is also the package's own ``JWT_AUTH_HEADER_PREFIX``: then it is left to
    ``JSONWebTokenAuthentication``, which must come after this class.
    """

    #: The ``Authorization`` scheme (a subclass may change it).
    keyword = "Bearer"
    www_authenticate_realm = "api"

    def prefix_matches(self, prefix: str) -> bool:
        """True when ``prefix`` is :attr:`keyword`, ignoring case."""
        return prefix.lower() == self.keyword.lower()

    def get_raw_token(self, request: Request) -> str | None:
        """The token of the request's ``Authorization`` header, None for another scheme."""
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        return token_from_header(header, self.prefix_matches, lenient=False)

    def _steps(self, request: Request) -> _Steps:
        """The request path (see :class:`_RequestPath`); the issuer's keys and the local user
        are its I/O steps."""
        raw = self.get_raw_token(request)
        if raw is None:
            return None
        try:
            parsed = backend.parse(raw, _state.config().max_size)
            issuer = issuers.issuer_of(parsed)
            if issuer is None:
                if self.prefix_matches(str(api_settings.JWT_AUTH_HEADER_PREFIX)):
                    return None  # perhaps one of ours: JSONWebTokenAuthentication decides
                raise InvalidIssuer("Untrusted issuer.")
            algorithm, kid = issuers.check_header(parsed, issuer)
            ring = yield (self._key_ring, issuer, kid)
            token = issuers.verify_with(raw, parsed, issuer, algorithm, ring)
        except TokenError as error:
            refuse_error(error)
        try:
            user = yield (self.get_user, token)
        except UserLookupError as error:
            refuse_error(error)
        return user, token

    def _key_ring(self, issuer: issuers.Issuer, kid: str | None) -> Any:
        return issuers.key_ring(issuer, kid)

    async def _akey_ring(self, issuer: issuers.Issuer, kid: str | None) -> Any:
        return await issuers.akey_ring(issuer, kid)

    def get_user(self, token: issuers.ExternalToken) -> Any:
        """The user of ``token``: an :class:`IssuerTokenUser`, or with the issuer's
        ``user_claim`` the local user it names (created if ``create_users``); a
        UserLookupError otherwise."""
        claimed = self._claimed_user(token)
        if isinstance(claimed, IssuerTokenUser):
            return claimed
        model, field, value = claimed
        try:
            user = model._default_manager.get(**{field: value})
        except model.DoesNotExist:
            create = token.issuer.create_users
            user = self.create_user(token, field, value) if create else None
        except _NOT_FOUND:
            user = None
        return _local_user(user)

    async def aget_user(self, token: issuers.ExternalToken) -> Any:
        """:meth:`get_user` for async code, through Django's async ORM."""
        claimed = self._claimed_user(token)
        if isinstance(claimed, IssuerTokenUser):
            return claimed
        model, field, value = claimed
        try:
            user = await model._default_manager.aget(**{field: value})
        except model.DoesNotExist:
            user = (
                await self.acreate_user(token, field, value) if token.issuer.create_users else None
            )
        except _NOT_FOUND:
            user = None
        return _local_user(user)

    def _claimed_user(self, token: issuers.ExternalToken) -> Any:
        """An :class:`IssuerTokenUser`, or (user model, field, value) to find the local one."""
        issuer = token.issuer
        if issuer.user_claim is None:
            username = token.claims.get(issuer.username_claim)
            users.check_username(username)
            return IssuerTokenUser(token, str(username))
        value = token.claims.get(issuer.user_claim)
        users.check_username(value)
        model = _state.user_model()
        return model, issuer.user_field or model.USERNAME_FIELD, value

    def create_user(self, token: issuers.ExternalToken, field: str, value: Any) -> Any:
        """Create the local user for ``token`` (``create_users``): ``field`` (and the
        ``USERNAME_FIELD``) set to ``value``, an unusable password. Override for more."""
        model = _state.user_model()
        user, _created = model._default_manager.get_or_create(
            **{field: value}, defaults=_new_user_fields(model, value)
        )
        return user

    async def acreate_user(self, token: issuers.ExternalToken, field: str, value: Any) -> Any:
        """:meth:`create_user` for async code."""
        model = _state.user_model()
        user, _created = await model._default_manager.aget_or_create(
            **{field: value}, defaults=_new_user_fields(model, value)
        )
        return user

    def authenticate_header(self, request: Request) -> str:
        """The ``WWW-Authenticate`` value of a 401: ``Bearer realm="api"``."""
        return f'{self.keyword} realm="{self.www_authenticate_realm}"'


#: What a lookup of a local user raises when there is none to be had (FieldError: a user_field
#: the model lacks, which system check E012 reports).
_NOT_FOUND = (MultipleObjectsReturned, FieldError, ValueError, TypeError, OverflowError)


def _local_user(user: Any) -> Any:
    if user is None:
        raise UserNotFound("User not found.")
    return users.check_active(user)


def _new_user_fields(model: Any, value: Any) -> dict[str, Any]:
    return {model.USERNAME_FIELD: value, "password": make_password(None)}


__all__ = [
    "BaseJSONWebTokenAuthentication",
    "IssuerTokenUser",
    "JSONWebTokenAuthentication",
    "StatelessJSONWebTokenAuthentication",
    "TokenUser",
    "TrustedIssuerAuthentication",
]
