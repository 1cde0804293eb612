"""The end of a cycle the payment transcripts start from: three buyers, a wave closed by hand."""

from __future__ import annotations

from tests.conftest import ConsoleWorld, Person


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
