"""Routes of the demo project.

The three token endpoints of the seed are routed one by one, as 1.x projects do, in header
mode (``cookie_mode=False``): their answers carry the token in the body, as the seed's curl
flows expect, although the project is in cookie mode. The same routes also come ready-made:
``path("", include("rest_framework_jwt.urls"))``.

``/browser/`` is a page that uses cookie mode end to end, with the package's URLs under
``/browser/api/`` (so the refresh cookie's path is ``/browser/api/``).
"""

from demo_api.views import browser_page, home, protected, whoami
from django.urls import include, path

from rest_framework_jwt import views

urlpatterns = [
    path("", home, name="home"),
    path(
        "api-token-auth/",
        views.ObtainJSONWebToken.as_view(cookie_mode=False),
        name="api-token-auth",
    ),
    path(
        "api-token-refresh/",
        views.RefreshJSONWebToken.as_view(cookie_mode=False),
        name="api-token-refresh",
    ),
    path(
        "api-token-verify/",
        views.VerifyJSONWebToken.as_view(cookie_mode=False),
        name="api-token-verify",
    ),
    path("protected-url/", protected, name="protected-url"),
    path("browser/", browser_page, name="browser"),
    # Outside the refresh cookie's path (the token URLs under browser/api/): an API call does
    # not carry the refresh token.
    path("browser/whoami/", whoami, name="browser-whoami"),
    path("browser/api/", include("rest_framework_jwt.urls")),
]
