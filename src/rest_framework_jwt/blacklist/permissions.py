"""drf-jwt's permission, kept for its users."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from rest_framework_jwt import tokens
from rest_framework_jwt.exceptions import TokenError

from .models import BlacklistedToken


def request_token(request: Any) -> str | None:
    """The token that authenticated ``request``, if a JSON Web Token did."""
    token = getattr(request, "auth", None)
    return token if isinstance(token, str) and token else None


class IsNotBlacklisted(BasePermission):
    """Refuses (403) a request whose token is revoked; requests without a token pass.

    The authentication class already refuses revoked tokens, so this only matters for views
    that authenticate some other way but still receive a token.
    """

    message = _("You have been blacklisted.")

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request_token(request)
        if token is None:
            return True
        try:
            payload = tokens.decode(token)
        except TokenError:
            return False
        return not BlacklistedToken.is_blocked(token, payload)
