"""drf-jwt's ``BlacklistView``, kept for its users: route it as
``BlacklistView.as_view({"post": "create"})``. Only ``create`` exists (drf-jwt's ModelViewSet
also let any user list and delete every entry)."""

from typing import Any

from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rest_framework_jwt.session_views import LogoutView, revoke_presented


class BlacklistView(LogoutView, viewsets.ViewSet):
    """POST ``{"token": T}`` (or no body: the token of the request) to revoke it; 201."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        revoked = revoke_presented(request, self.current_payload(request))
        return Response({"token": revoked[-1]}, status=status.HTTP_201_CREATED)
