"""One dispatcher per platform across processes (issue 15): only the process elected for a
platform sends its deliveries; a successor takes over at its next claim, and frees the leases a
dead dispatcher left once the grace has passed."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from core.services.dispatch import Dispatcher
from storage.leadership import PgLeases
from tests.conftest import ConsoleWorld
from tests.integration.test_dispatcher import (
    OPENED,
    PLATFORM,
    ScriptedPlatform,
    _wave_with_subscribers,
)
from tests.texts import said

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
async def other_process(world: ConsoleWorld) -> AsyncIterator[tuple[Dispatcher, ScriptedPlatform]]:
    """A second process's dispatcher on the same database, with its own election session."""
    leases = PgLeases(world.rt.settings.database_url, retry_seconds=0)
    platform = ScriptedPlatform()
    dispatcher = Dispatcher(
        world.rt.ctx,
        {PLATFORM: platform},
        roles=lambda name: leases.role(f"dispatch:{name}"),
    )
    try:
        yield dispatcher, platform
    finally:
        await leases.close()


async def test_only_the_elected_process_sends_and_a_successor_takes_over(
    world: ConsoleWorld, other_process: tuple[Dispatcher, ScriptedPlatform]
) -> None:
    here = await _wave_with_subscribers(world, ["a", "b"])
    there, elsewhere = other_process
    assert world.rt.leases is not None
    assert await world.rt.leases.role(f"dispatch:{PLATFORM}").lead()  # this process leads
    await there.sweep()
    assert elsewhere.delivered == {}  # not elected: it claims nothing
    await world.rt.dispatcher.sweep()
    assert here.delivered == {"a": [OPENED], "b": [OPENED]}

    await world.rt.leases.close()  # this process stops: its session and its roles end
    owner = world.person("owner")
    await owner.say("/idea Chair")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:50 7d")
    await there.sweep()  # elected at its next claim
    chair = said("announce.opened", id=2, title="Chair", category="general")
    assert elsewhere.delivered == {"a": [chair], "b": [chair]}
    assert here.delivered == {"a": [OPENED], "b": [OPENED]}


async def test_a_successor_frees_a_dead_dispatchers_leases_after_the_grace(
    world: ConsoleWorld, other_process: tuple[Dispatcher, ScriptedPlatform]
) -> None:
    await _wave_with_subscribers(world, ["a", "b"])
    assert world.rt.leases is not None
    await world.rt.leases.close()  # this process stops sending
    now = world.clock.now()
    async with world.rt.db.write() as tx:  # a dispatcher that then died, its lease unexpired
        dead = await tx.claim_deliveries("dead", [PLATFORM], now, now + timedelta(minutes=10), 9)
    assert len(dead) == 2
    there, elsewhere = other_process
    there.roles.grace = 3600.0
    await there.sweep()
    assert elsewhere.delivered == {}  # within the grace: the lease may still be a live one's

    successor = Dispatcher(world.rt.ctx, {PLATFORM: elsewhere}, roles=there.roles.role_of)
    successor.roles.grace = 0.0
    await successor.sweep()
    assert elsewhere.delivered == {"a": [OPENED], "b": [OPENED]}


async def test_a_claim_passes_over_rows_another_claim_holds_instead_of_waiting(
    world: ConsoleWorld,
) -> None:
    await _wave_with_subscribers(world, ["a", "b"])
    now, db = world.clock.now(), world.rt.db
    lease = now + timedelta(minutes=10)

    async def rival_claim() -> list[object]:
        async with db.write() as tx:
            return list(await tx.claim_deliveries("rival", [PLATFORM], now, lease, 9))

    async with db.write() as tx:  # one claim holds its rows, not yet committed
        held = await tx.claim_deliveries("first", [PLATFORM], now, lease, 9)
        assert len(held) == 2
        # A task of its own, outside this write: without SKIP LOCKED it would wait for our
        # commit (and the bound below would fail); with it, it finds nothing free at once.
        rival = asyncio.create_task(rival_claim(), context=contextvars.Context())
        assert await asyncio.wait_for(rival, timeout=30) == []
