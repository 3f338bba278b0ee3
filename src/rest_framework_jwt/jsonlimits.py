"""Bounds on decoded JSON, shared by the token parser (``backend``) and the request-body check
(``bodies``).

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from typing import Any


def too_deep(value: Any, limit: int) -> bool:
    """True if ``value`` (decoded JSON) nests arrays and objects more than ``limit`` deep.

    Iterative, so it cannot itself run out of stack on a value that the decoder built.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


__all__ = ["too_deep"]
