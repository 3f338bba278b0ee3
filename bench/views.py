"""The views the benchmark measures.

Every protected view answers the same small body, ``{"user_id": ...}``, through the same DRF
dispatch (JSON renderer only); only the authentication differs.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import jwt
from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench import keys
from bench import settings as bench_settings
from rest_framework_jwt import views as jwt_views
from rest_framework_jwt.authentication import JSONWebTokenAuthentication


def ping(request: Any) -> HttpResponse:
    """Readiness probe for ``--gunicorn``."""
    return HttpResponse(b"ok", content_type="text/plain")


class FloorView(APIView):
    """DRF dispatch alone: no authentication, no token. Shows what no JWT package can remove."""

    authentication_classes = ()
    permission_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"user_id": None})


class LimitView(APIView):
    """The limit: no authentication class, one raw ``jwt.decode`` of the header's token.

    The key is parsed once (``keys.verification_key``), as any careful caller would.
    """

    authentication_classes = ()
    permission_classes = ()
    algorithm = "HS256"

    def get(self, request: Request) -> Response:
        token = request.META["HTTP_AUTHORIZATION"].split()[1]
        payload = jwt.decode(
            token, keys.verification_key(self.algorithm), algorithms=[self.algorithm]
        )
        return Response({"user_id": payload["user_id"]})


class ProtectedView(APIView):
    """A protected view; each route sets ``authentication_classes``."""

    permission_classes = (IsAuthenticated,)

    def get(self, request: Request) -> Response:
        return Response({"user_id": request.user.pk})


def ours_default() -> Any:
    return ProtectedView.as_view(authentication_classes=(JSONWebTokenAuthentication,))


def ours_external() -> Any:
    """TrustedIssuerAuthentication: a token of an external issuer, its JWK Set cached."""
    from rest_framework_jwt.authentication import TrustedIssuerAuthentication

    return ProtectedView.as_view(authentication_classes=(TrustedIssuerAuthentication,))


def ours_stateless() -> Any | None:
    """The stateless mode's view, or None while the package has no such class."""
    try:
        authentication = import_string(bench_settings.STATELESS_AUTHENTICATION)
    except ImportError:
        return None
    return ProtectedView.as_view(authentication_classes=(authentication,))


ours_obtain = jwt_views.obtain_jwt_token
ours_refresh = jwt_views.refresh_jwt_token
ours_verify = jwt_views.verify_jwt_token


if settings.HAS_SIMPLEJWT:
    from rest_framework_simplejwt import serializers as sj_serializers
    from rest_framework_simplejwt.authentication import (
        JWTAuthentication,
        JWTStatelessUserAuthentication,
    )
    from rest_framework_simplejwt.views import (
        TokenObtainPairView,
        TokenRefreshView,
        TokenVerifyView,
    )

    @contextmanager
    def simplejwt_rotation() -> Any:
        """``ROTATE_REFRESH_TOKENS`` on for the duration (simplejwt binds its settings at import,
        so ``override_settings`` does not reach its serializers)."""
        settings_object = sj_serializers.api_settings
        previous = settings_object.ROTATE_REFRESH_TOKENS
        settings_object.ROTATE_REFRESH_TOKENS = True
        try:
            yield
        finally:
            settings_object.ROTATE_REFRESH_TOKENS = previous

    class RotatingTokenRefreshView(TokenRefreshView):
        """simplejwt's TokenRefreshView with ``ROTATE_REFRESH_TOKENS`` on (no blacklist app)."""

        def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
            with simplejwt_rotation():
                return super().post(request, *args, **kwargs)

    def sj_stateless() -> Any:
        return ProtectedView.as_view(authentication_classes=(JWTStatelessUserAuthentication,))

    def sj_default() -> Any:
        return ProtectedView.as_view(authentication_classes=(JWTAuthentication,))

    sj_obtain = TokenObtainPairView.as_view()
    sj_refresh = TokenRefreshView.as_view()
    sj_refresh_rotating = RotatingTokenRefreshView.as_view()
    sj_verify = TokenVerifyView.as_view()
