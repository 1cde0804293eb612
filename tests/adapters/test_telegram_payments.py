"""Telegram Payments end to end against the fake Bot API: the invoice, the pre-checkout question
approved or refused (nothing recorded), the payment recorded once and the member told."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from bots.telegram_bot.invoices import invoice_key, verified
from core.model import PledgeStatus
from core.services.payments import CONFIRM_WINDOW
from storage.schema import waves
from tests.adapters.telegram_pay_support import (
    PROVIDER_TOKEN,
    TITLE,
    invoice_for,
    member_id,
    paying_room,
    payments_of,
    pledge_of,
    texts,
    wave_to_pay,
)
from tests.adapters.test_telegram_harness import TOKEN, buttons, chatroom
from tests.texts import eur, said


async def test_pay_sends_an_invoice_for_the_final_price_times_the_quantity(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 2), tiers="1:79.50")
        heard = await tg.say(tg.private(ann), ann, "/pay 1")
        assert said("tgpay.invoice_sent") in heard.text(tg.private(ann))
        [invoice] = await tg.api.wait_for(lambda: tg.api.invoices(ann))
        sent = invoice.invoice
        assert sent is not None
        assert sent["currency"] == "EUR"
        assert sent["prices"] == [{"label": "2 units", "amount": 15900}]  # 2 × €79.50, in cents
        assert sent["provider_token"] == PROVIDER_TOKEN
        assert sent["title"] == f"Wave #1 {TITLE}"
        assert said("pay.owed", id=1, title=TITLE, qty=2, price=eur(79.5), total=eur(159),
                    deadline=tg.clock.now() + CONFIRM_WINDOW) == sent["description"]  # fmt: skip
        mid = await member_id(tg, ann)
        assert verified(sent["payload"], invoice_key(TOKEN)) == f"w1m{mid}a15900EUR"
        assert sent["start_parameter"] == "pay1"  # a forwarded copy cannot be paid by others


async def test_amounts_follow_the_currency_minor_units(tmp_path: Path) -> None:
    async with paying_room(tmp_path, currency="JPY") as tg:
        ken = tg.api.add_user("Ken")
        await wave_to_pay(tg, (ken, 3), tiers="1:1500")
        invoice = await invoice_for(tg, ken)
        assert invoice.invoice is not None
        assert invoice.invoice["prices"][0]["amount"] == 4500  # yen have no minor unit
        checkout = await tg.api.pay(ken, invoice)
        assert checkout.query.ok
        await tg.processed(checkout.update or {})
        [payment] = await payments_of(tg, ken)
        assert (payment.amount_cents, payment.currency) == (450000, "JPY")


async def test_an_approved_payment_is_recorded_and_the_member_told(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 2))
        assert "pre_checkout_query" in tg.adapter.poller.allowed_updates  # else never sent
        checkout = await tg.api.pay(ann, await invoice_for(tg, ann))
        assert checkout.query.ok is True and checkout.paid
        await tg.processed(checkout.update or {})
        [payment] = await payments_of(tg, ann)
        assert (payment.provider, payment.charge_id) == ("telegram", checkout.charge_id)
        assert payment.amount == eur(200) and payment.counted and payment.quantity == 2
        assert (await pledge_of(tg, ann)).status is PledgeStatus.CONFIRMED
        told = said("tgpay.received", id=1, amount=eur(200), charge=checkout.charge_id)
        assert texts(tg, ann).count(told) == 1


async def test_refusals_record_nothing(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann, bob = tg.api.add_user("Ann"), tg.api.add_user("Bob")
        await wave_to_pay(tg, (ann, 2), (bob, 1))
        invoice = await invoice_for(tg, ann)
        wrong_amount = await tg.api.pay(ann, invoice, total_amount=100)
        wrong_currency = await tg.api.pay(ann, invoice, currency="USD")
        forged = await tg.api.pay(ann, invoice, payload="w1m1a100EUR.AAAAAAAAAAAAAAAAAAAAAA")
        forwarded = await tg.api.pay(bob, invoice)  # Bob pays Ann's invoice
        owed = said("error.checkout_mismatch", id=1, amount=eur(200))
        assert (wrong_amount.query.ok, wrong_amount.query.error_message) == (False, owed)
        assert (wrong_currency.query.ok, wrong_currency.query.error_message) == (False, owed)
        assert forged.query.error_message == said("error.checkout_unknown")
        assert forwarded.query.error_message == said("error.checkout_not_yours", id=1)
        assert not any(c.paid for c in (wrong_amount, wrong_currency, forged, forwarded))
        assert await payments_of(tg, ann) == [] and await payments_of(tg, bob) == []
        assert (await pledge_of(tg, ann)).status is PledgeStatus.AWAITING


async def test_an_invoice_for_a_wave_that_changed_is_refused(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 2))
        invoice = await invoice_for(tg, ann)
        async with tg.rt.ctx.db.write() as tx:  # a correction of the final price after the invoice
            await tx.connection.execute(update(waves).values(final_price_cents=9000))
        checkout = await tg.api.pay(ann, invoice)
        assert checkout.query.error_message == said("error.checkout_changed", id=1,
                                                    amount=eur(180))  # fmt: skip
        assert await payments_of(tg, ann) == []
        fresh = await invoice_for(tg, ann)
        assert fresh.invoice is not None and fresh.invoice["prices"][0]["amount"] == 18000
        assert (await tg.api.pay(ann, fresh)).query.ok


async def test_a_paid_pledge_refuses_a_second_payment(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        invoice = await invoice_for(tg, ann)
        first = await tg.api.pay(ann, invoice)
        await tg.processed(first.update or {})
        again = await tg.api.pay(ann, invoice)
        assert again.query.error_message == said("error.pay_already_paid", id=1)
        assert len(await payments_of(tg, ann)) == 1


async def test_a_refusal_speaks_the_payers_language(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        zoe = tg.api.add_user("Zoé", language_code="fr")
        await wave_to_pay(tg, (zoe, 1))
        checkout = await tg.api.pay(zoe, await invoice_for(tg, zoe), currency="USD")
        assert checkout.query.error_message == said("error.checkout_mismatch", "fr", id=1,
                                                    amount=eur(100))  # fmt: skip


async def test_the_confirm_button_of_the_payment_request_sends_the_invoice(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        await tg.rt.dispatcher.sweep()  # the payment request goes out when the wave succeeds
        dm = tg.private(ann)
        request = next(m for m in tg.api.messages(dm) if "pay:1" in buttons(m).values())
        pressed = await tg.press(dm, ann, request, "pay:1")
        assert said("tgpay.invoice_sent") in pressed.text(dm)
        [invoice] = await tg.api.wait_for(lambda: tg.api.invoices(ann))
        assert invoice.invoice is not None and invoice.invoice["prices"][0]["amount"] == 10000


async def test_without_a_provider_token_pay_explains_the_manual_way(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        heard = await tg.say(tg.private(ann), ann, "/pay 1")
        assert said("pay.manual_default") in heard.text(tg.private(ann))
        assert tg.api.invoices(ann) == [] and tg.adapter.payment_provider is None
