"""Fulfilment as chat transcripts: moderators mark a completed wave shipped (with a tracking text)
and delivered, each paid member is told in private, review requests follow delivery once each,
and /wave tells where the goods are."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from core.services import fulfilment, talk
from tests.adapters.closing import TRACKING, closed_lamp, ship_and_deliver, sweep
from tests.adapters.inbox import Inbox, inbox_of
from tests.conftest import ConsoleWorld, Person
from tests.texts import said


async def completed_lamp(world: ConsoleWorld) -> tuple[Person, ...]:
    """Wave #1 (desk lamp) completed: ana and bo confirmed and paid (marked), cy confirmed only."""
    owner, ana, bo, cy = await closed_lamp(world, min_units=2)
    for buyer in (ana, bo, cy):
        await buyer.say("/confirm 1")
    await owner.say("/paid 1 #2")
    await owner.say("/paid 1 #3")
    world.clock.advance(timedelta(days=7, minutes=1))
    await sweep(world)
    return owner, ana, bo, cy


async def test_ship_then_deliver_tells_paid_members_and_asks_their_review(
    world: ConsoleWorld,
) -> None:
    owner, ana, _, _ = await completed_lamp(world)
    inbox: Inbox = inbox_of(world)
    shown = await owner.say("/wave 1")
    assert said("fulfilment.state_paid") in shown

    assert said("error.not_moderator") in await ana.say("/ship 1")
    assert said("error.not_moderator") in await ana.say("/delivered 1")
    assert said("error.wave_not_found", id=9) in await owner.say("/ship 9")
    assert said("error.wave_not_found", id=9) in await owner.say("/delivered 9")

    shipped = await owner.say(f"/ship 1 {TRACKING}")
    assert said("fulfilment.shipped", id=1, title="Desk lamp") in shipped
    assert said("fulfilment.tracking", tracking=TRACKING) in shipped
    await world.rt.dispatcher.sweep()
    notice = (said("fulfilment.shipped_notice", id=1, title="Desk lamp") + "\n"
              + said("fulfilment.tracking", tracking=TRACKING))  # fmt: skip
    assert inbox.texts("ana") == [notice] and inbox.texts("bo") == [notice]
    assert inbox.texts("cy") == []  # confirmed, never paid: nothing to ship to her

    moved = "La Poste 8R000"  # the parcel changed hands: the members hear it once more
    await owner.say(f"/ship 1 {moved}")
    await world.rt.dispatcher.sweep()
    again = (said("fulfilment.shipped_notice", id=1, title="Desk lamp") + "\n"
             + said("fulfilment.tracking", tracking=moved))  # fmt: skip
    assert inbox.texts("ana") == [notice, again]
    shipped_at = world.clock.now()
    assert said("fulfilment.state_shipped_tracking", at=shipped_at,
                tracking=moved) in await owner.say("/wave 1")  # fmt: skip
    seen = await ana.say("/wave 1")
    assert said("fulfilment.state_shipped", at=shipped_at) in seen and moved not in seen

    world.clock.advance(timedelta(days=3))
    assert said("fulfilment.delivered", id=1, title="Desk lamp") in await owner.say("/delivered 1")
    await world.rt.dispatcher.sweep()
    ask = said("talk.review_ask", id=1, title="Desk lamp")
    delivered = said("fulfilment.delivered_notice", id=1, title="Desk lamp")
    assert inbox.texts("ana")[-2:] == [delivered, ask]
    assert inbox.actions("ana")[-1] == [f"rate:1:{n}" for n in range(1, 6)]
    assert inbox.texts("bo")[-2:] == [delivered, ask]
    assert inbox.texts("cy") == []
    assert await talk.ask_reviews(world.rt.ctx) == 0  # once per paid member, ever
    assert said("fulfilment.state_delivered", at=world.clock.now()) in await ana.say("/wave 1")
    assert said("error.already_delivered", id=1) in await owner.say("/delivered 1")
    assert said("error.already_delivered", id=1) in await owner.say("/ship 1 late")
    long = "x" * 301
    assert said("error.tracking_long", max=300, length=301) in await owner.say(f"/ship 1 {long}")
    assert said("error.not_moderator") in await ana.say(f"/ship 1 {long}")  # rights first


