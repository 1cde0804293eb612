"""Stripe Checkout end to end, as chat transcripts: /pay makes a Checkout Session on the fake
Stripe (through the real `stripe` client), Stripe's signed webhook records the payment once, a
bad signature or a wrong amount never counts, and a failed wave is refunded through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from core.payment_records import PaymentState, RefundReason, RefundState
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, refunds
from devtools.fakes.stripe_api import signature
from tests.adapters.closing import TRACKING, closed_lamp, ship_and_deliver, sweep, window_ends
from tests.adapters.stripe_support import SECRET, stripe_world
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

MODS = ChatRef("console", "mods", ChatKind.GROUP, "Moderators")
ANA, BO = "w1m2a3500EUR", "w1m3a3500EUR"  # the pledges' references: wave 1, members #2 and #3


async def test_pay_opens_a_checkout_session_and_the_signed_webhook_records_it_once(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world, countries=("FR", "BE")) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        prompt = await ana.say("/pay 1")
        assert sw.api.sessions == {}  # /pay (and the Confirm button) never wait on Stripe
        link = f"{sw.provider.public_url}/stripe/pay/"
        assert f"[{said('button.stripe_pay', total=eur(35))}: {link}{ANA}." in prompt
        assert await sw.opens(prompt) == (303, sw.api.session_for(ANA)["url"])
        session = sw.api.session_for(ANA)
        assert (session["amount_total"], session["currency"]) == (3500, "eur")
        [item] = session["line_items_sent"]
        assert (item["quantity"], item["price_data"]["unit_amount"]) == ("1", "3500")
        hour = world.clock.now().replace(minute=0, second=0, microsecond=0)
        longest = hour + timedelta(hours=24)  # the window is 7 days: Stripe's longest session
        assert session["expires_at"] == int(longest.timestamp())
        assert session["shipping_address_collection"] == {"allowed_countries": ["FR", "BE"]}
        assert await ana.say("/pay 1") == prompt  # the same link
        assert await sw.opens(prompt) == (303, session["url"])  # the same session while it lasts
        assert len(sw.api.sessions) == 1

        assert await sw.pays(ANA) == 200
        await world.rt.dispatcher.sweep()
        assert sw.inbox.texts("ana")[-1] == said("pay.paid_notice", id=1, title="Desk lamp",
                                                  amount=eur(35))  # fmt: skip
        replayed = sw.api.events[-1]
        assert await sw.api.send(sw.webhook_url, replayed, SECRET) == 200  # redelivered
        async with world.rt.ctx.db.read() as tx:
            [payment] = await tx.live_payments(1)
            assert payment.provider == "stripe" and payment.counted
            assert payment.charge_id == sw.api.session_for(ANA)["payment_intent"]
        assert said("error.pay_already_paid", id=1) in await ana.say("/pay 1")
        assert await sw.opens(prompt) == (410, said("error.pay_already_paid", id=1) + "\n")
        assert sw.webhook.recorded == 1


async def test_an_expired_session_gives_way_to_a_fresh_one(world: ConsoleWorld) -> None:
    async with stripe_world(world) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        prompt = await ana.say("/pay 1")
        _, first = await sw.opens(prompt)
        world.clock.advance(timedelta(hours=25))
        _, second = await sw.opens(prompt)
        assert len(sw.api.sessions) == 2 and first != second
        fresh = sw.api.session_for(ANA)
        assert fresh["url"] == second and fresh["amount_total"] == 3500
        forged = prompt.replace(ANA, "w1m2a1EUR")
        assert (await sw.opens(forged))[0] == 404  # another amount: not a link we signed


async def test_stripe_down_when_asked_to_pay_is_a_clear_answer(world: ConsoleWorld) -> None:
    async with stripe_world(world) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        sw.api.fail_sessions = 1
        prompt = await ana.say("/pay 1")
        assert await sw.opens(prompt) == (410, said("error.stripe_unavailable", id=1) + "\n")
        assert await sw.opens(prompt) == (303, sw.api.session_for(ANA)["url"])  # back up


async def test_a_bad_or_missing_signature_is_refused_and_records_nothing(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        await sw.opens(await ana.say("/pay 1"))
        session = sw.api.complete(sw.api.session_for(ANA)["id"])
        body = sw.api.event("checkout.session.completed", session)
        assert await sw.api.send(sw.webhook_url, body, "whsec_someone_else") == 400
        assert await sw.api.send(sw.webhook_url, body, None) == 400
        stale = signature(SECRET, body, int(datetime.now(UTC).timestamp()) - 3600)
        async with aiohttp.ClientSession() as http:
            answer = await http.post(sw.webhook_url, data=body, headers={"Stripe-Signature": stale})
            assert answer.status == 400  # an old signature: a replay from outside
            huge = await http.post(sw.webhook_url, data=b"x" * 300_000)
            assert huge.status == 413
        async with world.rt.ctx.db.read() as tx:
            assert await tx.live_payments(1) == []
        assert sw.webhook.refused == 4


async def test_a_session_paid_for_another_amount_is_flagged_not_counted(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        _, ana, _, _ = await closed_lamp(world, min_units=1)
        await sw.opens(await ana.say("/pay 1"))
        assert await sw.pays(ANA, amount_total=350) == 200  # a tampered 3.50 €
        async with world.rt.ctx.db.read() as tx:
            [payment] = await tx.live_payments(1)
            refund = await tx.refund_of(payment.id)
        assert not payment.counted and refund is not None
        assert refund.reason is RefundReason.MISMATCH
        assert said("error.nothing_to_pay", id=1) not in await ana.say("/pay 1")  # still owed


async def test_a_wave_failing_on_paid_units_is_refunded_through_stripe(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        _, _, bo, _ = await closed_lamp(world, min_units=2)
        await sw.opens(await bo.say("/pay 1"))
        await sw.pays(BO)
        world.clock.advance(timedelta(days=7, minutes=1))
        await sweep(world)  # the window ends on 1 paid unit of 2: failed, bo refunded
        [refund] = sw.api.refunds.values()
        assert refund["payment_intent"] == sw.api.session_for(BO)["payment_intent"]
        assert refund["amount"] == 3500
        assert said("refund.done", id=1, amount=eur(35)) in sw.inbox.texts("bo")
        async with world.rt.ctx.db.read() as tx:
            [payment] = await tx.live_payments(1) or [None]
        assert payment is None  # refunded: no longer live
        await sweep(world)
        assert len(sw.api.refunds) == 1


async def test_a_refund_api_outage_becomes_a_moderators_task_and_is_retried(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        await community.register_modchat(world.rt.ctx, Actor("console:owner", "Owner"), MODS)
        owner, _, bo, _ = await closed_lamp(world, min_units=2)
        await sw.opens(await bo.say("/pay 1"))
        await sw.pays(BO)
        sw.api.fail_refunds = 3
        world.clock.advance(timedelta(days=7, minutes=1))
        for _ in range(3):
            await sweep(world)
        assert sw.api.refunds == {}
        assert said("refund.mod_failing", id=1, amount=eur(35), member=3,
                    error="stripe: APIError") in sw.inbox.texts("mods")  # fmt: skip
        listed = await owner.say("/refunds")
        assert said("refunds.row_failing", id=1, member=3, amount=eur(35),
                    why=said("refund.reason_failed"), attempts=3) in listed  # fmt: skip
        await sweep(world)  # Stripe is back: refunded with the same idempotency key
        [refund] = sw.api.refunds.values()
        keys = [key for key in sw.api.idempotent if key.startswith("wavebot-refund-")]
        assert keys == ["wavebot-refund-1"]
        async with world.rt.ctx.db.read() as tx:
            assert await tx.list_refunds(RefundState.DUE) == []
            paid = await tx.payment_by_charge("stripe", refund["payment_intent"])
        assert paid is not None and paid.state is PaymentState.REFUNDED


async def test_refunds_that_keep_failing_never_hold_back_one_not_tried_yet(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep takes a batch of due refunds: oldest first, a batch of failing ones was retried
    forever while newer ones waited behind them."""
    monkeypatch.setattr(refunds, "SWEEP_BATCH", 1)  # a batch of one stands for 50 failing
    async with stripe_world(world) as sw:
        await closed_lamp(world, min_units=3)
        for person, reference in ((world.person("ana"), ANA), (world.person("bo"), BO)):
            await sw.opens(await person.say("/pay 1"))
            await sw.pays(reference)
        sw.api.fail_refunds = 1
        world.clock.advance(timedelta(days=7, minutes=1))
        await sweep(world)  # the wave failed: both owed back; the oldest refund fails once
        assert sw.api.refunds == {}
        await sweep(world)  # the refund never tried goes first
        assert len(sw.api.refunds) == 1
        async with world.rt.ctx.db.read() as tx:
            [waiting] = await tx.list_refunds(RefundState.DUE)
        assert waiting.attempts == 1  # the one that failed waits its turn


async def test_a_wave_paid_through_stripe_is_shipped_delivered_and_reviewed(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        owner, ana, bo, _ = await closed_lamp(world, min_units=1)
        await sw.opens(await ana.say("/pay 1"))
        assert await sw.pays(ANA) == 200
        await window_ends(world.rt, world.clock)  # ana paid; bo and cy never did: completed
        await ship_and_deliver(world.rt, owner.say)
        shipped = (said("fulfilment.shipped_notice", id=1, title="Desk lamp") + "\n"
                   + said("fulfilment.tracking", tracking=TRACKING))  # fmt: skip
        assert sw.inbox.texts("ana")[-3:] == [
            shipped,
            said("fulfilment.delivered_notice", id=1, title="Desk lamp"),
            said("talk.review_ask", id=1, title="Desk lamp"),
        ]
        assert not any("Desk lamp" in text and "📦" in text for text in sw.inbox.texts("bo"))
        reviewed = await ana.say("/review 1 5")
        assert said("talk.reviewed", id=1, title="Desk lamp", rating=5) in reviewed
        assert said("error.review_not_participant", id=1) in await bo.say("/review 1 5")
