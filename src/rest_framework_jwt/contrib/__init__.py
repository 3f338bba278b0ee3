"""Integrations with optional third-party packages; each module imports its package itself.

Internal: ``spectacular`` holds the drf-spectacular extensions, which the app registers when
drf-spectacular is installed (docs/openapi.md); nothing here is imported by name.
"""

__all__: list[str] = []
