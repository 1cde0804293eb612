"""One bot process of `wavebot bench scaling`: a pledger or a sweeper on a shared database.

`python -m devtools.bench.scaling_child pledge WAVES FIRST COUNT IN_FLIGHT`: opens the bot's
runtime, prints `ready`, waits for a `go` line, has members FIRST … FIRST+COUNT-1 join one of
WAVES (ids, comma-separated, member n takes the n-th modulo their number), IN_FLIGHT at once,
then prints `done <start> <end>` (wall-clock seconds).

`python -m devtools.bench.scaling_child sweep LOG`: runs the runtime's elected clock, each
sweep start appended to LOG as `<time> <pid>`; prints `ready`, runs until stdin closes.
The database URL comes in WAVEBOT_BENCH_CHILD_URL (not argv: `ps` shows argv to everyone).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path

from app.main import runtime
from config.settings import Settings
from core.ports import Actor
from core.services import waves
from storage.backends import AnyDatabase

OWNER = "console:owner"


async def warm_pool(db: AnyDatabase, in_flight: int) -> None:
    """Open the pool's connections before the clock starts: a new server backend per
    connection is not pledge work, and N processes would pay it N times inside the timing."""

    async def hold() -> None:
        async with db.read():
            await asyncio.sleep(0.05)

    await asyncio.gather(*(hold() for _ in range(in_flight)))


async def pledge(url: str, waves_ids: list[int], first: int, count: int, in_flight: int) -> None:
    """Join COUNT members once told to go; report when it started and ended."""
    async with runtime(Settings(database_url=url, owners=OWNER)) as rt:
        await warm_pool(rt.db, in_flight)
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        gate = asyncio.Semaphore(in_flight)

        async def join(n: int) -> None:
            async with gate:
                actor = Actor(f"telegram:{100_000 + n}", f"Member {n}")
                await waves.join(rt.ctx, actor, waves_ids[n % len(waves_ids)])

        started = time.time()
        await asyncio.gather(*(join(n) for n in range(first, first + count)))
        print(f"done {started:.6f} {time.time():.6f}", flush=True)


async def sweep(url: str, log_path: Path) -> None:
    """Run the elected clock until stdin closes, recording each sweep start."""
    log = log_path.open("a", encoding="utf-8", buffering=1)

    def record(name: str, phase: str) -> None:
        if phase == "start":
            log.write(f"{time.time():.6f} {os.getpid()}\n")

    async with runtime(Settings(database_url=url, owners=OWNER)) as rt:
        rt.clockwork.on_sweep = record
        await rt.clockwork.start()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.read)
        await rt.clockwork.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("storage.leadership").setLevel(logging.INFO)
    mode, *rest = sys.argv[1:]
    url = os.environ["WAVEBOT_BENCH_CHILD_URL"]
    if mode == "pledge":
        ids = [int(wave) for wave in rest[0].split(",")]
        asyncio.run(pledge(url, ids, int(rest[1]), int(rest[2]), int(rest[3])))
    else:
        asyncio.run(sweep(url, Path(rest[0])))
