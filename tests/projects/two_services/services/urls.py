"""The package's routes (obtain, the JWK Set...) at the root, and ``whoami/``, which answers the
claims the service accepted: with the package's own tokens on the issuer, with the issuer's
tokens as an external issuer's on the resource service."""

from django.conf import settings
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_jwt import authentication


class WhoAmI(APIView):
    def get(self, request):
        return Response({"username": request.user.get_username(), "service": settings.SERVICE})


if settings.SERVICE == "issuer":
    whoami = WhoAmI.as_view(authentication_classes=[authentication.JSONWebTokenAuthentication])
else:
    whoami = WhoAmI.as_view(authentication_classes=[authentication.TrustedIssuerAuthentication])

urlpatterns = [
    path("", include("rest_framework_jwt.urls")),
    path("whoami/", whoami),
]
