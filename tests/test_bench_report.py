"""The benchmark's post-processing (bench/report.py) on tiny synthetic pyperf files.

Nothing here times anything: the values are written by hand, then read back through pyperf's
own JSON format, as `make bench` writes it.
"""

import argparse
import json
import os

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


def test_the_markdown_table_has_a_column_per_algorithm_and_ratios_in_brackets(suite_file):
    rounds = report.load_rounds(suite_file)
    lines = report.markdown_table(rounds)
    assert lines[0] == "| case | HS256 |"
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    # Authentication rows: the ratio to the limit (the limit itself: its cost alone).
    assert rows["limit: no auth + raw `jwt.decode`"].endswith("| 200.0 |")
    assert rows["ours, default (user from DB)"].endswith("| 260.0 (0.90x) |")
    # Other rows: the ratio to the peer; without a peer in the run, the cost alone.
    assert rows["ours verify"].endswith("| 50.0 |")
    # Only the cases that ran, in the registry's order.
    assert list(rows) == [
        "limit: no auth + raw `jwt.decode`",
        "ours, default (user from DB)",
        "simplejwt JWTStatelessUserAuthentication",
        "simplejwt JWTAuthentication",
        "ours verify",
    ]


def test_the_markdown_targets_say_met_or_not_met_per_algorithm(suite_file):
    rounds = report.load_rounds(suite_file)
    counts = {"counts": {"ours default [HS256]": {"queries": 1.0, "key_parses": 0.0}}}
    lines = report.markdown_targets(rounds, counts)
    assert lines[0] == "| target | HS256 |"
    text = "\n".join(lines)
    assert (
        "| ours, default (user from DB) at most 1.00x simplejwt "
        "JWTStatelessUserAuthentication (issue 14) | 1.00x met |" in text
    )
    assert "at most 0.50x simplejwt JWTAuthentication (issue 5) | 0.60x not met |" in text
    assert (
        "| ours verify at most 1.10x simplejwt TokenVerifyView (issue 14) | not measured |" in text
    )
    assert lines[-1] == "| no key parsed per request, any row of ours (issue 14) | 0 met |"


def sample(number, rps, errors=0):
    return {
        "round": number,
        "rps": rps,
        "p50_ms": 1000 / rps,
        "p99_ms": 3000 / rps,
        "errors": errors,
        "requests": rps * 2,
        "loadgen_cores": rps / 2000,
        "server_cpu_us": 2_000_000 / rps,
    }


def http_data(ours_errors=0):
    name = registry.benchmark_name
    return {
        "environment": ["a machine"],
        "command": "bench/run.py --gunicorn",
        "samples": {
            # The machine slows down in round 2: every case serves fewer requests.
            name("limit", "HS256"): [sample(1, 1000), sample(2, 500), sample(3, 1000)],
            name("ours default", "HS256"): [
                sample(1, 1100),
                sample(2, 450, ours_errors),
                sample(3, 1050),
            ],
            name("sj stateless", "HS256"): [sample(1, 1000), sample(2, 600), sample(3, 1000)],
        },
        "missing": {name("ours refresh rotating", "HS256"): "in-process only"},
    }


def test_http_ratios_are_throughput_ratios_paired_by_round():
    samples = http_data()["samples"]
    ours, reference = samples["ours default [HS256]"], samples["sj stateless [HS256]"]
    # Per round 1.10, 0.75, 1.05: the median is 1.05 (the medians' ratio would be 1.05 too,
    # but not for the reason: round 2 is paired with round 2).
    assert report.http_ratio(ours, reference) == pytest.approx(1.05)
    summary = report.http_summary(ours)
    assert summary["rps"] == 1050
    assert summary["p50_ms"] == pytest.approx(1000 / 1050)
    assert summary["requests"] == (1100 + 450 + 1050) * 2
    assert summary["rounds"] == 3


