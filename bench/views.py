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
from rest_framework_jwt import authentication, cookies, rotation
from rest_framework_jwt import views as jwt_views
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from rest_framework_jwt.exceptions import TokenError


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


# --- What the async support costs the sync path (cases "async-cost ..." of bench/cases.py) ---


class _DirectPath:
    """``authenticate()`` as the sync path would read without the async support: the steps of
    ``BaseJSONWebTokenAuthentication._steps`` called one after the other, with no generator,
    no step tuples and no driver. Same work, same answers on the success path (each
    case's check asks for a 200); bench only."""

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        auth: Any = self
        jwt_value = auth.get_jwt_value(request)
        if jwt_value is None:
            return None
        token = auth.verify_token(jwt_value)
        revoked = None
        if type(auth).authenticate_credentials is authentication._DEFAULT_CREDENTIALS:
            user, revoked = auth._load_user(token)
        else:
            user = auth.authenticate_credentials(token.payload)
        try:
            rotation.require_type(token, rotation.ACCESS)
            auth._check_revocation(token, user, revoked)
            if token.is_impersonation:
                auth.check_actor(token)
        except TokenError as error:  # pragma: no cover - the bench sends valid tokens
            authentication.refuse_error(error)
        if cookies.csrf_required(request) and cookies.token_from_cookie(request, token.raw):
            auth.enforce_csrf(request)
        return authentication._accepted(request, (user, token))  # type: ignore[no-any-return]


class DirectJSONWebTokenAuthentication(_DirectPath, JSONWebTokenAuthentication):
    pass


class DirectStatelessJSONWebTokenAuthentication(_DirectPath, StatelessJSONWebTokenAuthentication):
    pass


class _Stubbed:
    """The I/O steps answer what they answered the first time (the case's check, before the
    clock): what is left to time is the orchestration of the steps around them."""

    _token: Any = None
    _user: Any = None

    def verify_token(self, jwt_value: str | bytes) -> Any:
        if self._token is None:
            self._token = super().verify_token(jwt_value)  # type: ignore[misc]
        return self._token

    def _load_user(self, token: Any) -> Any:
        if self._user is None:
            self._user = super()._load_user(token)  # type: ignore[misc]
        return self._user

    def _check_revocation(self, token: Any, user: Any, revoked: Any) -> None:
        return None


class StubbedJSONWebTokenAuthentication(_Stubbed, JSONWebTokenAuthentication):
    pass


class StubbedDirectJSONWebTokenAuthentication(_Stubbed, _DirectPath, JSONWebTokenAuthentication):
    pass


class _Outcome:
    """What :class:`AuthenticateOnly` answers: a status, and a ``render()`` that does nothing."""

    __slots__ = ("status_code",)

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code

    def render(self) -> _Outcome:
        return self


class AuthenticateOnly:
    """Calls ``authenticate()`` of one authentication instance on a DRF ``Request``: 200 for
    a user, 401 for none (a refused token raises)."""

    def __init__(self, authentication_class: type) -> None:
        self.authentication = authentication_class()

    def __call__(self, request: Request) -> _Outcome:
        found = self.authentication.authenticate(request)
        return _Outcome(200 if found is not None else 401)


def auth_default_driver() -> AuthenticateOnly:
    return AuthenticateOnly(JSONWebTokenAuthentication)


def auth_default_direct() -> AuthenticateOnly:
    return AuthenticateOnly(DirectJSONWebTokenAuthentication)


def auth_stateless_driver() -> AuthenticateOnly:
    return AuthenticateOnly(StatelessJSONWebTokenAuthentication)


def auth_stateless_direct() -> AuthenticateOnly:
    return AuthenticateOnly(DirectStatelessJSONWebTokenAuthentication)


def auth_stubbed_driver() -> AuthenticateOnly:
    return AuthenticateOnly(StubbedJSONWebTokenAuthentication)


def auth_stubbed_direct() -> AuthenticateOnly:
    return AuthenticateOnly(StubbedDirectJSONWebTokenAuthentication)


