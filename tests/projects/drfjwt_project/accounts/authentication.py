"""The project's JWT authentication, built on drf-jwt's classmethod hooks.

- Browsers send the token in the ``jwt`` cookie. A request authenticated by the cookie is
  exposed to CSRF like a session, so unsafe methods must pass Django's CSRF check.
- Download links carry the token in ``?token=...``.
- Every token must carry a ``jti``: logouts blacklist by token id.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from rest_framework_jwt.authentication import JSONWebTokenAuthentication


class CookieJSONWebTokenAuthentication(JSONWebTokenAuthentication):
    @classmethod
    def get_token_from_request(cls, request):
        token = super().get_token_from_request(request)
        if token is None and request.method == "GET":
            token = request.query_params.get("token") or None
        return token

    @classmethod
    def jwt_decode_token(cls, token):
        payload = super().jwt_decode_token(token)
        if not payload.get("jti"):
            raise exceptions.AuthenticationFailed(_("Token has no id."))
        return payload

    def authenticate(self, request):
        user_and_token = super().authenticate(request)
        if user_and_token is not None and self.came_from_cookie(request, user_and_token[1]):
            SessionAuthentication().enforce_csrf(request)
        return user_and_token

    @classmethod
    def came_from_cookie(cls, request, token):
        if request.META.get("HTTP_AUTHORIZATION"):
            return False
        try:
            return token == cls.get_token_from_cookies(request.COOKIES)
        except Exception:
            return False
