"""`wavebot bench all --quick` runs end to end: exact counts, every figure printed.

No timing is asserted here: speed targets are judged by the full benchmarks, which print each
figure next to the ceiling measured in the same run (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re

import pytest

from app.cli import main
from devtools.bench import PLANNED, REGISTRY


@pytest.mark.timeout(900)  # every quick benchmark in turn: minutes on a loaded machine
def test_quick_benchmarks_count_exactly_and_print_their_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["bench", "all", "--quick"])
    out = capsys.readouterr().out
    assert status == 0, out  # 1 would mean a count was not exact (quick ignores speed targets)
    assert "machine:" in out and "SQLite" in out

    # pledges: the same-work ceiling, then core runs of 1,000 distinct members, 3 rounds each
    spread = r"[\d,.]+ ?(%|ms|pledges/s)? \(min [\d,.]+, max [\d,.]+; \d+ runs\)"
    ceiling = rf"same-work ceiling \(sqlite3, 16/COMMIT\)\s+{spread}\s+[\d.]+ statements per"
    assert re.search(ceiling, out), out
    assert "event loop of the core runs: " in out
    for concurrency in (16, 64, 500):
        rate = rf"core join, {concurrency} in flight.*\s+{spread}"
        latency = rf"latency, {concurrency} in flight\s+p50 [\d.]+ ms, p99 {spread}"
        assert re.search(rate, out) and re.search(latency, out), out
    assert len(re.findall(rf"share of ceiling\s+{spread}", out)) == 3, out
    exact = re.findall(
        r"exact: c=\d+: units = pledgers = 1000, 1000 distinct active pledges, 1000 events, "
        r"milestones 10…1000 \(7\) recorded and announced once",
        out,
    )
    assert len(exact) == 3, out

    # memory: the bot's peak next to the target and to a bare interpreter's
    runs = r"[\d.]+ MB \(min [\d.]+, max [\d.]+; 1 runs\)"
    assert re.search(rf"bot peak RSS\s+{runs}\s+≤ 150\.0 MB \(median\)", out), out
    assert re.search(rf"bare interpreter \+ same libraries\s+{runs}", out), out
    assert re.search(rf"chart worker peak RSS \(its own process\)\s+{runs}", out), out
    assert re.search(r"/stats drew [1-9]\d* PNG charts", out), out
    assert "exact: seeded 10,000 members, 1,000 ideas, 100 waves" in out
    assert re.search(r"delivered [\d,]+ messages \(the 200 pending ones", out), out

    # soak: the file size at each reading, with retention and without (the reference)
    assert re.search(
        r"file, reading 1 → 4 \(every 10 s\), retention 30 s\s+[\d.]+ MB → [\d.]+ MB", out
    )
    assert re.search(r"file at each reading, none\s+([\d.]+, ){3}[\d.]+ MB", out), out
    assert "120 typed /join and /leave per run (3/s for 40 simulated s), each answered" in out

    # every benchmark prints the longest event-loop stall it saw (devtools/bench/lag.py)
    sections = re.split(r"^== ", out, flags=re.MULTILINE)[1:]
    assert {section.split()[0] for section in sections} == set(REGISTRY), out
    stall = r"[\d.]+ ms \(p99 [\d.]+ ms\)"
    for section in sections:
        assert re.search(r"(longest loop stall|longest stall).*[\d.]+ ms", section), section
    for concurrency in (16, 64, 500):
        assert re.search(rf"longest loop stall, {concurrency} in flight\s+{stall}", out), out
    assert re.search(rf"longest loop stall, adapter runs\s+{stall}", out), out
    assert re.search(rf"longest loop stall while sending\s+{stall}", out), out
    repeated_stall = r"[\d.]+ ms \(min [\d.]+, max [\d.]+; \d+ runs\)"
    assert re.search(rf"longest loop stall \(commands and sweeps\)\s+{repeated_stall}", out), out
    assert re.search(rf"longest loop stall, soak with retention\s+{stall}", out), out

    # fanout: the crossing join next to a join crossing nothing, at each size, and the expansion
    for size in ("100", "1,000"):
        assert re.search(rf"crossing join, {size} participants\s+[\d.,]+ ms \(min", out), out
        assert re.search(rf"reference join \(no milestone\), {size}\s+[\d.,]+ ms", out), out
        assert re.search(rf"longest loop stall, {size}\s+[\d.,]+ ms", out), out
        assert re.search(rf"expansion, {size}\s+[\d,]+ rows/s", out), out
        assert re.search(rf"last DM row exists after, {size}\s+[\d.,]+ ms", out), out
        assert f"exact: {size} participants: each of 3 crossings gave every pledger" in out

    # broadcast: the dispatcher's own cost next to the same statements in raw sqlite3
    assert re.search(r"dispatcher cost, 2,000 deliveries to an instant platform\s+[\d,]+ "
                     r"deliveries/s .*raw sqlite3: [\d,]+ rows/s", out), out  # fmt: skip
    assert re.search(r"dispatcher share of its same-work ceiling\s+[\d.]+ ", out), out
    assert "exact: dispatcher cost: 2,000 deliveries sent, each recorded once" in out

    # broadcast-under-load: milestone delays and order in the group, with and without a flooder
    for label in ("crowd", "crowd \\+ flooder"):
        assert re.search(rf"{label}: group milestone p99, commit → received\s+[\d.]+ s", out)
        assert re.search(rf"{label}: group received 10 < 25 < 50 < 100\s+\d of 1 runs", out)
        assert re.search(rf"{label}: longest loop stall\s+{stall}", out), out
    assert re.search(r"crowd: group received 10 < 25 < 50 < 100\s+1 of 1 runs", out), out
    assert "120 joins answered (crowd scenario)" in out

    # stalls: /export and the /stats chart, each next to the same work done on the loop
    for command in (r"/export 1, 2,000 pledges", r"/stats 1, chart of 2,000 events"):
        row = rf"{command}: longest loop stall\s+[\d.]+ / [\d.]+ / [\d.]+ ms .*on the loop: "
        assert re.search(row, out), out
    assert "exact: every /export listed the 2,000 pledges under its 10-line summary" in out

    # checkout: pre-checkout answers of a crowd of payers, next to /pay for the same payers
    row = r"pre-checkout answered, p99 of 10 at once\s+[\d.]+ s .*deadline 10 s; /pay p99 [\d.]+ s"
    assert re.search(row, out), out
    assert "exact: 10 payers × 2 rounds: every pre-checkout approved" in out


def test_unknown_and_planned_benchmarks_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "nope", "--quick"]) == 2
    for name in PLANNED:
        if name not in REGISTRY:
            assert main(["bench", name, "--quick"]) == 2
    err = capsys.readouterr().err
    assert "unknown benchmark 'nope'" in err
