"""The benchmark's post-processing (bench/report.py) on tiny synthetic pyperf files.

Nothing here times anything: the values are written by hand, then read back through pyperf's
own JSON format, as `make bench` writes it.
"""

import json

import pyperf
import pytest

from bench import cases as registry
from bench import report

US = 1e-6


def runs(name, per_round):
    """A pyperf benchmark: per round, a calibration run (warm-ups only) and a run of values."""
    made = []
    for number, values in per_round.items():
        metadata = {"name": name, "loops": 8, "bench_round": number}
        made.append(
            pyperf.Run([], warmups=[(8, values[0] * US)], metadata=metadata, collect_metadata=False)
        )
        made.append(
            pyperf.Run(
                [value * US for value in values],
                warmups=[(8, values[0] * US)],
                metadata=metadata,
                collect_metadata=False,
            )
        )
    return pyperf.Benchmark(made)


@pytest.fixture
def suite_file(tmp_path):
    name = registry.benchmark_name
    benchmarks = [
        # The limit slows down round after round; ours is 0.9x of it in rounds 1 and 3.
        runs(name("limit", "HS256"), {1: [100, 100, 100], 2: [200, 200, 200], 3: [300] * 3}),
        runs(name("ours default", "HS256"), {1: [80, 90, 100], 2: [260] * 3, 3: [270] * 3}),
        runs(name("sj stateless", "HS256"), {1: [90] * 3, 2: [260] * 3, 3: [200] * 3}),
        runs(name("sj default", "HS256"), {1: [150] * 3, 2: [400] * 3, 3: [450] * 3}),
        # A case whose peer did not run.
        runs(name("ours verify", "HS256"), {1: [50] * 3}),
    ]
    path = tmp_path / "pyperf.json"
    pyperf.BenchmarkSuite(benchmarks).dump(str(path))
    return path


def test_a_round_costs_the_median_of_its_values_and_calibration_runs_are_ignored(suite_file):
    rounds = report.load_rounds(suite_file)
    assert rounds["ours default [HS256]"] == pytest.approx({1: 90 * US, 2: 260 * US, 3: 270 * US})
    assert set(rounds) == {
        "limit [HS256]",
        "ours default [HS256]",
        "sj stateless [HS256]",
        "sj default [HS256]",
        "ours verify [HS256]",
    }


def test_ratios_are_paired_by_round_then_the_median_is_taken(suite_file):
    rounds = report.load_rounds(suite_file)
    ours, limit = rounds["ours default [HS256]"], rounds["limit [HS256]"]
    # Per round 0.9, 1.3, 0.9: the median is 0.9, where the ratio of the medians is 1.3.
    assert report.paired_ratio(ours, limit) == pytest.approx(0.9)
    assert report.paired_ratio(ours, None) is None
    # Only the rounds both ran in count.
    assert report.paired_ratio({1: 2.0, 2: 9.0}, {1: 1.0}) == pytest.approx(2.0)
    assert report.paired_ratio({2: 1.0}, {1: 1.0}) is None


def test_targets_are_met_at_their_bound_and_not_above_it(suite_file):
    rounds = report.load_rounds(suite_file)
    found = {
        (verdict.case, verdict.reference): verdict for verdict in report.verdicts(rounds, ["HS256"])
    }
    # ours default / sj stateless per round: 1.0, 1.0, 1.35 -> 1.0, at most 1.00x: met.
    at_bound = found[("ours default", "sj stateless")]
    assert at_bound.ratio == pytest.approx(1.0)
    assert at_bound.met is True
    assert "met  (issue 14)" in at_bound.line()
    # ours default / sj default per round: 0.6, 0.65, 0.6 -> 0.6, at most 0.50x: not met.
    above = found[("ours default", "sj default")]
    assert above.ratio == pytest.approx(0.6)
    assert above.met is False
    assert "0.60x  NOT MET" in above.line()
    # The peer did not run: the target is listed as not measured, not as met.
    unpaired = found[("ours verify", "sj verify")]
    assert unpaired.met is None
    assert unpaired.line().endswith("not measured")
    # Cases absent from the run bring no target (ours stateless did not run).
    assert not any(case == "ours stateless" for case, _ in found)


def test_key_loads_of_our_rows_only_decide_their_target():
    counts = {
        "counts": {
            "ours default [RS256]": {"queries": 1.0, "key_parses": 0.0},
            "sj default [RS256]": {"queries": 1.0, "key_parses": 1.0},
            "ours verify [ES256]": {"queries": 1.0, "key_parses": 0.05},
        }
    }
    lines = report.key_load_verdicts(counts)
    assert any("[RS256]: 0.00  met" in line for line in lines)
    assert any("[ES256]: 0.05  NOT MET" in line for line in lines)


def test_the_report_shows_ratios_counts_and_missing_rows(suite_file, tmp_path, capsys):
    counts = tmp_path / "counts.json"
    counts.write_text(
        json.dumps(
            {
                "environment": ["a machine"],
                "counts": {"ours default [HS256]": {"queries": 1.0, "key_parses": 0.0}},
                "missing": {"ours stateless [HS256]": "no stateless class"},
            }
        )
    )
    assert report.main([str(suite_file), "--counts", str(counts)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("a machine\n")
    row = next(line for line in out.splitlines() if "ours, default" in line)
    # CPU µs (median of the round costs 90, 260, 270), x limit, x peer (sj default), queries.
    assert row.split()[-5:] == ["260.0", "0.90", "0.60", "1.00", "0.00"]
    assert "ours, stateless" in out and "n/a: no stateless class" in out
