"""Permissions (drf-jwt)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


class IsSuperUser(BasePermission):
    """Allows superusers only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


__all__ = ["IsSuperUser"]
