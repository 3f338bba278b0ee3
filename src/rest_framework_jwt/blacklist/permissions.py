"""drf-jwt's permission, kept for its users."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from rest_framework_jwt import messages, verification
from rest_framework_jwt.authentication import reader_of

from .models import BlacklistedToken


def request_token(request: Any) -> str | None:
    """The JSON Web Token ``request`` carries: the one that authenticated it, else the one
    that the view's JWT authentication class (``JSONWebTokenAuthentication`` if it has none)
    finds with ``get_token_from_request``, so a subclass that reads it elsewhere is honoured.
    None without one, or with a malformed ``Authorization`` header."""
    token = getattr(request, "auth", None)
    if isinstance(token, str) and token:
        return token
    try:
        found = reader_of(request).get_token_from_request(request)
    except AuthenticationFailed:
        return None
    return found if isinstance(found, str) and found else None


class IsNotBlacklisted(BasePermission):
    """Refuses (403) a request whose token is revoked; requests without a token pass.

    The authentication class already refuses revoked tokens, so this only matters for views
    that authenticate some other way but still receive a token (in the header or the cookie).
    """

    message = _("You have been blacklisted.")

    def has_permission(self, request: Any, view: Any) -> bool:
        verified = verification.verified_token(request)
        if verified is None:
            token = request_token(request)
            if token is None:
                return True
            try:
                verified = verification.verify(token, reader_of(request).decode_hook())
            except Exception as error:
                if messages.explain(error, serializer=False) is None:
                    raise
                # No id to trust: only an entry for this very string applies.
                verified = verification.VerifiedToken.of(token, {})
        return not BlacklistedToken.is_blocked(verified, verified.claims)


__all__ = ["IsNotBlacklisted"]
