"""Telegram payments are counted once and never lost: a redelivered payment, a crash before the
reply, a payment that lands after the window closed; shipping details kept for moderators."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.wiring import build_adapter
from config.settings import Settings
from core.payment_records import RefundReason
from core.services.payments import CONFIRM_WINDOW
from storage.schema_payments import payment_shipping
from tests.adapters.telegram_pay_support import (
    PROVIDER_TOKEN,
    invoice_for,
    paying_room,
    payments_of,
    refunds_due,
    texts,
    wave_to_pay,
)
from tests.adapters.test_secrets_in_logs import debug_log
from tests.adapters.test_telegram_harness import FAST, TOKEN
from tests.texts import eur, said

ADDRESS = {"country_code": "FR", "state": "", "city": "Lyon", "street_line1": "3 rue Mercière",
           "street_line2": "", "post_code": "69002"}  # fmt: skip


async def test_a_redelivered_payment_records_nothing_twice(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        checkout = await tg.api.pay(ann, await invoice_for(tg, ann))
        await tg.processed(checkout.update or {})
        told = said("tgpay.received", id=1, amount=eur(100), charge=checkout.charge_id)
        again = tg.api.push_successful_payment(ann, checkout.query, charge_id=checkout.charge_id)
        await tg.processed(again)
        assert len(await payments_of(tg, ann)) == 1
        assert texts(tg, ann).count(told) == 1


async def test_a_crash_before_the_reply_answers_once_after_the_restart(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        invoice = await invoice_for(tg, ann)
        dm = tg.private(ann)
        hang = tg.api.inject_error("sendMessage", dm.id, kind="timeout", delay=2.0)
        checkout = await tg.api.pay(ann, invoice)
        paid = checkout.update or {}
        await tg.api.wait_for(lambda: hang.hits)  # the reply is on its way: all is committed
        assert await payments_of(tg, ann)
        assert tg.task is not None
        tg.task.cancel()  # the process dies while the reply is on its way (it never arrives)
        await asyncio.gather(tg.task, return_exceptions=True)
        assert tg.api.confirmed_offset <= paid["update_id"]

        tg.adapter = build_adapter(tg.rt, "telegram")  # the process restarts
        tg.adapter.poller.timeout = 1
        tg.adapter.limiter.configure(FAST)
        await tg.start()
        await tg.processed(paid)  # Telegram delivers the payment again
        told = said("tgpay.received", id=1, amount=eur(100), charge=checkout.charge_id)
        await tg.api.wait_for(lambda: told in texts(tg, ann))
        assert texts(tg, ann).count(told) == 1
        [payment] = await payments_of(tg, ann)
        assert payment.counted


async def test_a_payment_after_the_window_closed_is_kept_and_owed_back(tmp_path: Path) -> None:
    async with paying_room(tmp_path) as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        invoice = await invoice_for(tg, ann)
        query = tg.api.push_pre_checkout(ann, invoice)
        await asyncio.wait_for(query.answered.wait(), 10)
        assert query.ok  # approved in time…
        tg.clock.advance(CONFIRM_WINDOW + timedelta(minutes=1))
        await tg.rt.clockwork.sweep_payments()  # …but the window closes before the money lands
        paid = tg.api.push_successful_payment(ann, query)
        await tg.processed(paid)
        [payment] = await payments_of(tg, ann)
        assert not payment.counted  # recorded, never lost, and not counted toward the wave
        [refund] = await refunds_due(tg)
        assert (refund.payment_id, refund.reason) == (payment.id, RefundReason.LATE)
        await tg.rt.dispatcher.sweep()
        assert any(said("refund.why_late", id=1, title="Backpack") in text
                   for text in texts(tg, ann))  # fmt: skip


async def test_shipping_details_are_asked_and_kept_for_moderators(tmp_path: Path) -> None:
    async with paying_room(tmp_path, telegram_payment_needs="address,name,phone") as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        invoice = await invoice_for(tg, ann)
        sent = invoice.invoice or {}
        assert sent["need_name"] and sent["need_phone_number"] and sent["need_shipping_address"]
        order = {"name": "Ann Lee", "phone_number": "+33600000000", "shipping_address": ADDRESS}
        checkout = await tg.api.pay(ann, invoice, order_info=order)
        await tg.processed(checkout.update or {})
        [payment] = await payments_of(tg, ann)
        async with tg.rt.ctx.db.read() as tx:
            stmt = select(payment_shipping).where(payment_shipping.c.payment_id == payment.id)
            row = (await tx.connection.execute(stmt)).one()
        assert (row.name, row.phone) == ("Ann Lee", "+33600000000")
        assert row.address == "3 rue Mercière\n69002\nLyon\nFR"


async def test_moderators_choose_per_wave_what_the_invoice_asks(tmp_path: Path) -> None:
    async with paying_room(tmp_path, telegram_payment_needs="phone") as tg:
        ann = tg.api.add_user("Ann")
        await wave_to_pay(tg, (ann, 1))
        owner_dm, ann_dm = tg.private(tg.owner), tg.private(ann)
        shown = await tg.say(owner_dm, tg.owner, "/shipping 1")
        assert said("shipping.default", id=1) in shown.text(owner_dm)
        refused = await tg.say(ann_dm, ann, "/shipping 1 none")
        assert said("error.not_moderator") in refused.text(ann_dm)
        wrong = await tg.say(owner_dm, tg.owner, "/shipping 1 name email")
        assert said("error.shipping_words", words="email") in wrong.text(owner_dm)
        invoice = await invoice_for(tg, ann)
        assert (invoice.invoice or {})["need_phone_number"]  # the bot's default, until set
        set_ = await tg.say(owner_dm, tg.owner, "/shipping 1 address, name")
        assert said("shipping.detail_name") in set_.text(owner_dm)
        assert said("shipping.detail_phone") not in set_.text(owner_dm)
        sent = (await invoice_for(tg, ann)).invoice or {}
        asked = (sent["need_name"], sent["need_phone_number"], sent["need_shipping_address"])
        assert asked == (True, False, True)


async def test_the_payment_provider_token_never_reaches_the_log(tmp_path: Path) -> None:
    secrets = Settings(telegram_bot_token=TOKEN,
                       telegram_payment_provider_token=PROVIDER_TOKEN).secret_values()  # fmt: skip
    for redact in (False, True):
        (tmp_path / str(redact)).mkdir()
        with debug_log(secrets, redact=redact) as log:
            async with paying_room(tmp_path / str(redact)) as tg:
                ann = tg.api.add_user("Ann")
                await wave_to_pay(tg, (ann, 1))
                await invoice_for(tg, ann)
        # python-telegram-bot logs sendInvoice's parameters at DEBUG, the token among them
        assert (PROVIDER_TOKEN in log.getvalue()) is not redact
