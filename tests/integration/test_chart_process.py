"""Charts drawn in a child process: real PNGs, matplotlib never in the bot, failures answered."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.chart_process import ChartProcess, PackedPoints, plain_args
from core.errors import ChartUnavailable

PNG = b"\x89PNG\r\n\x1a\n"
START = datetime(2026, 11, 1, tzinfo=UTC)
POINTS = [(START + timedelta(hours=hour), hour * 3) for hour in range(24)]


def _fail(method: str, args: tuple[Any, ...]) -> bytes:
    """A worker whose drawing raises (in the child)."""
    raise ValueError(f"cannot draw {method}")


def _hang(method: str, args: tuple[Any, ...]) -> bytes:
    """A worker stuck for longer than any test waits."""
    time.sleep(600)
    return b""


def _received(method: str, args: tuple[Any, ...]) -> bytes:
    """A worker that reports what crossed to the child: the series' type, and its points."""
    packed = isinstance(args[2], PackedPoints)
    return pickle.dumps((packed, plain_args(args)[2]))


def test_a_series_crosses_to_the_child_as_flat_arrays_and_arrives_whole() -> None:
    """Pickling 20,000 datetime pairs held the GIL ~15 ms in one call, stalling the loop."""
    charts = ChartProcess(worker=_received)
    zoned = [(when.astimezone(ZoneInfo("Europe/Paris")), n) for when, n in POINTS]
    many = [(START + timedelta(seconds=s, microseconds=s), s) for s in range(20_000)]
    try:
        for points in (POINTS, zoned, many):
            packed, seen = pickle.loads(charts.units_chart("W", ("t", "u"), points, []))
            assert packed and seen == points
            assert [when.utcoffset() for when, _ in seen] == [w.utcoffset() for w, _ in points]
    finally:
        charts.close()


def test_naive_times_keep_their_wall_clock_whatever_the_machine_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A naive time is read as the machine's local time by timestamp(): on a machine in a zone
    with summer time, 02:30 on the night clocks go forward came back as 03:30."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        naive = [(datetime(2026, 3, 29, 2, 30), 1), (datetime(2026, 10, 25, 2, 30), 2),
                 (datetime(2026, 1, 1, 12, 0, 0, 7), 3)]  # fmt: skip
        back = PackedPoints.of(naive).unpack()
        assert back == naive and all(when.tzinfo is None for when, _ in back)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_units_and_demand_charts_are_pngs_drawn_in_a_child() -> None:
    charts = ChartProcess()
    try:
        units = charts.units_chart("Wave #1", ("time", "units"), POINTS, [(50, "€8.00")])
        demand = charts.demand_chart("Idea #2", ("€", "buyers"), [(8_000, 3), (9_500, 2)], 1)
    finally:
        charts.close()
    for png in (units, demand):
        assert png.startswith(PNG)
        assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (800, 450)


def test_the_bot_process_never_imports_matplotlib() -> None:
    probe = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from app.chart_process import ChartProcess\n"
        "if __name__ == '__main__':\n"
        "    charts = ChartProcess()\n"
        "    png = charts.units_chart('t', ('x', 'y'), [(datetime.now(UTC), 1)], [])\n"
        "    charts.close()\n"
        "    print(png[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_a_failing_chart_is_refused_clearly_and_the_worker_keeps_serving() -> None:
    charts = ChartProcess(worker=_fail)
    try:
        with pytest.raises(ChartUnavailable) as refused:
            charts.units_chart("t", ("x", "y"), POINTS, [])
        assert refused.value.key == "error.chart_failed"
        with pytest.raises(ChartUnavailable):
            charts.demand_chart("t", ("x", "y"), [(100, 1)], 0)
    finally:
        charts.close()


def test_a_hung_chart_times_out_and_the_next_one_gets_a_fresh_worker() -> None:
    charts = ChartProcess(timeout=20.0, worker=_hang)
    try:
        charts.timeout = 0.5  # the first chart hangs (the child imports first: time allowed)
        with pytest.raises(ChartUnavailable) as refused:
            charts.units_chart("t", ("x", "y"), POINTS, [])
        assert refused.value.key == "error.chart_timeout"
        charts.timeout = 60.0
        charts._worker = ChartProcess()._worker  # the real drawing again
        assert charts.units_chart("t", ("x", "y"), POINTS, []).startswith(PNG)
    finally:
        charts.close()


def test_after_close_a_chart_is_refused_not_started() -> None:
    charts = ChartProcess()
    charts.close()
    with pytest.raises(ChartUnavailable):
        charts.units_chart("t", ("x", "y"), POINTS, [])
