from django.apps import AppConfig


class RestFrameworkJWTConfig(AppConfig):
    """Registers the system checks (``rest_framework_jwt.E001``...)."""

    name = "rest_framework_jwt"
    label = "rest_framework_jwt"
    verbose_name = "JSON Web Token authentication"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
