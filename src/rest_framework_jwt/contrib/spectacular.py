"""drf-spectacular extensions: the package's authentication classes and views in an OpenAPI 3
schema.

The app's ``ready()`` imports this module when drf-spectacular is installed; without it, nothing
here is imported. A project that does not list ``rest_framework_jwt`` in ``INSTALLED_APPS``
imports it itself (from its own ``AppConfig.ready()``). Everything is worked out when the
schema is generated, from the settings of that moment: the header prefix, the cookies, the
response bodies of 1.x, drf-jwt and refresh-token mode, ``JWT_RESPONSE_ERROR_CODES``, the
throttles, and which statuses each view can answer. docs/openapi.md shows the result.

Internal: the classes register themselves with drf-spectacular when the module is imported;
projects import the module, not its names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings as django_settings
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiViewExtension,
)
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from .. import cookies, revocation, rotation, session_views, utils, views
from .._state import user_model
from ..authentication import (
    BaseJSONWebTokenAuthentication,
    JSONWebTokenAuthentication,
    TrustedIssuerAuthentication,
)
from ..serializers import (
    JSONWebTokenSerializer,
    RefreshJSONWebTokenSerializer,
    RotateRefreshTokenSerializer,
    VerifyJSONWebTokenSerializer,
)
from ..settings import api_settings
from ..throttling import JWTRateThrottle

#: The names of the security schemes in ``components.securitySchemes``. ``jwtAuth`` is the name
#: drf-spectacular's own extension for 1.x's class used, so existing references keep working.
HEADER_SCHEME = "jwtAuth"
COOKIE_SCHEME = "jwtCookieAuth"
IMPERSONATION_COOKIE_SCHEME = "jwtImpersonationCookieAuth"
TRUSTED_ISSUER_SCHEME = "trustedIssuerAuth"
TAG = "jwt"

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}


def _header_scheme(prefix: str, description: str) -> dict[str, Any]:
    """``Authorization: <prefix> <token>``: an HTTP bearer scheme when the prefix is ``Bearer``
    (OpenAPI 3.0 has no scheme for another prefix: an API key in the header says it)."""
    if prefix == "Bearer":
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": description,
        }
    return {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": f"{description} Sent as `Authorization: {prefix} <token>`.",
    }


# --- authentication -----------------------------------------------------------------------------


class JSONWebTokenScheme(OpenApiAuthenticationExtension):
    """The package's authentication classes and their subclasses: the ``Authorization`` header
    with the configured prefix, or (as an alternative) the configured cookies."""

    target_class = BaseJSONWebTokenAuthentication
    match_subclasses = True
    priority = 1  # over drf-spectacular's extension for 1.x's class
    name: str | list[str] = HEADER_SCHEME

    def __init__(self, target: Any) -> None:
        super().__init__(target)
        self.cookies = self._cookies()
        self.name = [HEADER_SCHEME, *self.cookies] if self.cookies else HEADER_SCHEME

    def _cookies(self) -> dict[str, str]:
        """Scheme name -> cookie name, for the cookies this class reads."""
        if not isinstance(self.target, JSONWebTokenAuthentication):
            return {}
        found = {}
        if api_settings.JWT_AUTH_COOKIE:
            found[COOKIE_SCHEME] = str(api_settings.JWT_AUTH_COOKIE)
        if api_settings.JWT_IMPERSONATION_COOKIE:
            found[IMPERSONATION_COOKIE_SCHEME] = str(api_settings.JWT_IMPERSONATION_COOKIE)
        return found

    def get_security_requirement(self, auto_schema: Any) -> Any:
        # The header or a cookie: alternatives, not all at once.
        names = self.name if isinstance(self.name, list) else [self.name]
        return [{name: []} for name in names]

    def get_security_definition(self, auto_schema: Any) -> Any:
        header = _header_scheme(
            str(api_settings.JWT_AUTH_HEADER_PREFIX), "A JSON Web Token issued by this API."
        )
        if not self.cookies:
            return header
        description = "The token in a cookie, read when there is no Authorization header."
        if api_settings.JWT_AUTH_COOKIE_CSRF:
            description += (
                " A POST, PUT, PATCH or DELETE it authenticates must echo Django's CSRF token "
                f"(the {django_settings.CSRF_COOKIE_NAME} cookie) in the "
                f"{cookies.csrf_header_name()} header."
            )
        return [
            header,
            *(
                {"type": "apiKey", "in": "cookie", "name": cookie, "description": description}
                for cookie in self.cookies.values()
            ),
        ]


class TrustedIssuerScheme(OpenApiAuthenticationExtension):
    """``TrustedIssuerAuthentication`` and its subclasses: a token of an external issuer
    (``JWT_TRUSTED_ISSUERS``) in ``Authorization: <keyword> <token>``."""

    target_class = TrustedIssuerAuthentication
    match_subclasses = True
    name = TRUSTED_ISSUER_SCHEME

    def get_security_definition(self, auto_schema: Any) -> Any:
        return _header_scheme(
            str(getattr(self.target, "keyword", "Bearer")),
            "A JSON Web Token of a trusted issuer (JWT_TRUSTED_ISSUERS).",
        )


# --- bodies -----------------------------------------------------------------------------------


class JWTTokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="The JSON Web Token.")


class JWTTokenPairSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="The access token.")
    refresh_token = serializers.CharField(
        help_text="The refresh token: post it to the refresh endpoint for a new pair."
    )


class JWTDrfJwtTokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    pk = serializers.IntegerField(help_text="The token's issued-at time (drf-jwt's body).")
    token = serializers.CharField(help_text="The JSON Web Token.")


class JWTDrfJwtTokenPairSerializer(serializers.Serializer):  # type: ignore[type-arg]
    pk = serializers.IntegerField(help_text="The access token's issued-at time (drf-jwt's body).")
    token = serializers.CharField(help_text="The access token.")
    refresh_token = serializers.CharField(
        help_text="The refresh token: post it to the refresh endpoint for a new pair."
    )


class JWTHandlerBodySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """What the project's ``JWT_RESPONSE_PAYLOAD_HANDLER`` returns."""


class JWTTokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="A JSON Web Token.")


class JWTRefreshRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One of the two fields: the refresh token."""

    refresh_token = serializers.CharField(required=False, help_text="The refresh token.")
    token = serializers.CharField(
        required=False,
        help_text="The refresh token, under 1.x's name (when refresh_token is absent).",
    )


class JWTLogoutRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Tokens to revoke besides the one that authenticates the request (of the same user)."""

    token = serializers.CharField(required=False, help_text="An access token to revoke.")
    refresh_token = serializers.CharField(
        required=False, help_text="A refresh token to revoke: its whole session ends."
    )


class JWTBlacklistRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(
        required=False, help_text="The token to revoke; without it, the request's own."
    )


class JWTBlacklistResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(
        allow_null=True, help_text='The revoked token; null with JWT_TOKEN_ID = "require".'
    )


class JWTSessionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(help_text="The session (refresh-token family).")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()
    user_agent = serializers.CharField(allow_blank=True)
    ip_address = serializers.IPAddressField(allow_null=True)
    current = serializers.BooleanField(help_text="Whether the request belongs to this session.")


class JWTRevokedSessionsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    revoked = serializers.IntegerField(help_text="How many sessions ended.")


class JWTObtainRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The user model's ``USERNAME_FIELD`` and the password (the schema is made per run)."""


class JWTErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """``{"detail": message}`` (and ``code`` with ``JWT_RESPONSE_ERROR_CODES``)."""


class JWTCodedErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The body of a refusal that always carries its code (503, and 400 for an unreadable
    body), whatever ``JWT_RESPONSE_ERROR_CODES`` says."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="The refusal's stable code.")


class JWTCookieBodySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The body of an answer whose tokens went to cookies (the schema is made per run)."""


class _OrCookies(serializers.Serializer):  # type: ignore[type-arg]
    """Base of the "token body or cookie body" markers; ``member`` is the token body."""

    member: Any = None


_OR_COOKIES: dict[Any, type[_OrCookies]] = {}


def _or_cookies(member: Any) -> Any:
    """The one marker class (so the one component) for ``member`` or the cookie body."""
    if member not in _OR_COOKIES:
        name = member.__name__.removesuffix("Serializer") + "OrCookiesSerializer"
        _OR_COOKIES[member] = type(name, (_OrCookies,), {"member": member})
    return _OR_COOKIES[member]


class JWTTokenOrCookieRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(
        required=False, help_text="A JSON Web Token; without it, the token cookie's."
    )


class JWTBadRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Field errors and ``non_field_errors``, or ``detail`` for an unreadable body."""


