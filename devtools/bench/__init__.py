"""`wavebot bench`: benchmarks that print each figure next to the ceiling it is measured against.

Each benchmark is a module with `run(quick: bool) -> BenchResult`; REGISTRY maps the name typed
after `wavebot bench` to it. `all` runs every registered benchmark in order.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app import event_loop
from devtools.bench.report import BenchFailure, BenchResult, machine

Bench = Callable[[bool], BenchResult]

# name → module under devtools.bench holding run(quick).
REGISTRY: dict[str, str] = {
    "pledges": "devtools.bench.pledges",
    "fanout": "devtools.bench.fanout",
    "flash-crowd": "devtools.bench.flash_crowd",
    "broadcast": "devtools.bench.broadcast",
    "broadcast-under-load": "devtools.bench.broadcast_load",
    "memory": "devtools.bench.memory",
    "stalls": "devtools.bench.stalls",
    "soak": "devtools.bench.soak",
    "checkout": "devtools.bench.checkout",
}
PLANNED: dict[str, str] = {}


def _on(bench: Bench, quick: bool, database_url: str) -> BenchResult:
    """Run a benchmark that accepts --database-url on that database."""
    return bench(quick, database_url=database_url)  # type: ignore[call-arg]


def load(name: str) -> Bench:
    """The run function of a registered benchmark (imported only when asked for)."""
    module = importlib.import_module(REGISTRY[name])
    bench: Bench = module.run
    return bench


def run_bench(name: str = "all", quick: bool = False, database_url: str | None = None) -> int:
    """Run one benchmark or all; 0 when every target was met, 1 otherwise, 2 for a bad name."""
    if name in PLANNED and name not in REGISTRY:
        print(f"wavebot bench: {name} ({PLANNED[name]}) is not written yet", file=sys.stderr)
        return 2
    if name != "all" and name not in REGISTRY:
        known = ", ".join(["all", *REGISTRY])
        print(f"wavebot bench: unknown benchmark {name!r} (known: {known})", file=sys.stderr)
        return 2
    names = list(REGISTRY) if name == "all" else [name]
    print("machine:")
    for line in machine(Path(tempfile.gettempdir())):
        print(f"  {line}")
    choice = os.environ.get("WAVEBOT_EVENT_LOOP", "auto").lower()
    print(f"  event loop: {event_loop.set_default(choice)} (WAVEBOT_EVENT_LOOP={choice})")
    status = 0
    for each in names:
        started = time.perf_counter()
        try:
            bench = load(each)
            # only the pledge benchmark runs elsewhere than on SQLite (--database-url)
            result = bench(quick) if database_url is None else _on(bench, quick, database_url)
        except BenchFailure as failure:
            print(f"== {each}: FAILED, a count was not exact: {failure}")
            status = 1
            continue
        print(result.render())
        print(f"  ({time.perf_counter() - started:.1f} s)")
        if result.missed and not quick:
            status = 1
    return status
