"""drf-jwt's ``BlacklistView``, kept for its users: route it as
``BlacklistView.as_view({"post": "create"})``. Only ``create`` exists (drf-jwt's ModelViewSet
also let any user list and delete every entry)."""

from typing import Any

from rest_framework import mixins, viewsets

from rest_framework_jwt.session_views import LogoutView

from .models import BlacklistedToken
from .serializers import BlacklistTokenSerializer


class BlacklistView(LogoutView, mixins.CreateModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """POST ``{"token": T}`` (or no body: the token of the request) to revoke it; 201.

    A token in the body needs no other authentication: whoever holds a token may revoke it.
    """

    serializer_class: Any = BlacklistTokenSerializer
    queryset = BlacklistedToken.objects.none()


__all__ = ["BlacklistView"]
