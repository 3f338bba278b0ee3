from api import views
from django.urls import re_path

from rest_framework_jwt.views import obtain_jwt_token, refresh_jwt_token, verify_jwt_token

urlpatterns = [
    re_path(r"^api-token-auth/", obtain_jwt_token),
    re_path(r"^api-token-refresh/", refresh_jwt_token),
    re_path(r"^api-token-verify/", verify_jwt_token),
    re_path(r"^api/whoami/$", views.WhoAmIView.as_view()),
    re_path(r"^api/export/$", views.ExportView.as_view()),
    re_path(r"^api/signup/$", views.SignupView.as_view()),
]
