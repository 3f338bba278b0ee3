"""The admin of the revocation store.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rest_framework_jwt import revocation

from .models import BlacklistedToken, RefreshToken, Revocation, TokenFamily


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


class BlacklistedTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    """Adds a token by its value or its id; the value itself is not stored."""

    token = forms.CharField(
        label=_("token"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored as its token id, or as a SHA-256 digest; never as it is."),
    )
    token_id = forms.CharField(label=_("token id"), required=False, max_length=64)

    class Meta:
        model = BlacklistedToken
        fields = ("user", "expires_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("token") or data.get("token_id")):
            raise forms.ValidationError(_("Give a token or a token id."), code="required")
        return data

    def save(self, commit: bool = True) -> Any:
        if self.cleaned_data.get("token"):
            self.instance.token = self.cleaned_data["token"]
        if self.cleaned_data.get("token_id"):
            self.instance.token_id = self.cleaned_data["token_id"]
        return super().save(commit)


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """drf-jwt's admin page for the model: the token rows of the store."""

    form = BlacklistedTokenForm
    list_display = ("user", "token_id", "expires_at", "blacklisted_at")
    list_filter = ("user",)
    raw_id_fields = ("user",)

    @admin.display(description=_("token id"), ordering="key")
    def token_id(self, obj: BlacklistedToken) -> Any:
        return obj.token_id

    @admin.display(description=_("blacklisted at"), ordering="created_at")
    def blacklisted_at(self, obj: BlacklistedToken) -> Any:
        return obj.created_at

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:  # an entry is only viewed (or deleted), not changed
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is None:
            return ("token", "token_id", "user", "expires_at")
        return ("key", "token_id", "user", "expires_at", "blacklisted_at", "reason")

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("key", "token_id", "user", "expires_at", "blacklisted_at", "reason")


__all__ = [
    "BlacklistedTokenAdmin",
    "BlacklistedTokenForm",
    "RefreshTokenInline",
    "RevocationAdmin",
    "TokenFamilyAdmin",
    "revoke_sessions",
]
