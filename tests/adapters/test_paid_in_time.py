"""A payment counts by when the member paid, not when the news reached the bot: a Stripe event
or a Telegram successful_payment dated before the deadline counts even when it arrives after
the window closed (unless the wave failed meanwhile), a provider's date later than ours is not
believed, and no Stripe Checkout page is opened that would outlive the window."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.model import PaymentWindow, PledgeStatus
from core.payment_records import RefundReason
from core.services.paying import PAY_SKEW, in_time, reported_at
from core.services.payments import CONFIRM_WINDOW
from tests.adapters.closing import closed_lamp, sweep
from tests.adapters.stripe_support import SECRET, stripe_world
from tests.adapters.telegram_pay_support import (
    invoice_for,
    paying_room,
    payments_of,
    pledge_of,
    refunds_due,
    wave_to_pay,
)
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

ANA = "w1m2a3500EUR"  # ana's pledge: wave 1, member #2, 35 €


def test_the_providers_time_is_believed_up_to_our_own_now() -> None:
    now = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)
    assert reported_at(now - timedelta(minutes=7), now) == now - timedelta(minutes=7)
    assert reported_at(now + timedelta(hours=2), now) == now  # ahead of us: not believed
    assert reported_at(None, now) == now  # a provider without a time: when it reached us
    window = PaymentWindow(1, now - CONFIRM_WINDOW, now)
    assert in_time(now - timedelta(seconds=1), window)
    assert in_time(now + PAY_SKEW - timedelta(seconds=1), window)  # clocks differ a little
    assert not in_time(now + PAY_SKEW, window)
    assert not in_time(now, window, timedelta(0))  # a moderator's mark: our clock, no skew


async def test_a_stripe_payment_made_in_time_counts_when_its_webhook_arrives_late(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        await sw.opens(await ana.say("/pay 1"))
        world.clock.advance(CONFIRM_WINDOW - timedelta(minutes=2))
        paid_on = world.clock.now()
        session = sw.api.complete(sw.api.session_for(ANA)["id"])  # ana pays 2 min before the end
        event = sw.api.event("checkout.session.completed", session)
        world.clock.advance(timedelta(minutes=5))  # Stripe's webhook reaches us 3 min after it
        assert await sw.api.send(sw.webhook_url, event, SECRET) == 200
        async with world.rt.ctx.db.read() as tx:
            [payment] = await tx.live_payments(1)
            assert await tx.refund_of(payment.id) is None
        assert payment.counted and payment.paid_at == paid_on
        await sweep(world)
        assert said("pay.completed", id=1, title="Desk lamp", units=1,
                    price=eur(35)) in sw.inbox.texts("ana")  # fmt: skip


async def test_no_checkout_page_opens_in_the_windows_last_31_minutes(world: ConsoleWorld) -> None:
    async with stripe_world(world) as sw:
        _, ana, bo, _ = await closed_lamp(world, min_units=1)
        early = await ana.say("/pay 1")  # a link shown a week before the end…
        world.clock.advance(CONFIRM_WINDOW - timedelta(minutes=20))
        due = world.clock.now() + timedelta(minutes=20)
        refusal = said("error.stripe_too_late", id=1, deadline=due, lead=timedelta(minutes=31))
        assert await sw.opens(early) == (410, refusal + "\n")  # …opened 20 min before it
        assert refusal in await bo.say("/pay 1")
        assert sw.api.sessions == {}  # no page that would take money after the window


async def test_a_telegram_payment_made_in_time_counts_after_the_window_was_decided(
    tmp_path: Path,
) -> None:
    async with paying_room(tmp_path) as tg:
        ann, bob = tg.api.add_user("Ann"), tg.api.add_user("Bob")
        await wave_to_pay(tg, (ann, 1), (bob, 1))
        paid_by_bob = await tg.api.pay(bob, await invoice_for(tg, bob))
        await tg.processed(paid_by_bob.update or {})
        query = tg.api.push_pre_checkout(ann, await invoice_for(tg, ann))
        await asyncio.wait_for(query.answered.wait(), 10)
        assert query.ok  # approved in time, and Telegram takes ann's money a minute before the end
        paid_on = int((tg.clock.now() + CONFIRM_WINDOW - timedelta(minutes=1)).timestamp())
        tg.clock.advance(CONFIRM_WINDOW + timedelta(minutes=1))
        await tg.rt.clockwork.sweep_payments()  # the window ends first: completed on bob's unit
        assert (await pledge_of(tg, ann)).status is PledgeStatus.ABANDONED
        await tg.processed(tg.api.push_successful_payment(ann, query, date=paid_on))
        [payment] = await payments_of(tg, ann)
        assert payment.counted  # paid in time: it counts, and ann's place is hers again
        assert (await pledge_of(tg, ann)).status is PledgeStatus.CONFIRMED
        assert await refunds_due(tg) == []


async def test_a_payment_made_in_time_for_a_wave_that_failed_meanwhile_goes_back(
    tmp_path: Path,
) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        query = tg.api.push_pre_checkout(ann, await invoice_for(tg, ann))
        await asyncio.wait_for(query.answered.wait(), 10)
        paid_on = int((tg.clock.now() + CONFIRM_WINDOW - timedelta(minutes=1)).timestamp())
        tg.clock.advance(CONFIRM_WINDOW + timedelta(minutes=1))
        await tg.rt.clockwork.sweep_payments()  # nobody paid by the end: the wave failed
        await tg.processed(tg.api.push_successful_payment(ann, query, date=paid_on))
        [payment] = await payments_of(tg, ann)
        [refund] = await refunds_due(tg)
        assert not payment.counted and refund.reason is RefundReason.FAILED
