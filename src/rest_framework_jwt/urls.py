"""An includable URL conf: ``path("", include("rest_framework_jwt.urls"))``.

Gives the 1.x routes ``api-token-auth/``, ``api-token-refresh/`` and ``api-token-verify/``.
Impersonation is not included; route ``views.impersonate_jwt_token`` where you want it.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("api-token-auth/", views.obtain_jwt_token, name="jwt-obtain"),
    path("api-token-refresh/", views.refresh_jwt_token, name="jwt-refresh"),
    path("api-token-verify/", views.verify_jwt_token, name="jwt-verify"),
]
