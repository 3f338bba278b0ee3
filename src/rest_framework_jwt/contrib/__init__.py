"""Integrations with optional third-party packages; each module imports its package itself.

``ninja`` has the Django Ninja auth classes (public: docs/async.md, docs/api.md).

Internal: the package itself exports nothing, and ``spectacular`` holds the drf-spectacular
extensions, which the app registers when drf-spectacular is installed (docs/openapi.md); they
are not imported by name.
"""

__all__: list[str] = []
