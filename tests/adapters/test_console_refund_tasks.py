"""The moderation chats hear of money to give back by hand: the payers of a failed wave, and a
payment that arrived when it could no longer count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import DomainError
from core.payment_records import (
    PaymentReceipt,
    Reference,
    RefundReason,
    RefundState,
    parse_reference,
)
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, paying, refunds
from core.services.providers import ManualProvider, PaymentDesk, SimulatedProvider
from tests.adapters.inbox import Inbox, inbox_of
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

MODS = ChatRef("console", "mods", ChatKind.GROUP, "Moderators")


async def test_moderators_are_told_of_refund_tasks_and_stray_payments(world: ConsoleWorld) -> None:
    inbox: Inbox = inbox_of(world)
    await community.register_modchat(world.rt.ctx, Actor("console:owner", "Owner"), MODS)
    owner, ana, bo = world.person("owner"), world.person("ana"), world.person("bo")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:90 2d min=2")
    await ana.say("/join 1")
    await bo.say("/join 1")
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    await ana.say("/confirm 1")
    await owner.say("/paid 1 #2")
    await bo.say("/withdraw 1")
    world.clock.advance(timedelta(days=7))
    await world.rt.clockwork.sweep_payments()
    await world.rt.dispatcher.sweep()
    tasks = said("refund.mod_tasks", id=1, title="Backpack", count=1)
    assert tasks in inbox.texts("mods")

    await owner.say("/paid 1 #3")  # bo's transfer, after he withdrew
    await world.rt.dispatcher.sweep()
    why = said("refund.reason_late")
    stray = said("refund.mod_stray", id=1, title="Backpack", member=3, amount=eur(90), why=why)
    stray += "\n" + said("refund.mod_by_hand", id=1, member=3)
    assert inbox.texts("mods")[-1] == stray
    assert said("refunds.head", count=2) in await owner.say("/refunds")


async def test_a_provider_checks_the_reference_amount_and_currency_before_charging(
    world: ConsoleWorld,
) -> None:
    owner, ana = world.person("owner"), world.person("ana")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:90 2d min=1")
    await ana.say("/join 1")
    ctx = world.rt.ctx
    with pytest.raises(DomainError) as not_yet:
        await paying.check(ctx, "w1m2a9000EUR", 9000, "EUR")
    assert not_yet.value.key == "error.pay_not_yet"
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    request = await paying.check(ctx, "w1m2a9000EUR", 9000, "EUR")
    assert (request.wave_id, request.member_id, request.amount_cents) == (1, 2, 9000)
    assert parse_reference(request.reference) == Reference(1, 2, 9000, "EUR")
    for reference, amount, currency in [("w1m2a9000EUR", 8999, "EUR"),
                                        ("w1m2a9000EUR", 9000, "USD"),
                                        ("w1m2a8000EUR", 8000, "EUR"),
                                        ("forged", 9000, "EUR")]:  # fmt: skip
        with pytest.raises(DomainError) as refused:
            await paying.check(ctx, reference, amount, currency)
        assert refused.value.key == "error.pay_changed"
    with pytest.raises(DomainError) as nobody:
        await paying.check(ctx, "w1m1a9000EUR", 9000, "EUR")  # the owner has no pledge
    assert nobody.value.key == "error.nothing_to_pay"
    async with ctx.db.read() as tx:
        assert await tx.live_payments(1) == []  # a check records nothing


async def test_refund_tasks_never_crowd_out_the_automatic_refunds(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = world.rt.ctx
    ctx.payments = PaymentDesk(SimulatedProvider(), {"telegram": ManualProvider()})
    monkeypatch.setattr(refunds, "SWEEP_BATCH", 1)
    owner, ana, bo = world.person("owner"), world.person("ana"), world.person("bo")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:90 2d min=1")
    await ana.say("/join 1")
    await bo.say("/join 1")
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    async with ctx.db.write() as tx:
        for provider, member in (("manual", 2), ("simulated", 3)):  # the hand-made task first
            receipt = PaymentReceipt(provider, f"{provider}-1", 1, member, 9000, "EUR",
                                     ctx.clock.now())  # fmt: skip
            payment, _ = await tx.record_payment(receipt, 1, counted=False)
            await tx.add_refund(payment.id, RefundReason.LATE, ctx.clock.now())
    assert await refunds.sweep(ctx) == 1
    async with ctx.db.read() as tx:
        [task] = await tx.list_refunds(RefundState.DUE)
    assert task.provider == "manual"
