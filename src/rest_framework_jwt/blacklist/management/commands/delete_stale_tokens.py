"""``manage.py delete_stale_tokens``: delete expired revocation rows and sessions in batches.

Rows whose tokens have all expired protect nothing. Deleting in batches of primary keys keeps
memory and lock time bounded on large tables; run it from cron, not per request.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rest_framework_jwt import revocation


def delete_in_batches(queryset: Any, batch_size: int) -> int:
    """Delete ``queryset`` batch by batch; return how many rows went."""
    total = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return total
        queryset.model._default_manager.filter(pk__in=pks).delete()
        total += len(pks)


class Command(BaseCommand):
    help = "Delete expired revocations, refresh tokens and sessions of rest_framework_jwt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per DELETE.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch_size"])
        now = timezone.now()
        counts = {
            "revocations": delete_in_batches(
                revocation.model("Revocation").objects.filter(expires_at__lt=now), batch
            ),
            "refresh tokens": delete_in_batches(
                revocation.model("RefreshToken").objects.filter(expires_at__lt=now), batch
            ),
            "sessions": delete_in_batches(
                revocation.model("TokenFamily").objects.filter(expires_at__lt=now), batch
            ),
        }
        self.stdout.write(", ".join(f"{count} {name}" for name, count in counts.items()))
