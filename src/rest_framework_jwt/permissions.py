"""Permissions: drf-jwt's ``IsSuperUser``, and scopes and roles read from the verified token.

``HasScope`` / ``HasAnyScope`` compare the view's ``required_scopes`` with the token's scopes:
the ``scope`` claim (space-separated, RFC 8693 / RFC 9068) or ``scp`` (a list or a
space-separated string), or the claim a trusted issuer names in ``scope_claim``. ``HasRole`` /
``HasAnyRole`` compare ``required_roles`` with the list at a claim path, such as Keycloak's
``realm_access.roles`` (the issuer's ``roles_claim``, or the class's ``roles_claim``).

The claims come from the verified token of the request (``request.verified_token``, set by
the package's authentication classes); nothing is decoded again.
An anonymous request gets DRF's 401; an authenticated one without what the view requires gets
a 403 with the code ``insufficient_scope`` and RFC 6750's ``WWW-Authenticate: Bearer
error="insufficient_scope"``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from . import verification
from .exceptions import JWTPermissionDenied


class IsSuperUser(BasePermission):
    """Allows superusers only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


class InsufficientScope(JWTPermissionDenied):
    """Raised (403, code ``insufficient_scope``) when the token lacks a scope or role the
    view requires. The body always carries the code; ``WWW-Authenticate`` follows RFC 6750."""

    default_detail = _("The token does not grant the scope this request requires.")
    default_code = "insufficient_scope"

    def __init__(self, scopes: Collection[str] | None) -> None:
        super().__init__(None, self.default_code, with_code=True)
        self.auth_header = 'Bearer error="insufficient_scope"'
        if scopes is not None:  # RFC 6750's scope attribute: no quote or backslash in it
            scope = " ".join(scopes).replace("\\", "").replace('"', "")
            self.auth_header += f', scope="{scope}"'


def token_claims(request: Any) -> tuple[Mapping[str, Any], Any] | None:
    """The verified claims of the request's token and its trusted issuer (None for the
    package's own tokens); None when no token of the package authenticated the request."""
    token = verification.verified_token(request)
    if token is None:
        return None
    return token.claims, getattr(token, "issuer", None)


def _names(value: Any) -> frozenset[str]:
    """A space-separated string or a list of strings as a set of names (else empty)."""
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    return frozenset()


def granted_scopes(claims: Mapping[str, Any], scope_claim: str | None = None) -> frozenset[str]:
    """The scopes of ``claims``: ``scope_claim``, or ``scope`` then ``scp``."""
    for name in (scope_claim,) if scope_claim else ("scope", "scp"):
        if name in claims:
            return _names(claims[name])
    return frozenset()


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The claim at ``path``: the claim named ``path`` itself (Auth0's namespaced claims are
    URLs with dots), else the dotted path through nested objects; None when absent."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


class _TokenGrants(BasePermission):
    """Compares what a view requires (the attribute ``required``) with what the token grants."""

    #: The view attribute that lists what is required.
    required = "required_scopes"
    #: True: every name is needed; False: any one of them is enough.
    needs_all = True

    def granted(self, claims: Mapping[str, Any], issuer: Any) -> frozenset[str]:
        raise NotImplementedError

    def has_permission(self, request: Any, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False  # DRF answers 401 (not_authenticated)
        declared = getattr(view, self.required, None) or ()
        if isinstance(declared, str):  # "read write" is two names, not ten letters
            declared = declared.split()
        wanted = [str(name) for name in declared]
        found = token_claims(request)
        granted = self.granted(*found) if found is not None else frozenset()
        if wanted and (granted.issuperset(wanted) if self.needs_all else granted & set(wanted)):
            return True
        # No requirement declared is refused too: a view must say what it needs.
        raise InsufficientScope(wanted if self.required == "required_scopes" else None)


class HasScope(_TokenGrants):
    """Allows a request whose token has every scope in the view's ``required_scopes``."""

    #: The claim to read instead of the issuer's ``scope_claim`` (or ``scope`` then ``scp``).
    scope_claim: str | None = None

    def granted(self, claims: Mapping[str, Any], issuer: Any) -> frozenset[str]:
        name = self.scope_claim or getattr(issuer, "scope_claim", None)
        return granted_scopes(claims, name)


class HasAnyScope(HasScope):
    """Allows a request whose token has at least one scope of the view's ``required_scopes``."""

    needs_all = False


class HasRole(_TokenGrants):
    """Allows a request whose token has every role in the view's ``required_roles``, read at
    the claim path ``roles_claim`` (the class's, else the issuer's, else ``roles``)."""

    required = "required_roles"
    roles_claim: str | None = None

    def granted(self, claims: Mapping[str, Any], issuer: Any) -> frozenset[str]:
        path = self.roles_claim or getattr(issuer, "roles_claim", None) or "roles"
        return _names(claim_at(claims, path))


class HasAnyRole(HasRole):
    """Allows a request whose token has at least one role of the view's ``required_roles``."""

    needs_all = False


__all__ = [
    "HasAnyRole",
    "HasAnyScope",
    "HasRole",
    "HasScope",
    "InsufficientScope",
    "IsSuperUser",
]
