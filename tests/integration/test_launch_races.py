"""Launches of one idea take turns on PostgreSQL, and an offer moves on only from 'open': two
moderators launching at once made two waves, and a supplier's removal that waited behind a
launch from its offer overwrote 'chosen' with 'withdrawn'."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import DomainError
from core.model import Tier
from core.services import waves
from core.services.context import Context, member_of
from core.supply_records import OfferStatus
from storage.backends import AnyDatabase
from tests.integration.conftest import OWNER, approved_idea, plan, query


async def test_two_launches_of_one_idea_at_once_open_one_wave(
    ctx: Context, db: AnyDatabase
) -> None:
    idea = await approved_idea(ctx)
    results = await asyncio.gather(
        *(waves.launch(ctx, OWNER, plan(idea, (1, 900))) for _ in range(2)),
        return_exceptions=True,
    )
    opened = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(opened) == 1 and len(refused) == 1, results
    assert refused[0].key == "error.idea_not_launchable"
    assert await query(db, f"SELECT COUNT(*) FROM waves WHERE idea_id = {idea}") == [(1,)]


async def test_an_offer_moves_on_only_from_open(ctx: Context, db: AnyDatabase) -> None:
    idea = await approved_idea(ctx)
    now = ctx.clock.now()
    async with db.write() as tx:
        maker = await member_of(ctx, tx, OWNER)
        offer_id = await tx.add_offer(idea, maker.id, (Tier(1, 900),), None, None, 14, "", now)
        assert await tx.set_offer_status(offer_id, OfferStatus.CHOSEN, now, None)
        assert not await tx.set_offer_status(offer_id, OfferStatus.WITHDRAWN, now)
        offer = await tx.get_offer(offer_id)
    assert offer is not None and offer.status is OfferStatus.CHOSEN


@pytest.mark.postgresql_only
async def test_a_waiting_launch_sees_the_idea_launched(ctx: Context, db: AnyDatabase) -> None:
    idea = await approved_idea(ctx)
    held, release = asyncio.Event(), asyncio.Event()

    async def slow_launch() -> None:
        async with db.write() as tx:
            await tx.lock_idea(idea)
            held.set()
            await release.wait()

    holder = asyncio.create_task(slow_launch())
    await held.wait()
    second = asyncio.create_task(waves.launch(ctx, OWNER, plan(idea, (1, 900))))
    await asyncio.sleep(0.3)
    assert not second.done()  # waits for the idea's row
    release.set()
    await holder
    assert (await second).idea_id == idea