_CODE = {"code": {"type": "string", "description": "The refusal's stable code."}}


def _code_property() -> dict[str, Any]:
    return _CODE if api_settings.JWT_RESPONSE_ERROR_CODES else {}


class _Schema(OpenApiSerializerExtension):
    """A body whose schema depends on the settings when the schema is generated."""

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        raise NotImplementedError


class ObtainRequestSchema(_Schema):
    target_class = JWTObtainRequestSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        username = user_model().USERNAME_FIELD
        return {
            "type": "object",
            "properties": {
                username: {"type": "string", "writeOnly": True},
                "password": {"type": "string", "writeOnly": True, "maxLength": 4096},
            },
            "required": [username, "password"],
        }


class HandlerBodySchema(_Schema):
    target_class = JWTHandlerBodySerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        return {
            "type": "object",
            "description": "The body the project's JWT_RESPONSE_PAYLOAD_HANDLER returns.",
            "additionalProperties": {},
        }


class ErrorSchema(_Schema):
    target_class = JWTErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        return {
            "type": "object",
            "description": "code is there with JWT_RESPONSE_ERROR_CODES, and always for a "
            "failed CSRF check (csrf_failed).",
            "properties": {"detail": _STRING, **_CODE},
            "required": ["detail", *_code_property()],
        }


class CookieBodySchema(_Schema):
    target_class = JWTCookieBodySerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        pk = {}
        if api_settings.JWT_RESPONSE_PAYLOAD_HANDLER is utils.jwt_create_response_payload:
            pk = {"pk": {"type": "integer", "description": "The token's issued-at time."}}
        return {
            "type": "object",
            "description": "The answer when the tokens are in cookies, not in the body: for "
            "a browser in cookie mode, the names of the CSRF cookie and of the header to echo "
            "it in; for a token taken from a cookie, the body without the tokens.",
            "properties": {
                **pk,
                "csrf_cookie": {"type": "string", "description": "Django's CSRF cookie."},
                "csrf_header": {"type": "string", "description": "The header to echo it in."},
            },
        }


class OrCookiesSchema(_Schema):
    """A token body, or the body of an answer whose tokens went to cookies."""

    target_class = _OrCookies
    match_subclasses = True

    def get_name(self, auto_schema: Any, direction: Any) -> Any:
        return self.target.__class__.__name__.removesuffix("Serializer")

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        members = (self.target.member, JWTCookieBodySerializer)
        # anyOf: a cookie body documents no required key, so a token body matches it too.
        return {
            "anyOf": [auto_schema.resolve_serializer(m, direction).ref for m in members],
        }


class BadRequestSchema(_Schema):
    target_class = JWTBadRequestSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        return {
            "type": "object",
            "description": "The errors of each field, and non_field_errors (with "
            "JWT_RESPONSE_ERROR_CODES, and the code of the first); or detail and code "
            "(body_invalid) for a body that cannot be read or is not an object.",
            "properties": {"detail": _STRING, "non_field_errors": _STRINGS, **_CODE},
            "additionalProperties": _STRINGS,
        }


# --- views ------------------------------------------------------------------------------------


def _success_body(*, pair: bool) -> Any:
    """The body of a successful obtain, refresh or verify."""
    handler = api_settings.JWT_RESPONSE_PAYLOAD_HANDLER
    if handler is utils.jwt_response_payload_handler:
        return JWTTokenPairSerializer if pair else JWTTokenSerializer
    if handler is utils.jwt_create_response_payload:
        return JWTDrfJwtTokenPairSerializer if pair else JWTDrfJwtTokenSerializer
    return JWTHandlerBodySerializer


def _is_throttled(view: Any) -> bool:
    """Whether a throttle of ``view`` can refuse (the package's have a rate set)."""
    for throttle_class in view.throttle_classes:
        if not issubclass(throttle_class, JWTRateThrottle):
            return True
        if throttle_class().get_rate() is not None:
            return True
    return False


def _cookie_for(view: Any) -> str | None:
    """The cookie a token view takes the token from when the body has none (refresh, verify)."""
    cookie_for_request = getattr(view, "cookie_for_request", None)
    return cookie_for_request(None) if cookie_for_request is not None else None


