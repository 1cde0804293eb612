"""The end of a cycle the payment transcripts share: three buyers and a wave closed by hand, then
(for the end-to-end stories of every provider) the window's end, shipping, delivery and the
review request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from app.main import Runtime
from core.clock import FakeClock
from core.services.payments import CONFIRM_WINDOW
from tests.conftest import ConsoleWorld, Person

# A tracking text with markup characters: every platform must show it as typed, escaped.
TRACKING = "Colissimo <6A123> & co"


async def closed_with_three(world: ConsoleWorld, idea: str, tiers: str) -> tuple[Person, ...]:
    """Owner (#1) launches the idea; ana (#2), bo (#3) and cy (#4) join; the owner closes it."""
    owner = world.person("owner")
    people = world.person("ana"), world.person("bo"), world.person("cy")
    await owner.say(f"/idea {idea}")
    await owner.say("/approve 1")
    await owner.say(f"/launch 1 {tiers}")
    for buyer in people:
        await buyer.say("/join 1")
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    return (owner, *people)


async def closed_lamp(world: ConsoleWorld, min_units: int) -> tuple[Person, ...]:
    """A desk lamp closed at 35 € each."""
    return await closed_with_three(world, "Desk lamp #office", f"1:40 3:35 2d min={min_units}")


async def sweep(world: ConsoleWorld) -> None:
    """What the clock does every few minutes: payments and refunds, then the outbox."""
    await world.rt.clockwork.sweep_payments()
    await world.rt.dispatcher.sweep()


async def window_ends(rt: Runtime, clock: FakeClock) -> None:
    """The payment window runs out: the wave is decided (completed on what was paid)."""
    clock.advance(CONFIRM_WINDOW + timedelta(minutes=1))
    await rt.clockwork.sweep_payments()
    await rt.dispatcher.sweep()


async def ship_and_deliver(rt: Runtime, moderator_says: Callable[[str], Awaitable[object]]) -> None:
    """A moderator ships wave #1 with TRACKING, then marks it delivered; the outbox sends the
    notices and the review requests; the clock's review sweep then finds no one left to ask."""
    await moderator_says(f"/ship 1 {TRACKING}")
    await moderator_says("/delivered 1")
    for job, _ in rt.clockwork.extra_jobs:  # the review sweep (and retention) run as scheduled
        await job()
    await rt.dispatcher.sweep()
