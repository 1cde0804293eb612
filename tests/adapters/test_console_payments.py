"""Pay at the end as chat transcripts: close, confirm or withdraw, reminders, abandonment."""

from __future__ import annotations

from datetime import timedelta

from bots.console.session import PLATFORM, ConsoleMessenger
from core.commands.registry import REGISTRY
from core.messages import until
from tests.conftest import ConsoleWorld
from tests.texts import eur, said


def inbox(world: ConsoleWorld, name: str) -> list[str]:
    """Every private message the console messenger delivered to this person."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [text for chat, text in messenger.delivered if chat == name]


async def sweep(world: ConsoleWorld) -> None:
    """What the clock does every few minutes: the payment sweep, then the outbox."""
    await world.rt.clockwork.sweep_payments()
    await world.rt.dispatcher.sweep()


def outlook(confirmed: int, awaiting: int, abandoned: int, expected: int) -> list[str]:
    """The moderators' payment outlook of the backpack wave (3 units sold at 90 €, 1 each)."""
    return [
        said("pay.outlook_head", id=1, units=3, price=eur(90)),
        said("pay.outlook_counts", confirmed=confirmed, confirmed_units=confirmed,
             awaiting=awaiting, awaiting_units=awaiting,
             abandoned=abandoned, abandoned_units=abandoned),
        said("pay.outlook_expected", expected=expected, units=3),
    ]  # fmt: skip


async def test_close_confirm_withdraw_reminders_and_abandonment(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    ana, bo, cy = world.person("ana"), world.person("bo"), world.person("cy")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 3:90 2d min=3")
    for buyer in (ana, bo, cy):
        await buyer.say("/join 1")
    due = world.clock.now() + timedelta(days=7)
    await owner.say("/close 1")
    closed = await owner.say("1")  # Yes, close #1 now
    assert said("mod.closed_success", id=1, units=3, price=eur(90)) in closed
    await world.rt.dispatcher.sweep()

    ask = said("pay.ask", id=1, title="Backpack", price=eur(90)) + "\n"
    ask += said("pay.ask_how", deadline=due)
    assert inbox(world, "ana")[-1] == ask

    mine = await ana.say("/mine")
    row = said("pay.mine_row", id=1, title="Backpack", qty=1, price=eur(90), total=eur(90),
               deadline=due)  # fmt: skip
    assert row in mine
    pay, drop = said("button.pay_id", id=1), said("button.drop_id", id=1)
    assert f"[1] {pay}  [2] {drop}" in mine
    confirmed = said("pledge.confirmed", id=1, title="Backpack", price=eur(90))
    assert confirmed in await ana.say("1")
    assert said("error.pay_already_confirmed", id=1) in await ana.say("/confirm 1")
    status = said("pledge_status.confirmed")
    assert said("mine.pledge", id=1, title="Backpack", qty=1, status=status) in await ana.say(
        "/mine"
    )

    assert said("pay.withdrawn", id=1, title="Backpack") in await bo.say("/withdraw 1")
    assert said("error.pay_released", id=1) in await bo.say("/confirm 1")

    heard = {name: inbox(world, name) for name in ("ana", "bo", "cy")}
    assert heard["cy"][-1] == ask
    world.clock.advance(timedelta(hours=47))
    await sweep(world)
    assert inbox(world, "cy") == heard["cy"]  # no reminder before the first 48 h period
    world.clock.advance(timedelta(hours=1))
    await sweep(world)
    await sweep(world)  # a second sweep in the same period sends nothing more

    def reminder() -> str:
        left = until(due, world.clock.now())
        return said("pay.reminder", id=1, title="Backpack", price=eur(90), deadline=due,
                    left=left)  # fmt: skip

    first = reminder()
    assert inbox(world, "cy") == [*heard["cy"], first]
    assert inbox(world, "ana") == heard["ana"] and inbox(world, "bo") == heard["bo"]

    shown = await owner.say("/wave 1")
    for line in outlook(confirmed=1, awaiting=1, abandoned=1, expected=2):
        assert line in shown
    rate = said("pay.outlook_rate", category="travel", rate=18, prior=15, weight=20, decided=2)
    assert rate in shown
    assert said("pay.outlook_head", id=1, units=3, price=eur(90)) not in await cy.say("/wave 1")

    world.clock.advance(timedelta(hours=48 * 2))  # 144 h: third period
    await sweep(world)
    assert inbox(world, "cy") == [*heard["cy"], first, reminder()]
    world.clock.advance(timedelta(hours=24))  # 168 h: the window closes
    await sweep(world)
    assert inbox(world, "cy")[-1] == said("pay.expired", id=1, title="Backpack")
    # one confirmed unit of the 3 needed: the wave fails, it is never "completed"
    assert inbox(world, "ana")[-1] == said("pay.failed", id=1, title="Backpack", confirmed=1, moq=3)
    completed = said("pay.result_completed", units=3, price=eur(90))
    assert completed not in await cy.say("/wave 1")
    status = said("pledge_status.abandoned")
    assert said("mine.pledge", id=1, title="Backpack", qty=1, status=status) in await cy.say(
        "/mine"
    )
    assert said("error.pay_released", id=1) in await cy.say("/confirm 1")
    final = await owner.say("/wave 1")
    for line in outlook(confirmed=1, awaiting=0, abandoned=2, expected=1):
        assert line in final
    assert said("pay.outlook_closed") in final
    assert said("pay.outlook_outcome_failed", confirmed=1, moq=3) in final


async def test_payment_words_in_french_and_bad_input(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", locale="fr-FR")
    await owner.say("/idea Gourde #sport")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:20 1h min=1")
    await julie.say("/join 1")
    assert said("error.pay_still_open", "fr", id=1) in await julie.say("/withdraw 1")
    due = world.clock.now() + timedelta(days=7)
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    mine = await julie.say("/mine")
    row = said("pay.mine_row", "fr", id=1, title="Gourde", qty=1, price=eur(20), total=eur(20),
               deadline=due)  # fmt: skip
    assert row in mine
    pay, drop = said("button.pay_id", "fr", id=1), said("button.drop_id", "fr", id=1)
    assert f"[1] {pay}  [2] {drop}" in mine
    assert said("pay.withdrawn", "fr", id=1, title="Gourde") in await julie.say("2")
    usage = said("error.usage_of", "fr", usage=REGISTRY["withdraw"].usage)
    assert usage in await julie.say("/withdraw")