def _reads_cookies(view: Any) -> bool:
    """Whether a request to ``view`` can be authenticated by a token cookie (so an unsafe one
    needs the CSRF token)."""
    if _cookie_for(view) and getattr(view, "cookie_csrf", True):
        return True
    if isinstance(view, session_views.LogoutView) and cookies.refresh_cookie():
        return True
    return any(
        JSONWebTokenScheme(authenticator).cookies
        for authenticator in view.get_authenticators()
        if isinstance(authenticator, BaseJSONWebTokenAuthentication)
    )


def _csrf_refuses(view: Any, *, unsafe: bool) -> bool:
    """Whether an unsafe request to ``view`` can fail the CSRF check of the token cookies."""
    return bool(unsafe and api_settings.JWT_AUTH_COOKIE_CSRF and _reads_cookies(view))


def _refuses_authenticated(view: Any) -> bool:
    """Whether a permission of ``view`` can refuse an authenticated user."""
    return any(p not in (AllowAny, IsAuthenticated) for p in view.permission_classes)


def _refuses_revoked(authenticators: Sequence[Any]) -> bool:
    """Whether a revoked token gets drf-jwt's 403 (a JWT class in drf-jwt mode)."""
    if not api_settings.is_drf_jwt:
        return False
    return any(isinstance(a, BaseJSONWebTokenAuthentication) for a in authenticators)


def _auth_statuses(view: Any, *, unsafe: bool) -> list[int]:
    """401 and 403 as ``view`` can answer them: DRF sends 403 instead of 401 when the first
    authentication class has no ``WWW-Authenticate`` challenge; a failed CSRF check is a 403."""
    statuses = {403} if _csrf_refuses(view, unsafe=unsafe) else set()
    authenticators = view.get_authenticators()
    if not authenticators:
        return sorted(statuses)
    challenge = bool(authenticators[0].authenticate_header(None))
    statuses.add(401 if challenge else 403)
    if _refuses_authenticated(view) or _refuses_revoked(authenticators):
        statuses.add(403)
    return sorted(statuses)


_DESCRIPTIONS = {
    400: "The request is invalid.",
    401: "The token is missing, expired, revoked or invalid.",
    403: "The request is not allowed.",
    404: "No such session of the user.",
    429: "Too many failed attempts; retry after the time given.",
    501: "Token revocation is not enabled (rest_framework_jwt.blacklist is not installed).",
    503: "The token store or the database cannot be reached; try again later.",
}


def _errors(
    view: Any, *, validates: bool = True, not_found: bool = False, unsafe: bool = True
) -> dict[int, Any]:
    statuses = [400, *_auth_statuses(view, unsafe=unsafe)]
    if not_found:
        statuses.append(404)
    if _is_throttled(view):
        statuses.append(429)
    if isinstance(view, session_views._RevocationView) and not revocation.available():
        statuses.append(501)
    statuses.append(503)
    bodies = {400: JWTBadRequestSerializer if validates else JWTCodedErrorSerializer}
    bodies[503] = JWTCodedErrorSerializer
    return {
        status: OpenApiResponse(
            bodies.get(status, JWTErrorSerializer), description=_DESCRIPTIONS[status]
        )
        for status in statuses
    }


def _cookie_header(view: Any, status: int, *, pair: bool = False) -> list[OpenApiParameter]:
    """The ``Set-Cookie`` header of a success that sets the token cookies."""
    if not _delivers_to_cookies(view):
        return []
    names = [f"{getattr(api_settings, view.cookie_setting)} (the token)"]
    if pair and cookies.refresh_cookie():
        names.append(f"{cookies.refresh_cookie()} (the refresh token)")
    if api_settings.JWT_AUTH_COOKIE_CSRF:
        names.append(f"{django_settings.CSRF_COOKIE_NAME} (Django's CSRF token)")
    described = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return [
        OpenApiParameter(
            "Set-Cookie",
            str,
            OpenApiParameter.HEADER,
            response=[status],
            description=f"The cookies {described}."
            if len(names) > 1
            else f"The cookie {described}.",
        )
    ]


def _delivers_to_cookies(view: Any) -> bool:
    """Whether a success of ``view`` sets the token cookie."""
    return bool(view.cookie_setting and getattr(api_settings, view.cookie_setting, None))


