"""Telegram's two payment updates: the pre-checkout question, and the payment that arrived.

`pre_checkout_query` is answered within Telegram's 10 s from a read of the database (nothing is
written): yes only if the payload is ours, the pledge still awaits payment and the amount and
currency are exactly what is owed now. `successful_payment` is recorded through the core, once per
charge id, inside the update's exactly-once write, so a redelivery records nothing twice and a
crash before the reply gets the kept reply again (docs/ARCHITECTURE.md §7, "Payments").
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import OrderInfo, PreCheckoutQuery, SuccessfulPayment, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bots.i18n import render_plain
from bots.telegram_bot.invoices import PROVIDER, from_telegram, reference_of, verified
from bots.telegram_bot.replies import ReplySender
from bots.telegram_bot.updates import actor_of, update_key
from core.commands.interpreter import Answer, Interpreter
from core.errors import DomainError
from core.messages import Reply, T, t
from core.payment_records import ShippingDetails
from core.services import checkout, community

log = logging.getLogger(__name__)
DECIDE_WITHIN = 8.0  # seconds: Telegram gives up on the answer after 10


def shipping_of(info: OrderInfo | None) -> ShippingDetails | None:
    """What the payer typed for delivery (personal data: stored for moderators, never logged)."""
    if info is None:
        return None
    place = info.shipping_address
    parts = () if place is None else (place.street_line1, place.street_line2, place.post_code,
                                       place.city, place.state, place.country_code)  # fmt: skip
    return ShippingDetails(name=info.name or "", phone=info.phone_number or "",
                           address="\n".join(part for part in parts if part))  # fmt: skip


class CheckoutHandlers:
    """The PTB callbacks of Telegram Payments; the payload is checked, never trusted."""

    def __init__(self, interpreter: Interpreter, sender: ReplySender, key: bytes) -> None:
        self.interpreter = interpreter
        self.sender = sender
        self.key = key

    async def on_pre_checkout(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Approve or refuse, with the reason in the payer's language."""
        query = update.pre_checkout_query
        if query is None:
            return
        refusal = await self._refusal(query)
        said = None if refusal is None else await self._said(query.from_user, refusal)
        try:
            await query.answer(ok=said is None, error_message=said)
        except TelegramError as error:
            log.warning("pre-checkout %s not answered: %s", query.id, error)

    async def _refusal(self, query: PreCheckoutQuery) -> T | None:
        """None to approve, else why not (a slow database is a refusal, not a late answer)."""
        reference = verified(query.invoice_payload, self.key)
        cents = from_telegram(query.total_amount, query.currency)
        if reference is None:
            return t("error.checkout_unknown")
        account = actor_of(query.from_user).account
        try:
            approval = checkout.approve(self.interpreter.ctx, account, reference,
                                        -1 if cents is None else cents, query.currency)  # fmt: skip
            await asyncio.wait_for(approval, DECIDE_WITHIN)
        except DomainError as error:
            return t(error.key, **error.params)
        except TimeoutError:
            log.warning("pre-checkout %s: no decision within %s s", query.id, DECIDE_WITHIN)
            return t("error.checkout_busy")
        except Exception:
            log.exception("pre-checkout %s failed", query.id)
            return t("error.internal")
        return None

    async def _said(self, user: User, text: T) -> str:
        """A refusal as plain text in the payer's language (Telegram shows it in its dialog)."""
        try:
            _, lang = await community.identify(self.interpreter.ctx, actor_of(user))
        except Exception:
            lang = self.interpreter.ctx.rules.default_lang
        return render_plain(text, lang)

    async def on_successful_payment(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Record the money once, answer the payer once (kept with the update for a restart)."""
        message, user = update.message, update.effective_user
        paid = message.successful_payment if message is not None else None
        if message is None or user is None or paid is None:
            return
        key = update_key(update)
        when = message.date  # Telegram's time of the payment, not the time it reached us
        answer = await self.interpreter.exactly_once(key, lambda: self._record(user, paid, when))
        if answer is not None:
            await self.sender.deliver(answer, message.chat, user, message.message_id)
            await self.interpreter.answered(key)

    async def _record(self, user: User, paid: SuccessfulPayment, when: datetime) -> Answer:
        """Inside the update's write: the payment recorded once, and what the payer is told."""
        ctx, actor = self.interpreter.ctx, actor_of(user)
        cents = from_telegram(paid.total_amount, paid.currency)
        if cents is None:  # not a whole number of hundredths: it cannot match, it is owed back
            charge_id = paid.telegram_payment_charge_id
            log.warning("telegram charge %s: %s %s is not a whole amount",
                        charge_id, paid.total_amount, paid.currency)  # fmt: skip
        charge = checkout.Charge(PROVIDER, paid.telegram_payment_charge_id, actor,
                                 reference_of(paid.invoice_payload),
                                 paid.total_amount if cents is None else cents, paid.currency,
                                 shipping_of(paid.order_info), when)  # fmt: skip
        async with ctx.db.write() as tx:
            recorded = await checkout.record(ctx, tx, charge)
            member = await tx.member_for_account(actor.account)
        lang, zone = ctx.lang_for(member, actor), ctx.timezone_for(member)
        if recorded is None:
            log.error("telegram charge %s (%s %s) names no wave of ours: reconcile by hand",
                      charge.charge_id, paid.total_amount, paid.currency)  # fmt: skip
            return Answer([Reply(body=(t("tgpay.unknown_invoice"),), private=True)], lang, zone)
        if not recorded.new:
            return Answer([], lang, zone)  # a redelivery: told the first time
        payment = recorded.payment
        said = (t("tgpay.received", id=payment.wave_id, amount=payment.amount,
                  charge=payment.charge_id),)  # fmt: skip
        return Answer([Reply(body=said, private=True)], lang, zone)
