#!/usr/bin/env python
"""The benchmark's driver: rest_framework_jwt against the limit and simplejwt.

    python bench/run.py                 # pyperf rounds, the table, the targets (`make bench`)
    python bench/run.py --quick         # HS256, five cases, three short rounds (`make bench-quick`)
    python bench/run.py --profile       # cProfile of our default-mode authentication
    python bench/run.py --gunicorn      # requests/s through gunicorn on 127.0.0.1

In-process: the driver migrates one SQLite database, checks that every case of the registry
(bench/cases.py) answers 200, counts its queries and key loads per request (untimed), then runs
``--rounds`` interleaved rounds: each round is one pyperf run of bench/timing.py (worker
processes, calibration) over every case in a shuffled order, appended to one pyperf JSON file.
bench/report.py turns that file into the table, the targets and the chart. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import random
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STARTED = time.monotonic()
ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# Run as a script, Python puts bench/ first on sys.path; the project root is what we want.
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE]
sys.path.insert(0, str(ROOT))

from bench import build, processes, report  # noqa: E402
from bench import cases as registry  # noqa: E402
from bench.build import BenchError, Built  # noqa: E402


def prepare(
    user: Any, algorithms: list[str], words: list[str] | None, quick: bool = False
) -> tuple[list[Built], dict[str, str]]:
    """The selected cases that answer 200 here, and why the others are n/a."""
    ready: list[Built] = []
    missing: dict[str, str] = {}
    for case, algorithm in registry.selected(algorithms, words, quick=quick):
        name = registry.benchmark_name(case.name, algorithm)
        reason = build.missing_reason(case)
        if reason is None:
            built = build.build(case, algorithm, user)
            problem = built.check()
            if problem is None:
                ready.append(built)
                continue
            reason = f"failed: {problem}"
        missing[name] = reason
    return ready, missing


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def environment_lines(extra: str = "") -> list[str]:
    import django
    import jwt
    import rest_framework

    versions = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"DRF {rest_framework.VERSION}",
        f"PyJWT {jwt.__version__}",
    ]
    from importlib.metadata import PackageNotFoundError, version

    for package in ("cryptography", "djangorestframework-simplejwt", "pyperf"):
        with contextlib.suppress(PackageNotFoundError):
            versions.append(f"{package} {version(package)}")
    load = load_average()
    return [
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, {platform.system()} {platform.release()}, "
        f"load average {load:.1f} at the start",
        ", ".join(versions) + (f"; {extra}" if extra else ""),
        "Password hasher for both packages: MD5PasswordHasher. SQLite file database, "
        + connection_policy()
        + ".",
    ]


def connection_policy() -> str:
    """How long the database connections live (bench/settings.py's CONN_MAX_AGE)."""
    from django.conf import settings

    age = settings.DATABASES["default"].get("CONN_MAX_AGE", 0)
    if age is None:
        return "connections kept for a worker's life (CONN_MAX_AGE None)"
    if age == 0:
        return "a new connection per request (CONN_MAX_AGE 0)"
    return f"connections kept across requests (CONN_MAX_AGE {age})"


# --------------------------------------------------------------------------------------------
# In-process: pyperf rounds
# --------------------------------------------------------------------------------------------


def in_process(args: argparse.Namespace, user: Any, template: Path) -> int:
    ready, missing = prepare(user, args.algorithms, args.cases, quick=args.quick)
    counts = {}
    for built in ready:
        queries, key_parses = build.count_per_request(built)
        name = registry.benchmark_name(built.case.name, built.algorithm)
        counts[name] = {"queries": queries, "key_parses": key_parses}
    loops, wall = calibrate(ready, args.value_ms / 1000)
    calibration = f"requests per value calibrated once to about {args.value_ms:g} ms of CPU"
    if args.loops:
        loops = dict.fromkeys(loops, args.loops)
        calibration = f"{args.loops} requests per value"
    from django.db import connections

    connections.close_all()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    results = output / "pyperf.json"
    results.unlink(missing_ok=True)
    inner_loops = output / "inner-loops.json"
    inner_loops.write_text(json.dumps(loops, indent=2))
    pyperf_args = ["--processes", str(args.processes), "--values", str(args.values)]
    pyperf_args += ["--warmups", str(args.warmups), "--loops", "1"]
    described = (
        f"up to {args.rounds} interleaved rounds of pyperf ({' '.join(pyperf_args[:-2])}; "
        f"{calibration}), CPU time"
    )
    if args.max_minutes:
        described += f", at most {args.max_minutes:g} min"
    (output / "counts.json").write_text(
        json.dumps(
            {
                "environment": environment_lines(described),
                "command": command_line(),
                "counts": counts,
                "missing": missing,
            },
            indent=2,
        )
    )
    per_round = round_estimate(args, loops, wall, build.READY - STARTED)
    print(
        f"{len(ready)} cases, {described}; expected: about {per_round:.0f} s a round, "
        f"{per_round * args.rounds / 60:.1f} min for {args.rounds} rounds"
        + (f" (bounded at {args.max_minutes:g} min)" if args.max_minutes else ""),
        file=sys.stderr,
        flush=True,
    )
    command = [sys.executable, str(HERE / "timing.py"), "--template", str(template)]
    command += ["--algorithms", ",".join(args.algorithms), "--seed", str(args.seed)]
    command += ["--append", str(results), "--quiet", "--inner-loops", str(inner_loops)]
    command += pyperf_args
    if args.cases:
        command += ["--cases", ",".join(args.cases)]
    if args.quick:
        command.append("--quick")
    if missing:
        command += ["--skip", "|".join(missing)]
    done = run_rounds(args, command)
    if done < args.rounds:
        print(
            f"  stopped after {plural_rounds(done)}: the next would pass --max-minutes",
            file=sys.stderr,
        )
    recorded = json.loads((output / "counts.json").read_text())
    recorded["environment"].append(
        f"{plural_rounds(done)} in {(time.monotonic() - STARTED) / 60:.1f} min; "
        f"load average {load_average():.1f} at the end"
    )
    (output / "counts.json").write_text(json.dumps(recorded, indent=2))
    report_args = [str(results), "--counts", str(output / "counts.json")]
    if args.chart:
        report_args += ["--chart", args.chart]
    return report.main(report_args)


def plural_rounds(number: int) -> str:
    return f"{number} round" + ("" if number == 1 else "s")


def run_rounds(args: argparse.Namespace, command: list[str]) -> int:
    """Run the rounds (each a pyperf run in a process group of its own); stop starting rounds
    when the next one, as long as the mean round so far, would pass ``--max-minutes``
    (counted from the driver's start). The number of rounds done."""
    budget = args.max_minutes * 60 if args.max_minutes else float("inf")
    durations: list[float] = []
    for number in range(1, args.rounds + 1):
        elapsed = time.monotonic() - STARTED
        if durations and elapsed + statistics.mean(durations) > budget:
            return number - 1
        began = time.monotonic()
        status = processes.run([*command, "--round", str(number)], stdout=subprocess.DEVNULL)
        if status:
            raise BenchError(f"round {number} failed (pyperf exited with {status})")
        durations.append(time.monotonic() - began)
        elapsed = time.monotonic() - STARTED
        left = min(statistics.mean(durations) * (args.rounds - number), budget - elapsed)
        print(
            f"  round {number}/{args.rounds} done ({durations[-1]:.0f} s; "
            f"{elapsed:.0f} s since the start, about {max(0.0, left):.0f} s to go)",
            file=sys.stderr,
            flush=True,
        )
    return args.rounds


#: The most requests one pyperf value times (a very cheap case at a long --value-ms).
MAX_REQUESTS_PER_VALUE = 20_000


def calibrate(ready: list[Built], seconds: float) -> tuple[dict[str, int], dict[str, float]]:
    """Requests per value for each case, so that a value takes about ``seconds`` of CPU, from
    a few timed batches in this process (once, instead of pyperf's calibration in each worker
    of round 1); and each case's wall time per request, its making included (for the
    estimate of the run's duration)."""
    loops: dict[str, int] = {}
    wall: dict[str, float] = {}
    for built in ready:
        name = registry.benchmark_name(built.case.name, built.algorithm)
        with built.context():
            built.call()  # the key ring is rebuilt after a settings change
            size = 8
            while True:
                began = time.perf_counter()
                requests = [built.make() for _ in range(size)]
                # As timing.py does before its clock: a collection of this process's large
                # heap falling inside a small batch made it look 10x slower, and that case's
                # values then few requests each (cold, so dearer per request).
                gc.collect()
                cpu = time.thread_time()
                for request in requests:
                    built.view(request).render()
                cpu = time.thread_time() - cpu
                if cpu >= 0.01 or size >= 2048:
                    break
                size *= 4
        wall[name] = (time.perf_counter() - began) / size
        cost = max(cpu / size, 1e-7)
        loops[name] = max(1, min(MAX_REQUESTS_PER_VALUE, math.ceil(seconds / cost)))
    return loops, wall


def round_estimate(
    args: argparse.Namespace, loops: dict[str, int], wall: dict[str, float], start_up: float
) -> float:
    """Seconds a round should take: per benchmark, its worker processes' start-up (taken as
    ``start_up``, this driver's own: Python, Django and both packages imported and set up)
    and their warm-ups and values."""
    total = 0.0
    for name, count in loops.items():
        timed = (args.warmups + args.values) * wall[name] * count
        total += args.processes * (start_up + timed)
    return total


def command_line() -> str:
    """This run's command, as typed from the project root."""
    return shlex.join(["bench/run.py", *sys.argv[1:]])


# --------------------------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------------------------

AREAS = (
    ("rest_framework_jwt", re.compile(r"[/\\]rest_framework_jwt[/\\]")),
    ("simplejwt", re.compile(r"[/\\]rest_framework_simplejwt[/\\]")),
    ("DRF", re.compile(r"[/\\]rest_framework[/\\]")),
    ("Django ORM", re.compile(r"[/\\]django[/\\]db[/\\]")),
    ("Django (other)", re.compile(r"[/\\]django[/\\]")),
    ("PyJWT", re.compile(r"[/\\]jwt[/\\]")),
    ("json", re.compile(r"[/\\]json[/\\]|_json")),
    ("sqlite3 (C)", re.compile(r"sqlite3")),
    ("base64/hmac/hashlib", re.compile(r"base64|hmac|hashlib|_hashlib|binascii|openssl")),
    ("cryptography", re.compile(r"cryptography|_rust")),
    ("bench views", re.compile(r"[/\\]bench[/\\]")),
)


def area_of(function: tuple[str, int, str]) -> str:
    filename, _, name = function
    text = f"{filename} {name}"
    for area, pattern in AREAS:
        if pattern.search(text):
            return area
    return "stdlib/builtins (other)"


def short(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if filename == "~":
        return name
    for marker in ("site-packages/", "src/", "lib/python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


def profile(args: argparse.Namespace, user: Any) -> int:
    unknown = [name for name in args.profile_cases if name not in registry.BY_NAME]
    if unknown:
        print(f"no case named {unknown}", file=sys.stderr)
        return 2
    for name in args.profile_cases:
        built = build.build(registry.BY_NAME[name], args.algorithms[0], user)
        label = f"{built.case.label} [{built.algorithm}]"
        problem = built.check()
        if problem:
            print(f"{label}: {problem}", file=sys.stderr)
            continue
        n = args.profile_requests
        with built.context():
            for _ in range(200):
                built.call()
            requests = [built.make() for _ in range(n)]
            profiler = cProfile.Profile()
            gc.collect()
            profiler.enable()
            for request in requests:
                built.view(request).render()
            profiler.disable()
        stats = pstats.Stats(profiler)
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        total = sum(entry[2] for entry in raw.values())
        print(f"\n=== {label}: {n} requests under cProfile ===")
        print(f"profiled total {total / n * 1e6:.1f} µs/request (cProfile adds overhead)")
        areas: dict[str, float] = {}
        for function, entry in raw.items():
            areas[area_of(function)] = areas.get(area_of(function), 0.0) + entry[2]
        print("\nself time by area:")
        for area, seconds in sorted(areas.items(), key=lambda item: -item[1]):
            print(f"  {area:<26} {seconds / n * 1e6:>7.1f} µs  {seconds / total * 100:>5.1f}%")
        print(f"\ntop {args.profile_top} functions by self time (per request):")
        print(f"  {'calls':>6} {'self µs':>8} {'incl µs':>8}  function")
        ranked = sorted(raw.items(), key=lambda item: -item[1][2])[: args.profile_top]
        for function, (_, ncalls, tottime, cumtime, _) in ranked:
            print(
                f"  {ncalls / n:>6.1f} {tottime / n * 1e6:>8.1f} {cumtime / n * 1e6:>8.1f}  "
                f"{short(function)}"
            )
        print("\ninclusive time of the package's functions (per request):")
        ours = [
            (function, entry)
            for function, entry in raw.items()
            if "rest_framework_jwt" in function[0] or "rest_framework_simplejwt" in function[0]
        ]
        for function, (_, ncalls, _, cumtime, _) in sorted(ours, key=lambda item: -item[1][3])[
            : args.profile_top
        ]:
            print(f"  {ncalls / n:>6.1f} {cumtime / n * 1e6:>8.1f}  {short(function)}")
    return 0


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/ping/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {timeout:.0f} s")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def load_wrk(
    built: Built, port: int, duration: float, concurrency: int, workdir: Path
) -> dict[str, Any]:
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    for name, value in built.headers.items():
        command += ["-H", f"{name}: {value}"]
    if built.case.method == "POST":
        script = workdir / "post.lua"
        body = (built.body or b"").decode()
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n')
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{built.case.path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50 = re.search(r"\s50%\s+(\S+)", output)
    p99 = re.search(r"\s99%\s+(\S+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        # Read errors on a sync worker's closed connection are not failed requests.
        errors += int(socket_errors.group(1)) + int(socket_errors.group(4))
    return {
        "rps": float(rps.group(1)) if rps else float("nan"),
        "p50_ms": _ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _ms(p99.group(1)) if p99 else float("nan"),
        "errors": errors,
        "requests": int(requests.group(1)) if requests else 0,
    }


def load_generator_cpu(loadgen: str) -> float:
    """CPU seconds of the load generator so far: this process (the Python load generator's
    threads; the driver does nothing else meanwhile), or its finished children (wrk)."""
    if loadgen == "wrk":
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
    return time.process_time()


def worker_cpu(master: int, proc: Path = Path("/proc")) -> dict[int, float]:
    """CPU seconds (user and system) so far of each worker of the gunicorn master ``master``,
    from /proc (Linux); empty where /proc does not list the children."""
    try:
        children = (proc / str(master) / "task" / str(master) / "children").read_text().split()
    except OSError:
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    cpu: dict[int, float] = {}
    for pid in map(int, children):
        try:
            # After the command name in parentheses: state is field 3, utime 14, stime 15.
            fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the worker has just exited
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    return cpu


def server_cpu_per_request(
    before: dict[int, float], after: dict[int, float], requests: int
) -> float | None:
    """The workers' CPU microseconds per request over a sample (the workers alive at both
    ends), or None when there is nothing to divide."""
    alive = before.keys() & after.keys()
    if not alive or not requests:
        return None
    return sum(after[pid] - before[pid] for pid in alive) / requests * 1e6


def load_python(built: Built, port: int, duration: float, concurrency: int) -> dict[str, Any]:
    from bench import loadgen

    result = loadgen.run(
        f"http://127.0.0.1:{port}{built.case.path}",
        method=built.case.method,
        headers=built.headers,
        body=built.body,
        duration=duration,
        concurrency=concurrency,
    )
    return {
        "rps": result.rps,
        "p50_ms": result.percentile(0.5) * 1000,
        "p99_ms": result.percentile(0.99) * 1000,
        "errors": result.errors,
        "requests": result.requests,
    }


def start_server(
    args: argparse.Namespace, db_path: Path, alg: str, variant: str, port: int
) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:port serving the bench project for one algorithm and mode."""
    env = dict(
        os.environ,
        BENCH_DB=str(db_path),
        BENCH_ALGORITHM=alg,
        BENCH_VARIANT=variant,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    return processes.start(command, env=env)


def gunicorn_mode(args: argparse.Namespace, user: Any, db_path: Path) -> int:
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    ready, missing = prepare(user, args.algorithms, args.cases)
    servers: dict[tuple[str, str], list[Built]] = {}
    for built in ready:
        if not built.case.http():
            # A rotating refresh token is good once; the servers would fetch the JWK Set.
            name = registry.benchmark_name(built.case.name, built.algorithm)
            missing[name] = "in-process only (a token per request, or a seeded JWK Set)"
            continue
        servers.setdefault((built.algorithm, built.case.variant), []).append(built)
    from django.db import connections

    connections.close_all()
    rounds = max(1, args.gunicorn_rounds)
    per_round = args.duration / rounds
    order = [built for server in servers.values() for built in server]
    samples: dict[str, list[dict[str, Any]]] = {}
    environment = environment_lines(
        f"gunicorn {args.workers} sync workers per server, load by {loadgen} "
        f"({args.concurrency} connections, {args.duration:g} s per case in {rounds} "
        f"interleaved rounds after a {args.warmup:g} s warm-up), all on this machine"
    )
    print(
        f"{len(order)} cases on {len(servers)} servers, {rounds} interleaved rounds of "
        f"{per_round:g} s each after a {args.warmup:g} s warm-up: about "
        f"{len(order) * (args.duration + args.warmup) / 60:.1f} min",
        file=sys.stderr,
        flush=True,
    )

    running: dict[tuple[str, str], tuple[subprocess.Popen[bytes], int]] = {}

    def load(built: Built, seconds: float) -> dict[str, Any]:
        """One sample, with the CPU the load generator used per second of it (this process's
        threads, or the finished wrk child's) and the server's workers' CPU per request."""
        process, port = running[(built.algorithm, built.case.variant)]
        cpu = load_generator_cpu(loadgen)
        workers = worker_cpu(process.pid)
        began = time.monotonic()
        if loadgen == "wrk":
            outcome = load_wrk(built, port, seconds, args.concurrency, db_path.parent)
        else:
            outcome = load_python(built, port, seconds, args.concurrency)
        outcome["loadgen_cores"] = (load_generator_cpu(loadgen) - cpu) / (time.monotonic() - began)
        outcome["server_cpu_us"] = server_cpu_per_request(
            workers, worker_cpu(process.pid), outcome["requests"]
        )
        return outcome

    try:
        for alg, variant in servers:
            port = free_port()
            print(f"gunicorn {alg} {variant or 'base'} on 127.0.0.1:{port}", file=sys.stderr)
            running[(alg, variant)] = (start_server(args, db_path, alg, variant, port), port)
        for process, port in running.values():
            wait_ready(process, port)
        for built in order:  # every worker of every server warm before the first round
            if args.warmup:
                load(built, args.warmup)
        rng = random.Random(args.seed)
        for number in range(1, rounds + 1):
            rng.shuffle(order)
            for built in order:
                outcome = load(built, per_round)
                outcome["round"] = number
                name = registry.benchmark_name(built.case.name, built.algorithm)
                samples.setdefault(name, []).append(outcome)
            print(f"  round {number}/{rounds} done", file=sys.stderr, flush=True)
    finally:
        for process, _ in running.values():
            processes.stop_group(process)
    environment.append(f"load average {load_average():.1f} at the end")
    data = {
        "environment": environment,
        "command": command_line(),
        "samples": samples,
        "missing": missing,
    }
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "http.json").write_text(json.dumps(data, indent=2))
    print("\n".join(report.http_report(data)))
    return 0


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark rest_framework_jwt against the limit and simplejwt."
    )
    parser.add_argument(
        "--algorithms",
        default=",".join(registry.ALGORITHMS),
        help="comma-separated (default: all four; --quick, --gunicorn and --profile: HS256)",
    )
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds, at most (10)")
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=15.0,
        help="start no round that would end after this many minutes from the start "
        "(15; 0: no bound; --quick: 0.8)",
    )
    parser.add_argument(
        "--value-ms",
        type=float,
        default=50.0,
        help="CPU milliseconds a pyperf value should take: the requests per value are "
        "calibrated once, in the driver, from it (50)",
    )
    parser.add_argument("--processes", type=int, default=1, help="pyperf workers per round (1)")
    parser.add_argument("--values", type=int, default=5, help="pyperf values per worker (5)")
    parser.add_argument("--warmups", type=int, default=1, help="pyperf warm-ups per worker (1)")
    parser.add_argument(
        "--loops", type=int, default=0, help="fixed requests per value (0: from --value-ms)"
    )
    parser.add_argument("--seed", type=int, default=5, help="seed of the round order")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the registry's quick cases, HS256, up to 3 rounds of 1 worker, 20 ms values, "
        "at most 0.8 min",
    )
    parser.add_argument(
        "--cases",
        help="only the cases whose name contains one of these comma-separated words "
        "(names: " + ", ".join(registry.BY_NAME) + ")",
    )
    parser.add_argument("--output", default=str(HERE / "results"), help="bench/results")
    parser.add_argument("--chart", help="draw the ratios to the limit into this SVG file")
    parser.add_argument("--profile", action="store_true", help="profile instead of timing")
    parser.add_argument(
        "--profile-case",
        dest="profile_cases",
        action="append",
        help="case to profile (default: 'ours default'; repeatable, e.g. 'sj default')",
    )
    parser.add_argument("--profile-requests", type=int, default=5000)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--gunicorn", action="store_true", help="requests/s through gunicorn")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per case (10)")
    parser.add_argument(
        "--gunicorn-rounds", type=int, default=5, help="--duration is split over these (5)"
    )
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="seconds per case before the rounds (1)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="connections (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    one = args.gunicorn or args.profile or args.quick
    if one and args.algorithms == parser.get_default("algorithms"):
        args.algorithms = "HS256"
    args.algorithms = [item.strip() for item in args.algorithms.split(",") if item.strip()]
    args.profile_cases = args.profile_cases or ["ours default"]
    args.cases = [word.strip() for word in args.cases.split(",")] if args.cases else None
    if args.quick:
        args.rounds, args.processes, args.values, args.duration = 3, 1, 3, 3.0
        args.value_ms, args.max_minutes = 20.0, 0.8
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rest_framework_jwt-bench-"))
    # SIGTERM and SIGHUP unwind like Ctrl-C: the finally blocks stop every process group.
    with processes.stop_signals(), contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, True)
        db_path = workdir / "bench.sqlite3"
        user = build.setup_django(db_path)
        build.KEY_PARSES.install()
        if args.profile:
            return profile(args, user)
        if args.gunicorn:
            return gunicorn_mode(args, user, db_path)
        return in_process(args, user, db_path)


if __name__ == "__main__":
    sys.exit(main())