_DELIVERY_PARAMETER = OpenApiParameter(
    cookies.DELIVERY_HEADER,
    str,
    OpenApiParameter.HEADER,
    enum=[cookies.BODY],
    description="Cookie mode: `body` to get the tokens in the body and no cookies (mobile and "
    "other API clients).",
)


def _offers_body_delivery(view: Any) -> bool:
    """Whether a request to ``view`` may ask for the tokens in the body instead of cookies."""
    return _delivers_to_cookies(view) and api_settings.cookie_mode


def _token_body(view: Any, *, pair: bool) -> Any:
    """The success body of obtain, refresh or verify; the tokens may be in cookies instead (and
    then not in the body)."""
    body = _success_body(pair=pair)
    if body is JWTHandlerBodySerializer:
        return body
    if _offers_body_delivery(view) or _cookie_for(view):
        return _or_cookies(body)
    return body


def _token_parameters(view: Any, status: int, *, pair: bool) -> list[OpenApiParameter]:
    """The headers of obtain, refresh or verify: ``Set-Cookie`` and the delivery choice."""
    parameters = _cookie_header(view, status, pair=pair)
    if _offers_body_delivery(view):
        parameters.append(_DELIVERY_PARAMETER)
    return parameters


def _operation(
    method: str, summary: str, description: str, answers: dict[int, Any], **arguments: Any
) -> dict[str, dict[str, Any]]:
    """The ``extend_schema`` arguments of one handler ``method``: its summary and description,
    its ``answers`` (status -> response; the success first, then the errors) and any other
    ``arguments`` (``request``, ``parameters``)."""
    return {
        method: {"summary": summary, "description": description, "responses": answers, **arguments}
    }


class _PackageView(OpenApiViewExtension):
    """A view of the package (and the project's subclasses of it): ``operations()`` gives the
    ``extend_schema`` arguments of each handler method."""

    match_subclasses = True

    def operations(self, view: Any) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def view_replacement(self) -> Any:
        target = self.target
        operations = self.operations(target())
        replacement = type(
            target.__name__,
            (target,),
            {"__module__": target.__module__, "__doc__": target.__doc__},
        )
        return extend_schema_view(
            **{
                method: extend_schema(tags=[TAG], **arguments)
                for method, arguments in operations.items()
            }
        )(replacement)


class _TokenView(_PackageView):
    """Obtain, refresh and verify: a serializer in, the response handler's body out."""

    #: The package's serializer for this view; a subclass's own serializer stands as it is.
    serializer: Any = None
    summary = ""
    description = ""
    pair = False

    def request(self, view: Any) -> Any:
        return NotImplemented

    def operations(self, view: Any) -> dict[str, dict[str, Any]]:
        serializer = view.get_serializer_class()
        own = serializer in self.own_serializers()
        status = 201 if api_settings.is_drf_jwt else 200
        pair = self.pair and rotation.enabled()
        return _operation(
            "post",
            self.summary,
            self.description,
            {
                status: OpenApiResponse(_token_body(view, pair=pair), description="The token."),
                **_errors(view),
            },
            request=self.request(view) if own else serializer,
            parameters=_token_parameters(view, status, pair=pair),
        )

    def own_serializers(self) -> tuple[Any, ...]:
        return (self.serializer,)


class ObtainView(_TokenView):
    target_class = views.ObtainJSONWebToken
    serializer = JSONWebTokenSerializer
    summary = "Obtain a token"
    description = (
        "Log in with the user's username and password; the answer is a new token (and, in "
        "refresh-token mode, a refresh token)."
    )
    pair = True

    def request(self, view: Any) -> Any:
        return JWTObtainRequestSerializer


class VerifyView(_TokenView):
    target_class = views.VerifyJSONWebToken
    serializer = VerifyJSONWebTokenSerializer
    summary = "Verify a token"
    description = "Check a token; a valid one comes back as it is."

    def request(self, view: Any) -> Any:
        return JWTTokenOrCookieRequestSerializer if _cookie_for(view) else JWTTokenRequestSerializer


