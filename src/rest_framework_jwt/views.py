"""The token endpoints: obtain, refresh, verify, and (drf-jwt) impersonate."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import JSONWebTokenAuthentication
from .cookies import set_token_cookie
from .permissions import IsSuperUser
from .serializers import (
    ImpersonateAuthTokenSerializer,
    JSONWebTokenSerializer,
    RefreshJSONWebTokenSerializer,
    VerifyJSONWebTokenSerializer,
)
from .settings import api_settings
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


class JSONWebTokenAPIView(APIView):
    """Base view: validate the serializer, answer the token body (1.x API)."""

    permission_classes: Any = ()
    authentication_classes: Any = ()
    serializer_class: Any = None
    cookie_setting = "JWT_AUTH_COOKIE"

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

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        drf_jwt = api_settings.is_drf_jwt
        if not serializer.is_valid(raise_exception=drf_jwt):
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        data = serializer.validated_data
        user = data.get("user") or request.user
        token = data.get("token")
        payload = data.get("payload") or {}
        issued_at = payload.get("iat")
        body = call_response_handler(jwt_response_payload_handler, token, user, request, issued_at)
        response = Response(body, status=status.HTTP_201_CREATED if drf_jwt else 200)
        response["Cache-Control"] = "no-store"
        cookie = getattr(api_settings, self.cookie_setting)
        if cookie:
            set_token_cookie(response, cookie, token)
        return response


class ObtainJSONWebToken(JSONWebTokenAPIView):
    """POST a username and password; answer a new token."""

    serializer_class = JSONWebTokenSerializer


class VerifyJSONWebToken(JSONWebTokenAPIView):
    """POST a token; answer it back if it is valid."""

    serializer_class = VerifyJSONWebTokenSerializer


class RefreshJSONWebToken(JSONWebTokenAPIView):
    """POST a token; answer a new one with a renewed expiry."""

    serializer_class = RefreshJSONWebTokenSerializer


class ImpersonateJSONWebToken(JSONWebTokenAPIView):
    """POST ``{"user": <pk>}`` as a superuser; answer a short-lived token for that user."""

    serializer_class = ImpersonateAuthTokenSerializer
    permission_classes: Any = (IsSuperUser,)
    cookie_setting = "JWT_IMPERSONATION_COOKIE"

    def get_authenticators(self) -> list[Any]:
        # The project's default authentication classes, as in drf-jwt.
        return [auth() for auth in APIView.authentication_classes]

    def get_permissions(self) -> list[BasePermission]:
        return [permission() for permission in self.permission_classes]

    def get_authenticate_header(self, request: Request) -> str:
        # An anonymous caller gets a 401 with our challenge even when the project lists an
        # authentication class without one (SessionAuthentication) first.
        header = super().get_authenticate_header(request)
        return header or JSONWebTokenAuthentication().authenticate_header(request)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid(raise_exception=api_settings.is_drf_jwt):
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = serializer.validated_data["token"]
        response = Response({"token": token}, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        cookie = api_settings.JWT_IMPERSONATION_COOKIE
        if cookie:
            set_token_cookie(response, cookie, token)
        return response


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
