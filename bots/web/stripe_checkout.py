"""Stripe Checkout as a payment provider: a hosted payment page per pledge, refunds by the API.

`/pay` (and the Confirm button) shows a link to a Checkout Session for exactly what the pledge
owes; the money is recorded when Stripe's signed webhook says the session is paid
(bots/web/stripe_webhook.py). A session lives 30 min to 24 h on Stripe's side, a payment window
may be longer: a link asked after its session expired gets a fresh session. No session outlives
the window it is offered in: none is made in the window's last 31 minutes (the member is told).
Creation and refunds carry Stripe idempotency keys, so a retry (or a restart within the hour)
never makes two.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import stripe

from core.clock import Clock
from core.errors import DomainError
from core.messages import LINK, Button, Reply, t
from core.payment_records import Payment, PaymentRequest, RefundResult
from core.services.providers import owed_line

log = logging.getLogger(__name__)
PROVIDER = "stripe"
SESSION_MIN = timedelta(minutes=30)  # Stripe's shortest session
SESSION_MAX = timedelta(hours=24)  # and its longest
LEAD = SESSION_MIN + timedelta(minutes=1)  # no session opens closer than this to the deadline
FRESH_FOR = timedelta(minutes=5)  # a kept link this close to its expiry is replaced
NAME_MAX = 250  # product names shown on the Checkout page
REFUNDED = ("succeeded", "pending")  # pending: accepted, the bank pays it back later
ALREADY_REFUNDED = "charge_already_refunded"  # Stripe's code: the money already went back


def link_key(api_key: str) -> bytes:
    """The key that signs pay links (derived from the secret key: nothing more to configure)."""
    return hashlib.sha256(b"wavebot-pay-link\0" + api_key.encode()).digest()


def sign(reference: str, key: bytes) -> str:
    """A pay link's token: the reference and its MAC, so nobody forges one for another pledge."""
    mac = hmac.new(key, reference.encode(), hashlib.sha256).hexdigest()[:24]
    return f"{reference}.{mac}"


def verified(token: str, key: bytes) -> str | None:
    """The reference of a token we signed, else None."""
    reference, _, mac = token.partition(".")
    genuine = hmac.compare_digest(sign(reference, key).encode(), token.encode())  # bytes: any text
    return reference if genuine and mac else None


@dataclass(frozen=True)
class OpenSession:
    """A Checkout Session the bot made for one request, while it can still be paid."""

    id: str
    url: str
    expires_at: datetime


def slot_start(now: datetime) -> datetime:
    """The start of the hour `now` is in: the unit of idempotent session creation."""
    return now.replace(minute=0, second=0, microsecond=0)


def last_opening(due_at: datetime) -> datetime:
    """The last moment a session may be made for a window ending at `due_at`: Stripe keeps a
    session open at least 30 minutes, and none may outlive the window it was offered in."""
    return due_at - LEAD


def session_expiry(now: datetime, due_at: datetime) -> datetime:
    """When a session made now (before `last_opening`) ends: with the window, within Stripe's
    24 h.

    Derived from the hour, not the second, so the same request in the same hour makes the same
    parameters (Stripe refuses an idempotency key reused with other parameters).
    """
    return min(due_at, slot_start(now) + SESSION_MAX)


def too_late(request: PaymentRequest) -> DomainError:
    """The member's answer when the window ends too soon for a Checkout Session."""
    return DomainError("error.stripe_too_late", id=request.wave_id, deadline=request.due_at,
                       lead=LEAD)  # fmt: skip


def session_params(
    request: PaymentRequest, expires_at: datetime, public_url: str, countries: tuple[str, ...]
) -> dict[str, object]:
    """The Checkout Session for one pledge: one line, the final price × quantity, identified."""
    params: dict[str, object] = {
        "mode": "payment",
        "client_reference_id": request.reference,
        "metadata": {"wavebot_reference": request.reference},
        "payment_intent_data": {"metadata": {"wavebot_reference": request.reference}},
        "expires_at": int(expires_at.timestamp()),
        "line_items": [
            {
                "quantity": request.quantity,
                "price_data": {
                    "currency": request.currency.lower(),
                    "unit_amount": request.unit_cents,
                    "product_data": {"name": f"#{request.wave_id} {request.title}"[:NAME_MAX]},
                },
            }
        ],
    }
    if public_url:
        params["success_url"] = f"{public_url.rstrip('/')}/stripe/done"
        params["cancel_url"] = f"{public_url.rstrip('/')}/stripe/done"
    if countries:
        params["shipping_address_collection"] = {"allowed_countries": list(countries)}
    return params


