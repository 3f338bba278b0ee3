from .serializers import UserSerializer


def jwt_response_payload_handler(token, user=None, request=None):
    """The token and who it belongs to, as the 1.x docs suggested."""
    return {
        "token": token,
        "user": UserSerializer(user, context={"request": request}).data,
    }
