"""An includable URL conf: ``path("", include("rest_framework_jwt.urls"))``.

Gives the 1.x routes ``api-token-auth/``, ``api-token-refresh/`` and ``api-token-verify/``,
the 2.x revocation routes (logout, logout everywhere, sessions), which answer 501 unless
``rest_framework_jwt.blacklist`` is installed, and the key ring's public keys at
``.well-known/jwks.json``. Impersonation is not included; route
``views.impersonate_jwt_token`` where you want it.
"""

from django.urls import path

from . import jwks, session_views, views

urlpatterns = [
    path("api-token-auth/", views.obtain_jwt_token, name="jwt-obtain"),
    path("api-token-refresh/", views.refresh_jwt_token, name="jwt-refresh"),
    path("api-token-verify/", views.verify_jwt_token, name="jwt-verify"),
    path("api-token-logout/", session_views.logout, name="jwt-logout"),
    path("api-token-logout-all/", session_views.logout_all, name="jwt-logout-all"),
    path("api-token-sessions/", session_views.sessions, name="jwt-sessions"),
    path(
        "api-token-sessions/revoke-others/",
        session_views.revoke_other_sessions,
        name="jwt-sessions-revoke-others",
    ),
    path(
        "api-token-sessions/<uuid:family_id>/",
        session_views.session_detail,
        name="jwt-session-detail",
    ),
    path(".well-known/jwks.json", jwks.jwks_view, name="jwt-jwks"),
]


__all__ = ["urlpatterns"]
