"""Peak RSS of the running bot on a community-sized database, next to a bare interpreter's.

Both are measured in fresh child processes (devtools/bench/memory_child.py), so nothing the parent
imported or allocated counts: the bot child runs the runtime, interpreter and clockwork on a
database seeded with 100,000 members, 10,000 ideas and 1,000 waves; the baseline child only
imports the same libraries. The parent also samples each child's RSS with psutil while it runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from devtools.bench.lag import Lag
from devtools.bench.report import BenchResult, check, verdict
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


def run(quick: bool = False) -> BenchResult:
    """Seed, then measure the baseline and the bot, each in its own child process."""
    size = QUICK if quick else FULL
    result = BenchResult("memory", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        path = Path(tmp) / "community.db"
        started = time.perf_counter()
        seeded: Seeded = seed(path, size)
        seconds = time.perf_counter() - started
        baseline = _measure(["baseline"], Path(tmp))
        waves = ",".join(str(wave_id) for wave_id in seeded.open_wave_ids)
        bot = _measure(
            ["bot", str(path), seeded.owner, waves, seeded.member_accounts[4]], Path(tmp)
        )
        db_size = path.stat().st_size
    check(bot["replies"] >= 14, f"the bot answered only {bot['replies']} replies")
    check(bot["errors"] == 0, f"{bot['errors']} commands were answered with an error")
    pending = seeded.counts["deliveries pending"]
    check(bot["sent"] >= pending, f"the dispatcher sent {bot['sent']} of {pending} pending")
    peak = max(bot["peak"], bot["sampled"])
    base = max(baseline["peak"], baseline["sampled"])
    result.data.update(peak=peak, baseline=base)
    result.add("bot peak RSS", _mib(peak), f"≤ {_mib(TARGET_BYTES)}", verdict(peak <= TARGET_BYTES))
    result.add(
        "bare interpreter + same libraries", _mib(base), f"bot adds {_mib(peak - base)} to it"
    )
    result.add(
        "bot RSS at the end", _mib(bot["rss"]), f"baseline at the end {_mib(baseline['rss'])}"
    )
    stall = Lag([bot["stall"]])
    result.add(
        "longest loop stall (commands and sweeps)",
        f"{bot['stall'] * 1000:.1f} ms (p99 {bot['stall_p99'] * 1000:.1f} ms)",
        "≤ 20 ms (not judged here)",
    )
    result.data["longest loop stall"] = stall.longest
    result.checks.append(
        f"seeded {seeded.counts['members']:,} members, {seeded.counts['ideas']:,} ideas, "
        f"{seeded.counts['waves']:,} waves, {seeded.counts['pledges']:,} pledges, "
        f"{seeded.counts['deliveries sent'] + pending:,} deliveries "
        f"({db_size / 2**20:.0f} MB file, {seconds:.1f} s)"
    )
    result.checks.append(
        f"the bot answered {bot['replies']} replies, none an error, and delivered "
        f"{bot['sent']:,} messages (the {pending:,} pending ones and what its sweeps announced) "
        "through the dispatcher"
    )
    result.notes.append(
        "peak = max(the child's own high-water mark VmHWM, its RSS sampled by the parent with "
        "psutil every 10 ms); both children import " + ", ".join(_libraries())
    )
    return result


def _libraries() -> tuple[str, ...]:
    """What both children import (kept in one place, the child module)."""
    from devtools.bench.memory_child import LIBRARIES

    return LIBRARIES
