"""A small, bounded HTTP load generator: threads and sockets, loopback only.

Used by ``bench/run.py --gunicorn`` when ``wrk`` is not installed. Every run stops by itself: at
``duration`` seconds or ``max_requests`` requests, whichever comes first.

Each request goes on a connection of its own with ``Connection: close``, as gunicorn's sync
workers would have it anyway (they close the connection after each answer): the request's bytes
are built once, the answer is read to the server's close and only its status line is parsed.
That costs this process about half the CPU per request of ``http.client``, whose header
parsing the servers' cores would otherwise share with it.

    python bench/loadgen.py http://127.0.0.1:8000/limit/ --duration 5 -H "Authorization: JWT ..."
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing to load {host}: loopback addresses only")


def request_bytes(
    method: str, host: str, port: int, path: str, headers: dict[str, str], body: bytes | None
) -> bytes:
    """An HTTP/1.1 request asking the server to close the connection after its answer."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def exchange(address: tuple[str, int], request: bytes, timeout: float) -> int:
    """Send ``request`` on a new connection, read the answer until the server closes it, and
    return its status code (ValueError if the answer is not HTTP)."""
    with socket.create_connection(address, timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    status = b"".join(chunks).split(b"\r\n", 1)[0].split(b" ", 2)
    if len(status) < 2 or not status[0].startswith(b"HTTP/") or not status[1].isdigit():
        raise ValueError(f"not an HTTP answer: {status!r}")
    return int(status[1])


def run(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    duration: float = 10.0,
    concurrency: int = 4,
    max_requests: int = 1_000_000,
    timeout: float = 5.0,
) -> Result:
    """Send requests from ``concurrency`` threads until ``duration`` or ``max_requests``."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    _check_loopback(host)
    path = parts.path or "/"
    request = request_bytes(method, host, port, path, headers or {}, body)
    lock = threading.Lock()
    result = Result()
    budget = [max_requests]
    deadline = time.monotonic() + duration

    def worker() -> None:
        local: list[float] = []
        done = errors = 0
        try:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                started = time.perf_counter()
                try:
                    if exchange((host, port), request, timeout) >= 300:
                        errors += 1
                except (OSError, ValueError):
                    errors += 1
                local.append(time.perf_counter() - started)
                done += 1
        finally:
            with lock:
                result.requests += done
                result.errors += errors
                result.latencies.extend(local)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 5)
    result.seconds = time.monotonic() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("-X", "--method", default="GET")
    parser.add_argument("-H", "--header", action="append", default=[])
    parser.add_argument("-d", "--data", default=None)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("-c", "--concurrency", type=int, default=4)
    parser.add_argument("-n", "--max-requests", type=int, default=1_000_000)
    args = parser.parse_args()
    headers = dict(item.split(": ", 1) for item in args.header)
    result = run(
        args.url,
        method=args.method,
        headers=headers,
        body=args.data.encode() if args.data is not None else None,
        duration=args.duration,
        concurrency=args.concurrency,
        max_requests=args.max_requests,
    )
    median = statistics.median(result.latencies) * 1000 if result.latencies else float("nan")
    print(
        f"{result.requests} requests in {result.seconds:.1f} s: {result.rps:.0f} req/s, "
        f"{result.errors} errors, p50 {median:.2f} ms, p99 {result.percentile(0.99) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
