"""Manual collection as chat transcripts: /pay explains, moderators mark /paid and /unpaid, the
wave is decided on confirmations, payers of a failed wave become refund tasks, a late payment is
recorded and owed back, never lost."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.closing import closed_with_three, sweep
from tests.adapters.inbox import Inbox, inbox_of
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

BY_HAND = said("payment.provider_name.manual")  # how the provider is named to people

IBAN = "Transfer to FR76 3000 6000 0112 3456 7890 189, reference: wave and member number"


def owed(world: ConsoleWorld) -> str:
    """The /pay line of one backpack at 90 €, due 7 days after the close."""
    due = world.clock.now() + timedelta(days=7)
    return said("pay.owed", id=1, title="Backpack", qty=1, price=eur(90), total=eur(90),
                deadline=due)  # fmt: skip


async def test_pay_explains_and_moderators_mark_paid_and_unpaid(world: ConsoleWorld) -> None:
    inbox: Inbox = inbox_of(world)
    owner, ana, bo, _ = await succeeded_backpack(world, min_units=2)
    line = owed(world)

    shown = await ana.say("/pay 1")
    assert line in shown
    assert said("pay.manual_default") in shown
    assert said("pay.manual_marked", id=1, member=2) in shown
    assert said("payhow.unset") in await owner.say("/payhow")
    assert said("error.not_moderator") in await ana.say(f"/payhow {IBAN}")
    assert said("payhow.set") in await owner.say(f"/payhow {IBAN}")
    assert said("payhow.current", text=IBAN) in await owner.say("/payhow")
    confirmed = await ana.say("/confirm 1")  # the confirm button leads to /pay
    assert said("pledge.confirmed", id=1, title="Backpack", price=eur(90)) in confirmed
    assert said("pay.manual_how", text=IBAN) in confirmed and line in confirmed

    assert said("error.not_moderator") in await bo.say("/paid 1 #2")
    assert said("error.wave_not_found", id=9) in await owner.say("/paid 9 #2")
    assert said("error.member_unknown", who="#99") in await owner.say("/paid 1 #99")
    no_pledge = said("error.paid_no_pledge", member=1, name="Owner", id=1)
    assert no_pledge in await owner.say("/paid 1 #1")
    marked = said("paid.marked", member=2, name="Ana", id=1, amount=eur(90))
    assert marked in await owner.say("/paid 1 #2")
    await world.rt.dispatcher.sweep()
    notice = said("pay.paid_notice", id=1, title="Backpack", amount=eur(90))
    assert inbox.texts("ana")[-1] == notice  # told in private
    again = said("error.paid_already", member=2, name="Ana", id=1)
    assert again in await owner.say("/paid 1 console:ana")  # an account names her too
    assert said("error.pay_already_paid", id=1) in await ana.say("/pay 1")

    shown = await owner.say("/wave 1")
    assert said("pay.outlook_paid", paid=1, paid_units=1) in shown
    assert said("error.unpaid_none", member=3, name="Bo", id=1) in await owner.say("/unpaid 1 #3")
    unmarked = said("paid.unmarked", member=2, name="Ana", id=1, amount=eur(90))
    assert unmarked in await owner.say("/unpaid 1 #2")
    assert said("pay.outlook_paid", paid=0, paid_units=0) in await owner.say("/wave 1")
    assert line in await ana.say("/pay 1")  # she owes it again
    assert marked in await owner.say("/paid 1 #2")  # a new mark, a new charge id
    assert said("pay.outlook_paid", paid=1, paid_units=1) in await owner.say("/wave 1")

    assert said("pledge.confirmed", id=1, title="Backpack", price=eur(90)) in await bo.say(
        "/confirm 1"
    )
    world.clock.advance(timedelta(days=7))
    await sweep(world)
    completed = said("pay.completed", id=1, title="Backpack", units=2, price=eur(90))
    assert completed in inbox.texts("bo")  # decided on confirmations (no provider collects)
    assert said("refunds.none") in await owner.say("/refunds")


async def test_a_failed_wave_leaves_refund_tasks_and_a_late_payment_is_owed_back(
    world: ConsoleWorld,
) -> None:
    inbox: Inbox = inbox_of(world)
    owner, ana, bo, cy = await succeeded_backpack(world, min_units=3)
    await ana.say("/confirm 1")
    assert said("paid.marked", member=2, name="Ana", id=1, amount=eur(90)) in await owner.say(
        "/paid 1 #2"
    )
    await bo.say("/withdraw 1")
    world.clock.advance(timedelta(days=7))  # cy never answers: the window ends, 1 of 3 units
    await sweep(world)
    assert inbox.texts("ana")[-2:] == [
        said("pay.failed", id=1, title="Backpack", confirmed=1, moq=3),
        said("refund.why_failed", id=1, title="Backpack") + "\n"
        + said("refund.by_hand", amount=eur(90)),
    ]  # fmt: skip

    failed = said("refund.reason_failed")
    listed = await owner.say("/refunds 1")
    assert said("refunds.head", count=1) in listed
    row = said(
        "refunds.row",
        id=1,
        member=2,
        amount=eur(90),
        why=failed,
        provider=BY_HAND,
    )
    assert row in listed
    assert said("error.not_moderator") in await ana.say("/refunds")
    assert said("error.refund_none", member=3, name="Bo", id=1) in await owner.say("/refunded 1 #3")
    done = said("refunded.done", member=2, name="Ana", id=1, amount=eur(90))
    assert done in await owner.say("/refunded 1 #2")
    await world.rt.dispatcher.sweep()
    assert inbox.texts("ana")[-1] == said("refund.done", id=1, amount=eur(90))
    assert said("refunds.none") in await owner.say("/refunds")
    assert said("error.refund_none", member=2, name="Ana", id=1) in await owner.say(
        "/refunded 1 #2"
    )

    # cy's transfer arrives after the window: recorded, owed back, never counted
    late = await owner.say("/paid 1 #4")
    why = said("refund.reason_late")
    assert said("paid.marked_stray", member=4, name="Cy", id=1, amount=eur(90), why=why) in late
    assert said("paid.refund_task", id=1) in late
    assert said("refunds.row", id=1, member=4, amount=eur(90), why=why,
                provider=BY_HAND) in await owner.say("/refunds")  # fmt: skip
    await world.rt.dispatcher.sweep()
    assert inbox.texts("cy")[-1] == (
        said("refund.why_late", id=1, title="Backpack") + "\n"
        + said("refund.by_hand", amount=eur(90))
    )  # fmt: skip
    assert said("error.nothing_to_pay", id=1) in await cy.say("/pay 1")


async def test_pay_refusals_before_the_close_and_without_a_pledge(world: ConsoleWorld) -> None:
    owner, ana = world.person("owner"), world.person("ana")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:30 2d min=1")
    await ana.say("/join 1")
    assert said("error.pay_not_yet", id=1) in await ana.say("/pay 1")
    assert said("error.pay_not_yet", id=1) in await owner.say("/paid 1 #2")
    await owner.say("/close 1")
    await owner.say("1")
    assert said("error.nothing_to_pay", id=1) in await owner.say("/pay 1")
    world.clock.advance(timedelta(days=8))
    assert said("error.pay_window_closed", id=1) in await ana.say("/pay 1")
    async with world.rt.ctx.db.read() as tx:
        assert await tx.live_payments(1) == []


async def succeeded_backpack(world: ConsoleWorld, min_units: int) -> tuple[Person, ...]:
    """A backpack closed at 90 € each."""
    return await closed_with_three(world, "Backpack #travel", f"1:100 3:90 2d min={min_units}")
