from django.contrib.auth.models import User
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_jwt.settings import api_settings

from .authentication import QueryStringJSONWebTokenAuthentication

# "Creating a new token manually", as the 1.x docs showed it.
jwt_payload_handler = api_settings.JWT_PAYLOAD_HANDLER
jwt_encode_handler = api_settings.JWT_ENCODE_HANDLER


class WhoAmIView(APIView):
    def get(self, request):
        return Response({"username": request.user.get_username()})


class ExportView(APIView):
    authentication_classes = (QueryStringJSONWebTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"owner": request.user.get_username(), "rows": [1, 2, 3]})


class SignupSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)


class SignupView(APIView):
    """Create an account and log it in at once."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.create_user(**serializer.validated_data)
        payload = jwt_payload_handler(user)
        token = jwt_encode_handler(payload)
        return Response({"token": token}, status=status.HTTP_201_CREATED)