async def test_delivered_before_ship_implies_shipped_and_reviews_wait_for_delivery(
    world: ConsoleWorld,
) -> None:
    owner, ana, _, _ = await completed_lamp(world)
    inbox: Inbox = inbox_of(world)
    world.clock.advance(timedelta(days=30))
    assert await talk.ask_reviews(world.rt.ctx) == 0  # completed long ago, not delivered: no ask
    await owner.say("/delivered 1")
    await world.rt.dispatcher.sweep()
    ask = said("talk.review_ask", id=1, title="Desk lamp")
    assert inbox.texts("ana") == [said("fulfilment.delivered_notice", id=1, title="Desk lamp"), ask]
    stored = await fulfilment.state(world.rt.ctx, 1)
    assert stored.shipped_at == stored.delivered_at == world.clock.now()
    reviewed = await ana.say("/review 1 5 Bright and quiet")
    assert said("talk.reviewed", id=1, title="Desk lamp", rating=5) in reviewed


async def test_a_wave_that_did_not_complete_is_neither_shipped_nor_delivered(
    world: ConsoleWorld,
) -> None:
    owner, ana, _, _ = await closed_lamp(world, min_units=2)
    status = said("stats.wave_status.succeeded")
    refused = said("error.fulfil_not_completed", id=1, status=status)
    assert refused in await owner.say("/ship 1 soon")
    assert refused in await owner.say("/delivered 1")
    await ana.say("/withdraw 1")
    world.clock.advance(timedelta(days=7, minutes=1))
    await sweep(world)  # one confirmation at most of a minimum of 2: failed
    failed = said("error.fulfil_not_completed", id=1, status=said("stats.wave_status.failed"))
    assert failed in await owner.say("/ship 1")
    assert said("fulfilment.state_paid") not in await owner.say("/wave 1")


async def test_the_story_in_french(world: ConsoleWorld) -> None:
    _owner, ana, _, _ = await completed_lamp(world)
    patron = world.person("owner", "fr")
    membre = world.person("ana", "fr")
    await ana.say("/lang fr")
    assert said("error.not_moderator", "fr") in await membre.say("/ship 1")
    assert said("error.wave_not_found", "fr", id=9) in await patron.say("/delivered 9")
    inbox: Inbox = inbox_of(world)
    shipped = await patron.say(f"/ship 1 {TRACKING}")
    assert said("fulfilment.shipped", "fr", id=1, title="Desk lamp") in shipped
    assert said("fulfilment.tracking", "fr", tracking=TRACKING) in shipped
    assert said("fulfilment.delivered", "fr", id=1, title="Desk lamp") in await patron.say(
        "/delivered 1"
    )
    await world.rt.dispatcher.sweep()
    assert inbox.texts("ana")[-1] == said("talk.review_ask", "fr", id=1, title="Desk lamp")
    assert said("fulfilment.state_delivered", "fr", at=world.clock.now()) in await membre.say(
        "/wave 1"
    )


async def test_a_wave_not_completed_is_refused_in_french(world: ConsoleWorld) -> None:
    await closed_lamp(world, min_units=2)
    patron = world.person("owner", "fr")
    fenetre = said("stats.wave_status.succeeded", "fr")
    refused = said("error.fulfil_not_completed", "fr", id=1, status=fenetre)
    assert refused in await patron.say("/ship 1 bientôt")
    assert refused in await patron.say("/delivered 1")


async def test_the_shared_closing_story_runs_on_the_console(world: ConsoleWorld) -> None:
    owner, _, _, _ = await completed_lamp(world)
    inbox: Inbox = inbox_of(world)
    await ship_and_deliver(world.rt, owner.say)
    assert inbox.texts("bo")[-1] == said("talk.review_ask", id=1, title="Desk lamp")


async def test_an_asker_waiting_behind_another_asks_nobody_twice(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, _, _, _ = await completed_lamp(world)
    monkeypatch.setattr(talk, "REVIEW_BATCH", 0)  # /delivered leaves every ask to the sweeps
    await ship_and_deliver(world.rt, owner.say)
    monkeypatch.setattr(talk, "REVIEW_BATCH", 1)  # each asker takes the first candidate
    ctx, asked, release = world.rt.ctx, asyncio.Event(), asyncio.Event()

    async def first_asker() -> None:
        """Asks ana, then holds its transaction open (another process mid-commit)."""
        async with ctx.db.write():
            await talk.ask_reviews(ctx)
            asked.set()
            await release.wait()

    holder = asyncio.create_task(first_asker())
    await asked.wait()
    second = asyncio.create_task(talk.ask_reviews(ctx))  # sees ana unasked, then waits
    await asyncio.sleep(0.3)
    release.set()
    await holder
    await second
    async with ctx.db.read() as tx:
        found = await tx.connection.execute(
            text(
                "SELECT kind, COUNT(*) FROM announcements WHERE kind LIKE 'review_ask:%' "
                "GROUP BY kind ORDER BY kind"
            )
        )
        counts = [tuple(row) for row in found]
    assert counts == [("review_ask:2", 1), ("review_ask:3", 1)]  # ana and bo paid, once each
