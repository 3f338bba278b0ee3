"""Token revocation and refresh-token families: an optional app.

Add ``"rest_framework_jwt.blacklist"`` to INSTALLED_APPS (the dotted path drf-jwt used) and run
``migrate``. The core package reads these models through the app registry only.
"""

__all__: list[str] = []
