"""The benchmark's child processes, and how they are stopped when the driver is stopped.

Every process the driver starts (a pyperf round with its workers, a gunicorn server with its
workers) runs in a process group of its own (a new session), so it is not hit by a Ctrl-C in the
terminal in the middle of a write, and the driver can stop the whole group: the children of its
children included, which a plain ``terminate()`` of the direct child would leave running.

``stop_signals()`` turns SIGTERM (and SIGHUP) into ``SystemExit`` in the driver, so its
``finally`` blocks, and with them :func:`stop_group`, also run when it is killed rather than
interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

#: How long a group gets to exit after SIGTERM before it is sent SIGKILL.
GRACE_SECONDS = 10.0


def _exit_on_signal(number: int, frame: Any) -> None:
    raise SystemExit(128 + number)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``SystemExit(128 + signal)`` while the block runs (Ctrl-C
    already raises ``KeyboardInterrupt``)."""
    previous = {}
    for number in (signal.SIGTERM, signal.SIGHUP):
        previous[number] = signal.signal(number, _exit_on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def exit_on_sigterm() -> None:
    """In a child (a pyperf round or worker): SIGTERM exits through ``sys.exit``, so its
    ``atexit`` handlers (its temporary database) run."""
    signal.signal(signal.SIGTERM, _exit_on_signal)


def start(command: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``command`` in a new session: its own process group, out of reach of the terminal's
    Ctrl-C, stopped by :func:`stop_group`."""
    return subprocess.Popen(command, start_new_session=True, **kwargs)


def _signal_group(process: subprocess.Popen[Any], number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, number)


def stop_group(process: subprocess.Popen[Any], grace: float = GRACE_SECONDS) -> None:
    """Stop ``process`` and every process of its group: SIGTERM to the group, SIGKILL to
    whatever is left after ``grace`` seconds, or once the leader has exited (its children
    must not outlive it)."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    _signal_group(process, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)


def run(command: list[str], **kwargs: Any) -> int:
    """Run ``command`` to its end in its own group and return its exit status; if the driver
    is interrupted meanwhile (Ctrl-C, SIGTERM under :func:`stop_signals`), stop the whole
    group before the interruption goes on."""
    process = start(command, **kwargs)
    try:
        return process.wait()
    except BaseException:
        print(f"stopping process group {process.pid}", file=sys.stderr, flush=True)
        stop_group(process)
        raise