ours_obtain = jwt_views.obtain_jwt_token
ours_refresh = jwt_views.refresh_jwt_token
ours_verify = jwt_views.verify_jwt_token


if settings.HAS_SIMPLEJWT:
    from rest_framework_simplejwt import serializers as sj_serializers
    from rest_framework_simplejwt import tokens as sj_tokens
    from rest_framework_simplejwt.authentication import (
        JWTAuthentication,
        JWTStatelessUserAuthentication,
    )
    from rest_framework_simplejwt.views import (
        TokenObtainPairView,
        TokenRefreshView,
        TokenVerifyView,
    )

    def without_blacklist_app(token_class: type) -> type:
        """simplejwt's ``token_class`` as it is when its blacklist app is not installed.

        Its ``BlacklistMixin`` defines its methods (check the blacklist, record the token) only
        if the app is in INSTALLED_APPS when simplejwt is imported; the run installs it for the
        like-for-like rotating case, so the other rows use this class: the same class body on
        the same bases, minus the mixin.
        """
        bases = tuple(
            base for base in token_class.__bases__ if not issubclass(base, sj_tokens.BlacklistMixin)
        )
        skip = {"__dict__", "__weakref__", "__orig_bases__", "__parameters__"}
        namespace = {key: value for key, value in vars(token_class).items() if key not in skip}
        return type(token_class.__name__, bases, namespace)

    PlainRefreshToken = without_blacklist_app(sj_tokens.RefreshToken)

    class PlainTokenObtainPairSerializer(sj_serializers.TokenObtainPairSerializer):
        token_class = PlainRefreshToken

    class PlainTokenRefreshSerializer(sj_serializers.TokenRefreshSerializer):
        token_class = PlainRefreshToken

    @contextmanager
    def simplejwt_rotation(blacklist: bool = False) -> Any:
        """``ROTATE_REFRESH_TOKENS`` (and ``BLACKLIST_AFTER_ROTATION``) on for the duration
        (simplejwt binds its settings at import, so ``override_settings`` does not reach its
        serializers)."""
        settings_object = sj_serializers.api_settings
        previous = settings_object.ROTATE_REFRESH_TOKENS, settings_object.BLACKLIST_AFTER_ROTATION
        settings_object.ROTATE_REFRESH_TOKENS = True
        settings_object.BLACKLIST_AFTER_ROTATION = blacklist
        try:
            yield
        finally:
            settings_object.ROTATE_REFRESH_TOKENS, settings_object.BLACKLIST_AFTER_ROTATION = (
                previous
            )

    class RotatingTokenRefreshView(TokenRefreshView):
        """simplejwt's TokenRefreshView with ``ROTATE_REFRESH_TOKENS`` on, as without the
        blacklist app: it records nothing."""

        _serializer_class = "bench.views.PlainTokenRefreshSerializer"

        def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
            with simplejwt_rotation():
                return super().post(request, *args, **kwargs)

    class BlacklistRotatingTokenRefreshView(TokenRefreshView):
        """simplejwt's TokenRefreshView with its blacklist app, ``ROTATE_REFRESH_TOKENS`` and
        ``BLACKLIST_AFTER_ROTATION`` on: the used token is blacklisted, the new one recorded
        (the like-for-like case of our rotation)."""

        def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
            with simplejwt_rotation(blacklist=True):
                return super().post(request, *args, **kwargs)

    def sj_stateless() -> Any:
        return ProtectedView.as_view(authentication_classes=(JWTStatelessUserAuthentication,))

    def sj_default() -> Any:
        return ProtectedView.as_view(authentication_classes=(JWTAuthentication,))

    sj_obtain = TokenObtainPairView.as_view(
        _serializer_class="bench.views.PlainTokenObtainPairSerializer"
    )
    sj_refresh = TokenRefreshView.as_view(
        _serializer_class="bench.views.PlainTokenRefreshSerializer"
    )
    sj_refresh_rotating = RotatingTokenRefreshView.as_view()
    sj_refresh_rotating_blacklist = BlacklistRotatingTokenRefreshView.as_view()
    sj_verify = TokenVerifyView.as_view()
