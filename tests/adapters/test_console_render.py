"""Conditional pledges read clearly and every wave state reads truthfully, as console transcripts.

Waves are closed by the clock (deadline + sweep) or through the lifecycle service, never by
typing /close or /cancel (which ask for a confirmation button).
"""

from __future__ import annotations

from datetime import timedelta

from bots.console.session import PLATFORM, ConsoleMessenger
from core.model import Tier, WaveStatus
from core.ports import Actor
from core.services import digest, lifecycle
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, rendered, said, text

PACK = "Backpack"
OWNER = Actor(f"{PLATFORM}:owner", "Owner", None)


def inbox(world: ConsoleWorld, name: str) -> list[str]:
    """Every private message the console messenger delivered to this person."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [body for chat, body in messenger.delivered if chat == name]


LAUNCH = "1:100 5:90 10:80 2d min=5 cap=20 per=3"


async def launch(world: ConsoleWorld, line: str = LAUNCH) -> Person:
    """The owner proposes, approves and launches the backpack wave (#1)."""
    owner = world.person("owner")
    await owner.say(f"/idea {PACK} #travel")
    await owner.say("/approve 1")
    await owner.say(f"/launch 1 {line}")
    return owner


async def close_by_the_clock(world: ConsoleWorld) -> None:
    """The deadline passes and the sweep closes the wave; the outbox is delivered."""
    world.clock.advance(timedelta(days=3))
    await world.rt.clockwork.sweep_waves()
    await world.rt.dispatcher.sweep()


def mine_row(qty: int, status: str, lang: str = "en") -> str:
    return said("mine.pledge", lang, id=1, title=PACK, qty=qty, status=status)


async def test_a_conditional_pledge_is_echoed_counted_apart_and_told_why_it_dropped(
    world: ConsoleWorld,
) -> None:
    await launch(world)
    ana, bo, dan = world.person("ana"), world.person("bo"), world.person("dan")
    julie = world.person("julie", locale="fr-FR")
    await ana.say("/join 1 3")

    reply = await dan.say("/join 1 2 85")
    assert said("pledge.joined", id=1, title=PACK, qty=2) in reply
    assert said("pledge.condition_unmet", qty=2, max=eur(85), price=eur(100)) in reply
    # Dan's 2 units would drop out at today's 100 €: the count says 3, not 5.
    assert said("pledge.now", units=3, price=eur(100)) in reply

    card = await ana.say("/wave 1")
    assert said("wave.card_split", firm=3, conditional=2, now=3, price=eur(100)) in card
    assert said("wave.progress", bar="▰▰▰▰▰▰▱▱▱▱", units=3, goal=5) in card
    assert said("wave.moq_missing", moq=5, more=2) in card
    assert said("wave.limits_both", per=3, capacity=20, left=15) in card

    unmet = rendered(text("pledge_state.condition_unmet", max=eur(85), price=eur(100)))
    assert mine_row(2, unmet) in await dan.say("/mine")

    await bo.say("/join 1 2")  # 5 firm: the price falls to 90 €
    french = await julie.say("/join 1 1 95")
    assert said("pledge.condition_met", "fr", qty=1, max=eur(95), price=eur(90)) in french
    assert said("pledge.now", "fr", units=6, price=eur(90)) in french
    met = rendered(text("pledge_state.condition_met", max=eur(95), price=eur(90)), "fr")
    assert mine_row(1, met, "fr") in await julie.say("/mine")

    await close_by_the_clock(world)
    notice = said("pledge.dropped_notice", id=1, title=PACK, price=eur(90), max=eur(85))
    assert inbox(world, "dan").count(notice) == 1  # besides the milestone news he follows
    assert not any("85" in message for message in inbox(world, "julie"))
    priced_out = rendered(text("pledge_state.priced_out", price=eur(90), max=eur(85)))
    assert mine_row(2, priced_out) in await dan.say("/mine")


async def test_the_plus_one_button_keeps_the_condition(world: ConsoleWorld) -> None:
    await launch(world)
    dan = world.person("dan")
    await dan.say("/join 1 1 85")
    await dan.say("/wave 1")
    more = await dan.say("2")  # [1] Join [2] +1 [3] Leave
    assert said("pledge.changed", id=1, title=PACK, qty=2) in more
    assert said("pledge.condition_unmet", qty=2, max=eur(85), price=eur(100)) in more


async def test_a_cancelled_wave_charges_nobody_in_mine_and_on_its_card(world: ConsoleWorld) -> None:
    await launch(world, "1:100 5:90 2d min=2")
    ana = world.person("ana")
    await ana.say("/join 1")
    await world.person("bo").say("/join 1")
    await lifecycle.cancel(world.rt.ctx, OWNER, 1, "supplier gone")

    card = await ana.say("/wave 1")
    assert said("wave.status_cancelled") in card
    assert said("wave.moq_reached", moq=2) not in card
    assert said("button.join") not in card
    mine = await ana.say("/mine")
    assert mine_row(1, said("pledge_state.cancelled")) in mine
    assert mine_row(1, said("pledge_status.active")) not in mine


async def test_a_failed_wave_reads_as_failed_everywhere(world: ConsoleWorld) -> None:
    await launch(world)
    ana = world.person("ana", locale="fr-FR")
    await ana.say("/join 1 2")
    await close_by_the_clock(world)

    card = await ana.say("/wave 1")
    assert said("wave.status_failed", "fr") in card
    assert "encore" not in card  # no "(encore 3)" to go on a failed wave
    assert said("wave.gap_next", "fr", more=3, price=eur(90)) not in card
    assert mine_row(2, said("pledge_state.failed", "fr"), "fr") in await ana.say("/mine")


async def test_the_payment_window_and_completion_read_on_the_card(world: ConsoleWorld) -> None:
    await launch(world, "1:100 2:90 2d min=2")
    ana = world.person("ana")
    await ana.say("/join 1")
    await world.person("bo").say("/join 1")
    await close_by_the_clock(world)
    due = world.clock.now() + timedelta(days=7)

    card = await ana.say("/wave 1")
    assert said("wave.state_payment", id=1, units=2, price=eur(90), deadline=due) in card
    for absent in (said("wave.moq_reached", moq=2), said("wave.gap_lowest", price=eur(90))):
        assert absent not in card
    assert said("button.join") not in card

    await ana.say("/confirm 1")
    await world.person("bo").say("/confirm 1")
    await world.rt.clockwork.sweep_payments()  # nobody left to decide: completed
    card = await ana.say("/wave 1")
    assert said("pay.result_completed", units=2, price=eur(90)) in card
    assert said("wave.state_payment", id=1, units=2, price=eur(90), deadline=due) not in card


async def test_lists_and_digest_tell_each_state(world: ConsoleWorld) -> None:
    owner = await launch(world)
    await owner.say("/subscribe")
    dan = world.person("dan")
    await world.person("ana").say("/join 1 3")
    await dan.say("/join 1 2 85")
    gap = text("wave.gap_next", more=2, price=eur(90))
    waves = await dan.say("/waves")
    assert rendered(text("wave.list_row", id=1, title=PACK, units=3, price=eur(100), gap=gap,
                         left=timedelta(days=2))).split(". Closes")[0] in waves  # fmt: skip

    async with world.rt.ctx.db.write() as tx:  # a wave planned for tomorrow
        opens = world.clock.now() + timedelta(days=1)
        await tx.add_wave(None, "Tent", "", "travel", "EUR", (Tier(1, 20000),), 1, None, 1,
                          opens, opens + timedelta(days=3), WaveStatus.SCHEDULED, 1,
                          world.clock.now())  # fmt: skip
    await lifecycle.cancel(world.rt.ctx, OWNER, 2, "")
    world.broadcasts.clear()
    assert await digest.send_digest(world.rt.ctx, timedelta(days=14))
    news = "\n".join(await world.deliver())
    assert rendered(text("wave.list_row", id=1, title=PACK, units=3, price=eur(100), gap=gap,
                         left=timedelta(days=2))).split(". Closes")[0] in news  # fmt: skip
    cancelled = said("digest.result_row", id=2, title="Tent", status=said("wave.status_cancelled"))
    assert cancelled in news


async def test_confirmed_but_too_few_reads_not_charged(world: ConsoleWorld) -> None:
    await launch(world, "1:100 2:90 2d min=2")
    ana, bo = world.person("ana"), world.person("bo", locale="fr-FR")
    await ana.say("/join 1")
    await bo.say("/join 1")
    await close_by_the_clock(world)
    await ana.say("/confirm 1")
    world.clock.advance(timedelta(days=8))
    await world.rt.clockwork.sweep_payments()  # 1 confirmed of the 2 needed: failed

    assert mine_row(1, said("pledge_state.failed")) in await ana.say("/mine")
    card = await bo.say("/wave 1")
    assert said("wave.status_failed", "fr") in card
    assert said("wave.moq_reached", "fr", moq=2) not in card
    assert mine_row(1, said("pledge_status.abandoned", "fr"), "fr") in await bo.say("/mine")
