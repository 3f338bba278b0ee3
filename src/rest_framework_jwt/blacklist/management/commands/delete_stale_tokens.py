"""``manage.py delete_stale_tokens``: delete expired revocation rows and sessions in batches.

Rows whose tokens have all expired protect nothing. Deleting in batches of primary keys keeps
memory and lock time bounded on large tables; run it from cron, not per request.

Each batch is reported on stderr (rows done, rows per second, an estimate of the time left)
unless ``--verbosity 0``; the summary goes to stdout. The exit status says whether everything
was done: 0 when every expired row went, 3 when ``--time-limit`` stopped the command with rows
left, 1 when the database failed (the rows deleted so far stay deleted; nothing else changes).

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.utils import timezone

from rest_framework_jwt import revocation

__all__ = [
    "STOPPED_WITH_ROWS_LEFT",
    "Command",
    "Progress",
    "clock",
    "delete_in_batches",
    "summarize",
]

#: The exit status when ``--time-limit`` ended the run before every expired row went.
STOPPED_WITH_ROWS_LEFT = 3

#: The clock the command measures rates and the time limit with; tests move it.
clock: Callable[[], float] = time.monotonic

# (what the summary calls the rows, the model of the revocation app)
TABLES = (
    ("revocations", "Revocation"),
    ("refresh tokens", "RefreshToken"),
    ("sessions", "TokenFamily"),
)


@dataclass
class Progress:
    """The running count of one table, and the line that reports it."""

    name: str
    total: int
    started: float
    done: int = 0

    def line(self, now: float) -> str:
        """The report after a batch (so ``done`` > 0); a clock that did not move gives no rate."""
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else None
        left = max(self.total - self.done, 0)
        if rate is None:
            speed, eta = "rate unknown", "time left unknown"
        else:
            speed = f"{rate:,.0f} rows/s"
            eta = f"about {left / rate:,.0f} s left"
        return f"{self.name}: {self.done:,} of {self.total:,} rows deleted ({speed}, {eta})"


def delete_in_batches(
    queryset: Any,
    batch_size: int,
    on_batch: Callable[[int], bool] | None = None,
) -> int:
    """Delete ``queryset`` batch by batch; return how many rows went.

    ``on_batch(rows)`` is called after each batch with the running total; when it returns
    False the loop stops early.
    """
    total = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return total
        # One batch is one transaction: a failure leaves it whole, and earlier batches deleted.
        with transaction.atomic(using=queryset.db):
            queryset.model._default_manager.filter(pk__in=pks).delete()
        total += len(pks)
        if on_batch is not None and not on_batch(total):
            return total


class Command(BaseCommand):
    help = "Delete expired revocations, refresh tokens and sessions of rest_framework_jwt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per DELETE.")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            metavar="SECONDS",
            help=(
                "Stop after the batch that reaches this many seconds; the exit status is "
                f"{STOPPED_WITH_ROWS_LEFT} when rows are left for the next run."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch_size"])
        limit: float | None = options["time_limit"]
        verbose = options["verbosity"] > 0
        now = timezone.now()
        start = clock()
        counts = {name: 0 for name, _ in TABLES}
        stopped = False
        for name, model_name in TABLES:
            queryset = revocation.model(model_name).objects.filter(expires_at__lt=now)
            progress = Progress(name, 0, clock())

            def on_batch(rows: int, progress: Progress = progress) -> bool:
                nonlocal stopped
                progress.done = counts[progress.name] = rows
                moment = clock()
                if verbose:
                    # Plain text: progress is not an error, whatever stderr's default style.
                    self.stderr.write(progress.line(moment), style_func=str)
                stopped = limit is not None and moment - start >= limit and rows < progress.total
                return not stopped

            try:
                progress.total = queryset.count()
                if progress.total:
                    delete_in_batches(queryset, batch, on_batch)
            except DatabaseError as error:
                raise CommandError(
                    f"The database failed while deleting {name}: {type(error).__name__}: "
                    f"{error}. Deleted before the failure: {summarize(counts)}. "
                    "Nothing else changed; run the command again."
                ) from error
            if stopped:
                break
        if verbose:
            self.stdout.write(summarize(counts))
        if stopped:
            raise CommandError(
                f"Stopped by --time-limit after {clock() - start:,.0f} s with expired rows "
                f"left ({summarize(counts)} deleted); run the command again.",
                returncode=STOPPED_WITH_ROWS_LEFT,
            )


def summarize(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counts.items())
