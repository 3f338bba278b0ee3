"""Every view of the package: the includable URL conf, impersonation and drf-jwt's
BlacklistView."""

from django.urls import include, path

from rest_framework_jwt.blacklist.views import BlacklistView
from rest_framework_jwt.views import impersonate_jwt_token

urlpatterns = [
    path("", include("rest_framework_jwt.urls")),
    path("api-token-impersonate/", impersonate_jwt_token),
    path("api-token-blacklist/", BlacklistView.as_view({"post": "create"})),
]
