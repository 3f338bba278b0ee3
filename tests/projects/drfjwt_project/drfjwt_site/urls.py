from accounts import views
from django.contrib import admin
from django.urls import path

from rest_framework_jwt.blacklist.views import BlacklistView
from rest_framework_jwt.views import (
    impersonate_jwt_token,
    obtain_jwt_token,
    refresh_jwt_token,
    verify_jwt_token,
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("auth/token/", obtain_jwt_token),
    path("auth/token/refresh/", refresh_jwt_token),
    path("auth/token/verify/", verify_jwt_token),
    path("auth/token/impersonate/", impersonate_jwt_token),
    path("auth/token/blacklist/", BlacklistView.as_view({"post": "create"})),
    path("auth/logout/", views.LogoutView.as_view()),
    path("auth/csrf/", views.CSRFView.as_view()),
    path("api/me/", views.MeView.as_view()),
    path("api/notes/", views.NotesView.as_view()),
    path("api/download-link/", views.DownloadLinkView.as_view()),
]
