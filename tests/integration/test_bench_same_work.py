"""The pledges benchmark's same-work ceiling replays exactly what the core's joins executed.

devtools/bench/same_work.py traces the writer during a core burst, turns each statement back into
a parameterised one and replays them in plain sqlite3. If it dropped a statement, mangled a value
or replayed on the wrong file, its figure would flatter or wrong the core: these tests pin that.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from devtools.bench import pledges, same_work
from devtools.bench.report import BenchFailure
from devtools.bench.same_work import Statement, parameterise, split_pledges


def test_literals_become_parameters_and_names_stay() -> None:
    traced = (
        "INSERT INTO pledge_events (wave_id, kind, quantity, at) "
        "VALUES (12, 'it''s -3', -4, '2026-11-27 09:27:48.901882')"
    )
    assert parameterise(traced) == Statement(
        "INSERT INTO pledge_events (wave_id, kind, quantity, at) VALUES (?, ?, ?, ?)",
        (12, "it's -3", -4, "2026-11-27 09:27:48.901882"),
    )
    named = "UPDATE cards SET dirty = 1, revision = revision + 1 WHERE wave_id = 7 AND gone IS 0"
    assert parameterise(named) == Statement(
        "UPDATE cards SET dirty = ?, revision = revision + ? WHERE wave_id = ? AND gone IS ?",
        (1, 1, 7, 0),
    )
    assert parameterise("SAVEPOINT wavebot_write") == Statement("SAVEPOINT wavebot_write", ())
    assert parameterise("SELECT t1.x2 FROM t1 WHERE y = NULL OR z = 2.5") == Statement(
        "SELECT t1.x2 FROM t1 WHERE y = ? OR z = ?", (None, 2.5)
    )


def test_a_trace_is_cut_into_pledges_without_the_core_s_own_commits() -> None:
    trace = [
        "BEGIN IMMEDIATE",
        "SAVEPOINT wavebot_write",
        "UPDATE waves SET units = 1 WHERE id = 1",
        "RELEASE wavebot_write",
        "SAVEPOINT wavebot_write",
        "UPDATE waves SET units = 2 WHERE id = 1",
        "RELEASE wavebot_write",
        "COMMIT",
    ]
    recording = split_pledges(trace)
    assert [len(pledge) for pledge in recording.pledges] == [3, 3]
    assert recording.pledges[1][1] == Statement("UPDATE waves SET units = ? WHERE id = ?", (2, 1))
    assert recording.shapes()["RELEASE wavebot_write"] == 2
    with pytest.raises(BenchFailure, match="inside a pledge"):
        split_pledges(trace[:3])


def test_the_replay_rebuilds_what_the_core_wrote_with_the_same_statements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, recorded = tmp_path / "start.db", tmp_path / "recorded.db"
    burst = pledges._core_burst(recorded, 30, 16, start=start)  # crosses milestones 10 and 25
    run, outcomes, trace = asyncio.run(burst)
    assert sorted(m for outcome in outcomes for m in outcome.milestones) == [10, 25]
    recording = split_pledges(trace)
    assert len(recording.pledges) == run.pledges == 30

    timed = same_work.replay(recording, start, tmp_path / "ceiling.db")
    same_work.verify_replay(tmp_path / "ceiling.db", recorded)
    assert timed.pledges == 30 and len(timed.latencies) == 30

    # Traced in turn, the ceiling runs the core's statement shapes, as many times each.
    replay_trace: list[str] = []
    connect = same_work._connect

    def traced(path: Path) -> sqlite3.Connection:
        conn = connect(path)
        conn.set_trace_callback(replay_trace.append)
        return conn

    monkeypatch.setattr(same_work, "_connect", traced)
    same_work.replay(recording, start, tmp_path / "traced.db")
    replayed = Counter(parameterise(text).sql for text in replay_trace)
    assert replayed - Counter({"BEGIN IMMEDIATE": 2, "COMMIT": 2}) == recording.shapes()


def test_a_replay_on_the_wrong_file_is_refused(tmp_path: Path) -> None:
    start, recorded = tmp_path / "start.db", tmp_path / "recorded.db"
    _, _, trace = asyncio.run(pledges._core_burst(recorded, 12, 16, start=start))
    recording = split_pledges(trace)
    shorter = same_work.Recording(recording.pledges[:-1])
    same_work.replay(shorter, start, tmp_path / "ceiling.db")
    with pytest.raises(BenchFailure, match="the replay left"):
        same_work.verify_replay(tmp_path / "ceiling.db", recorded)
