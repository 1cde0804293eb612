"""A provider that collects (the demo's simulated one) as chat transcripts: /pay and its button,
the outcome decided on paid units, automatic refunds when the wave fails, duplicate reports
recorded once, a late payment refunded, and a refund that survives a provider outage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.payment_records import (
    Payment,
    PaymentReceipt,
    PaymentRequest,
    PaymentState,
    RefundReason,
    RefundResult,
    RefundState,
)
from core.ports import Actor, ChatRef
from core.services import paying
from core.services.providers import ManualProvider, PaymentDesk, SimulatedProvider
from tests.adapters.closing import closed_lamp, sweep
from tests.adapters.inbox import Inbox, inbox_of
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

ANA, ANA_CHAT = Actor("console:ana", "Ana"), ChatRef("console", "ana")


class FlakyProvider(SimulatedProvider):
    """A provider whose refund API is down once: it remembers every idempotency key it got."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """Fails the first call, then refunds (the same key on every retry)."""
        self.keys.append(key)
        if len(self.keys) == 1:
            raise ConnectionError("provider unreachable")
        return await super().refund(payment, key)


async def test_pay_button_outcome_on_paid_units_and_duplicates_recorded_once(
    world: ConsoleWorld,
) -> None:
    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    inbox: Inbox = inbox_of(world)
    _, ana, bo, cy = await closed_lamp(world, min_units=2)
    due = world.clock.now() + timedelta(days=7)

    prompt = await ana.say("/pay 1")
    assert said("pay.owed", id=1, title="Desk lamp", qty=1, price=eur(35), total=eur(35),
                deadline=due) in prompt  # fmt: skip
    assert f"[1] {said('button.simpay', total=eur(35))}" in prompt
    assert said("pay.simulated_done", id=1, amount=eur(35)) in await ana.say("1")
    await world.rt.dispatcher.sweep()
    assert inbox.texts("ana")[-1] == said("pay.paid_notice", id=1, title="Desk lamp",
                                          amount=eur(35))  # fmt: skip
    pressed_again = await world.rt.interpreter.handle_action(ANA, ANA_CHAT, "simpay:1")
    assert [part.key for reply in pressed_again.replies for part in reply.body] == [
        "error.pay_already_paid"
    ]

    async with world.rt.ctx.db.read() as tx:
        [payment] = await tx.live_payments(1)
    report = PaymentReceipt(payment.provider, payment.charge_id, 1, 2, 3500, "EUR",
                            world.clock.now())  # fmt: skip
    again = await paying.record(world.rt.ctx, report)  # the provider reports it once more
    assert not again.new and again.payment == payment
    async with world.rt.ctx.db.read() as tx:
        assert (await tx.paid_tally(1)).units == 1
        assert len(await tx.live_payments(1)) == 1

    confirm = await bo.say("/confirm 1")  # with a provider, confirming is paying
    assert f"[1] {said('button.simpay', total=eur(35))}" in confirm
    assert said("pledge.confirmed", id=1, title="Desk lamp", price=eur(35)) not in confirm
    await cy.say("/confirm 1")  # cy opens the prompt but never pays
    await sweep(world)
    assert said("pay.outlook_paid", paid=1, paid_units=1) in await world.person("owner").say(
        "/wave 1"
    )
    world.clock.advance(timedelta(days=7))
    await sweep(world)
    assert said("pay.failed", id=1, title="Desk lamp", confirmed=1, moq=2) in inbox.texts("ana")
    assert said("refund.done", id=1, amount=eur(35)) in inbox.texts("ana")  # refunded at once
    assert said("refund.auto", amount=eur(35)) in "\n".join(inbox.texts("ana"))
    async with world.rt.ctx.db.read() as tx:
        refunded = await tx.get_payment(payment.id)
        assert refunded is not None and refunded.state is PaymentState.REFUNDED
        assert await tx.list_refunds(RefundState.DUE) == []


async def test_paid_units_reach_the_minimum_and_the_wave_completes(world: ConsoleWorld) -> None:
    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    inbox: Inbox = inbox_of(world)
    _, ana, bo, cy = await closed_lamp(world, min_units=2)
    for payer in (ana, bo):
        await payer.say("/pay 1")
        await payer.say("1")
    await cy.say("/withdraw 1")
    await sweep(world)  # nobody is left to decide: decided now, on 2 paid units
    completed = said("pay.completed", id=1, title="Desk lamp", units=2, price=eur(35))
    assert completed in inbox.texts("bo")
    assert said("error.pay_window_closed", id=1) in await ana.say("/pay 1")


async def test_a_payment_after_the_window_is_refunded_through_an_outage(
    world: ConsoleWorld,
) -> None:
    provider = FlakyProvider()
    world.rt.ctx.payments = PaymentDesk(default=provider)
    inbox: Inbox = inbox_of(world)
    owner, ana, _, _ = await closed_lamp(world, min_units=1)
    await ana.say("/pay 1")
    await ana.say("1")
    request_of_bo = PaymentRequest(1, 3, "console:bo", "Desk lamp", 1, 3500, "EUR",
                                   world.clock.now())  # fmt: skip
    world.clock.advance(timedelta(days=7, minutes=1))
    await sweep(world)  # the window ends: bo and cy abandoned, completed on ana's unit
    late = PaymentReceipt(provider.name, f"sim-{request_of_bo.reference}", 1, 3, 3500, "EUR",
                          world.clock.now())  # fmt: skip
    recorded = await paying.record(world.rt.ctx, late)
    assert recorded.new and recorded.owed_back is RefundReason.LATE
    assert not recorded.payment.counted
    assert (await paying.record(world.rt.ctx, late)).new is False  # a replayed report

    await sweep(world)  # the provider is down: the refund stays due, the attempt is counted
    listed = await owner.say("/refunds")
    why = said("refund.reason_late")
    assert said("refunds.row_failing", id=1, member=3, amount=eur(35), why=why,
                attempts=1) in listed  # fmt: skip
    await sweep(world)  # back up: refunded with the same key
    assert provider.keys == [provider.keys[0]] * 2
    assert said("refunds.none") in await owner.say("/refunds")
    assert inbox.texts("bo")[-1] == said("refund.done", id=1, amount=eur(35))
    await sweep(world)
    assert len(provider.keys) == 2  # nothing refunded twice
    async with world.rt.ctx.db.read() as tx:
        assert (await tx.paid_tally(1)).units == 1  # the late payment never counted


async def test_with_a_provider_a_confirmation_without_payment_does_not_count(
    world: ConsoleWorld,
) -> None:
    manual_on_telegram = {"telegram": ManualProvider()}
    world.rt.ctx.payments = PaymentDesk(SimulatedProvider(), manual_on_telegram)
    inbox: Inbox = inbox_of(world)
    owner, ana = world.person("owner"), world.person("ana")
    await owner.say("/idea Desk lamp #office")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:40 2d min=2")
    await ana.say("/join 1")
    tg, tg_chat = Actor("telegram:7", "Tom"), ChatRef("telegram", "7")
    await world.rt.interpreter.handle_command(tg, tg_chat, "join", "1")
    await owner.say("/close 1")
    await owner.say("1")
    await ana.say("/pay 1")
    await ana.say("1")
    answer = await world.rt.interpreter.handle_command(tg, tg_chat, "confirm", "1")
    keys = [part.key for reply in answer.replies for part in reply.body]
    assert keys[:2] == ["pledge.confirmed", "pay.owed"]  # confirmed, told how to pay by hand
    await sweep(world)  # nobody left to decide: 2 confirmed units, but only 1 paid
    failed = said("pay.failed", id=1, title="Desk lamp", confirmed=1, moq=2)
    assert failed in inbox.texts("ana")


async def test_a_report_racing_the_first_one_is_not_owed_back(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reports of one charge at once (PostgreSQL, two processes): the second looked the
    charge up before the first committed, then met it at the insert. It must change nothing:
    no refund of the counted payment, not reported as new."""
    from storage.sql_tx import SqlTx

    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    _, ana, _, _ = await closed_lamp(world, min_units=2)
    await ana.say("/pay 1")
    await ana.say("1")
    async with world.rt.ctx.db.read() as tx:
        [payment] = await tx.live_payments(1)
    stale = [True]
    real = SqlTx.payment_by_charge

    async def looked_up_too_early(self: SqlTx, provider: str, charge_id: str) -> Payment | None:
        if stale:
            stale.pop()
            return None
        return await real(self, provider, charge_id)

    monkeypatch.setattr(SqlTx, "payment_by_charge", looked_up_too_early)
    report = PaymentReceipt(payment.provider, payment.charge_id, 1, 2, 3500, "EUR",
                            world.clock.now())  # fmt: skip
    again = await paying.record(world.rt.ctx, report)
    assert not again.new and again.payment == payment and again.owed_back is None
    async with world.rt.ctx.db.read() as tx:
        assert await tx.refund_of(payment.id) is None
        assert (await tx.paid_tally(1)).units == 1


async def test_two_paid_pledges_folded_into_one_person_count_once_and_the_other_goes_back(
    world: ConsoleWorld,
) -> None:
    """Linking two accounts that each paid for the wave: one pledge is kept, so one payment
    counts; the other is owed back (not kept, and not counted twice toward the outcome)."""
    from core.services.identity import merge_members

    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    _, ana, bo, _ = await closed_lamp(world, min_units=2)
    for payer in (ana, bo):
        await payer.say("/pay 1")
        await payer.say("1")
    async with world.rt.ctx.db.write() as tx:
        kept, gone = await tx.get_member(2), await tx.get_member(3)
        assert kept is not None and gone is not None
        await merge_members(world.rt.ctx, tx, kept, gone, "console:bo", world.clock.now())
    async with world.rt.ctx.db.read() as tx:
        assert (await tx.paid_tally(1)).units == 1
        paid = await tx.live_payments(1, 2)
        owed = [await tx.refund_of(payment.id) for payment in paid]
    assert sorted(refund.reason.value for refund in owed if refund) == ["duplicate"]
    assert [payment.counted for payment in paid].count(True) == 1
