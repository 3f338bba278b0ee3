"""drf-jwt's exception names, kept for its users (we raise neither to clients)."""

from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed


class MissingToken(AuthenticationFailed):
    """Raised when a request carries no token where one is needed."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_missing"


class InvalidAuthorizationCredentials(AuthenticationFailed):
    """Raised when the Authorization header is malformed."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_authorization_credentials"
