"""Wake-ups across processes (PostgreSQL): what one process commits wakes the sender and the
expander wherever they run, instead of waiting for their ticks (1 s nudge, 5 s expander)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from storage.wake_bus import PgWakeBus
from tests.conftest import ConsoleWorld
from tests.integration.test_dispatcher import _wave_with_subscribers

pytestmark = pytest.mark.postgresql_only
WAIT = 10.0  # a bound for a failing run only: notifications arrive in milliseconds


class Ears:
    """What another process's bus heard, awaitable."""

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.changed = asyncio.Event()

    def __call__(self, kind: str) -> None:
        self.kinds.append(kind)
        self.changed.set()

    async def hear(self, kind: str, times: int = 1) -> None:
        """Until this kind arrived so many times (or WAIT passes: the test fails)."""
        async with asyncio.timeout(WAIT):
            while self.kinds.count(kind) < times:
                self.changed.clear()
                await self.changed.wait()


@asynccontextmanager
async def listening(url: str, *ears: Ears) -> AsyncIterator[list[PgWakeBus]]:
    """One bus (another process) per pair of ears, listening; closed at the end."""
    buses = [PgWakeBus(url, each) for each in ears]
    try:
        for bus in buses:
            await bus.start()
            await bus.ready()
        for each in ears:
            each.kinds.clear()  # a new listener looks once for work committed while it was deaf
        yield buses
    finally:
        for bus in buses:
            await bus.close()


@pytest.fixture
async def elsewhere(world: ConsoleWorld) -> AsyncIterator[Ears]:
    """A second process listening on the same database."""
    ears = Ears()
    async with listening(world.rt.settings.database_url, ears):
        yield ears


async def test_a_commit_that_creates_deliveries_wakes_the_other_processes(
    world: ConsoleWorld, elsewhere: Ears
) -> None:
    await _wave_with_subscribers(world, ["a", "b"])  # "wave opened" for two chats, committed
    await elsewhere.hear("deliveries")


async def test_a_crossing_commit_wakes_the_expander_of_the_other_processes(
    world: ConsoleWorld, elsewhere: Ears
) -> None:
    await _wave_with_subscribers(world, ["a"])
    elsewhere.kinds.clear()
    for n in range(10):  # the 10th crosses the first milestone: participants to expand
        await world.person(f"p{n}").say("/join 1")
    await elsewhere.hear("fanout")


async def test_what_another_process_publishes_wakes_this_ones_loops(world: ConsoleWorld) -> None:
    mine, theirs = Ears(), Ears()
    async with listening(world.rt.settings.database_url, mine, theirs) as (here, there):
        there.publish("fanout")
        there.publish("deliveries")
        await mine.hear("fanout")
        await mine.hear("deliveries")
        theirs.kinds.clear()
        here.publish("fanout")  # its own notices are not echoed back to it
        await theirs.hear("fanout")  # committed: every listener has it in commit order
        there.publish("deliveries")
        await mine.hear("deliveries", times=2)
        assert sorted(mine.kinds) == ["deliveries", "deliveries", "fanout"]
