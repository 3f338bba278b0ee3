"""The benchmark's post-processing: pyperf's JSON in, the table, the targets and the chart out.

    python -m bench.report bench/results/pyperf.json [--counts counts.json] [--chart out.svg]

Each benchmark of the pyperf suite is a case of the registry (bench/cases.py) with an algorithm,
named ``"<case> [<algorithm>]"``; each of its runs carries the metadata ``bench_round`` (the
interleaved round it ran in, bench/timing.py). A case's cost in a round is the median of that
round's values; a ratio (case / reference) is taken round by round, both timed in the same
round, and the median of those ratios is reported: a slow minute of a shared machine slows both
sides of a pair alike. ``counts.json`` (bench/run.py) holds the queries and key loads per request
of each benchmark and the cases that could not run.
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


def key_load_verdicts(counts: dict[str, Any]) -> list[str]:
    """The target of issue 14 that no request of ours parses a key."""
    lines = []
    per_algorithm: dict[str, float] = {}
    for benchmark, entry in counts.get("counts", {}).items():
        case, algorithm = registry.parse_benchmark_name(benchmark)
        if case.startswith("ours"):
            per_algorithm[algorithm] = max(per_algorithm.get(algorithm, 0.0), entry["key_parses"])
    for algorithm, worst in per_algorithm.items():
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


def chart(rounds: Rounds, path: Path | str) -> None:
    """Every case's cost over the limit's, per algorithm, as an SVG (matplotlib)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    algorithms = algorithms_of(rounds)
    names = [case.name for case in registry.CASES if case.name != "limit"]
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
    parser.add_argument("pyperf_json")
    parser.add_argument("--counts", help="the counts.json bench/run.py writes beside it")
    parser.add_argument("--chart", help="also draw the ratios to the limit into this SVG file")
    args = parser.parse_args(argv)
    rounds = load_rounds(args.pyperf_json)
    counts = json.loads(Path(args.counts).read_text()) if args.counts else {}
    print("\n".join(report(rounds, counts)))
    if args.chart:
        chart(rounds, args.chart)
        print(f"\nchart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
