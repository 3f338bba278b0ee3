"""The revocation app's management commands.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

__all__: list[str] = []
