"""Rate-limited logging, for a failure that would otherwise log on every request while it
lasts (a token store or a throttle cache that cannot be reached): the first occurrence is
logged, then at most one record per interval, each with the number of occurrences left out
since the one before.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import logging
import threading
import time

#: At most one record about one outage per this many seconds (per process).
OUTAGE_LOG_INTERVAL = 60


class RateLimitedLog:
    """Logs ``error()`` on ``logger`` at most once per ``interval`` seconds, and counts the
    rest. ``left_out`` is appended to a record that follows left-out ones: a format with one
    ``%d``, the count. A clock set back (a test moving time) lets the next record through."""

    def __init__(self, logger: logging.Logger, interval: float, *, left_out: str) -> None:
        self.logger = logger
        self.interval = interval
        self.left_out = left_out
        self._lock = threading.Lock()
        self._logged_at: float | None = None
        self._count = 0

    def leave_out(self) -> None:
        """Count one occurrence that gets no record of its own."""
        with self._lock:
            self._count += 1

    def error(self, message: str, *args: object) -> bool:
        """Log ``message % args`` at ERROR, unless a record went out less than ``interval``
        seconds ago: then count it instead. True when it was logged."""
        now = time.time()
        with self._lock:
            if self._logged_at is not None and 0 <= now - self._logged_at < self.interval:
                self._count += 1
                return False
            count, self._count, self._logged_at = self._count, 0, now
        if count:
            self.logger.error(message + self.left_out, *args, count)
        else:
            self.logger.error(message, *args)
        return True

    def reset(self) -> None:
        """Forget the last record and the count (the next occurrence is logged)."""
        with self._lock:
            self._logged_at, self._count = None, 0


__all__ = ["OUTAGE_LOG_INTERVAL", "RateLimitedLog"]
