"""Views of the demo: a route list at ``/`` and one protected endpoint."""

from django.http import HttpRequest, JsonResponse
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


def home(request: HttpRequest) -> JsonResponse:
    """List the routes; open to anyone."""
    return JsonResponse(
        {
            "routes": {
                "/api-token-auth/": "POST username and password: obtain a token",
                "/api-token-refresh/": "POST token: a new token with a renewed expiry",
                "/api-token-verify/": "POST token: check a token",
                "/protected-url/": 'GET with "Authorization: JWT <token>": who am I',
            },
            "user": {"username": "admin", "password": "abc123"},
        }
    )


@api_view(["GET"])
def protected(request: Request) -> Response:
    """Answer the caller's username; needs authentication (the project's default permission)."""
    return Response({"username": request.user.get_username()})
