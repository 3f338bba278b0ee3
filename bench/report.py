"""The benchmark's post-processing: pyperf's JSON in, the table, the targets and the chart out.

    python -m bench.report bench/results/pyperf.json [--counts counts.json] [--chart out.svg]
    python -m bench.report bench/results/pyperf.json --counts counts.json --markdown
    python -m bench.report --http bench/results/http.json [--markdown]

Each benchmark of the pyperf suite is a case of the registry (bench/cases.py) with an algorithm,
named ``"<case> [<algorithm>]"``; each of its runs carries the metadata ``bench_round`` (the
interleaved round it ran in, bench/timing.py). A case's cost in a round is the median of that
round's values; a ratio (case / reference) is taken round by round, both timed in the same
round, and the median of those ratios is reported: a slow minute of a shared machine slows both
sides of a pair alike. ``counts.json`` (bench/run.py) holds the queries and key loads per request
of each benchmark and the cases that could not run.

``http.json`` (``bench/run.py --gunicorn``) holds, per benchmark, one sample per interleaved
round (requests/s, p50 and p99 latency, errors); its ratios are paired per round the same way.
``--markdown`` prints the tables as docs/performance.md shows them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import cases as registry

#: Benchmark name -> round -> cost in seconds per request.
Rounds = dict[str, dict[int, float]]


def load_rounds(path: Path | str) -> Rounds:
    """The cost of every benchmark in every round of a pyperf JSON file."""
    import pyperf

    suite = pyperf.BenchmarkSuite.load(str(path))
    result: Rounds = {}
    for benchmark in suite.get_benchmarks():
        values: dict[int, list[float]] = defaultdict(list)
        for run in benchmark.get_runs():
            if run.values:  # calibration runs have warm-ups only
                values[int(run.get_metadata().get("bench_round", 1))].extend(run.values)
        result[benchmark.get_name()] = {
            number: statistics.median(samples) for number, samples in values.items()
        }
    return result


def paired_ratio(case: dict[int, float] | None, reference: dict[int, float] | None) -> float | None:
    """The median over the rounds both ran in of case / reference; None without a pair."""
    if not case or not reference:
        return None
    common = sorted(set(case) & set(reference))
    if not common:
        return None
    return statistics.median(case[number] / reference[number] for number in common)


@dataclass
class Verdict:
    case: str
    reference: str
    at_most: float
    source: str
    algorithm: str
    ratio: float | None

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None else self.ratio <= self.at_most

    def label(self) -> str:
        """The target, in words (a row of the docs' targets table)."""
        case, reference = registry.BY_NAME[self.case], registry.BY_NAME[self.reference]
        return f"{case.label} at most {self.at_most:.2f}x {reference.label} ({self.source})"

    def cell(self) -> str:
        """The ratio and the verdict (a cell of the docs' targets table)."""
        if self.ratio is None:
            return "not measured"
        return f"{self.ratio:.2f}x {'met' if self.met else 'not met'}"

    def line(self) -> str:
        case, reference = registry.BY_NAME[self.case], registry.BY_NAME[self.reference]
        text = f"{case.label} <= {self.at_most:.2f}x {reference.label} [{self.algorithm}]"
        if self.ratio is None:
            return f"  {text}: not measured"
        return f"  {text}: {self.ratio:.2f}x  {'met' if self.met else 'NOT MET'}  ({self.source})"


def verdicts(rounds: Rounds, algorithms: list[str]) -> list[Verdict]:
    """Every target of the registry for the algorithms of the run."""
    name = registry.benchmark_name
    found = []
    for case in registry.CASES:
        for target in case.targets:
            for algorithm in algorithms:
                if algorithm not in target.algorithms or algorithm not in case.algorithms:
                    continue
                ratio = paired_ratio(
                    rounds.get(name(case.name, algorithm)),
                    rounds.get(name(target.reference, algorithm)),
                )
                if ratio is None and name(case.name, algorithm) not in rounds:
                    continue
                found.append(
                    Verdict(
                        case.name, target.reference, target.at_most, target.source, algorithm, ratio
                    )
                )
    return found


def worst_key_loads(counts: dict[str, Any]) -> dict[str, float]:
    """Per algorithm, the most key loads per request of any row of ours."""
    worst: dict[str, float] = {}
    for benchmark, entry in counts.get("counts", {}).items():
        case, algorithm = registry.parse_benchmark_name(benchmark)
        if case.startswith("ours"):
            worst[algorithm] = max(worst.get(algorithm, 0.0), entry["key_parses"])
    return worst


def key_load_verdicts(counts: dict[str, Any]) -> list[str]:
    """The target of issue 14 that no request of ours parses a key."""
    lines = []
    for algorithm, worst in worst_key_loads(counts).items():
        verdict = "met" if worst == 0 else "NOT MET"
        lines.append(
            f"  key loads per request, ours (worst row) [{algorithm}]: {worst:.2f}  "
            f"{verdict}  ({registry.ISSUE_14})"
        )
    return lines


def algorithms_of(rounds: Rounds) -> list[str]:
    present = {registry.parse_benchmark_name(name)[1] for name in rounds}
    return [algorithm for algorithm in registry.ALGORITHMS if algorithm in present]


def median_cost(rounds: dict[int, float] | None) -> float | None:
    return statistics.median(rounds.values()) * 1e6 if rounds else None


def table(rounds: Rounds, counts: dict[str, Any]) -> list[str]:
    """The per-case table: µs (CPU), ratios to the limit and to the peer, queries, key loads."""
    name = registry.benchmark_name
    header = (
        f"{'alg':<6} {'case':<44} {'CPU µs':>8} {'x limit':>7} {'x peer':>7} "
        f"{'queries':>7} {'key loads':>9}"
    )
    lines = [header, "-" * len(header)]
    missing = counts.get("missing", {})
    numbers = counts.get("counts", {})

    def fmt(value: float | None, spec: str) -> str:
        return "" if value is None else format(value, spec)

    for algorithm in algorithms_of(rounds):
        limit = rounds.get(name("limit", algorithm))
        for case in registry.CASES:
            key = name(case.name, algorithm)
            if key in missing:
                lines.append(f"{algorithm:<6} {case.label:<44} n/a: {missing[key]}")
            if key not in rounds:
                continue
            peer = rounds.get(name(case.peer, algorithm)) if case.peer else None
            count = numbers.get(key, {})
            lines.append(
                f"{algorithm:<6} {case.label:<44} {fmt(median_cost(rounds[key]), '8.1f'):>8} "
                f"{fmt(paired_ratio(rounds[key], limit), '.2f'):>7} "
                f"{fmt(paired_ratio(rounds[key], peer), '.2f'):>7} "
                f"{fmt(count.get('queries'), '.2f'):>7} {fmt(count.get('key_parses'), '.2f'):>9}"
            )
        lines.append("")
    return lines


def chart_cases(rounds: Rounds) -> list[str]:
    """The chart's rows: every case of the run but the limit (the scale), in registry order;
    a case that did not run (an opt-in one such as async-cost) gets no empty row."""
    return [case.name for case in _present(rounds) if case.name != "limit"]


def chart(rounds: Rounds, path: Path | str) -> None:
    """Every case's cost over the limit's, per algorithm, as an SVG (matplotlib)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    algorithms = algorithms_of(rounds)
    names = chart_cases(rounds)
    figure, axes = plt.subplots(
        1,
        len(algorithms),
        figsize=(3.2 * len(algorithms) + 3, 0.32 * len(names) + 1.5),
        sharey=True,
        squeeze=False,
    )
    colours = {"ours": "#1f77b4", "sj": "#ff7f0e"}
    for axis, algorithm in zip(axes[0], algorithms, strict=True):
        limit = rounds.get(registry.benchmark_name("limit", algorithm))
        ratios = [
            paired_ratio(rounds.get(registry.benchmark_name(case, algorithm)), limit)
            for case in names
        ]
        bars = axis.barh(
            range(len(names)),
            [ratio or 0.0 for ratio in ratios],
            color=[colours.get(case.split()[0], "#7f7f7f") for case in names],
        )
        axis.bar_label(bars, [f"{ratio:.2f}" if ratio else "" for ratio in ratios], padding=2)
        axis.axvline(1.0, color="black", linewidth=0.8)
        axis.set_title(algorithm)
        axis.set_xlabel("CPU per request / limit")
    axes[0][0].invert_yaxis()  # the axes share y: inverting each would undo it
    axes[0][0].set_yticks(range(len(names)), [registry.BY_NAME[case].label for case in names])
    figure.suptitle(
        "Cost per request against the limit (no auth + raw jwt.decode); lower is better"
    )
    figure.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def _cell(cost: float | None, ratio: float | None) -> str:
    if cost is None:
        return ""
    return f"{cost:.1f}" + (f" ({ratio:.2f}x)" if ratio is not None else "")


def _present(rounds: Rounds) -> list[registry.Case]:
    """The registry's cases with at least one benchmark in the run, in registry order."""
    names = {registry.parse_benchmark_name(name)[0] for name in rounds}
    return [case for case in registry.CASES if case.name in names]


def markdown_table(rounds: Rounds) -> list[str]:
    """The cost table of docs/performance.md: a row per case, a column per algorithm, µs per
    request with the ratio to the limit (authentication rows) or to the peer (the others)."""
    name = registry.benchmark_name
    algorithms = algorithms_of(rounds)
    lines = [
        "| case | " + " | ".join(algorithms) + " |",
        "| --- | " + " | ".join("---:" for _ in algorithms) + " |",
    ]
    for case in _present(rounds):
        cells = []
        for algorithm in algorithms:
            own = rounds.get(name(case.name, algorithm))
            if case.auth and case.name != "limit":
                reference = rounds.get(name("limit", algorithm))
            elif case.peer:
                reference = rounds.get(name(case.peer, algorithm))
            else:
                reference = None
            cells.append(_cell(median_cost(own), paired_ratio(own, reference)))
        label = case.label.replace("raw jwt.decode", "raw `jwt.decode`")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def markdown_targets(rounds: Rounds, counts: dict[str, Any]) -> list[str]:
    """The targets of the run as a table: a row per target, a column per algorithm."""
    algorithms = algorithms_of(rounds)
    rows: dict[str, dict[str, str]] = {}
    for verdict in verdicts(rounds, algorithms):
        rows.setdefault(verdict.label(), {})[verdict.algorithm] = verdict.cell()
    worst = worst_key_loads(counts)
    if worst:
        label = f"no key parsed per request, any row of ours ({registry.ISSUE_14})"
        rows[label] = {a: f"{n:g} {'met' if n == 0 else 'not met'}" for a, n in worst.items()}
    lines = [
        "| target | " + " | ".join(algorithms) + " |",
        "| --- | " + " | ".join("---" for _ in algorithms) + " |",
    ]
    for label, cells in rows.items():
        lines.append(f"| {label} | " + " | ".join(cells.get(a, "") for a in algorithms) + " |")
    return lines


# --------------------------------------------------------------------------------------------
# HTTP (bench/run.py --gunicorn)
# --------------------------------------------------------------------------------------------

#: Benchmark name -> one sample per round: {"round", "rps", "p50_ms", "p99_ms", "errors", ...}.
Samples = dict[str, list[dict[str, Any]]]


def http_summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """The medians over the rounds of requests/s and of the latency percentiles; the errors
    and requests of all rounds added up."""
    return {
        "rps": statistics.median(sample["rps"] for sample in samples),
        "p50_ms": statistics.median(sample["p50_ms"] for sample in samples),
        "p99_ms": statistics.median(sample["p99_ms"] for sample in samples),
        "errors": sum(sample["errors"] for sample in samples),
        "requests": sum(sample.get("requests", 0) for sample in samples),
        "rounds": len(samples),
        "loadgen_cores": statistics.median(sample.get("loadgen_cores", 0.0) for sample in samples),
        "server_cpu_us": _median_or_none([sample.get("server_cpu_us") for sample in samples]),
    }


def _median_or_none(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _cpu_text(summary: dict[str, Any]) -> str:
    """The server's CPU µs per request, or "n/a" where /proc did not give it."""
    cpu = summary["server_cpu_us"]
    return "n/a" if cpu is None else f"{cpu:.0f}"


def http_ratio(
    case: list[dict[str, Any]] | None, reference: list[dict[str, Any]] | None
) -> float | None:
    """Throughput of ``case`` over ``reference``, paired per round (median); above 1 is faster."""
    if not case or not reference:
        return None
    return paired_ratio(
        {sample["round"]: sample["rps"] for sample in case},
        {sample["round"]: sample["rps"] for sample in reference},
    )


@dataclass
class HttpVerdict:
    target: registry.HttpTarget
    algorithm: str
    ratio: float | None
    errors: int

    @property
    def met(self) -> bool | None:
        """Met: the ratio is at least the bound and neither side had an error."""
        if self.ratio is None:
            return None
        return self.ratio >= self.target.at_least and self.errors == 0

    def text(self) -> str:
        if self.ratio is None:
            return "not measured"
        verdict = "met" if self.met else "NOT MET"
        errors = f", {self.errors} errors" if self.errors else ""
        return f"{self.ratio:.2f}x {verdict}{errors}"

    def line(self) -> str:
        case = registry.BY_NAME[self.target.case].label
        reference = registry.BY_NAME[self.target.reference].label
        return (
            f"  {case} >= {self.target.at_least:.2f}x the req/s of {reference} "
            f"[{self.algorithm}]: {self.text()}  ({self.target.source})"
        )


def http_algorithms(samples: Samples) -> list[str]:
    return algorithms_of({name: {} for name in samples})


def http_verdicts(samples: Samples) -> list[HttpVerdict]:
    name = registry.benchmark_name
    found = []
    for target in registry.HTTP_TARGETS:
        for algorithm in http_algorithms(samples):
            case = samples.get(name(target.case, algorithm))
            reference = samples.get(name(target.reference, algorithm))
            if case is None and reference is None:
                continue
            errors = sum(sample["errors"] for sample in (case or []) + (reference or []))
            found.append(HttpVerdict(target, algorithm, http_ratio(case, reference), errors))
    return found


def _http_rows(samples: Samples) -> list[tuple[str, registry.Case, dict[str, Any], str, str]]:
    """(algorithm, case, summary, ratio to the limit, ratio to the peer) per benchmark."""
    name = registry.benchmark_name
    rows = []
    for algorithm in http_algorithms(samples):
        limit = samples.get(name("limit", algorithm))
        for case in registry.CASES:
            own = samples.get(name(case.name, algorithm))
            if not own:
                continue
            peer = samples.get(name(case.peer, algorithm)) if case.peer else None
            to_limit = http_ratio(own, limit) if case.auth else None
            to_peer = http_ratio(own, peer)
            rows.append(
                (
                    algorithm,
                    case,
                    http_summary(own),
                    "" if to_limit is None else f"{to_limit:.2f}x",
                    "" if to_peer is None else f"{to_peer:.2f}x",
                )
            )
    return rows


def load_generator_line(samples: Samples) -> str:
    """How much of the machine the load generator took (CPU seconds per second of load)."""
    shares = [sample.get("loadgen_cores", 0.0) for runs in samples.values() for sample in runs]
    if not shares:
        return "load generator: no samples"
    return (
        f"load generator CPU: {statistics.median(shares):.2f} of a core (median of the samples; "
        f"{min(shares):.2f} to {max(shares):.2f})"
    )


def http_report(data: dict[str, Any]) -> list[str]:
    """The text table of a --gunicorn run, and its targets."""
    samples: Samples = data["samples"]
    lines = list(data.get("environment", []))
    if data.get("command"):
        lines.append(f"command: {data['command']}")
    lines.append("")
    header = (
        f"{'alg':<6} {'case':<44} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'CPU us':>6} {'vs limit':>8} {'vs peer':>8}"
    )
    lines += [header, "-" * len(header)]
    for algorithm, case, summary, to_limit, to_peer in _http_rows(samples):
        lines.append(
            f"{algorithm:<6} {case.label:<44} {summary['rps']:>7.0f} {summary['p50_ms']:>7.2f} "
            f"{summary['p99_ms']:>7.2f} {summary['errors']:>6} {_cpu_text(summary):>6} "
            f"{to_limit:>8} {to_peer:>8}"
        )
    for benchmark, reason in data.get("missing", {}).items():
        lines.append(f"{benchmark}: n/a ({reason})")
    lines.append("")
    lines.append(load_generator_line(samples))
    lines.append("'CPU us': the server's workers' CPU (user and system) per request, median of")
    lines.append("the rounds (other work on the machine takes cores away, but adds no CPU time).")
    lines.append("'vs limit' and 'vs peer' are throughput ratios (medians of per-round ratios):")
    lines.append("above 1.00x is faster. Targets:")
    lines += [verdict.line() for verdict in http_verdicts(samples)]
    return lines


def _pair(to_limit: str, to_peer: str) -> str:
    """The two throughput ratios of a row in one cell ("-" for the one a row has not)."""
    if not to_limit and not to_peer:
        return ""
    return f"{to_limit or '-'} / {to_peer or '-'}"


def http_markdown(data: dict[str, Any]) -> list[str]:
    """The HTTP table of docs/performance.md (narrow enough for the page), the errors and the
    load generator's CPU in words, and the target as a sentence."""
    samples: Samples = data["samples"]
    lines = [
        # Five columns: the theme gives each cell at least 5rem, and a sixth would not fit.
        "| case | req/s | p50/p99 ms | CPU µs | vs limit / peer |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    several = len(http_algorithms(samples)) > 1
    errors = []
    for algorithm, case, summary, to_limit, to_peer in _http_rows(samples):
        label = case.label.replace("raw jwt.decode", "raw `jwt.decode`")
        label = f"{label} [{algorithm}]" if several else label
        lines.append(
            f"| {label} | {summary['rps']:.0f} | {summary['p50_ms']:.2f}/"
            f"{summary['p99_ms']:.2f} | {_cpu_text(summary)} | {_pair(to_limit, to_peer)} |"
        )
        if summary["errors"]:
            errors.append(f"{label} {summary['errors']}")
    total = sum(http_summary(runs)["requests"] for runs in samples.values())
    failed = "errors: " + ", ".join(errors) if errors else "no errors"
    lines += ["", f"{total:,} requests in all rounds, {failed}; {load_generator_line(samples)}."]
    for verdict in http_verdicts(samples):
        lines.append("")
        lines.append(
            f"Target ({verdict.target.source}): {registry.BY_NAME[verdict.target.case].label} "
            f"serves at least {verdict.target.at_least:.2f}x the requests per second of "
            f"{registry.BY_NAME[verdict.target.reference].label} [{verdict.algorithm}]: "
            f"{verdict.text().replace('NOT MET', 'not met')}."
        )
    return lines


def report(rounds: Rounds, counts: dict[str, Any]) -> list[str]:
    lines = list(counts.get("environment", []))
    lines.append("")
    lines += table(rounds, counts)
    lines.append("Targets (CPU ratios, medians of per-round ratios):")
    lines += [verdict.line() for verdict in verdicts(rounds, algorithms_of(rounds))]
    lines += key_load_verdicts(counts)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pyperf_json", nargs="?")
    parser.add_argument("--counts", help="the counts.json bench/run.py writes beside it")
    parser.add_argument("--chart", help="also draw the ratios to the limit into this SVG file")
    parser.add_argument("--http", help="the http.json of a --gunicorn run, instead")
    parser.add_argument("--markdown", action="store_true", help="the tables of the docs page")
    args = parser.parse_args(argv)
    if args.http:
        data = json.loads(Path(args.http).read_text())
        print("\n".join(http_markdown(data) if args.markdown else http_report(data)))
        return 0
    if not args.pyperf_json:
        parser.error("a pyperf JSON file or --http is needed")
    rounds = load_rounds(args.pyperf_json)
    counts = json.loads(Path(args.counts).read_text()) if args.counts else {}
    if args.markdown:
        print("\n".join([*markdown_table(rounds), "", *markdown_targets(rounds, counts)]))
    else:
        print("\n".join(report(rounds, counts)))
    if args.chart:
        chart(rounds, args.chart)
        print(f"\nchart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
