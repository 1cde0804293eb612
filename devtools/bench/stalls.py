"""Longest event-loop stall during heavy commands: `/export` of a big wave and a `/stats` chart.

The commands run through the interpreter as the owner, on the runtime `wavebot run` builds, over
a wave of 20,000 pledges (2,000 with --quick) seeded with plain sqlite3. Each command is timed
under a lag monitor (devtools/bench/lag.py) several times; the reference, measured in the same
run, is the same work done on the loop as the code did before (rows decoded, CSV built and chart
drawn by the loop thread).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.main import runtime
from config.settings import Settings
from core.messages import Attachment
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from core.services import stats as st
from devtools.bench.lag import Lag, LagMonitor, report_stall
from devtools.bench.report import BenchResult, check
from devtools.bench.seed import PLEDGE_COLUMNS, TIERS, WAVE_COLUMNS, _many
from storage.migrate import upgrade
from storage.sqlite_hot import time_text

FULL_PLEDGES = 20_000
QUICK_PLEDGES = 2_000
FULL_REPEATS = 5
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
        await asyncio.sleep(0.005)  # the monitor's last tick sees the end of the work
    return lag, seconds, value


async def _measure(path: Path, pledges: int, repeats: int) -> dict[str, list[tuple[Lag, float]]]:
    """Each scenario `repeats` times, alternating the shipped command and its on-loop reference."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", owners=OWNER.account,
                        lang="en", currency="EUR")  # fmt: skip
    runs: dict[str, list[tuple[Lag, float]]] = {}
    async with runtime(settings) as rt:
        ctx = rt.ctx
        chat = ChatRef("telegram", "1", ChatKind.PRIVATE)

        async def command(text: str) -> Attachment:
            """The command as a member would send it; its one attachment."""
            answer = await rt.interpreter.handle_text(OWNER, chat, text)
            check(answer is not None, f"{text} got no answer")
            assert answer is not None
            sheets = [a for reply in answer.replies for a in reply.attachments]
            check(len(sheets) == 1, f"{text} answered {answer.replies} without one attachment")
            return sheets[0]

        async def export_on_loop() -> bytes:
            """The old path: rows read and decoded, CSV built, all on the loop thread."""
            wave, rows = await st.export_rows(ctx, OWNER, WAVE_ID)
            _, lang = await community.identify(ctx, OWNER)
            return st.export_csv(ctx.plain_text(), wave, rows, lang)

        async def chart_on_loop() -> bytes:
            """The old path: the series read, the chart drawn on the loop thread."""
            series = await st.wave_series(ctx, OWNER, WAVE_ID)
            return st.units_chart(ctx, series.wave, series.points, "en")

        first = await _under_monitor(lambda: command(f"/stats {WAVE_ID}"))
        runs["first /stats chart (imports matplotlib)"] = [first[:2]]
        scenarios: dict[str, Timed] = {
            f"/export, {pledges:,} pledges": lambda: command(f"/export {WAVE_ID}"),
            "  same work on the loop (before)": export_on_loop,
            f"/stats {WAVE_ID} chart, {pledges:,} points": lambda: command(f"/stats {WAVE_ID}"),
            "  same work on the loop (before) ": chart_on_loop,
        }
        for _ in range(repeats):
            for name, work in scenarios.items():
                lag, seconds, value = await _under_monitor(work)
                _check_output(name, value, pledges)
                runs.setdefault(name, []).append((lag, seconds))
    return runs


def _check_output(name: str, value: object, pledges: int) -> None:
    """The command still produces the whole sheet or a real PNG; or the figures mean nothing."""
    data = value.data if isinstance(value, Attachment) else value
    check(isinstance(data, bytes), f"{name} produced {type(data)}")
    assert isinstance(data, bytes)
    if data.startswith(PNG_MAGIC):
        check("chart" in name or "before) " in name, f"{name} produced a PNG")
        return
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    check(len(lines) == 11 + pledges, f"{name}: {len(lines)} CSV lines for {pledges} pledges")


def run(quick: bool = False) -> BenchResult:
    """Seed the wave, then measure each scenario's longest stall, repeated."""
    pledges = QUICK_PLEDGES if quick else FULL_PLEDGES
    repeats = QUICK_REPEATS if quick else FULL_REPEATS
    result = BenchResult("stalls", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        path = Path(tmp) / "stalls.db"
        seed_wave(path, pledges)
        runs = asyncio.run(_measure(path, pledges, repeats))
    for name, samples in runs.items():
        _report(result, name, samples, judged=not name.startswith((" ", "first")))
    result.checks.append(
        f"every /export listed the {pledges:,} pledges under its 10-line summary; every chart is "
        "a PNG"
    )
    result.notes += [
        "stall: how late a task sleeping 1 ms woke (devtools/bench/lag.py); min / median / max "
        f"of the longest stall over {repeats} runs, verdict on the median",
        "reference rows: the same rows, CSV and chart built by the loop thread, as before",
    ]
    return result


def _report(result: BenchResult, name: str, samples: list[tuple[Lag, float]], judged: bool) -> None:
    """min / median / max of the longest stall, and the median wall time."""
    longest = sorted(lag.longest for lag, _ in samples)
    median = statistics.median(longest)
    middle = Lag([median])
    spread = f"{longest[0] * 1000:.1f} / {median * 1000:.1f} / {longest[-1] * 1000:.1f} ms"
    wall = statistics.median(seconds for _, seconds in samples)
    result.add(name, f"{spread}, took {wall * 1000:.0f} ms", "")
    report_stall(result, middle, f"  {name.strip()}: median stall", judged)
