"""Several bot processes on one PostgreSQL database: pledges/s with 1, 2 and 4 processes, and
how long the sweeps go unattended when the leader is SIGKILLed.

`wavebot bench pledges --database-url postgresql://…` ends here (pledges_pg.run). Pledges: each
round, for one hot wave and for SPREAD waves, and for 1, 2 and 4 processes in turn (interleaved,
so every count feels the same load), a fresh database; the same PLEDGES distinct members join,
split evenly over real `scaling_child` processes (each a bot runtime), IN_FLIGHT joins at once
in all (the same crowd, shared by the processes), all told to go at once;
pledges/s = PLEDGES / (last end − first start).
Counts are checked exact before a figure is printed. Failover: each round, a leader and a
follower run the elected clock; the leader is SIGKILLed and the figure is the time until the
follower starts a sweep (the lock goes with the dead session; the follower's next attempt
takes it and its catch-up run starts every sweep).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import asyncpg

from app.clockwork import LEADER_POLL_SECONDS
from app.main import runtime
from config.settings import Settings
from core.ports import Actor
from core.services import ideas, waves
from core.services.waves import LaunchPlan
from devtools.bench.pledges_pg import TIERS, _dsn, fresh_database
from devtools.bench.report import INFO, BenchResult, check, spread, verdict

PROCESSES = (1, 2, 4)
IN_FLIGHT = 16  # joins at once over all processes: one adapter's bound, the same for every count
SPREAD = 4  # open waves the crowd spreads over, as in a community with several running
FULL_PLEDGES, QUICK_PLEDGES = 800, 240
ROUNDS, QUICK_ROUNDS = 3, 2
KEEP_SHARE = 0.8  # more processes on one hot wave must keep ≥ 80 % of one process's rate
TAKEOVER_LIMIT = 10.0
OWNER = Actor("console:owner", "Owner")
ROOT = Path(__file__).resolve().parents[2]
PHASE = random.Random(15)  # where in the follower's 2 s retry cycle the leader dies
URL_VARIABLE = "WAVEBOT_BENCH_CHILD_URL"  # the database URL, kept off the command line (ps)


async def _child(mode: str, url: str, *args: str) -> asyncio.subprocess.Process:
    """A scaling_child process from the checkout, talking over pipes."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "devtools.bench.scaling_child", mode, *args, cwd=ROOT,
        env={**os.environ, URL_VARIABLE: url},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _said(proc: asyncio.subprocess.Process, word: str) -> str:
    """The child's next stdout line, which must start with word (else its stderr is shown)."""
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode()
    if not line.startswith(word):
        error = (await proc.stderr.read()).decode() if proc.stderr else ""
        raise RuntimeError(f"scaling child said {line!r}, not {word!r}:\n{error[-2000:]}")
    return line


async def _open_waves(url: str, count: int) -> list[int]:
    """Approved ideas launched as the waves the processes pledge on."""
    async with runtime(Settings(database_url=url, owners=OWNER.account)) as rt:
        found = []
        for n in range(count):
            idea = await ideas.propose(rt.ctx, OWNER, f"Cast iron pan {n} #kitchen")
            await ideas.approve(rt.ctx, OWNER, idea.id)
            plan = LaunchPlan(idea.id, TIERS, timedelta(days=14))
            found.append((await waves.launch(rt.ctx, OWNER, plan)).id)
        return found


