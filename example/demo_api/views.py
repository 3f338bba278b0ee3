"""Views of the demo: a route list at ``/``, one protected endpoint, and the /browser/ page."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.decorators import api_view, authentication_classes
from rest_framework.request import Request
from rest_framework.response import Response

from rest_framework_jwt.authentication import JSONWebTokenAuthentication

PAGE = Path(__file__).parent / "browser" / "index.html"


def home(request: HttpRequest) -> JsonResponse:
    """List the routes; open to anyone."""
    return JsonResponse(
        {
            "routes": {
                "/api-token-auth/": "POST username and password: obtain a token",
                "/api-token-refresh/": "POST token: a new token with a renewed expiry",
                "/api-token-verify/": "POST token: check a token",
                "/protected-url/": 'GET with "Authorization: JWT <token>": who am I',
                "/browser/": "a page that logs in with HttpOnly cookies (cookie mode)",
            },
            "user": {"username": "admin", "password": "abc123"},
        }
    )


@api_view(["GET"])
def protected(request: Request) -> Response:
    """Answer the caller's username; needs authentication (the project's default permission)."""
    return Response({"username": request.user.get_username()})


@api_view(["GET"])
@authentication_classes([JSONWebTokenAuthentication])
def whoami(request: Request) -> Response:
    """The page's protected endpoint: the token cookie only, so an anonymous caller gets 401."""
    return Response({"username": request.user.get_username()})


def browser_page(request: HttpRequest) -> HttpResponse:
    """The /browser/ page: plain HTML and a few lines of JavaScript (demo_api/browser/)."""
    return HttpResponse(PAGE.read_text(encoding="utf-8"), content_type="text/html; charset=utf-8")
