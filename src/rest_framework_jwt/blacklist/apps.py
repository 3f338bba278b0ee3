"""The app config of the revocation app, under its 2.x name and drf-jwt's."""

from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    """Revocation store: revoked tokens, per-user cutoffs, refresh-token families."""

    name = "rest_framework_jwt.blacklist"
    label = "blacklist"  # drf-jwt's label: its migration history and table carry over
    verbose_name = "JSON Web Token revocation"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the user receivers)


class BlacklistedTokenConfig(BlacklistConfig):
    """drf-jwt's name for this app's config, for projects that list it in INSTALLED_APPS."""

    default = False  # "rest_framework_jwt.blacklist" alone still picks BlacklistConfig


__all__ = ["BlacklistConfig", "BlacklistedTokenConfig"]
