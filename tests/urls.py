from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_jwt import views


class ProtectedView(APIView):
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"username": request.user.get_username()})

    def post(self, request):
        return Response({"username": request.user.get_username()})


urlpatterns = [
    # 1.x style: the module-level callables routed one by one.
    path("api-token-auth/", views.obtain_jwt_token),
    path("api-token-refresh/", views.refresh_jwt_token),
    path("api-token-verify/", views.verify_jwt_token),
    path("api-token-impersonate/", views.impersonate_jwt_token),
    path("protected/", ProtectedView.as_view()),
    # 2.x style: the includable URL conf.
    path("included/", include("rest_framework_jwt.urls")),
]
