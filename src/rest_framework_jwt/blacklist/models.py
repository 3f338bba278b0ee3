"""The revocation store.

No raw token is ever stored: a revoked token is kept as its ``jti`` (or a SHA-256 digest when
it has none), with its expiry so that the row can be deleted once the token is dead anyway.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Revocation(models.Model):
    """One denylist entry: a token, a user cutoff, or a refresh-token family.

    ``key`` is ``t:<jti>`` or ``d:<sha256>`` for a token, ``u:<user pk>`` for "every token of
    this user issued before ``not_before``", and ``f:<family id>`` for a family.
    """

    KIND_TOKEN = "token"
    KIND_USER = "user"
    KIND_FAMILY = "family"
    KINDS = [
        (KIND_TOKEN, _("token")),
        (KIND_USER, _("all tokens of a user")),
        (KIND_FAMILY, _("refresh-token family")),
    ]

    key = models.CharField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=KINDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    not_before = models.DateTimeField(_("tokens issued before"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    created_at = models.DateTimeField(_("revoked at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.reason or 'revoked'})"


class TokenFamily(models.Model):
    """A login session in refresh-token mode: every refresh token descends from one login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jwt_token_families",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("revoke reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M} {self.user_agent[:40]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RefreshToken(models.Model):
    """A refresh token of a family, by ``jti``; consumed (rotated) at most once."""

    jti = models.CharField(_("token id"), max_length=64, primary_key=True)
    family = models.ForeignKey(
        TokenFamily, verbose_name=_("family"), on_delete=models.CASCADE, related_name="tokens"
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")

    def __str__(self) -> str:
        return self.jti
