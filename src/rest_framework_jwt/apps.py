"""The app config of ``rest_framework_jwt``: registers the system checks.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from typing import Any

from django.apps import AppConfig


class RestFrameworkJWTConfig(AppConfig):
    """Registers the system checks (``rest_framework_jwt.E001``...), the last-login switch, and
    the drf-spectacular extensions when drf-spectacular is installed."""

    name = "rest_framework_jwt"
    label = "rest_framework_jwt"
    verbose_name = "JSON Web Token authentication"

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the checks)

        try:
            import drf_spectacular  # noqa: F401
        except ImportError:  # without drf-spectacular, nothing of it is imported
            pass
        else:  # registers the OpenAPI extensions
            import rest_framework_jwt.contrib.spectacular  # noqa: F401
        from .settings import api_settings
        from .views import ObtainJSONWebToken

        def last_login_receiver(sender: Any, user: Any, request: Any = None, **kwargs: Any) -> None:
            """Django's own last_login update, skipped for token logins unless
            ``JWT_UPDATE_LAST_LOGIN`` is on (it is a write per login)."""
            view = getattr(getattr(request, "parser_context", None) or {}, "get", lambda _: None)(
                "view"
            )
            if isinstance(view, ObtainJSONWebToken) and not api_settings.JWT_UPDATE_LAST_LOGIN:
                return
            update_last_login(sender, user, **kwargs)

        # Same dispatch_uid as django.contrib.auth uses, so whichever app is ready first, only
        # one last_login receiver stays connected: ours.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        from django.contrib.auth import get_user_model

        if hasattr(get_user_model(), "last_login"):
            user_logged_in.connect(
                last_login_receiver, dispatch_uid="update_last_login", weak=False
            )


__all__ = ["RestFrameworkJWTConfig"]