class StripeCheckout:
    """Members pay on Stripe's Checkout page; failed waves are refunded through the Refund API."""

    name = PROVIDER
    collects = True
    refunds = True

    def __init__(
        self,
        client: stripe.StripeClient,
        clock: Clock,
        public_url: str = "",
        shipping_countries: tuple[str, ...] = (),
        http: stripe.AIOHTTPClient | None = None,
        key: bytes = b"",
    ) -> None:
        self.client = client
        self.http = http
        self.key = key
        self.clock = clock
        self.public_url = public_url
        self.countries = shipping_countries
        self.open: dict[str, OpenSession] = {}  # by request reference: the link to show again

    async def aclose(self) -> None:
        """Close the HTTP connections to Stripe."""
        if self.http is not None:
            await self.http.close_async()

    async def prompt(self, request: PaymentRequest) -> Reply:
        """The amount owed and the pay link, in the text and as a link button.

        With a public URL the link is the bot's own (/stripe/pay/<signed reference>): no call to
        Stripe here, so the Confirm button never waits on Stripe while its update holds the
        writer; the session is made when the link is opened. Without one, the session now.
        """
        if self.public_url:
            if self.live_session(request) is None and self.clock.now() >= last_opening(
                request.due_at
            ):
                raise too_late(request)
            url = f"{self.public_url.rstrip('/')}/stripe/pay/{sign(request.reference, self.key)}"
            expires = last_opening(request.due_at)
        else:
            session = await self.session_for(request)
            url, expires = session.url, session.expires_at
        body = (owed_line(request), t("pay.stripe_link", url=url, expires=expires))
        button = Button(t("button.stripe_pay", total=request.amount), LINK + url)
        return Reply(body=body, buttons=((button,),), private=True)

    def live_session(self, request: PaymentRequest) -> OpenSession | None:
        """The session made for this request, while it can still be paid (not nearly expired)."""
        kept = self.open.get(request.reference)
        if kept is not None and kept.expires_at - self.clock.now() > FRESH_FOR:
            return kept
        return None

    async def session_for(self, request: PaymentRequest) -> OpenSession:
        """The request's current session, or a fresh one when it expired (or nearly)."""
        now = self.clock.now()
        kept = self.live_session(request)
        if kept is not None:
            return kept
        if now >= last_opening(request.due_at):  # it would outlive the window it is offered in
            raise too_late(request)
        expires = session_expiry(now, request.due_at)
        key = f"wavebot-checkout-{request.reference}-{int(slot_start(now).timestamp())}"
        params = session_params(request, expires, self.public_url, self.countries)
        try:
            made = await self.client.v1.checkout.sessions.create_async(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": key},
            )
        except stripe.StripeError as error:  # the member is told to try again; nothing is owed
            log.warning("stripe checkout for %s not created: %s %s", request.reference,
                        type(error).__name__, error.code or "")  # fmt: skip
            raise DomainError("error.stripe_unavailable", id=request.wave_id) from error
        session = OpenSession(made.id, made.url or "", datetime.fromtimestamp(made.expires_at, UTC))
        self.open[request.reference] = session
        return session

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """Give the payment intent back in full; the same key on a retry refunds once."""
        try:
            made = await self.client.v1.refunds.create_async(
                {
                    "payment_intent": payment.charge_id,
                    "metadata": {"wavebot_payment": str(payment.id)},
                },
                options={"idempotency_key": key},
            )
        except stripe.StripeError as error:  # retried by the next sweep, with the same key
            if error.code == ALREADY_REFUNDED:  # an earlier attempt (key forgotten after 24 h)
                log.info("stripe payment %s was already refunded", payment.id)  # or the dashboard
                return RefundResult(done=True, provider_refund_id=ALREADY_REFUNDED)
            log.warning("stripe refund of payment %s failed: %s", payment.id, error.code or "")
            return RefundResult(
                done=False, error=f"stripe: {type(error).__name__} {error.code or ''}".strip()
            )
        if made.status in REFUNDED:
            return RefundResult(done=True, provider_refund_id=made.id)
        return RefundResult(done=False, error=f"stripe refund {made.id}: {made.status}")


def stripe_client(
    api_key: str, api_base: str, retries: int = 2
) -> tuple[stripe.StripeClient, stripe.AIOHTTPClient]:
    """The official client on aiohttp (async), talking to `api_base` (Stripe, or a fake); its
    HTTP client too, to close at the end."""
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base.rstrip("/")},
        http_client=http,
        max_network_retries=retries,
    )
    return client, http
