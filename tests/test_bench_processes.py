"""Stopping the benchmark's driver stops every process it started (bench/processes.py).

A stand-in driver runs a child in its own process group through ``processes.run``, as
bench/run.py runs a pyperf round; the child starts a grandchild (as pyperf starts its workers)
and both block on the driver's stdin, so nothing ends by itself. The test stops the driver the
way a user would (SIGTERM, Ctrl-C) and checks that neither descendant outlives it. Nothing is
timed: the test waits for events (a line on a pipe, a process's exit), with a guard against a
hang only.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import HANG_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import atexit, os, subprocess, sys
    from bench import processes

    processes.exit_on_sigterm()
    atexit.register(print, "child cleaned up", flush=True)
    grandchild = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"])
    print(os.getpid(), grandchild.pid, flush=True)
    sys.stdin.read()
    """
)

DRIVER = textwrap.dedent(
    """
    import sys
    from bench import processes

    with processes.stop_signals():
        processes.run([sys.executable, "-c", sys.argv[1]])
    """
)


def exited(pid: int) -> bool:
    """Whether ``pid`` (not our child) has exited, waiting for it through a pidfd."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([descriptor], [], [], HANG_TIMEOUT)
        return bool(readable)
    finally:
        os.close(descriptor)


@pytest.fixture
def driver():
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, CHILD],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    child, grandchild = (int(pid) for pid in process.stdout.readline().split())
    yield process, child, grandchild
    process.stdin.close()  # whatever is left reads EOF and ends
    process.kill()
    process.wait(HANG_TIMEOUT)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfds")
@pytest.mark.parametrize(("number", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, None)])
def test_stopping_the_driver_stops_its_child_and_grandchild(driver, number, status):
    process, child, grandchild = driver
    assert os.getpgid(child) == child != os.getpgid(process.pid)  # a group of its own
    assert os.getpgid(grandchild) == child
    process.send_signal(number)
    code = process.wait(HANG_TIMEOUT)
    if status is None:  # Ctrl-C: the KeyboardInterrupt goes on after the cleanup
        assert code != 0
    else:
        assert code == status
    assert exited(child)
    assert exited(grandchild)
    # The child was stopped with SIGTERM first, and exited through its atexit handlers (what
    # removes a pyperf worker's copy of the database).
    assert "child cleaned up" in process.stdout.read()


def test_a_group_that_ended_by_itself_is_just_waited_for(tmp_path):
    from bench import processes

    assert processes.run([sys.executable, "-c", "raise SystemExit(3)"]) == 3
