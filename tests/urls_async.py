"""The async views of tests/test_async.py: a plain Django async view, adrf async views (with the
package's classes, and with those of ``contrib.adrf``) and a Django Ninja API (sync and async
operations), all behind the same tokens."""

from __future__ import annotations

from adrf.views import APIView as AsyncAPIView
from django.http import JsonResponse
from django.urls import path
from ninja import NinjaAPI
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from rest_framework_jwt.contrib.adrf import (
    AsyncJSONWebTokenAuthentication,
    AsyncStatelessJSONWebTokenAuthentication,
)
from rest_framework_jwt.contrib.ninja import AsyncJWTAuth, JWTAuth
from tests.urls import urlpatterns as sync_urlpatterns


def _whoami(user) -> dict:
    return {"username": user.get_username(), "class": type(user).__name__}


async def plain(request, stateless: bool = False):
    """A plain Django async view that authenticates with aauthenticate()."""
    auth = StatelessJSONWebTokenAuthentication() if stateless else JSONWebTokenAuthentication()
    try:
        found = await auth.aauthenticate(request)
    except APIException as error:
        detail = error.detail["detail"] if isinstance(error.detail, dict) else error.detail
        return JsonResponse({"detail": str(detail)}, status=error.status_code)
    if found is None:
        return JsonResponse({"detail": "no token"}, status=401)
    user, token = found
    return JsonResponse({**_whoami(user), "token": token == request.headers.get("X-Token")})


async def plain_stateless(request):
    return await plain(request, stateless=True)


class AdrfView(AsyncAPIView):
    authentication_classes = (JSONWebTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    async def get(self, request):
        return Response(_whoami(request.user))


class AdrfStatelessView(AdrfView):
    authentication_classes = (StatelessJSONWebTokenAuthentication,)


class AdrfAsyncPathView(AdrfView):
    """An adrf view on the async path: its class's ``authenticate()`` is a coroutine."""

    authentication_classes = (AsyncJSONWebTokenAuthentication,)


class AdrfAsyncPathStatelessView(AdrfView):
    authentication_classes = (AsyncStatelessJSONWebTokenAuthentication,)


class StatelessJWTAuth(AsyncJWTAuth):
    authentication_class = StatelessJSONWebTokenAuthentication


api = NinjaAPI(urls_namespace="test-ninja")


@api.get("/sync", auth=JWTAuth())
def ninja_sync(request):
    assert request.user is request.auth
    return _whoami(request.auth)


@api.get("/async", auth=AsyncJWTAuth())
async def ninja_async(request):
    assert request.user is request.auth
    return _whoami(request.auth)


@api.get("/async-stateless", auth=StatelessJWTAuth())
async def ninja_async_stateless(request):
    return _whoami(request.auth)


urlpatterns = [
    *sync_urlpatterns,
    path("async/plain/", plain),
    path("async/plain-stateless/", plain_stateless),
    path("async/adrf/", AdrfView.as_view()),
    path("async/adrf-stateless/", AdrfStatelessView.as_view()),
    path("async/adrf-async/", AdrfAsyncPathView.as_view()),
    path("async/adrf-async-stateless/", AdrfAsyncPathStatelessView.as_view()),
    path("async/ninja/", api.urls),
]
