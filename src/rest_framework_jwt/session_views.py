"""Logout, logout everywhere, and the user's sessions (refresh-token families).

These need the optional app ``rest_framework_jwt.blacklist``; without it they answer 501 with
the code ``revocation_unavailable``, and the system check ``rest_framework_jwt.E008`` says why.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings as drf_settings
from rest_framework.views import APIView

from . import cookies, messages, revocation, users, verification
from .authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
    reader_of,
)
from .bodies import CheckedBodyMixin, CodedErrorsMixin
from .exceptions import JWTAuthenticationFailed, JWTPermissionDenied
from .exceptions import RevocationNotInstalled as RevocationNotInstalled
from .verification import VerifiedToken

_DEFAULT_AUTHENTICATION = (JSONWebTokenAuthentication,)


class _RevocationView(
    cookies.ClearRefusedCookiesMixin,
    CheckedBodyMixin,
    CodedErrorsMixin,
    revocation.StoreOutageMixin,
    APIView,
):
    authentication_classes: Any = _DEFAULT_AUTHENTICATION

    def get_authenticators(self) -> list[Any]:
        """The project's own JWT authentication classes from ``DEFAULT_AUTHENTICATION_CLASSES``
        (a subclass that enforces CSRF for the cookie, say), else ``JSONWebTokenAuthentication``;
        ``authentication_classes`` set on a view wins."""
        if self.authentication_classes is not _DEFAULT_AUTHENTICATION:
            return super().get_authenticators()
        configured: tuple[Any, ...] = tuple(drf_settings.DEFAULT_AUTHENTICATION_CLASSES)
        own = [
            cls
            for cls in configured
            if isinstance(cls, type)
            and issubclass(cls, JSONWebTokenAuthentication)
            and not issubclass(cls, StatelessJSONWebTokenAuthentication)
        ]
        return [cls() for cls in own or _DEFAULT_AUTHENTICATION]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not revocation.available():
            raise RevocationNotInstalled()
        super().initial(request, *args, **kwargs)

    def current_token(self, request: Request) -> VerifiedToken | None:
        """The :class:`~verification.VerifiedToken` that authenticated this request, if any."""
        return verification.verified_token(request)


class LogoutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)


def _verified_user(field: str, token: str, request: Any) -> tuple[VerifiedToken, Any]:
    current = verification.verified_token(request)
    if current is not None and current.raw == token and request.user.is_authenticated:
        return current, request.user  # the request's own token: verified a moment ago
    reader = reader_of(request)
    try:
        verified = verification.verify(token, reader.decode_hook())
        username = reader.jwt_get_username_from_payload(verified.payload)
        return verified, users.user_for_username(username, active_only=False)
    except Exception as error:
        refusal = messages.explain(error, serializer=True)
        if refusal is None:
            raise
        raise _invalid(field, refusal) from None


def _invalid(field: str, refusal: messages.Refusal) -> ValidationError:
    return ValidationError({field: [refusal.message]}, code=refusal.code)


def check_presented(
    field: str, token: str, owner: Any, request: Any = None
) -> tuple[VerifiedToken, Any]:
    """The verified ``token`` (posted in ``field``) and its user; ValidationError (400) unless
    it is a valid token of ``owner`` (of anybody when ``owner`` is None). It is verified as
    ``request``'s authentication class would (the request's own token is not decoded again)."""
    verified, user = _verified_user(field, token, request)
    if owner is not None and user.pk != owner.pk:
        raise _invalid(
            field,
            messages.Refusal("token_invalid", messages.message("token_invalid", serializer=True)),
        )
    return verified, user


def _refresh_cookie_token(request: Request) -> str | None:
    name = cookies.refresh_cookie()
    value = request.COOKIES.get(name) if name else None
    return str(value) if value else None


def revoke_presented(request: Request, current: VerifiedToken | None) -> list[str]:
    """Revoke the token that authenticated ``request`` (``current``), any ``token`` /
    ``refresh_token`` in the body, which must belong to the same user, and the refresh
    cookie's token (after the CSRF check; a dead one is skipped).

    Returns the revoked tokens; raises ValidationError (400) for a body token that is not a
    valid token of that user, or when there is nothing to revoke.
    """
    serializer = LogoutSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    presented: list[VerifiedToken] = [current] if current is not None else []
    owner = request.user if request.user and request.user.is_authenticated else None
    owner = _add_body_tokens(request, serializer.validated_data, presented, owner)
    owner = _add_cookie_token(request, presented, owner)
    if not presented:
        raise ValidationError({"token": [_("No token to revoke.")]}, code="token_missing")
    for verified in presented:
        revocation.revoke_token(verified, user=owner, reason="logout")
    return [verified.raw for verified in presented]


def _add_body_tokens(
    request: Request, data: Any, presented: list[VerifiedToken], owner: Any
) -> Any:
    """Add the body's ``token`` and ``refresh_token`` to ``presented``; return their owner."""
    for field in ("token", "refresh_token"):
        token = data.get(field)
        if token:
            verified, owner = check_presented(field, token, owner, request)
            presented.append(verified)
    return owner


