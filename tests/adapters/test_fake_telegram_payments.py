"""Telegram Payments in the fake Bot API, driven by the real python-telegram-bot: invoices are
validated like Telegram, and a user paying goes through the pre-checkout question first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import LabeledPrice, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes, MessageHandler, PreCheckoutQueryHandler, filters

from devtools.fakes.telegram_api import FakeTelegramAPI
from tests.adapters.test_fake_telegram_api import TOKEN, build_app, raw, running

PROVIDER = "284685063:TEST:abc"
VALID: dict[str, Any] = {"title": "Backpack", "description": "2 × €79.50", "payload": "w1m2",
                         "currency": "EUR", "prices": [LabeledPrice("2 units", 15900)],
                         "provider_token": PROVIDER}  # fmt: skip


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    """A fresh fake server per test."""
    async with FakeTelegramAPI(TOKEN) as server:
        yield server


async def test_an_invoice_reaches_the_chat_with_its_amount(api: FakeTelegramAPI) -> None:
    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    async with build_app(api) as app:
        sent = await app.bot.send_invoice(ann.id, **VALID, need_name=True)
    assert sent.invoice is not None
    assert (sent.invoice.currency, sent.invoice.total_amount) == ("EUR", 15900)
    [invoice] = api.invoices(ann)
    assert invoice.invoice is not None and invoice.invoice["need_name"] is True
    assert invoice.invoice["payload"] == "w1m2"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"provider_token": ""}, "PAYMENT_PROVIDER_INVALID"),
        ({"payload": "x" * 129}, "INVOICE_PAYLOAD_INVALID"),
        ({"currency": "EURO"}, "CURRENCY_INVALID"),
        ({"currency": "ZZZ"}, "CURRENCY_INVALID"),
        ({"prices": []}, "can't parse prices JSON object"),
        ({"prices": [LabeledPrice("free", 0)]}, "CURRENCY_TOTAL_AMOUNT_INVALID"),
        ({"title": "t" * 33}, "INVOICE_TITLE_TOO_LONG"),
        ({"description": "d" * 256}, "INVOICE_DESCRIPTION_TOO_LONG"),
    ],
)
async def test_invoices_are_refused_like_telegram(
    api: FakeTelegramAPI, change: dict[str, Any], error: str
) -> None:
    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    async with build_app(api) as app:
        with pytest.raises(BadRequest, match=f"(?i){error}"):  # PTB capitalises
            await app.bot.send_invoice(ann.id, **{**VALID, **change})
    assert api.invoices(ann) == []


async def test_a_payload_of_128_bytes_is_accepted(api: FakeTelegramAPI) -> None:
    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    async with build_app(api) as app:
        await app.bot.send_invoice(ann.id, **{**VALID, "payload": "é" * 64})
    assert len(api.invoices(ann)) == 1


async def test_paying_asks_the_bot_first_and_pays_only_if_it_agrees(api: FakeTelegramAPI) -> None:
    paid: list[str] = []

    async def decide(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.pre_checkout_query
        assert query is not None
        if query.total_amount == 15900:
            await query.answer(ok=True)
        else:
            await query.answer(ok=False, error_message="Wrong amount")

    async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        payment = update.effective_message.successful_payment  # type: ignore[union-attr]
        paid.append(payment.telegram_payment_charge_id)  # type: ignore[union-attr]

    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    handlers = (PreCheckoutQueryHandler(decide),
                MessageHandler(filters.SUCCESSFUL_PAYMENT, record))  # fmt: skip
    async with running(api, *handlers) as app:
        await app.bot.send_invoice(ann.id, **VALID)
        [invoice] = api.invoices(ann)
        refused = await api.pay(ann, invoice, total_amount=100)
        approved = await api.pay(ann, invoice)
        await api.wait_for(lambda: paid)
    assert (refused.query.ok, refused.query.error_message, refused.paid) == (
        False, "Wrong amount", False)  # fmt: skip
    assert approved.query.ok and paid == [approved.charge_id]


async def test_no_answer_in_time_means_no_payment(api: FakeTelegramAPI) -> None:
    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    async with build_app(api) as app:
        await app.bot.send_invoice(ann.id, **VALID)
    [invoice] = api.invoices(ann)
    checkout = await api.pay(ann, invoice, timeout=0.1)  # nobody polls: the bot never answers
    assert checkout.query.ok is None and not checkout.paid


async def test_a_question_is_answered_once_and_a_refusal_says_why(api: FakeTelegramAPI) -> None:
    ann = api.add_user("Ann")
    api.private_chat(ann)  # Ann started the bot
    async with build_app(api) as app:
        await app.bot.send_invoice(ann.id, **VALID)
    [invoice] = api.invoices(ann)
    query = api.push_pre_checkout(ann, invoice)
    silent = await raw(api, "answerPreCheckoutQuery", pre_checkout_query_id=query.query_id,
                       ok=False)  # fmt: skip
    assert silent[0] == 400 and "ERROR_MESSAGE_EMPTY" in silent[1]["description"]
    ok = await raw(api, "answerPreCheckoutQuery", pre_checkout_query_id=query.query_id, ok=True)
    twice = await raw(api, "answerPreCheckoutQuery", pre_checkout_query_id=query.query_id, ok=True)
    assert ok == (200, {"ok": True, "result": True})
    assert twice[0] == 400 and "query is too old" in twice[1]["description"]
