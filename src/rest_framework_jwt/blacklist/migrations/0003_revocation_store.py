# The 2.x store: revocations by jti or digest, per-user cutoffs, refresh-token families.
# Rows of drf-jwt's table are imported under the key authentication checks, so the tokens
# they refused stay refused: a row's token id, else the orig_jti/jti inside its raw token,
# else the SHA-256 digest of the raw token.

import base64
import binascii
import json
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rest_framework_jwt.revocation import token_key

BATCH = 1000


def _claims(token):
    """The payload of a raw token that drf-jwt stored (it had verified it), without checks."""
    try:
        segment = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}
    return data if isinstance(data, dict) else {}


def import_blacklisted_tokens(apps, schema_editor):
    old = apps.get_model("blacklist", "BlacklistedToken")
    new = apps.get_model("blacklist", "Revocation")
    rows = old.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        if row.token_id is not None:
            key = token_key("", {"jti": str(row.token_id)})
        elif row.token:
            key = token_key(row.token, _claims(row.token))
        else:
            continue
        batch.append(
            new(
                key=key,
                kind="token",
                user_id=row.user_id,
                expires_at=row.expires_at,
                reason="drf-jwt",
            )
        )
        if len(batch) >= BATCH:
            new.objects.using(schema_editor.connection.alias).bulk_create(
                batch, ignore_conflicts=True
            )
            batch = []
    if batch:
        new.objects.using(schema_editor.connection.alias).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("blacklist", "0002_add_token_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Revocation",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=80, unique=True, verbose_name="key")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("token", "token"),
                            ("user", "all tokens of a user"),
                            ("family", "refresh-token family"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "not_before",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="tokens issued before"
                    ),
                ),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="revoked at")),
                ("reason", models.CharField(blank=True, max_length=32, verbose_name="reason")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={"verbose_name": "revocation", "verbose_name_plural": "revocations"},
        ),
        migrations.CreateModel(
            name="TokenFamily",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "last_used_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last used at"),
                ),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
                (
                    "user_agent",
                    models.CharField(blank=True, max_length=255, verbose_name="user agent"),
                ),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
                ),
                (
                    "revoke_reason",
                    models.CharField(blank=True, max_length=32, verbose_name="revoke reason"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="jwt_token_families",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="RefreshToken",
            fields=[
                (
                    "jti",
                    models.CharField(
                        max_length=64, primary_key=True, serialize=False, verbose_name="token id"
                    ),
                ),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
                (
                    "consumed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="consumed at"),
                ),
                (
                    "family",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tokens",
                        to="blacklist.tokenfamily",
                        verbose_name="family",
                    ),
                ),
            ],
            options={"verbose_name": "refresh token", "verbose_name_plural": "refresh tokens"},
        ),
        migrations.RunPython(import_blacklisted_tokens, migrations.RunPython.noop),
    ]