def _add_cookie_token(request: Request, presented: list[VerifiedToken], owner: Any) -> Any:
    """Add the refresh cookie's token to ``presented`` (after the CSRF check) unless it is
    there already or dead (expired, revoked, not this user's: the cookie is dropped)."""
    from_cookie = _refresh_cookie_token(request)
    if not from_cookie or any(verified.raw == from_cookie for verified in presented):
        return owner
    if cookies.csrf_required(request):
        cookies.enforce_csrf(request)
    try:
        verified, owner = check_presented("refresh_token", from_cookie, owner, request)
    except ValidationError:
        cookies.mark_refused(request)
        return owner
    presented.append(verified)
    return owner


class LogoutView(_RevocationView):
    """POST: revoke the token that authenticates the request, and any ``token`` or
    ``refresh_token`` in the body (of the same user). A refresh token ends its whole session."""

    permission_classes: Any = (AllowAny,)

    def perform_authentication(self, request: Request) -> None:
        try:
            super().perform_authentication(request)
        except (JWTAuthenticationFailed, JWTPermissionDenied):
            # A dead access cookie: the refresh cookie, if there is one, still ends the session.
            if not (cookies.refused(request) and _refresh_cookie_token(request)):
                raise

    def post(self, request: Request) -> Response:
        revoke_presented(request, self.current_token(request))
        return _logged_out(request)


class LogoutAllView(_RevocationView):
    """POST: revoke every token of the authenticated user, on every device."""

    permission_classes: Any = (IsAuthenticated,)

    def post(self, request: Request) -> Response:
        revocation.revoke_user(request.user, reason="logout_all")
        current = self.current_token(request)
        if current is not None:
            revocation.revoke_token(current, user=request.user)
        return _logged_out(request)


def _logged_out(request: Request) -> Response:
    """The 204 of a logout; it deletes the token cookies the request carried."""
    response = Response(status=status.HTTP_204_NO_CONTENT)
    names = (cookies.access_cookie(), cookies.refresh_cookie())
    if any(name and name in request.COOKIES for name in names):
        cookies.delete_token_cookies(response)
    return response


def _current_family(current: VerifiedToken | None) -> str | None:
    return current.family if current is not None else None


def _session(family: Any, current: str | None) -> dict[str, Any]:
    return {
        "id": str(family.pk),
        "created_at": family.created_at,
        "last_used_at": family.last_used_at,
        "expires_at": family.expires_at,
        "user_agent": family.user_agent,
        "ip_address": family.ip_address,
        "current": str(family.pk) == current,
    }


class SessionListView(_RevocationView):
    """GET: the user's active sessions (refresh-token families)."""

    permission_classes: Any = (IsAuthenticated,)

    def get(self, request: Request) -> Response:
        current = _current_family(self.current_token(request))
        families = revocation.model("TokenFamily").objects.filter(
            user=request.user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        return Response([_session(family, current) for family in families])


class SessionDetailView(_RevocationView):
    """DELETE: end one of the user's sessions."""

    permission_classes: Any = (IsAuthenticated,)

    def delete(self, request: Request, family_id: Any) -> Response:
        exists = (
            revocation.model("TokenFamily")
            .objects.filter(pk=family_id, user=request.user, revoked_at__isnull=True)
            .exists()
        )
        if not exists:
            raise NotFound()
        revocation.revoke_families([family_id], user=request.user, reason="session_revoked")
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeOtherSessionsView(_RevocationView):
    """POST: end every session of the user except the one making the request."""

    permission_classes: Any = (IsAuthenticated,)

    def post(self, request: Request) -> Response:
        current = _current_family(self.current_token(request))
        others = [
            pk
            for pk in revocation.model("TokenFamily")
            .objects.filter(user=request.user, revoked_at__isnull=True)
            .values_list("pk", flat=True)
            if str(pk) != current
        ]
        count = revocation.revoke_families(
            others, user=request.user, reason="other_sessions_revoked"
        )
        return Response({"revoked": count})


logout = LogoutView.as_view()
logout_all = LogoutAllView.as_view()
sessions = SessionListView.as_view()
session_detail = SessionDetailView.as_view()
revoke_other_sessions = RevokeOtherSessionsView.as_view()

__all__ = [
    "LogoutAllView",
    "LogoutView",
    "RevokeOtherSessionsView",
    "SessionDetailView",
    "SessionListView",
    "logout",
    "logout_all",
    "revoke_other_sessions",
    "session_detail",
    "sessions",
]
