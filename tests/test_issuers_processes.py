"""Several processes share one fetch of an issuer's JWK Set through the cache (Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import HANG_TIMEOUT
from tests.jwks_server import JWKS_PATH, JWKSServer
from tests.test_issuers import token_of

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4


def _wait_for(condition, what: str) -> None:
    for _ in range(HANG_TIMEOUT * 50):  # a hang guard: bounded attempts, not a time limit
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def test_one_fetch_is_shared_by_several_processes(redis_server, tmp_path):
    server = JWKSServer().start()
    server.hanging = True  # the first fetch waits, so the other processes meet its lock
    env = {**os.environ, "REDIS_URL": redis_server.url, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{number}" for number in range(WORKERS)]
    token = token_of(server)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.issuer_worker",
                server.issuer,
                server.url(JWKS_PATH),
                token,
                str(ready[number]),
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(WORKERS)
    ]
    try:
        _wait_for(lambda: all(path.exists() for path in ready), "the workers to start")
        go.write_text("go")
        _wait_for(lambda: server.fetches >= 1, "the first fetch")
        server.hanging = False
        server.hang.set()
        outputs = [process.communicate(timeout=HANG_TIMEOUT) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=HANG_TIMEOUT)
        server.stop()
    assert [out.strip() for out, _ in outputs] == ["200"] * WORKERS, outputs
    assert server.fetches == 1
