from datetime import datetime, timezone

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.blacklist.models import BlacklistedToken
from rest_framework_jwt.settings import api_settings

from .authentication import CookieJSONWebTokenAuthentication


class MeView(APIView):
    def get(self, request):
        return Response({"username": request.user.get_username(), "id": request.user.pk})


class NotesView(APIView):
    def post(self, request):
        return Response({"note": request.data.get("note")}, status=status.HTTP_201_CREATED)


class DownloadLinkView(APIView):
    """A link that works without the header or the cookie (opened from an e-mail)."""

    def post(self, request):
        payload = CookieJSONWebTokenAuthentication.jwt_create_payload(request.user)
        token = CookieJSONWebTokenAuthentication.jwt_encode_payload(payload)
        return Response({"url": f"/api/me/?token={token}"}, status=status.HTTP_201_CREATED)


@method_decorator(ensure_csrf_cookie, name="get")
class CSRFView(APIView):
    permission_classes = (AllowAny,)

    def get(self, request):
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Blacklist the token of the request and drop the cookie."""

    def post(self, request):
        payload = JSONWebTokenAuthentication.jwt_decode_token(request.auth)
        BlacklistedToken.objects.create(
            token=request.auth,
            user=request.user,
            expires_at=datetime.fromtimestamp(payload["exp"], tz=timezone.utc),
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(api_settings.JWT_AUTH_COOKIE)
        return response
