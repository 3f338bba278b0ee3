"""``make soak``: concurrent clients through gunicorn, PostgreSQL and the Redis denylist.

    python -m bench.soak.run --duration 300 --clients 50 --workers 4

It creates a PostgreSQL database for the run (``--database-url``, dropped at the end), starts a
private redis-server on a free loopback port and gunicorn with ``--workers`` sync workers, and
drives ``--clients`` threads, each one user on its own loopback address (127.0.0.N, so the
per-address throttles see one client each, as in production). Each client logs in, calls the API,
rotates its refresh token by the protocol (each refresh token used once), and now and then logs
out or logs out everywhere, after which it checks that its old tokens are refused, now and later,
by whichever worker answers.

It reports requests, 5xx and transport errors, false reuse detections (a refresh of a client that
followed the protocol refused as reused or revoked), revoked tokens accepted afterwards, p50/p99
latency per endpoint and the RSS growth of each worker, writes them as JSON (``--json``), and
exits 1 when any of the counts that must be zero is not. Every run stops by itself at
``--duration``; it sends traffic to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "soak-password"
#: The counts that must be zero for the run to pass.
MUST_BE_ZERO = ("5xx", "transport_errors", "false_reuse", "revoked_accepted", "unexpected")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not listen on 127.0.0.1:{port} within {limit:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server on a free loopback port, keeping nothing on disk."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", directory]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, process, "redis-server", 30)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop(process)


@contextmanager
def database(url: str) -> Iterator[str]:
    """A fresh PostgreSQL database named by ``url``, dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict[str, str], clients: int) -> None:
    """Migrate the run's database and create one user per client (in a child process, so this
    one keeps no connection open)."""
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import make_password\n"
        "call_command('migrate', verbosity=0)\n"
        f"hashed = make_password({PASSWORD!r})\n"
        "User = get_user_model()\n"
        f"User.objects.bulk_create([User(username=f'soak-{{n}}', password=hashed) "
        f"for n in range({clients})])\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(pid) for pid in path.read_text().split()) if path.exists() else []


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Tally:
    """What all clients saw; one lock for all (a few µs per request, far below a request)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    examples: list[str] = field(default_factory=list)

    def add(self, name: str, amount: int = 1, example: str | None = None) -> None:
        with self.lock:
            self.counts[name] += amount
            if example is not None and len(self.examples) < 20:
                self.examples.append(f"{name}: {example}")


class Client:
    """One user's session, following the protocol: each refresh token is used once."""

    def __init__(self, number: int, port: int, tally: Tally, seed: int) -> None:
        self.username = f"soak-{number}"
        self.address = f"127.0.{1 + number // 250}.{1 + number % 250}"
        self.port = port
        self.tally = tally
        self.random = random.Random(seed * 1000 + number)
        self.access: str | None = None
        self.refresh: str | None = None
        self.revoked: list[tuple[str, str]] = []  # (access, refresh) pairs that must be refused

    def call(
        self, endpoint: str, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"JWT {token}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
        )
        started = time.perf_counter()
        try:
            connection.request(
                method, path, body=None if body is None else json.dumps(body), headers=headers
            )
            response = connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.tally.add("transport_errors", example=f"{endpoint}: {error!r}")
            return 0, None
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with self.tally.lock:
            self.tally.counts["requests"] += 1
            self.tally.latencies[endpoint].append(elapsed)
        if response.status >= 500:
            self.tally.add("5xx", example=f"{endpoint} {response.status} {raw[:200]!r}")
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, data

    def login(self) -> None:
        status, data = self.call(
            "obtain", "POST", "/api-token-auth/", {"username": self.username, "password": PASSWORD}
        )
        if status == 200:
            self.access, self.refresh = data["token"], data["refresh_token"]
        else:
            self.tally.add("unexpected", example=f"obtain {status} {data}")

    def whoami(self) -> None:
        status, data = self.call("api", "GET", "/whoami/", token=self.access)
        if status != 200 or data != {"username": self.username}:
            self.tally.add("unexpected", example=f"api {status} {data}")

    def rotate(self) -> None:
        status, data = self.call(
            "refresh", "POST", "/api-token-refresh/", {"refresh_token": self.refresh}
        )
        if status == 200:
            self.access, self.refresh = data["token"], data["refresh_token"]
            return
        code = data.get("code") if isinstance(data, dict) else None
        if code in ("refresh_token_reused", "token_revoked"):
            self.tally.add("false_reuse", example=f"{self.username}: {status} {data}")
        else:
            self.tally.add("unexpected", example=f"refresh {status} {data}")
        self.access = self.refresh = None

    def logout(self, everywhere: bool) -> None:
        endpoint, path = (
            ("logout_all", "/api-token-logout-all/")
            if everywhere
            else ("logout", "/api-token-logout/")
        )
        status, data = self.call(
            endpoint, "POST", path, {"refresh_token": self.refresh}, token=self.access
        )
        if status != 204:
            self.tally.add("unexpected", example=f"{endpoint} {status} {data}")
        assert self.access is not None and self.refresh is not None
        self.revoked.append((self.access, self.refresh))
        self.access = self.refresh = None
        self.check_revoked(self.revoked[-1])

    def check_revoked(self, pair: tuple[str, str]) -> None:
        """Old tokens are refused by whichever worker answers (sync workers: a new connection,
        and so any worker, per request)."""
        access, refresh = pair
        for _ in range(2):
            status, data = self.call("api", "GET", "/whoami/", token=access)
            if status != 401:
                self.tally.add("revoked_accepted", example=f"access: {status} {data}")
        status, data = self.call(
            "refresh", "POST", "/api-token-refresh/", {"refresh_token": refresh}
        )
        if status != 400:
            self.tally.add("revoked_accepted", example=f"refresh: {status} {data}")
        self.tally.add("revocation_checks")

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.access is None:
                self.login()
                continue
            roll = self.random.random()
            if roll < 0.60:
                self.whoami()
            elif roll < 0.92:
                self.rotate()
            elif roll < 0.97 and self.revoked:
                self.check_revoked(self.random.choice(self.revoked))
            elif roll < 0.99:
                self.logout(everywhere=False)
            else:
                self.logout(everywhere=True)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 2),
    }


