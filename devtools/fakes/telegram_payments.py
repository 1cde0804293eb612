"""Telegram Payments in the fake Bot API: invoices, the pre-checkout question, a user paying.

The real flow, step by step: the bot sends an invoice (sendInvoice); the user presses Pay and
Telegram asks the bot with a `pre_checkout_query` update, which must be answered within 10 s
(answerPreCheckoutQuery); only when it says ok does the money move and a message carrying
`successful_payment` arrive. `pay()` drives exactly that, so tests see what the bot would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from dataclasses import dataclass, field

from iso4217 import Currency

from devtools.fakes.telegram_methods import TelegramMethods
from devtools.fakes.telegram_models import JSON, BotMessage, bad_request
from devtools.fakes.telegram_state import UserRef

STARS = "XTR"  # Telegram Stars: no provider token, one price
ANSWER_WINDOW = 10.0  # seconds Telegram waits for answerPreCheckoutQuery
_NEEDS = ("need_name", "need_phone_number", "need_email", "need_shipping_address")
_QUERY_GONE = "query is too old and response timeout expired or query ID is invalid"


@dataclass
class PreCheckout:
    """One pre-checkout question and the bot's answer (ok None: not answered yet)."""

    query_id: str
    user_id: int
    currency: str
    total_amount: int
    payload: str
    order_info: JSON | None
    ok: bool | None = None
    error_message: str | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


@dataclass
class Checkout:
    """What happened when a user tried to pay: the bot's answer, the payment if it went through."""

    query: PreCheckout
    update: JSON | None = None  # the successful_payment message update, when ok

    @property
    def paid(self) -> bool:
        """The bot approved in time and the payment message was delivered."""
        return self.update is not None

    @property
    def charge_id(self) -> str:
        """Telegram's charge id of this payment ('' when nothing was paid)."""
        if self.update is None:
            return ""
        return str(self.update["message"]["successful_payment"]["telegram_payment_charge_id"])


def minor_units(currency: str) -> int:
    """Digits after the decimal point in Telegram's amounts (currencies.json 'exp')."""
    if currency == STARS:
        return 0
    try:
        return Currency(currency).exponent or 0
    except ValueError as exc:
        raise bad_request("CURRENCY_INVALID") from exc


