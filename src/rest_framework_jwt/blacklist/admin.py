from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rest_framework_jwt import revocation

from .models import RefreshToken, Revocation, TokenFamily


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "kind", "user", "reason", "not_before", "expires_at", "created_at")
    list_filter = ("kind", "reason")
    search_fields = ("key",)
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)


class RefreshTokenInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RefreshToken
    extra = 0
    can_delete = False
    fields = ("jti", "issued_at", "expires_at", "consumed_at")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Revoke the selected sessions"))
def revoke_sessions(modeladmin: Any, request: Any, queryset: Any) -> None:
    for family in queryset.filter(revoked_at__isnull=True):
        revocation.revoke_families([family.pk], user=family.user, reason="admin")


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "created_at", "last_used_at", "user_agent", "ip_address", "revoked_at")
    list_filter = ("revoked_at", "revoke_reason")
    search_fields = ("user_agent", "ip_address")
    raw_id_fields = ("user",)
    readonly_fields = (
        "id",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip_address",
        "revoked_at",
        "revoke_reason",
    )
    inlines = [RefreshTokenInline]
    actions = [revoke_sessions]

    def has_add_permission(self, request: Any) -> bool:
        return False
