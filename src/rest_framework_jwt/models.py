"""No models: the app label ``rest_framework_jwt`` exists for the system checks and commands.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

__all__: list[str] = []
