"""Longest event-loop stall during heavy commands: `/export` of a big wave and a `/stats` chart.

The commands run through the interpreter as the owner, on the runtime `wavebot run` builds, over
a wave of 20,000 pledges (2,000 with --quick) seeded with plain sqlite3. Each command is timed
under a lag monitor (devtools/bench/lag.py) several times; the reference, measured in the same
run, is the same work done on the loop as the code did before (rows decoded, CSV built and chart
drawn by the loop thread, with matplotlib loaded in this process).
"""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.charts import MatplotlibCharts
from app.heap import freeze_long_lived
from app.main import runtime
from config.settings import Settings
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from core.services import stats as st
from devtools.bench.lag import TARGET_STALL, Lag, LagMonitor
from devtools.bench.report import BenchResult, check, verdict
from devtools.bench.seed import PLEDGE_COLUMNS, TIERS, WAVE_COLUMNS, _many
from storage.migrate import upgrade
from storage.sqlite_hot import time_text

FULL_PLEDGES = 20_000
QUICK_PLEDGES = 2_000
FULL_REPEATS = 5
IDLE_SECONDS = 1.0
QUICK_IDLE_SECONDS = 0.2
QUICK_REPEATS = 1
OWNER = Actor("telegram:1", "Owner", "en")
WAVE_ID = 1
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Timed = Callable[[], Awaitable[object]]


def seed_wave(path: Path, pledges: int) -> None:
    """One open wave with `pledges` members pledged, one pledge event each, over ten days."""
    upgrade(f"sqlite+aiosqlite:///{path}")
    now = datetime.now(UTC)
    start = now - timedelta(days=10)
    step = timedelta(days=10) / pledges

    def at(n: int) -> str:
        """The n-th pledge's time."""
        return time_text(start + step * n)

    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        members = range(1, pledges + 2)
        _many(conn, "members", ("id", "display_name", "lang", "notify_milestones", "created_at"),
              ((n, f"=Member {n}" if n % 97 == 0 else f"Member {n}", "en", 1, at(0))
               for n in members))  # fmt: skip
        _many(conn, "accounts", ("account", "member_id", "linked_at"),
              ((f"telegram:{n}", n, at(0)) for n in members))  # fmt: skip
        _many(conn, "ideas", ("id", "title", "description", "category", "author_id", "status",
                              "reason", "created_at", "updated_at"),
              [(1, "Cast iron pan", "", "kitchen", 1, "launched", "", at(0), at(0))])  # fmt: skip
        wave = (WAVE_ID, 1, "Cast iron pan", "", "kitchen", "EUR", TIERS, 50, None, 1, at(0),
                time_text(now + timedelta(days=4)), "open", 1, at(0), None, pledges, pledges,
                None, None)  # fmt: skip
        _many(conn, "waves", WAVE_COLUMNS, [wave])
        rows = [(WAVE_ID, n, 1, None if n % 3 else 9_000, "active", at(n), at(n))
                for n in range(2, pledges + 2)]  # fmt: skip
        _many(conn, "pledges", PLEDGE_COLUMNS, rows)
        _many(conn, "pledge_events", ("wave_id", "member_id", "kind", "quantity", "units_after",
                                      "at"),
              ((WAVE_ID, n, "join", 1, n - 1, at(n)) for n in range(2, pledges + 2)))  # fmt: skip
        conn.execute("COMMIT")


async def _under_monitor(work: Timed) -> tuple[Lag, float, object]:
    """Run one piece of work under a fresh lag monitor; its stalls and wall time."""
    async with LagMonitor() as lag:
        begun = time.perf_counter()
        value = await work()
        seconds = time.perf_counter() - begun
    return lag, seconds, value


@dataclass(frozen=True)
class Scenario:
    """A command as shipped, and the same work done by the loop thread (the reference)."""

    label: str
    kind: str  # "csv" or "png": what both must produce
    shipped: Timed
    on_loop: Timed


Runs = dict[str, tuple[list[tuple[Lag, float]], list[tuple[Lag, float]]]]


