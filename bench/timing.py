#!/usr/bin/env python
"""One interleaved round of the benchmark, as a pyperf script (bench/run.py runs it per round).

pyperf spawns the worker processes and appends the results to the JSON file of ``--append``.
Every case of the registry (bench/cases.py) is registered in an order shuffled from ``--seed``
and ``--round`` (the workers rebuild the same order from the same arguments), and each run is
tagged with the metadata ``bench_round``: bench/report.py pairs the cases round by round.

A value is the thread CPU time (``time.thread_time``) of ``loops`` x ``inner`` requests whose
request objects were built before the clock started, divided by both (see time_case). pyperf
runs ``--loops 1``: the requests per value (``--inner-loops``, per case) were calibrated once by
bench/run.py in its own process, so no round spends worker processes on calibration and every
round times the same number of requests.
"""

from __future__ import annotations

import atexit
import gc
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path; the project root is what we want.
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import pyperf  # noqa: E402

from bench import cases as registry  # noqa: E402
from bench import processes  # noqa: E402

_BUILT: dict[tuple[str, str], Any] = {}
_USER: list[Any] = []


def _user(template: str) -> Any:
    """The bench user, on this worker's own copy of the driver's database."""
    if not _USER:
        from bench import build

        workdir = Path(tempfile.mkdtemp(prefix="rest_framework_jwt-bench-worker-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        _USER.append(build.setup_django(workdir / "bench.sqlite3", Path(template)))
        build.KEY_PARSES.install()
    return _USER[0]


def time_case(loops: int, name: str, algorithm: str, template: str, inner: int) -> float:
    from bench import build

    built = _BUILT.get((name, algorithm))
    if built is None:
        built = build.build(registry.BY_NAME[name], algorithm, _user(template))
        problem = built.check()
        if problem:
            raise build.BenchError(f"{name} [{algorithm}]: {problem}")
        _BUILT[(name, algorithm)] = built
    with built.context():
        requests = [built.make() for _ in range(loops * inner)]
        view = built.view
        # Entering the context changes the settings, so the package rebuilds its derived state
        # (the key ring: an RSA private key takes milliseconds to load) on the next request. One
        # request before the clock starts keeps that out of the figures, as in a server, where
        # it happens once per process.
        view(built.make()).render()
        bad = 0
        gc.collect()
        start = time.thread_time()
        for request in requests:
            response = view(request)
            response.render()
            if response.status_code != 200:
                bad += 1
        elapsed = time.thread_time() - start
    if bad:
        raise build.BenchError(f"{name} [{algorithm}]: {bad} answers were not 200")
    # pyperf divides by ``loops``; the ``inner`` requests of a loop are divided here (pyperf's
    # own inner_loops would make round 1's runs incompatible with the later rounds').
    return elapsed / inner


def _worker_args(cmd: list[str], args: Any) -> None:
    cmd += ["--round", str(args.round), "--seed", str(args.seed)]
    cmd += ["--algorithms", args.algorithms, "--template", args.template]
    if args.cases:
        cmd += ["--cases", args.cases]
    if args.skip:
        cmd += ["--skip", args.skip]
    if args.inner_loops:
        cmd += ["--inner-loops", args.inner_loops]
    if args.quick:
        cmd.append("--quick")


def main() -> None:
    # Stopped by the driver (SIGTERM to the round's process group): exit through sys.exit, so
    # pyperf kills its worker and the worker's atexit removes its database copy.
    processes.exit_on_sigterm()
    runner = pyperf.Runner(add_cmdline_args=_worker_args)
    parser = runner.argparser
    parser.add_argument("--round", type=int, default=1)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--algorithms", default=",".join(registry.ALGORITHMS))
    parser.add_argument("--cases", default="")
    parser.add_argument("--skip", default="", help="benchmark names to leave out, '|'-separated")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--template", required=True, help="the driver's SQLite database")
    parser.add_argument(
        "--inner-loops",
        default="",
        help="a JSON file: benchmark name -> requests per loop (the loops round 1 calibrated)",
    )
    args = runner.parse_args()
    inner = json.loads(Path(args.inner_loops).read_text()) if args.inner_loops else {}
    algorithms = [item for item in args.algorithms.split(",") if item]
    words = [item for item in args.cases.split(",") if item] or None
    skip = set(args.skip.split("|"))
    pairs = [
        (case, algorithm)
        for case, algorithm in registry.selected(algorithms, words, quick=args.quick)
        if registry.benchmark_name(case.name, algorithm) not in skip
    ]
    random.Random(args.seed * 1009 + args.round).shuffle(pairs)
    for case, algorithm in pairs:
        name = registry.benchmark_name(case.name, algorithm)
        runner.bench_time_func(
            name,
            time_case,
            case.name,
            algorithm,
            args.template,
            inner.get(name, 1),
            metadata={"bench_round": args.round, "bench_requests_per_value": inner.get(name, 1)},
        )


if __name__ == "__main__":
    main()
