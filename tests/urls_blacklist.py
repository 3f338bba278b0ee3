"""A URL conf for the blacklist app's tests: drf-jwt's BlacklistView routed as drf-jwt documents
it, a view guarded by IsNotBlacklisted only, the Django admin, and everything in tests.urls."""

from django.contrib import admin
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_jwt.blacklist.permissions import IsNotBlacklisted
from rest_framework_jwt.blacklist.views import BlacklistView


class NotBlacklistedView(APIView):
    permission_classes = (IsNotBlacklisted,)

    def get(self, request):
        return Response({"authenticated": bool(request.user and request.user.is_authenticated)})


urlpatterns = [
    path("blacklist/", BlacklistView.as_view({"post": "create"}), name="blacklist"),
    path("not-blacklisted/", NotBlacklistedView.as_view()),
    path("admin/", admin.site.urls),
    path("", include("tests.urls")),
]