class TelegramPayments(TelegramMethods):
    """sendInvoice, answerPreCheckoutQuery and the driving side: a user pays an invoice."""

    def _payments_state(self) -> dict[str, PreCheckout]:
        """Pre-checkout questions by id (created lazily: TelegramWorld owns __init__)."""
        if not hasattr(self, "_pre_checkouts"):
            self._pre_checkouts: dict[str, PreCheckout] = {}
            self._charges = itertools.count(1)
        return self._pre_checkouts

    @property
    def pre_checkouts(self) -> list[PreCheckout]:
        """Every pre-checkout question asked so far, in order."""
        return list(self._payments_state().values())

    def invoices(self, user: UserRef) -> list[BotMessage]:
        """The invoices the bot sent to a user's private chat, oldest first."""
        chat = self.private_chat(user)
        return [m for m in chat.bot_messages.values() if m.kind == "invoice"]

    # ----- Bot API methods ----------------------------------------------------------------

    async def _m_sendInvoice(self, p: JSON) -> JSON:
        """Validate like Telegram (currency, prices, token, payload ≤ 128 bytes), then store."""
        chat = self._target(p, send=True)
        invoice = _checked_invoice(p)
        markup = p.get("reply_markup")
        text = f"{invoice['title']}\n{invoice['description']}"
        msg = BotMessage(chat.id, chat.take_message_id(), "invoice", text, "", None, [],
                         markup, int(time.time()), invoice=invoice)  # fmt: skip
        return self._store(chat, "sendInvoice", msg)

    async def _m_answerPreCheckoutQuery(self, p: JSON) -> bool:
        """Each question may be answered once; a refusal must say why."""
        query = self._payments_state().get(str(p.get("pre_checkout_query_id")))
        if query is None or query.ok is not None:
            raise bad_request(_QUERY_GONE)
        if "ok" not in p:
            raise bad_request("ok is required")
        ok = bool(p["ok"])
        if not ok and not str(p.get("error_message") or "").strip():
            raise bad_request("ERROR_MESSAGE_EMPTY")
        query.ok, query.error_message = ok, None if ok else str(p["error_message"])
        query.answered.set()
        return True

    # ----- driving: a user pays -----------------------------------------------------------

    def push_pre_checkout(
        self, user: UserRef, invoice: BotMessage, *, currency: str | None = None,
        total_amount: int | None = None, payload: str | None = None,
        order_info: JSON | None = None,
    ) -> PreCheckout:  # fmt: skip
        """The user pressed Pay under `invoice`; overrides forge what a tampered client sends."""
        sent = invoice.invoice or {}
        shown = self._invoice_total(invoice)
        query = PreCheckout(str(next(self._ids) * 104_729), self._user(user).id,
                            currency or sent.get("currency", ""),
                            shown if total_amount is None else total_amount,
                            sent.get("payload", "") if payload is None else payload,
                            order_info)  # fmt: skip
        self._payments_state()[query.query_id] = query
        body: JSON = {"id": query.query_id, "from": self._user(user).to_api(),
                      "currency": query.currency, "total_amount": query.total_amount,
                      "invoice_payload": query.payload}  # fmt: skip
        if order_info is not None:
            body["order_info"] = order_info
        self.push_update({"pre_checkout_query": body})
        return query

    def push_successful_payment(
        self,
        user: UserRef,
        query: PreCheckout,
        *,
        charge_id: str | None = None,
        date: int | None = None,
    ) -> JSON:
        """The message Telegram sends once the money moved (also to replay a redelivery); `date`
        (Unix seconds) is when Telegram says it was paid, now unless given."""
        u = self._user(user)
        self._payments_state()
        number = next(self._charges)
        paid: JSON = {"currency": query.currency, "total_amount": query.total_amount,
                      "invoice_payload": query.payload,
                      "telegram_payment_charge_id": charge_id or f"tg-charge-{number}",
                      "provider_payment_charge_id": f"provider-charge-{number}"}  # fmt: skip
        if query.order_info is not None:
            paid["order_info"] = query.order_info
        chat = self.private_chat(u)
        message = self._new_message(chat, u, {"successful_payment": paid})
        if date is not None:
            message["date"] = date
        return self.push_update({"message": message})

    async def pay(
        self, user: UserRef, invoice: BotMessage, *, timeout: float = ANSWER_WINDOW,  # noqa: ASYNC109
        charge_id: str | None = None, **forged: object,
    ) -> Checkout:  # fmt: skip
        """Press Pay: ask the bot, wait for its answer (Telegram gives up after 10 s), and if it
        approved, deliver the successful_payment message. `forged` overrides pre-checkout fields.
        """
        query = self.push_pre_checkout(user, invoice, **forged)  # type: ignore[arg-type]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(query.answered.wait(), timeout)
        if not query.ok:
            return Checkout(query)
        return Checkout(query, self.push_successful_payment(user, query, charge_id=charge_id))

    def _invoice_total(self, invoice: BotMessage) -> int:
        """The total the user sees on the invoice (the sum of its prices)."""
        return sum(int(price["amount"]) for price in (invoice.invoice or {}).get("prices", []))


def _checked_invoice(p: JSON) -> JSON:
    """The fields of a sendInvoice call, refused with Telegram's errors where it would refuse."""
    title, description = str(p.get("title") or ""), str(p.get("description") or "")
    if not 1 <= len(title) <= 32:
        raise bad_request("INVOICE_TITLE_EMPTY" if not title else "INVOICE_TITLE_TOO_LONG")
    if not 1 <= len(description) <= 255:
        raise bad_request("INVOICE_DESCRIPTION_EMPTY" if not description else
                          "INVOICE_DESCRIPTION_TOO_LONG")  # fmt: skip
    payload = str(p.get("payload") or "")
    if not 1 <= len(payload.encode("utf-8")) <= 128:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    currency = str(p.get("currency") or "")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise bad_request("CURRENCY_INVALID")
    minor_units(currency)
    token = str(p.get("provider_token") or "")
    if currency != STARS and not token:
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    prices = _checked_prices(p.get("prices"), currency)
    flags = {need: bool(p.get(need)) for need in _NEEDS}
    return {"title": title, "description": description, "payload": payload,
            "currency": currency, "prices": prices, "provider_token": token,
            "start_parameter": p.get("start_parameter") or "", **flags}  # fmt: skip


def _checked_prices(prices: object, currency: str) -> list[JSON]:
    """A non-empty array of {label, amount}; amounts are integers in minor units."""
    if not isinstance(prices, list) or not prices:
        raise bad_request("can't parse prices JSON object")
    checked = []
    for price in prices:
        if not isinstance(price, dict) or not str(price.get("label") or "").strip():
            raise bad_request("can't parse prices JSON object")
        amount = price.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise bad_request("can't parse prices JSON object")
        checked.append({"label": str(price["label"]), "amount": amount})
    if currency == STARS and len(checked) != 1:
        raise bad_request("STARS_INVOICE_INVALID")
    if sum(price["amount"] for price in checked) <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return checked
