"""Peak RSS of the running bot on a community-sized database, next to a bare interpreter's.

Both are measured in fresh child processes (devtools/bench/memory_child.py), so nothing the parent
imported or allocated counts: the bot child runs the runtime, interpreter and clockwork on a
database seeded with 100,000 members, 10,000 ideas and 1,000 waves; the baseline child only
imports the same libraries. /stats charts are drawn in the bot's own child process (matplotlib is
never loaded in the bot): its peak is reported on its own line. The parent also samples each
child's RSS with psutil while it runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from devtools.bench.report import BenchResult, Spread, check, spread, verdict
from devtools.bench.seed import FULL, QUICK, Seeded, seed

TARGET_BYTES = 150 * 2**20
ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 300.0


def _mib(value: float) -> str:
    """Bytes as MiB for a table cell."""
    return f"{value / 2**20:.1f} MB"


def _measure(args: list[str], cwd: Path) -> dict[str, Any]:
    """Run the child; return its JSON report plus the peak RSS psutil saw from outside."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.bench.memory_child", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampled = 0
    stop = threading.Event()

    def sample() -> None:
        """Poll the child's RSS every 10 ms until it exits."""
        nonlocal sampled
        try:
            watched = psutil.Process(proc.pid)
            while not stop.is_set():
                sampled = max(sampled, watched.memory_info().rss)
                stop.wait(0.01)
        except psutil.Error:
            return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    finally:
        stop.set()
        sampler.join()
    check(proc.returncode == 0, f"memory child {args[0]} failed:\n{err[-2000:]}")
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    report["sampled"] = sampled
    return report


FULL_ROUNDS, QUICK_ROUNDS = 3, 1


Report = dict[str, Any]


def _rounds(path: Path, seeded: Seeded, rounds: int) -> tuple[list[Report], list[Report]]:
    """Baseline, bot, baseline, bot …: each a fresh child; each bot on a copy of the seeded file."""
    waves = ",".join(str(wave_id) for wave_id in seeded.open_wave_ids)
    baselines: list[Report] = []
    bots: list[Report] = []
    for index in range(rounds):
        baselines.append(_measure(["baseline"], path.parent))
        fresh = path.with_name(f"run-{index}.db")  # each run finds the seeded backlog unsent
        shutil.copyfile(path, fresh)
        bot_args = ["bot", str(fresh), seeded.owner, waves, seeded.member_accounts[4]]
        bots.append(_measure(bot_args, path.parent))
    return baselines, bots


def _peak_of(report: dict[str, Any]) -> float:
    """max(the child's own VmHWM, its RSS sampled from outside)."""
    return float(max(report["peak"], report["sampled"]))


def run(quick: bool = False) -> BenchResult:
    """Seed, then measure the baseline and the bot, each in its own child process, repeated."""
    size = QUICK if quick else FULL
    result = BenchResult("memory", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        path = Path(tmp) / "community.db"
        started = time.perf_counter()
        seeded: Seeded = seed(path, size)
        seconds = time.perf_counter() - started
        baselines, bots = _rounds(path, seeded, QUICK_ROUNDS if quick else FULL_ROUNDS)
        db_size = path.stat().st_size
    pending = seeded.counts["deliveries pending"]
    for bot in bots:
        check(bot["replies"] >= 17, f"the bot answered only {bot['replies']} replies")
        check(bot["errors"] == 0, f"{bot['errors']} commands were answered with an error")
        check(bot["charts"] >= 1, "/stats drew no chart")
        check(bot["sent"] >= pending, f"the dispatcher sent {bot['sent']} of {pending} pending")
    peak = spread([_peak_of(bot) for bot in bots])
    base = spread([_peak_of(baseline) for baseline in baselines])
    result.data.update(peak=peak.median, baseline=base.median)
    mib = 2**20
    result.add(
        "bot peak RSS",
        _spread_mib(peak),
        f"≤ {_mib(TARGET_BYTES)} (median)",
        verdict(peak.median <= TARGET_BYTES),
    )
    result.add(
        "bare interpreter + same libraries",
        _spread_mib(base),
        f"bot adds {(peak.median - base.median) / mib:.1f} MB to it (medians)",
    )
    worker = spread([float(bot["worker"]) for bot in bots])
    result.add(
        "chart worker peak RSS (its own process)",
        _spread_mib(worker),
        "matplotlib lives only there (app/chart_process.py); not part of the bot's figure",
    )
    last = bots[-1]
    result.add(
        "bot RSS at the end", _mib(last["rss"]), f"baseline at the end {_mib(baselines[-1]['rss'])}"
    )
    stall = spread([bot["stall"] for bot in bots])
    result.add(
        "longest loop stall (commands and sweeps)",
        f"{stall.median * 1000:.1f} ms (min {stall.low * 1000:.1f}, max {stall.high * 1000:.1f}; "
        f"{len(bots)} runs)",
        "≤ 20 ms (not judged here)",
    )
    result.data["longest loop stall"] = stall.median
    result.checks.append(
        f"seeded {seeded.counts['members']:,} members, {seeded.counts['ideas']:,} ideas, "
        f"{seeded.counts['waves']:,} waves, {seeded.counts['pledges']:,} pledges, "
        f"{seeded.counts['deliveries sent'] + pending:,} deliveries "
        f"({db_size / 2**20:.0f} MB file, {seconds:.1f} s)"
    )
    result.checks.append(
        f"each bot run answered {last['replies']} replies, none an error, /stats drew "
        f"{last['charts']} PNG charts, and delivered {last['sent']:,} messages (the "
        f"{pending:,} pending ones and what its sweeps announced) through the dispatcher"
    )
    result.notes.append(
        "peak = max(the child's own high-water mark VmHWM, its RSS sampled by the parent with "
        "psutil every 10 ms); both children import " + ", ".join(_libraries())
    )
    result.notes.append(
        "runs interleaved: baseline, bot, baseline, bot …, each a fresh process; judged on the "
        "median peak"
    )
    return result


def _spread_mib(figure: Spread) -> str:
    """A repeated size in MB: median (min, max; runs)."""
    mib = 2**20
    return (
        f"{figure.median / mib:.1f} MB (min {figure.low / mib:.1f}, max {figure.high / mib:.1f}; "
        f"{len(figure.samples)} runs)"
    )


def _libraries() -> tuple[str, ...]:
    """What both children import (kept in one place, the child module)."""
    from devtools.bench.memory_child import LIBRARIES

    return LIBRARIES
