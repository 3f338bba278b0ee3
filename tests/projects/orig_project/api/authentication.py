from rest_framework_jwt.authentication import BaseJSONWebTokenAuthentication


class QueryStringJSONWebTokenAuthentication(BaseJSONWebTokenAuthentication):
    """The token in ``?jwt=...``, for export links opened outside the app."""

    def get_jwt_value(self, request):
        return request.query_params.get("jwt")