async def pledge_rate(server: str, processes: int, pledges: int, spread_over: int = 1) -> float:
    """Pledges/s of `processes` bots sharing the work on a fresh database; counts checked."""
    async with fresh_database(server) as url:
        ids = await _open_waves(url, spread_over)
        share = pledges // processes
        listed = ",".join(map(str, ids))
        children = [
            await _child(
                "pledge", url, listed, str(i * share), str(share), str(IN_FLIGHT // processes)
            )
            for i in range(processes)
        ]
        try:
            await asyncio.gather(*(_said(child, "ready") for child in children))
            for child in children:
                assert child.stdin is not None
                child.stdin.write(b"go\n")
                await child.stdin.drain()
            done = await asyncio.gather(*(_said(child, "done") for child in children))
        finally:
            for child in children:
                if child.returncode is None:
                    child.kill()
                await child.wait()
        starts, ends = zip(*((float(x) for x in line.split()[1:]) for line in done), strict=True)
        conn = await asyncpg.connect(_dsn(url))
        try:
            row = await conn.fetchrow(
                "SELECT sum(units), sum(pledgers), (SELECT COUNT(DISTINCT member_id) "
                "FROM pledges WHERE status = 'active') FROM waves"
            )
        finally:
            await conn.close()
    total = share * processes
    check(tuple(row) == (total,) * 3, f"{processes} processes counted {tuple(row)}, not {total}")
    return total / (max(ends) - min(starts))


async def takeover_seconds(server: str) -> float:
    """SIGKILL the sweeping leader; seconds until the follower starts a sweep."""
    async with fresh_database(server) as url:
        with tempfile.TemporaryDirectory(prefix="wavebot-failover-") as folder:
            log = Path(folder) / "sweeps.log"
            log.touch()
            leader = await _child("sweep", url, str(log))
            follower = None
            try:
                await _said(leader, "ready")
                await _until(lambda: bool(log.read_text()))  # the leader is elected, sweeping
                follower = await _child("sweep", url, str(log))
                await _said(follower, "ready")
                await asyncio.sleep(PHASE.uniform(0, LEADER_POLL_SECONDS))  # any retry phase
                killed = time.time()
                os.kill(leader.pid, signal.SIGKILL)
                while True:
                    others = [float(line.split()[0]) for line in log.read_text().splitlines()
                              if int(line.split()[1]) == follower.pid]  # fmt: skip
                    if others:
                        return others[0] - killed
                    check(time.time() - killed < 60, "no process took the sweeps over in 60 s")
                    await asyncio.sleep(0.05)
            finally:
                for child in (leader, follower):
                    if child is not None and child.returncode is None:
                        child.kill()
                    if child is not None:
                        await child.wait()


async def _until(condition: Callable[[], bool]) -> None:
    """Poll, on a thread, a condition another process makes true in a file (no event exists)."""

    def poll() -> None:
        while not condition():
            time.sleep(0.05)

    await asyncio.to_thread(poll)


async def _measure(server: str, pledges: int, rounds: int, result: BenchResult) -> None:
    """Interleave the process counts round by round, then the failovers."""
    shapes = [(count, spread_over) for spread_over in (1, SPREAD) for count in PROCESSES]
    rates: dict[tuple[int, int], list[float]] = {shape: [] for shape in shapes}
    for _ in range(rounds):
        for count, spread_over in shapes:
            rates[count, spread_over].append(await pledge_rate(server, count, pledges, spread_over))
    result.checks.append(f"every scaling run: units = pledgers = distinct pledges = {pledges}")
    for spread_over in (1, SPREAD):
        where = "one hot wave" if spread_over == 1 else f"{spread_over} waves"
        one = spread(rates[1, spread_over])
        result.add(f"{where}, 1 process", one.show(" pledges/s"), "the base of the ratio", INFO)
        for count in PROCESSES[1:]:
            many = spread(rates[count, spread_over])
            ratio = many.median / one.median
            judged = spread_over > 1  # a hot wave's row lock serialises every process alike
            result.add(
                f"{where}, {count} processes, same work",
                many.show(" pledges/s"),
                f"≥ {KEEP_SHARE:.0%} of 1 process; ×{ratio:.2f}" if judged else f"×{ratio:.2f}",
                verdict(ratio >= KEEP_SHARE) if judged else INFO,
            )
    takeovers = spread([await takeover_seconds(server) for _ in range(rounds)])
    result.add(
        "leader SIGKILLed → follower sweeps",
        takeovers.show(" s", digits=2),
        f"≤ {TAKEOVER_LIMIT:.0f} s",
        verdict(takeovers.median <= TAKEOVER_LIMIT),
    )


def measure_scaling(server: str, quick: bool, result: BenchResult) -> None:
    """Add the scaling and failover figures to the PostgreSQL pledge benchmark's result."""
    pledges = QUICK_PLEDGES if quick else FULL_PLEDGES
    rounds = QUICK_ROUNDS if quick else ROUNDS
    asyncio.run(_measure(server, pledges, rounds, result))
    result.notes += [
        f"scaling: {pledges} distinct members join per run (one wave, or spread over "
        f"{SPREAD}), split evenly over the processes (each a bot runtime); {IN_FLIGHT} joins in "
        f"flight in all, shared by the processes; {rounds} rounds, the shapes interleaved",
        "scaling: on one hot wave every join takes its turn on the wave's row, each holding it "
        "through its commit's WAL flush; the processes, the server and this script share the "
        "machine's cores",
        "failover: a leader and a follower run the elected clock; the leader is SIGKILLed at a "
        "random point of the follower's 2 s retry cycle",
    ]
