"""drf-jwt's ``BlacklistTokenSerializer``, kept for its users (``BlacklistView`` uses it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rest_framework_jwt import revocation
from rest_framework_jwt.session_views import check_presented
from rest_framework_jwt.settings import api_settings

from .models import BlacklistedToken
from .permissions import request_token


class BlacklistTokenSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """``{"token": T}``; without ``token``, the token that authenticated the request.

    The token must be valid (400 otherwise) and, on an authenticated request, belong to the
    same user. Saving revokes it (and, in refresh-token mode, its session) and returns the
    ``BlacklistedToken``; the representation is ``{"token": T}``, or ``{"token": null}`` with
    ``JWT_TOKEN_ID = "require"``, as in drf-jwt.
    """

    token = serializers.CharField(required=False)

    class Meta:
        model = BlacklistedToken
        fields = ("token",)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        token = attrs.get("token") or request_token(request)
        if not token:
            raise serializers.ValidationError(
                {"token": [_("No token to revoke.")]}, code="token_missing"
            )
        user = getattr(request, "user", None)
        owner = user if user is not None and user.is_authenticated else None
        verified, owner = check_presented("token", token, owner, request)
        return {"token": token, "verified": verified, "user": owner}

    def create(self, validated_data: dict[str, Any]) -> BlacklistedToken:
        token, verified = validated_data["token"], validated_data["verified"]
        user = validated_data["user"]
        revocation.revoke_token(verified, user=user, reason="blacklisted")
        key = revocation.token_key(verified)
        instance = None
        if revocation.uses_database():
            instance = BlacklistedToken.objects.filter(key=key).first()
        if instance is None:  # the cache backend keeps no row
            instance = BlacklistedToken(user=user, expires_at=revocation.usable_until(verified))
            instance.key = key
        instance._token = token
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        raise NotImplementedError("A revocation cannot be changed.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if api_settings.JWT_TOKEN_ID == "require":
            return {"token": None}
        return {"token": instance.token}


__all__ = ["BlacklistTokenSerializer"]