def soak(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    with database(args.database_url) as url, redis_server() as redis_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.soak.settings",
            "SOAK_DATABASE_URL": url,
            "SOAK_REDIS_URL": redis_url,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
        prepare(env, args.clients)
        command = [sys.executable, "-m", "gunicorn", "bench.soak.wsgi:application"]
        command += ["--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
        command += ["--worker-class", "sync", "--timeout", "120", "--log-level", "warning"]
        server = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
        )
        try:
            wait_for_port(port, server, "gunicorn", 60)
            tally = Tally()
            clients = [Client(n, port, tally, args.seed) for n in range(args.clients)]
            # Warm up every worker (imports, connections), then take the RSS baseline.
            for client in clients[: args.workers * 2]:
                client.login()
                client.whoami()
            rss_before = {pid: rss_kib(pid) for pid in worker_pids(server.pid)}
            started = time.monotonic()
            deadline = started + args.duration
            threads = [
                threading.Thread(target=client.run, args=(deadline,), daemon=True)
                for client in clients
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.duration + 120)
            seconds = time.monotonic() - started
            rss_after = {pid: rss_kib(pid) for pid in worker_pids(server.pid)}
        finally:
            stop(server)
    counts = {name: tally.counts.get(name, 0) for name in ("requests", *MUST_BE_ZERO)}
    counts["revocation_checks"] = tally.counts.get("revocation_checks", 0)
    return {
        "duration_s": round(seconds, 1),
        "clients": args.clients,
        "workers": args.workers,
        "requests_per_s": round(counts["requests"] / seconds, 1),
        "counts": counts,
        "latency": {name: percentiles(values) for name, values in sorted(tally.latencies.items())},
        "rss_growth_kib": {
            str(pid): rss_after[pid] - rss_before[pid] for pid in rss_before if pid in rss_after
        },
        "workers_replaced": sorted(set(rss_after) ^ set(rss_before)),
        "examples": tally.examples,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"soak: {result['clients']} clients, {result['workers']} gunicorn workers, "
        f"{result['duration_s']} s, {result['counts']['requests']} requests "
        f"({result['requests_per_s']}/s), {result['counts']['revocation_checks']} checks of "
        "revoked tokens",
        "",
        "| count | value | must be |",
        "|---|---:|---|",
    ]
    for name in MUST_BE_ZERO:
        lines.append(f"| {name} | {result['counts'][name]} | 0 |")
    lines += ["", "| endpoint | requests | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for name, figures in result["latency"].items():
        lines.append(f"| {name} | {figures['count']} | {figures['p50_ms']} | {figures['p99_ms']} |")
    growth = ", ".join(f"{kib / 1024:+.1f}" for kib in result["rss_growth_kib"].values())
    lines += ["", f"RSS growth per worker (MiB): {growth or 'unknown'}"]
    if result["workers_replaced"]:
        lines.append(f"workers replaced during the run: {result['workers_replaced']}")
    lines += [f"  {example}" for example in result["examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="Seconds (default 300).")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jwt_soak"),
        help="A PostgreSQL database to create for the run and drop afterwards.",
    )
    parser.add_argument("--json", type=Path, default=None, help="Write the results here.")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 60_000:
        parser.error("--clients: 1 to 60000 (one loopback address each)")
    result = soak(args)
    print(report(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    failed = [name for name in MUST_BE_ZERO if result["counts"][name]]
    if failed or result["counts"]["requests"] == 0:
        print(f"soak FAILED: {', '.join(failed) or 'no request was answered'}", file=sys.stderr)
        return 1
    print("soak passed: every count that must be zero is zero")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
