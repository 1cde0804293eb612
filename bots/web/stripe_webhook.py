"""Stripe's webhook: signed events about Checkout Sessions, turned into recorded payments.

Only a body signed with the endpoint's secret is read (`stripe.Webhook.construct_event`); anything
else is a 400 and records nothing. `checkout.session.completed` with `payment_status` paid records
the payment through the core, keyed by the payment intent, so a redelivered or replayed event
records nothing twice and is still answered 200 (Stripe stops retrying). The amount and currency
are the session's own: a session that does not match what the pledge owes is recorded as owed
back and flagged to the moderators by the core, never counted as paid.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import stripe
from aiohttp import web

from bots.i18n import render_plain
from bots.web.server import Route
from bots.web.stripe_checkout import PROVIDER, StripeCheckout, verified
from core.errors import DomainError
from core.messages import T, t
from core.payment_records import PaymentReceipt, ShippingDetails, parse_reference
from core.services import paying
from core.services.context import Context

log = logging.getLogger(__name__)
BODY_MAX = 256 * 1024  # Stripe's events are a few kB; anything this big is not one
PAID = "checkout.session.completed"
ASYNC_PAID = "checkout.session.async_payment_succeeded"
EXPIRED = "checkout.session.expired"


def shipping_of(session: dict[str, Any]) -> ShippingDetails | None:
    """The delivery details the payer typed on the Checkout page (personal data, never logged)."""
    details = session.get("shipping_details") or (session.get("collected_information") or {}).get(
        "shipping_details"
    )
    if not details:
        return None
    place = details.get("address") or {}
    keys = ("line1", "line2", "postal_code", "city", "state", "country")
    phone = (session.get("customer_details") or {}).get("phone") or ""
    address = "\n".join(str(place[key]) for key in keys if place.get(key))
    return ShippingDetails(name=details.get("name") or "", phone=phone, address=address)


class StripeWebhook:
    """POST /stripe/webhook: verify, then record paid sessions once."""

    def __init__(self, ctx: Context, secret: str, checkout: StripeCheckout) -> None:
        self.ctx = ctx
        self.secret = secret
        self.checkout = checkout
        self.lang = ctx.rules.default_lang
        self.recorded = 0  # new payments recorded (for /metrics)
        self.refused = 0  # bodies refused for a bad signature or size

    def routes(self) -> list[Route]:
        """The webhook's place in the server's route table."""
        return [
            Route("POST", "/stripe/webhook", self.handle),
            Route("GET", "/stripe/done", self.done),
            Route("GET", "/stripe/pay/{token}", self.open_checkout),
        ]

    async def open_checkout(self, request: web.Request) -> web.Response:
        """A pay link opened: re-check what is owed now, then on to the pledge's Checkout page."""
        reference = verified(request.match_info["token"], self.checkout.key)
        ref = parse_reference(reference or "")
        if ref is None:
            return web.Response(status=404, text=self.said(t("error.pay_changed")))
        try:
            owed = await paying.check(self.ctx, reference or "", ref.amount_cents, ref.currency)
            session = await self.checkout.session_for(owed)
        except DomainError as error:  # paid already, window over, amount changed, Stripe down
            return web.Response(status=410, text=self.said(t(error.key, **error.params)))
        raise web.HTTPSeeOther(session.url)

    def said(self, text: T) -> str:
        """A page's text in the community's language."""
        return render_plain(text, self.lang) + "\n"

    async def done(self, _: web.Request) -> web.Response:
        """Where Checkout sends the payer back: the bot confirms in the chat when Stripe says."""
        return web.Response(text=render_plain(t("pay.stripe_back"), self.lang) + "\n")

    async def handle(self, request: web.Request) -> web.Response:
        """400 unless signed by Stripe; 200 once the event is handled (or known)."""
        if request.content_length is not None and request.content_length > BODY_MAX:
            self.refused += 1
            return web.Response(status=413)
        body = await request.content.read(BODY_MAX + 1)
        if len(body) > BODY_MAX:
            self.refused += 1
            return web.Response(status=413)
        try:
            event = stripe.Webhook.construct_event(
                body, request.headers.get("Stripe-Signature", ""), self.secret
            )
        except (ValueError, stripe.SignatureVerificationError):
            self.refused += 1
            log.warning("stripe webhook: a body without a valid signature was refused")
            return web.Response(status=400, text="bad signature")
        created = datetime.fromtimestamp(int(event.created), UTC)  # when it happened, at Stripe
        await self.on_event(event.type, event.data.object.to_dict(), event.id, created)
        return web.Response(text="ok")

    async def on_event(
        self, kind: str, session: dict[str, Any], event_id: str, created: datetime | None = None
    ) -> None:
        """A paid session is recorded; an expired one changes nothing (a new link is made)."""
        if kind in (PAID, ASYNC_PAID) and session.get("payment_status") == "paid":
            await self.record(session, event_id, created)
        elif kind == EXPIRED:
            log.info("stripe session %s expired unpaid", session.get("id"))

    async def record(
        self, session: dict[str, Any], event_id: str, created: datetime | None = None
    ) -> None:
        """The payment, once per payment intent, as the core decides it counts (or not), judged
        by when Stripe says it happened (the event's time), not when the webhook arrived."""
        reference = parse_reference(session.get("client_reference_id") or "")
        charge = session.get("payment_intent") or session.get("id") or ""
        if reference is None or not charge:
            log.error("stripe event %s: session %s is not one of ours; reconcile by hand",
                      event_id, session.get("id"))  # fmt: skip
            return
        receipt = PaymentReceipt(PROVIDER, str(charge), reference.wave_id, reference.member_id,
                                 int(session.get("amount_total") or 0),
                                 str(session.get("currency") or "").upper(),
                                 paying.reported_at(created, self.ctx.clock.now()),
                                 shipping=shipping_of(session))  # fmt: skip
        try:
            recorded = await paying.record(self.ctx, receipt)
        except DomainError as error:  # a wave or member that no longer exists: kept in the log
            log.error("stripe event %s (payment %s) not recorded: %s; reconcile by hand",
                      event_id, charge, error.key)  # fmt: skip
            return
        self.recorded += int(recorded.new)
        if recorded.owed_back is not None and recorded.new:
            log.warning("stripe payment %s on wave %s flagged: %s", recorded.payment.id,
                        reference.wave_id, recorded.owed_back.value)  # fmt: skip
