from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import QueryStringJSONWebTokenAuthentication


class WhoAmIView(APIView):
    def get(self, request):
        return Response({"username": request.user.get_username()})


class ExportView(APIView):
    authentication_classes = (QueryStringJSONWebTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"owner": request.user.get_username(), "rows": [1, 2, 3]})