async def _measure(
    path: Path, pledges: int, repeats: int, idle_seconds: float
) -> tuple[tuple[Lag, Lag, float], Runs]:
    """The first chart once, then each scenario `repeats` times, shipped and reference
    alternating so both see the same machine."""
    # One owner asks for charts and exports back to back: the fair share would stop the run.
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", owners=OWNER.account,
                        lang="en", currency="EUR", member_actions=0)  # fmt: skip
    async with runtime(settings) as rt:
        ctx = rt.ctx
        freeze_long_lived()  # as `wavebot run` does once its adapters are built
        chat = ChatRef("telegram", "1", ChatKind.PRIVATE)

        async def command(text: str) -> bytes:
            """The command as a member would send it; the bytes of its one attachment."""
            answer = await rt.interpreter.handle_text(OWNER, chat, text)
            check(answer is not None, f"{text} got no answer")
            assert answer is not None
            sheets = [a for reply in answer.replies for a in reply.attachments]
            check(len(sheets) == 1, f"{text} answered {answer.replies} without one attachment")
            return sheets[0].data

        async def export_on_loop() -> bytes:
            """Rows read, CSV built, all by the loop thread (as /export did before)."""
            wave, rows = await st.export_rows(ctx, OWNER, WAVE_ID)
            _, lang = await community.identify(ctx, OWNER)
            return st.export_csv(ctx.plain_text(), wave, rows, lang)

        drawn_here = replace(ctx, charts=MatplotlibCharts())  # the same ports, charts drawn here

        async def chart_on_loop() -> bytes:
            """Series read, chart drawn with matplotlib in this process, all by the loop thread
            (the shipped /stats draws it in the chart process, app/chart_process.py)."""
            series = await st.wave_series(ctx, OWNER, WAVE_ID)
            return st.units_chart(drawn_here, series.wave, series.points, "en")

        idle, _, _ = await _under_monitor(lambda: asyncio.sleep(idle_seconds))
        first, seconds, value = await _under_monitor(lambda: command(f"/stats {WAVE_ID}"))
        _check_output("first chart", "png", value, pledges)
        await chart_on_loop()  # the reference's own matplotlib import, outside the figures
        scenarios = (
            Scenario(f"/export {WAVE_ID}, {pledges:,} pledges", "csv",
                     lambda: command(f"/export {WAVE_ID}"), export_on_loop),
            Scenario(f"/stats {WAVE_ID}, chart of {pledges:,} events", "png",
                     lambda: command(f"/stats {WAVE_ID}"), chart_on_loop),
        )  # fmt: skip
        runs: Runs = {scenario.label: ([], []) for scenario in scenarios}
        for _ in range(repeats):
            for scenario in scenarios:
                for work, into in zip((scenario.shipped, scenario.on_loop), runs[scenario.label],
                                      strict=True):  # fmt: skip
                    lag, seconds, value = await _under_monitor(work)
                    _check_output(scenario.label, scenario.kind, value, pledges)
                    into.append((lag, seconds))
    return (idle, first, seconds), runs


def _check_output(label: str, kind: str, value: object, pledges: int) -> None:
    """The whole sheet or a real PNG, or the figures would mean nothing."""
    check(isinstance(value, bytes), f"{label} produced {type(value)}")
    assert isinstance(value, bytes)
    if kind == "png":
        check(value.startswith(PNG_MAGIC), f"{label} did not produce a PNG")
        return
    lines = list(csv.reader(io.StringIO(value.decode("utf-8-sig"))))
    check(len(lines) == 11 + pledges, f"{label}: {len(lines)} CSV lines for {pledges} pledges")


def run(quick: bool = False) -> BenchResult:
    """Seed the wave, then measure each scenario's longest stall, repeated."""
    pledges = QUICK_PLEDGES if quick else FULL_PLEDGES
    repeats = QUICK_REPEATS if quick else FULL_REPEATS
    idle_seconds = QUICK_IDLE_SECONDS if quick else IDLE_SECONDS
    result = BenchResult("stalls", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        path = Path(tmp) / "stalls.db"
        seed_wave(path, pledges)
        (idle, first, seconds), runs = asyncio.run(_measure(path, pledges, repeats, idle_seconds))
    for label, (shipped, on_loop) in runs.items():
        _report(result, label, shipped, on_loop)
    result.add(
        "idle loop, nothing but the monitor",
        f"longest stall {idle.longest * 1e3:.1f} ms (p99 {idle.p99 * 1e3:.1f} ms)",
        f"{idle_seconds:.1f} s in the same process: what the machine itself adds",
    )
    result.add(
        "first /stats chart of the process",
        f"longest stall {first.longest * 1000:.1f} ms, took {seconds * 1000:.0f} ms",
        "not judged: once per process, the chart process starts (spawn, imports matplotlib)",
    )
    result.checks.append(
        f"every /export listed the {pledges:,} pledges under its 10-line summary; every chart "
        "is a PNG"
    )
    result.notes += [
        "stall: how late a task sleeping 1 ms woke (devtools/bench/lag.py); each row is the "
        f"longest stall of one command, min / median / max over {repeats} runs, verdict on "
        "the median",
        "reference: the same rows read as shipped, then the CSV built or the chart drawn "
        "(every point) by the loop thread, as the code did before; runs alternate with the "
        "shipped command",
    ]
    return result


def _spread(samples: list[tuple[Lag, float]]) -> tuple[str, float]:
    """'min / median / max ms' of the longest stalls, and the median."""
    longest = sorted(lag.longest for lag, _ in samples)
    median = statistics.median(longest)
    return f"{longest[0] * 1e3:.1f} / {median * 1e3:.1f} / {longest[-1] * 1e3:.1f} ms", median


def _report(
    result: BenchResult,
    label: str,
    shipped: list[tuple[Lag, float]],
    on_loop: list[tuple[Lag, float]],
) -> None:
    """The longest stall of the command next to the target and to the on-loop reference."""
    spread, median = _spread(shipped)
    reference, _ = _spread(on_loop)
    took = statistics.median(seconds for _, seconds in shipped)
    result.data[label] = median
    result.add(f"{label}: longest loop stall", f"{spread} (took {took * 1e3:.0f} ms)",
               f"≤ {TARGET_STALL * 1e3:.0f} ms; on the loop: {reference}",
               verdict(median <= TARGET_STALL))  # fmt: skip
