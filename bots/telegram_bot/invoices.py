"""Telegram Payments as a `core.payment_ports.PaymentProvider`: an invoice in private per pledge.

/pay (and the Confirm button) get a reply saying the invoice is on its way; the invoice itself is
sent by a task of its own, so no Bot API call is ever made while the update holds the single
writer. Its payload is the core's request reference, signed with a key only this bot holds, so a
pre-checkout question for an invoice we did not send is refused before the database is read
(bots/telegram_bot/checkout.py checks the rest against the database).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging

from iso4217 import Currency
from telegram import LabeledPrice
from telegram.error import TelegramError

from bots.i18n import render_plain
from bots.telegram_bot.sending import BotHandle
from core.checkout_ports import PaymentNeeds
from core.messages import Reply, t
from core.payment_records import Payment, PaymentRequest, RefundResult
from core.ports import Actor
from core.services import checkout, community
from core.services.context import Context
from core.services.providers import owed_line

log = logging.getLogger(__name__)
PROVIDER = "telegram"
TITLE_MAX, DESCRIPTION_MAX, PAYLOAD_MAX = 32, 255, 128  # Telegram's sendInvoice limits
_SIGNATURE_BYTES = 16


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point in Telegram amounts: ISO 4217's (JPY 0, EUR 2, KWD 3)."""
    return Currency(currency).exponent or 0


def to_telegram(cents: int, currency: str) -> int:
    """Our hundredths to Telegram's smallest units; ValueError when they cannot be exact."""
    scaled, rest = divmod(cents * 10 ** minor_exponent(currency), 100)
    if rest:
        raise ValueError(f"{cents} hundredths of {currency} is not a whole {currency} amount")
    return scaled


def from_telegram(amount: int, currency: str) -> int | None:
    """Telegram's smallest units to our hundredths; None when they do not map exactly."""
    try:
        scaled, rest = divmod(amount * 100, 10 ** minor_exponent(currency))
    except ValueError:
        return None
    return None if rest else scaled


def invoice_key(bot_token: str) -> bytes:
    """The signing key of invoice payloads, derived from the bot's own secret token."""
    return hashlib.sha256(b"wavebot invoice payload\0" + bot_token.encode()).digest()


def signature(reference: str, key: bytes) -> str:
    """A short HMAC of the reference: only this bot can make a payload that verifies."""
    digest = hmac.new(key, reference.encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def payload_for(reference: str, key: bytes) -> str:
    """The invoice payload: the reference and its signature (well under 128 bytes)."""
    return f"{reference}.{signature(reference, key)}"


def verified(payload: str, key: bytes) -> str | None:
    """The reference of a payload this bot signed; None for a forged or foreign one."""
    reference, _, mark = payload.rpartition(".")
    expected = signature(reference, key).encode()
    if not reference or not hmac.compare_digest(mark.encode(), expected):  # bytes: any text
        return None
    return reference


def reference_of(payload: str) -> str:
    """The reference part of a payload, signed or not (a payment that happened is never lost)."""
    return payload.rpartition(".")[0] or payload


def trimmed(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut with an ellipsis (other spaces are kept: a
    narrow no-break space belongs inside a formatted amount or time)."""
    line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class TelegramPaymentProvider:
    """Invoices through Telegram Payments; provider payments cannot be refunded by the bot."""

    name = PROVIDER
    collects = True
    refunds = False  # refundStarPayment exists for Stars only: a moderator refunds, then marks

    def __init__(
        self,
        handle: BotHandle,
        ctx: Context,
        token: str,
        key: bytes,
        needs: PaymentNeeds | None = None,
    ) -> None:
        self.handle = handle
        self.ctx = ctx
        self.key = key
        self.needs = needs or PaymentNeeds()  # for waves whose moderators never set /shipping
        self._token = token  # the payment provider's token: passed to Telegram, never logged
        self._sending: set[asyncio.Task[None]] = set()

    async def prompt(self, request: PaymentRequest) -> Reply:
        """What is owed, and the invoice sent in private by its own task (outside any write)."""
        task = asyncio.create_task(self._send_invoice(request))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return Reply(body=(owed_line(request), t("tgpay.invoice_sent")), private=True)

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """The money is with the payment provider: a moderator refunds it there."""
        return RefundResult(done=False, error="telegram payments are refunded by moderators")

    async def sent(self) -> None:
        """Wait for the invoices in flight (tests, shutdown)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _send_invoice(self, request: PaymentRequest) -> None:
        """sendInvoice to the member's private chat, in their language; failures are logged."""
        try:
            _, lang = await community.identify(self.ctx, Actor(request.account, ""))
            needs = await checkout.needs_of(self.ctx, request.wave_id) or self.needs
            bot = await self.handle.ready()
            await bot.send_invoice(**self.invoice_fields(request, lang, needs))
        except (TelegramError, ValueError) as error:
            log.warning("invoice for wave %s, member %s not sent: %s", request.wave_id,
                        request.member_id, error)  # fmt: skip
        except Exception:
            log.exception("invoice for wave %s, member %s failed", request.wave_id,
                          request.member_id)  # fmt: skip

    def invoice_fields(
        self, request: PaymentRequest, lang: str, needs: PaymentNeeds
    ) -> dict[str, object]:
        """sendInvoice's arguments: amount in the currency's smallest units, texts trimmed."""
        total = to_telegram(request.amount_cents, request.currency)
        label = render_plain(t("tgpay.invoice_label", qty=request.quantity), lang)
        title = render_plain(t("tgpay.invoice_title", id=request.wave_id, title=request.title),
                             lang)  # fmt: skip
        return {
            "chat_id": int(request.account.partition(":")[2]),
            "title": trimmed(title, TITLE_MAX),
            "description": trimmed(render_plain(owed_line(request), lang), DESCRIPTION_MAX),
            "payload": payload_for(request.reference, self.key),
            "currency": request.currency,
            "prices": [LabeledPrice(trimmed(label, TITLE_MAX), total)],
            "provider_token": self._token,
            "start_parameter": f"pay{request.wave_id}",  # a forwarded copy links, cannot pay
            "need_name": needs.name,
            "need_phone_number": needs.phone,
            "need_shipping_address": needs.address,
        }
