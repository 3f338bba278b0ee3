"""The token endpoints: obtain, refresh, verify, and (drf-jwt) impersonate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import connections
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings as drf_settings
from rest_framework.views import APIView

from . import cookies, rotation, verification
from .authentication import JSONWebTokenAuthentication
from .bodies import CheckedBodyMixin, CodedErrorsMixin
from .exceptions import with_code
from .permissions import IsSuperUser
from .revocation import StoreOutageMixin
from .serializers import (
    IMPERSONATION_NESTED,
    ImpersonateAuthTokenSerializer,
    JSONWebTokenSerializer,
    RefreshJSONWebTokenSerializer,
    RotateRefreshTokenSerializer,
    VerifyJSONWebTokenSerializer,
    impersonation_credential,
)
from .settings import api_settings
from .signals import token_issued, token_refreshed, token_refused
from .throttling import ObtainIPThrottle, ObtainUsernameThrottle, RefreshIPThrottle
from .utils import call_response_handler


def jwt_response_payload_handler(
    token: str, user: Any = None, request: Any = None, issued_at: Any = None
) -> Any:
    """The configured ``JWT_RESPONSE_PAYLOAD_HANDLER`` (module-level name kept from 1.x).

    1.x tests replace this name in the module; the views look it up on every call.
    """
    return call_response_handler(
        api_settings.JWT_RESPONSE_PAYLOAD_HANDLER, token, user, request, issued_at
    )


class JSONWebTokenAPIView(
    cookies.ClearRefusedCookiesMixin,
    CheckedBodyMixin,
    CodedErrorsMixin,
    StoreOutageMixin,
    APIView,
):
    """Base view: validate the serializer, answer the token body (1.x API).

    An unreadable body, or one that is not an object, is a 400 (``body_invalid``); a token
    store or database that cannot be reached is a 503 (``temporarily_unavailable``); with
    ``JWT_RESPONSE_ERROR_CODES`` every error body carries its code.
    """

    permission_classes: Any = ()
    authentication_classes: Any = ()
    serializer_class: Any = None
    #: The setting that names the cookie a success sets to the new token (None: no cookie).
    cookie_setting: str | None = "JWT_AUTH_COOKIE"

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self}

    def get_serializer_class(self) -> Any:
        assert self.serializer_class is not None, (
            f"'{self.__class__.__name__}' should either include a `serializer_class` "
            "attribute, or override the `get_serializer_class()` method."
        )
        return self.serializer_class

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer_class = self.get_serializer_class()
        kwargs["context"] = self.get_serializer_context()
        return serializer_class(*args, **kwargs)

    def throttle_field(self, name: str) -> Any:
        """The field the serializer validates ``name`` with, when its class tells it without
        being built (``throttle_field`` of the class; ``JSONWebTokenSerializer`` has one), and
        this view builds it the usual way; else None (the throttle builds one)."""
        if type(self).get_serializer is not JSONWebTokenAPIView.get_serializer:
            return None
        known = getattr(self.get_serializer_class(), "throttle_field", None)
        return known(name) if known is not None else None

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=self.request_data(request))
        if not serializer.is_valid():
            return self._failed_validation(request, serializer)
        data = _success_data(serializer.validated_data, request)
        self.succeeded(request, data)
        self.count_attempt(request, failed=False)
        to_cookies = self.delivers_to_cookies(request)
        response = Response(
            self._delivered_body(request, data, browser=to_cookies and self.in_cookie_mode()),
            status=status.HTTP_201_CREATED if api_settings.is_drf_jwt else status.HTTP_200_OK,
        )
        response["Cache-Control"] = "no-store"
        if to_cookies:
            self.set_cookies(request, response, data)
        return response

    def _failed_validation(self, request: Request, serializer: Any) -> Response:
        if drf_settings.NON_FIELD_ERRORS_KEY in serializer.errors:
            # validate() refused the credentials or the token. A field refused before it
            # (missing, not a string) is no attempt and is not counted.
            self.count_attempt(request, failed=True)
            if self.cookie_token is not None and self.cookie_csrf:
                # A dead session: its cookies are cleared (not by verify, which any page
                # may call without a CSRF token).
                cookies.mark_refused(request)
        return self.invalid(request, serializer)

    def _delivered_body(self, request: Request, data: dict[str, Any], *, browser: bool) -> Any:
        """The body of a success as it is sent: ``browser`` (cookie mode, the tokens in
        cookies) describes the CSRF cookie instead of the tokens."""
        body = self.response_body(request, data)
        if browser or self.cookie_token is not None:
            # The tokens stay where a script cannot read them (cookie mode, or a token the
            # request took from its cookie).
            body = _without_tokens(body)
        if browser:
            body = {**body, **cookies.csrf_description()}
        return body

    #: The token cookie that the body of this request was completed from (None: the body's).
    cookie_token: str | None = None

    def cookie_for_request(self, request: Request) -> str | None:
        """The name of the cookie whose token this view uses when the body has none (refresh,
        verify); None for a view that takes none."""
        return None

    def request_data(self, request: Request) -> Any:
        """The data for the serializer: the body, or, when the body has no token and the view
        takes one from a cookie, that cookie's token (which must pass the CSRF check)."""
        data: Any = request.data
        name = self.cookie_for_request(request)
        if not name or any(data.get(field) for field in ("token", "refresh_token")):
            return data
        value = request.COOKIES.get(name)
        if not value:
            return data
        if self.cookie_csrf and cookies.csrf_required(request):
            cookies.enforce_csrf(request)
        self.cookie_token = value
        return {"token": value}

    #: Whether a token taken from a cookie needs the CSRF check (not for verify: it changes
    #: nothing and answers no token).
    cookie_csrf = True

    #: Cookie mode for this view: None follows ``JWT_COOKIE_MODE``; False is header mode
    #: (tokens in the body, no cookie, as for routes kept for API clients:
    #: ``ObtainJSONWebToken.as_view(cookie_mode=False)``); True is cookie mode for this view
    #: alone (with the cookie keys as configured).
    cookie_mode: bool | None = None

    def in_cookie_mode(self) -> bool:
        """True when this view answers browsers with cookies and no token in the body."""
        return api_settings.cookie_mode if self.cookie_mode is None else self.cookie_mode

    def delivers_to_cookies(self, request: Request) -> bool:
        """True when this answer sets the token cookie: the view has one and it is configured
        and the view is not in header mode; outside cookie mode always (1.x), in cookie mode
        unless the client asked for the body."""
        name = getattr(api_settings, self.cookie_setting) if self.cookie_setting else None
        if not name or self.cookie_mode is False:
            return False
        return not (self.in_cookie_mode() and cookies.asks_for_body(request))

    def set_cookies(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        """Set the token cookie (and the refresh cookie, for a refresh token) and Django's
        CSRF cookie; a login gets a new CSRF token."""
        name = getattr(api_settings, str(self.cookie_setting))
        if isinstance(data["token"], str):
            lifetime = cookies.lifetime_of(data["payload"])
            cookies.set_token_cookie(response, name, data["token"], lifetime)
        refresh, refresh_name = data.get("refresh_token"), cookies.refresh_cookie()
        if isinstance(refresh, str) and refresh_name:
            lifetime = cookies.lifetime_of(verification.unverified_claims(refresh))
            cookies.set_token_cookie(response, refresh_name, refresh, lifetime, refresh=True)
        if api_settings.JWT_AUTH_COOKIE_CSRF:
            cookies.issue_csrf_token(request, response, rotate=self.rotates_csrf_token)

    #: Whether a success here is a login that gets a new CSRF token (obtain, impersonate).
    rotates_csrf_token = True

    def response_body(self, request: Request, data: dict[str, Any]) -> Any:
        """The body of a success: the configured response payload handler's result, plus
        ``refresh_token`` in refresh-token mode."""
        body = call_response_handler(
            jwt_response_payload_handler,
            data["token"],
            data["user"],
            request,
            data["issued_at"],
        )
        if data.get("refresh_token") and isinstance(body, dict):
            body = {**body, "refresh_token": data["refresh_token"]}
        return body

    def succeeded(self, request: Request, data: dict[str, Any]) -> None:
        """Hook called after a successful validation (signals)."""

    #: get_throttles() answers the same instances for the whole request, so the throttles
    #: that count in one cache read their counts together (throttling.py).
    reuses_throttles = True

    def get_throttles(self) -> list[Any]:
        # The same instances for the check before the handler and the count after it.
        throttles = self.__dict__.get("_throttles")
        if throttles is None:
            throttles = self.__dict__["_throttles"] = super().get_throttles()
        return throttles

    def count_attempt(self, request: Request, *, failed: bool) -> None:
        """Tell the throttles the outcome; they count failures only (throttling.py)."""
        for throttle in self.get_throttles():
            record = getattr(throttle, "failed" if failed else "succeeded", None)
            if record is not None:
                record(request, self)

    def invalid(self, request: Request, serializer: Any) -> Response:
        """Answer a failed validation: 1.x returns the errors, drf-jwt raises them."""
        errors = serializer.errors
        code = _first_code(errors)
        if code is not None:
            self.refused(request, code)
        body = dict(errors)
        if api_settings.JWT_RESPONSE_ERROR_CODES:
            body = with_code(body)
        if not api_settings.is_drf_jwt:
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        # drf-jwt sends the errors through DRF's exception handler (a custom EXCEPTION_HANDLER
        # formats them). That handler also marks ATOMIC_REQUESTS transactions for rollback,
        # which would undo the one write a refusal must keep: the revocation of the family of
        # a reused refresh token.
        response = self.handle_exception(ValidationError(body))
        if code == "refresh_token_reused":
            for connection in connections.all(initialized_only=True):
                if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
                    connection.set_rollback(False)
        return response

    def refused(self, request: Request, code: str) -> None:
        """Hook called when validation failed with a token or credentials error."""
        token_refused.send(sender=type(self), request=request, code=code)


def _success_data(validated: Any, request: Request) -> dict[str, Any]:
    """The serializer's result with every key the success path reads.

    Our serializers return ``token``, ``user`` and ``payload``; a project's own serializer (as
    drf-jwt allows) may return only ``token``, or ``token`` and ``user``. The user then
    defaults to ``request.user``, the payload to the token's own claims (the token was just
    made or accepted by the serializer; they are read, not verified again), and ``issued_at``
    to its ``iat``.
    """
    data = dict(validated) if isinstance(validated, Mapping) else {}
    token = data.get("token")
    payload = data.get("payload")
    if not isinstance(payload, Mapping):
        payload = verification.unverified_claims(token) or {}
    data["token"] = token
    data["payload"] = payload
    data["user"] = data.get("user") or request.user
    if data.get("issued_at") is None:
        data["issued_at"] = payload.get("iat")
    return data


def _without_tokens(body: Any) -> dict[str, Any]:
    """A body for a browser: the response payload handler's body without the tokens."""
    if not isinstance(body, Mapping):
        return {}
    return {key: value for key, value in body.items() if key not in ("token", "refresh_token")}


def _first_code(errors: Any) -> str | None:
    """The code of the first non-field error (ours are stable; DRF's generic one is not)."""
    for detail in errors.get(drf_settings.NON_FIELD_ERRORS_KEY, []):
        code = getattr(detail, "code", None)
        if code and code != "invalid":
            return str(code)
    return None


class ObtainJSONWebToken(JSONWebTokenAPIView):
    """POST a username and password; answer a new token."""

    serializer_class = JSONWebTokenSerializer
    throttle_classes = (ObtainIPThrottle, ObtainUsernameThrottle)

    def succeeded(self, request: Request, data: dict[str, Any]) -> None:
        user = data["user"]
        token_issued.send(sender=type(self), user=user, request=request, payload=data["payload"])
        if getattr(user, "is_authenticated", False):
            user_logged_in.send(sender=type(user), request=request, user=user)

    def refused(self, request: Request, code: str) -> None:
        # Failed credentials already sent Django's user_login_failed from authenticate().
        pass


class VerifyJSONWebToken(JSONWebTokenAPIView):
    """POST a token; answer it back if it is valid.

    It never sets the token cookie (1.x and drf-jwt did): a cross-site form could post an
    attacker's token here and have the victim's browser store it (login CSRF).
    """

    serializer_class = VerifyJSONWebTokenSerializer
    cookie_setting = None
    cookie_csrf = False

    def cookie_for_request(self, request: Request) -> str | None:
        # A POST without a token verifies the access cookie; the answer then has no token in
        # it (a script on the page must not read what HttpOnly hides).
        return cookies.access_cookie()


class RefreshJSONWebToken(JSONWebTokenAPIView):
    """POST a token; answer a new one with a renewed expiry.

    In refresh-token mode (``JWT_REFRESH_TOKENS``), POST a refresh token; answer a new pair.
    """

    serializer_class = RefreshJSONWebTokenSerializer
    throttle_classes = (RefreshIPThrottle,)
    rotates_csrf_token = False

    def cookie_for_request(self, request: Request) -> str | None:
        # A POST without a token refreshes from the refresh cookie (refresh-token mode) or
        # the access cookie.
        return cookies.refresh_cookie() if rotation.enabled() else cookies.access_cookie()

    def get_serializer_class(self) -> Any:
        if rotation.enabled() and self.serializer_class is RefreshJSONWebTokenSerializer:
            return RotateRefreshTokenSerializer
        return super().get_serializer_class()

    def succeeded(self, request: Request, data: dict[str, Any]) -> None:
        token_refreshed.send(
            sender=type(self),
            user=data["user"],
            request=request,
            payload=data["payload"],
            previous=data.get("previous"),
        )


class ImpersonateJSONWebToken(JSONWebTokenAPIView):
    """POST ``{"user": <pk>}`` as a superuser; answer a short-lived token for that user."""

    serializer_class = ImpersonateAuthTokenSerializer
    permission_classes: Any = (IsSuperUser,)
    cookie_setting = "JWT_IMPERSONATION_COOKIE"

    def get_authenticators(self) -> list[Any]:
        # The project's default authentication classes, as in drf-jwt.
        return [auth() for auth in APIView.authentication_classes]

    def get_authenticate_header(self, request: Request) -> str:
        # An anonymous caller gets a 401 with our challenge even when the project lists an
        # authentication class without one (SessionAuthentication) first.
        header = super().get_authenticate_header(request)
        return header or JSONWebTokenAuthentication().authenticate_header(request)

    def check_permissions(self, request: Request) -> None:
        """The permission classes, then: an impersonation token never impersonates again
        (403, code ``impersonation_nested``), whatever permission classes a subclass sets."""
        super().check_permissions(request)
        if impersonation_credential(request):
            raise PermissionDenied(IMPERSONATION_NESTED, code="impersonation_nested")

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            response.status_code = status.HTTP_201_CREATED  # as in drf-jwt, in both modes
        return response

    def response_body(self, request: Request, data: dict[str, Any]) -> Any:
        # As in drf-jwt, this view does not use the response payload handler.
        return {"token": data["token"]}

    def succeeded(self, request: Request, data: dict[str, Any]) -> None:
        token_issued.send(
            sender=type(self), user=data["user"], request=request, payload=data["payload"]
        )


# drf-jwt's names.
BaseJSONWebTokenAPIView = JSONWebTokenAPIView
ObtainJSONWebTokenView = ObtainJSONWebToken
VerifyJSONWebTokenView = VerifyJSONWebToken
RefreshJSONWebTokenView = RefreshJSONWebToken
ImpersonateJSONWebTokenView = ImpersonateJSONWebToken

obtain_jwt_token = ObtainJSONWebToken.as_view()
refresh_jwt_token = RefreshJSONWebToken.as_view()
verify_jwt_token = VerifyJSONWebToken.as_view()
impersonate_jwt_token = ImpersonateJSONWebToken.as_view()

__all__ = [
    "BaseJSONWebTokenAPIView",
    "ImpersonateJSONWebToken",
    "ImpersonateJSONWebTokenView",
    "JSONWebTokenAPIView",
    "ObtainJSONWebToken",
    "ObtainJSONWebTokenView",
    "RefreshJSONWebToken",
    "RefreshJSONWebTokenView",
    "VerifyJSONWebToken",
    "VerifyJSONWebTokenView",
    "impersonate_jwt_token",
    "obtain_jwt_token",
    "refresh_jwt_token",
    "verify_jwt_token",
]