def test_the_http_target_is_met_at_its_bound_and_never_with_errors():
    (verdict,) = report.http_verdicts(http_data()["samples"])
    assert verdict.target.case == "ours default"
    assert verdict.target.reference == "sj stateless"
    assert verdict.ratio == pytest.approx(1.05)
    assert verdict.met is True
    (failing,) = report.http_verdicts(http_data(ours_errors=2)["samples"])
    assert failing.met is False
    assert failing.text() == "1.05x NOT MET, 2 errors"


def test_the_http_report_and_its_markdown():
    lines = report.http_report(http_data())
    text = "\n".join(lines)
    assert "command: bench/run.py --gunicorn" in text
    row = next(line for line in lines if "ours, default" in line)
    # req/s, p50, p99, errors, server CPU per request (median of 1818, 4444, 1905),
    # vs limit (1.10, 0.90, 1.05 -> 1.05), vs peer (sj default: absent)
    assert row.split()[-6:] == ["1050", "0.95", "2.86", "0", "1905", "1.05x"]
    assert "ours refresh rotating [HS256]: n/a (in-process only)" in text
    assert "1.05x met  (issue 14)" in text
    # The load generator's CPU per second of load, over the nine samples (0.225 to 0.55).
    assert "load generator CPU: 0.50 of a core (median of the samples; 0.23 to 0.55)" in text
    markdown = report.http_markdown(http_data())
    assert markdown[0] == "| case | req/s | p50/p99 ms | CPU µs | vs limit / peer |"
    assert "| ours, default (user from DB) | 1050 | 0.95/2.86 | 1905 | 1.05x / - |" in markdown
    assert "15,400 requests in all rounds, no errors; load generator CPU: 0.50" in "\n".join(
        markdown
    )
    with_errors = "\n".join(report.http_markdown(http_data(ours_errors=2)))
    assert "requests in all rounds, errors: ours, default (user from DB) 2;" in with_errors
    assert markdown[-1] == (
        "Target (issue 14): ours, default (user from DB) serves at least 1.00x the requests "
        "per second of simplejwt JWTStatelessUserAuthentication [HS256]: 1.05x met."
    )


def test_opt_in_cases_run_only_when_named_by_a_word_of_their_own():
    def names(words):
        return {case.name for case, _ in registry.selected(["HS256"], words)}

    assert not any(name.startswith("async-cost") for name in names(None))
    # "default" is a word of regular cases too: it does not pull the opt-in cases in.
    assert names(["default"]) == {"limit", "ours default", "sj default"}
    assert names(["async-cost"]) == {
        "limit",
        "async-cost default driver",
        "async-cost default direct",
        "async-cost stateless driver",
        "async-cost stateless direct",
        "async-cost stubbed driver",
        "async-cost stubbed direct",
    }
    # The limit runs only for the algorithms something else runs with (these are HS256 only).
    assert {a for _, a in registry.selected(["HS256", "RS256"], ["async-cost"])} == {"HS256"}
    assert "async-cost default direct" in names(["direct"])


