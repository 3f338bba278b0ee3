"""Routes of the soak run: the package's URL conf and one protected endpoint."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


@api_view(["GET"])
def whoami(request: Request) -> Response:
    return Response({"username": request.user.get_username()})


urlpatterns = [
    path("", include("rest_framework_jwt.urls")),
    path("whoami/", whoami),
]
