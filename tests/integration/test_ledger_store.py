"""The payment ledger on a real SQLite file: a charge id is recorded once, a refund is owed once
per payment and done once, money stays integer minor units, shipping details are kept once."""

from __future__ import annotations

from pathlib import Path

from core.model import WaveStatus
from core.payment_records import (
    PaymentReceipt,
    PaymentState,
    RefundReason,
    RefundState,
    ShippingDetails,
)
from core.services import lifecycle, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, rows


async def succeeded_wave(ctx: Context) -> int:
    """One buyer, 2 units at 123.45 € each: the wave succeeded."""
    idea = await approved_idea(ctx, "Pan #kitchen")
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 12_345), per_member=3))
    await waves.join(ctx, person(1), wave.id, 2)
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert closed.status is WaveStatus.SUCCEEDED
    return wave.id


async def test_a_charge_id_is_recorded_once_and_its_refund_done_once(
    ctx: Context, db_path: Path
) -> None:
    wave_id = await succeeded_wave(ctx)
    async with ctx.db.read() as tx:
        buyer = await tx.member_for_account(person(1).account)
    assert buyer is not None
    receipt = PaymentReceipt("stripe", "cs_test_1", wave_id, buyer.id, 24_690, "EUR",
                             ctx.clock.now())  # fmt: skip
    async with ctx.db.write() as tx:
        first, created = await tx.record_payment(receipt, 2, counted=True)
        again, created_again = await tx.record_payment(receipt, 2, counted=True)
        await tx.save_shipping(first.id, ShippingDetails("Ana", "+33 6", "1 rue"), ctx.clock.now())
        await tx.save_shipping(first.id, ShippingDetails("X", "", ""), ctx.clock.now())
    assert created and not created_again and again == first
    assert rows(db_path, "SELECT amount_cents, currency, quantity FROM payments") == [
        (24_690, "EUR", 2)
    ]
    assert rows(db_path, "SELECT name FROM payment_shipping") == [("Ana",)]

    async with ctx.db.write() as tx:
        owed = await tx.add_refund(first.id, RefundReason.FAILED, ctx.clock.now())
        assert owed is not None and owed.amount_cents == 24_690
        assert await tx.add_refund(first.id, RefundReason.LATE, ctx.clock.now()) is None
        assert await tx.finish_refund(owed.id, ctx.clock.now(), None, "re_1")
        assert not await tx.finish_refund(owed.id, ctx.clock.now(), None, "re_2")
        refunded = await tx.get_payment(first.id)
        assert refunded is not None and refunded.state is PaymentState.REFUNDED
        assert await tx.list_refunds(RefundState.DUE) == []
        assert (await tx.paid_tally(wave_id)).units == 0
    assert rows(db_path, "SELECT provider_refund_id, state FROM refunds") == [("re_1", "done")]