class Clock:
    """A frozen clock for the driver, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_driver_starts_no_round_that_would_end_after_the_time_bound(monkeypatch, capsys):
    from bench import run

    clock = Clock()
    started = []

    def fake_round(command, **kwargs):
        started.append(command[-1])
        clock.now += 100 if len(started) == 1 else 140  # a round: 100 s, then 140 s
        return 0

    monkeypatch.setattr(run.time, "monotonic", clock)
    monkeypatch.setattr(run, "STARTED", clock.now - 30)  # 30 s of set-up
    monkeypatch.setattr(run.processes, "run", fake_round)
    args = argparse.Namespace(rounds=10, max_minutes=7)
    # Round 1 ends 130 s after the start, round 2 at 270 s, round 3 (expected at 270 + the
    # mean so far, 120 s = 390 s, inside the bound of 420 s) at 410 s; round 4, expected to
    # end at 410 + 126.7 s, would pass the bound and is not started.
    assert run.run_rounds(args, ["timing.py"]) == 3
    assert started == ["1", "2", "3"]
    assert "round 3/10 done (140 s; 410 s since the start, about 10 s to go)" in (
        capsys.readouterr().err
    )
    # Without a bound every round runs.
    started.clear()
    assert run.run_rounds(argparse.Namespace(rounds=4, max_minutes=0), ["timing.py"]) == 4
    assert "round 4/4 done" in capsys.readouterr().err


def test_a_failed_round_stops_the_run(monkeypatch):
    from bench import run
    from bench.build import BenchError

    monkeypatch.setattr(run.processes, "run", lambda command, **kwargs: 1)
    with pytest.raises(BenchError, match="round 1 failed"):
        run.run_rounds(argparse.Namespace(rounds=2, max_minutes=0), ["timing.py"])


def test_the_expected_duration_of_a_round():
    from bench import run

    args = argparse.Namespace(processes=2, warmups=1, values=3)
    loops = {"a [HS256]": 100, "b [HS256]": 10}
    wall = {"a [HS256]": 0.0005, "b [HS256]": 0.002}
    # Per benchmark and process: 1.5 s of start-up, then 4 values of 0.05 s and of 0.02 s.
    assert run.round_estimate(args, loops, wall, 1.5) == pytest.approx(2 * (1.5 + 0.2 + 1.5 + 0.08))


def test_the_server_cpu_is_na_where_proc_gave_none():
    data = http_data()
    for runs in data["samples"].values():
        for run in runs:
            del run["server_cpu_us"]  # an http.json of before the column, or no /proc
    data["samples"]["limit [HS256]"][1]["server_cpu_us"] = 700.0
    rows = {line.split("|")[1].strip(): line for line in report.http_markdown(data) if "|" in line}
    assert "| 1050 | 0.95/2.86 | n/a | 1.05x / - |" in rows["ours, default (user from DB)"]
    # The median of the rounds that have a figure.
    assert "| 1000 | 1.00/3.00 | 700 | 1.00x / - |" in rows["limit: no auth + raw `jwt.decode`"]


def fake_proc(root, master, workers):
    """A /proc tree: ``master``'s children and each worker's stat line (utime, stime in ticks)."""
    task = root / str(master) / "task" / str(master)
    task.mkdir(parents=True)
    task.joinpath("children").write_text(" ".join(str(pid) for pid in workers) + " ")
    for pid, ticks in workers.items():
        if ticks is None:
            continue  # listed, but exited before its stat was read
        utime, stime = ticks
        # The command name may hold spaces and parentheses; the fields count from after it.
        rest = ["S"] + ["0"] * 10 + [str(utime), str(stime)] + ["0"] * 7
        (root / str(pid)).mkdir()
        (root / str(pid) / "stat").write_text(f"{pid} (gunicorn: (worker) x) " + " ".join(rest))


def test_the_workers_cpu_is_read_from_proc(tmp_path):
    from bench import run

    tick = os.sysconf("SC_CLK_TCK")
    fake_proc(tmp_path, 10, {11: (3 * tick, tick), 12: (tick, 0), 13: None})
    assert run.worker_cpu(10, tmp_path) == {11: 4.0, 12: 1.0}
    assert run.worker_cpu(99, tmp_path) == {}  # no such master, or no children file


def test_the_server_cpu_per_request_counts_the_workers_alive_at_both_ends():
    from bench import run

    before = {11: 1.0, 12: 2.0, 13: 5.0}
    after = {11: 1.5, 12: 2.25, 14: 0.5}  # 13 exited, 14 replaced it: neither counts
    assert run.server_cpu_per_request(before, after, 1000) == pytest.approx(750.0)
    assert run.server_cpu_per_request(before, after, 0) is None
    assert run.server_cpu_per_request({}, after, 1000) is None


def test_the_chart_has_a_row_per_case_that_ran_but_the_limit(suite_file):
    rounds = report.load_rounds(suite_file)
    assert report.chart_cases(rounds) == [
        "ours default",
        "sj stateless",
        "sj default",
        "ours verify",
    ]
    # The opt-in cases (async-cost) are in the registry but did not run: no empty rows.
    assert any(case.opt_in for case in registry.CASES)