class RefreshView(_TokenView):
    target_class = views.RefreshJSONWebToken
    serializer = RefreshJSONWebTokenSerializer
    summary = "Refresh a token"
    description = (
        "Exchange a token, within JWT_REFRESH_EXPIRATION_DELTA of its login, for a new one; in "
        "refresh-token mode, exchange the refresh token for a new access and refresh token "
        "(a refresh token works once)."
    )
    pair = True

    def own_serializers(self) -> tuple[Any, ...]:
        return (RefreshJSONWebTokenSerializer, RotateRefreshTokenSerializer)

    def request(self, view: Any) -> Any:
        if rotation.enabled():
            return JWTRefreshRequestSerializer
        return JWTTokenOrCookieRequestSerializer if _cookie_for(view) else JWTTokenRequestSerializer


class ImpersonateView(_PackageView):
    target_class = views.ImpersonateJSONWebToken

    def operations(self, view: Any) -> dict[str, dict[str, Any]]:
        serializer = view.get_serializer_class()
        body: Any = JWTTokenSerializer  # {"token"} whatever the serializer (as in drf-jwt)
        parameters = _cookie_header(view, 201)
        if _offers_body_delivery(view):
            parameters.append(_DELIVERY_PARAMETER)
            body = _or_cookies(body)
        return _operation(
            "post",
            "Impersonate a user",
            "A superuser obtains a short-lived token for another user; the token names the "
            "superuser in its act claim.",
            {201: OpenApiResponse(body, description="The token."), **_errors(view)},
            request=serializer,
            parameters=parameters,
        )


class LogoutView(_PackageView):
    """Logout, and drf-jwt's ``BlacklistView`` (a subclass of it)."""

    target_class = session_views.LogoutView

    def operations(self, view: Any) -> dict[str, dict[str, Any]]:
        if hasattr(view, "create"):  # BlacklistView, routed as {"post": "create"}
            return _operation(
                "create",
                "Blacklist a token",
                "drf-jwt's endpoint: revoke the token in the body, or the request's own.",
                {
                    201: OpenApiResponse(JWTBlacklistResponseSerializer, description="Revoked."),
                    **_errors(view),
                },
                request=JWTBlacklistRequestSerializer,
            )
        return _operation(
            "post",
            "Log out",
            "Revoke the token that authenticates the request, and any token or refresh token "
            "in the body (of the same user).",
            {204: OpenApiResponse(description="Revoked."), **_errors(view)},
            request=JWTLogoutRequestSerializer,
        )


class _SessionView(_PackageView):
    """A view of session_views that takes no body to validate: one handler, described by the
    class attributes."""

    method = "post"
    summary = ""
    description = ""
    #: The success: (status, body serializer or None, description).
    success: tuple[int, Any, str] = (204, None, "")
    #: The arguments of ``_errors`` besides ``validates=False``.
    errors: dict[str, bool] = {}

    def operations(self, view: Any) -> dict[str, dict[str, Any]]:
        status, body, text = self.success
        arguments = {"request": None} if self.method == "post" else {}
        return _operation(
            self.method,
            self.summary,
            self.description,
            {
                status: OpenApiResponse(body, description=text),
                **_errors(view, validates=False, **self.errors),
            },
            **arguments,
        )


class LogoutAllView(_SessionView):
    target_class = session_views.LogoutAllView
    summary = "Log out everywhere"
    description = "Revoke every token of the user, on every device."
    success = (204, None, "Revoked.")


class SessionListView(_SessionView):
    target_class = session_views.SessionListView
    method = "get"
    summary = "List the user's sessions"
    description = "The user's active sessions (refresh-token families)."
    success = (200, JWTSessionSerializer(many=True), "The sessions.")
    errors = {"unsafe": False}


class SessionDetailView(_SessionView):
    target_class = session_views.SessionDetailView
    method = "delete"
    summary = "End a session"
    description = "Revoke one of the user's sessions."
    success = (204, None, "Ended.")
    errors = {"not_found": True}


class RevokeOtherSessionsView(_SessionView):
    target_class = session_views.RevokeOtherSessionsView
    summary = "End the other sessions"
    description = "Revoke every session of the user except the request's own."
    success = (200, JWTRevokedSessionsSerializer, "The sessions ended.")


__all__ = [
    "COOKIE_SCHEME",
    "HEADER_SCHEME",
    "IMPERSONATION_COOKIE_SCHEME",
    "TRUSTED_ISSUER_SCHEME",
    "JSONWebTokenScheme",
    "TrustedIssuerScheme",
]
