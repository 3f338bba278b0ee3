"""Routes of the demo project.

The three token endpoints are routed one by one, as 1.x projects do. The same routes also come
ready-made: ``path("", include("rest_framework_jwt.urls"))``.
"""

from demo_api.views import home, protected
from django.urls import path

from rest_framework_jwt import views

urlpatterns = [
    path("", home, name="home"),
    path("api-token-auth/", views.obtain_jwt_token, name="api-token-auth"),
    path("api-token-refresh/", views.refresh_jwt_token, name="api-token-refresh"),
    path("api-token-verify/", views.verify_jwt_token, name="api-token-verify"),
    path("protected-url/", protected, name="protected-url"),
]
