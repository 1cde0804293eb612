"""The payment port: providers that take and give back money, and the ledger that records it.

A `PaymentProvider` is chosen per platform by configuration (docs/ARCHITECTURE.md, "Payments"):
manual (the default), simulated (the demo), Telegram Payments or Stripe Checkout. The core asks
it for the prompt a pledger sees and for refunds, always outside any write transaction; what a
provider must remember between the prompt and the payment travels in the request's `reference`.
Providers report money that arrived through `core.services.paying.record` (idempotent on the
charge id), never by writing the ledger themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.messages import Reply
from core.payment_records import (
    PaidTally,
    Payment,
    PaymentReceipt,
    PaymentRequest,
    Refund,
    RefundReason,
    RefundResult,
    RefundState,
    ShippingDetails,
)


class PaymentProvider(Protocol):
    """Takes a pledger's money at the end of a wave, and gives it back when the wave fails."""

    name: str  # stored with each payment: "manual", "simulated", "telegram", "stripe"
    collects: bool  # takes the money itself: the wave's outcome is decided on paid units
    refunds: bool  # refund() gives money back; otherwise refunds are moderators' tasks

    async def prompt(self, request: PaymentRequest) -> Reply:
        """What the pledger sees on /pay: instructions, an invoice, a link or a pay button.

        Called outside any write; it must not write the database (anything to remember goes in
        the request's reference, which comes back with the payment).
        """
        ...

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """Give a payment back; `key` is the same on every retry of one refund (idempotency)."""
        ...


class PaymentLedger(Protocol):
    """Payments, refunds and the community's payment instructions inside a transaction."""

    async def record_payment(
        self, receipt: PaymentReceipt, quantity: int, counted: bool
    ) -> tuple[Payment, bool]: ...
    async def payment_by_charge(self, provider: str, charge_id: str) -> Payment | None: ...
    async def get_payment(self, payment_id: int) -> Payment | None: ...
    async def live_payments(self, wave_id: int, member_id: int | None = None) -> list[Payment]: ...
    async def count_payments(self, wave_id: int, member_id: int, provider: str) -> int: ...
    async def void_payment(self, payment_id: int, by: int, now: datetime) -> bool: ...
    async def paid_tally(self, wave_id: int) -> PaidTally: ...
    async def uncount_payment(self, payment_id: int) -> None: ...
    async def save_shipping(
        self, payment_id: int, details: ShippingDetails, now: datetime
    ) -> None: ...
    async def add_refund(
        self, payment_id: int, reason: RefundReason, now: datetime
    ) -> Refund | None: ...
    async def list_refunds(
        self,
        state: RefundState,
        wave_id: int | None = None,
        limit: int = 50,
        providers: Sequence[str] | None = None,
        free_at: datetime | None = None,
        fewest_attempts_first: bool = False,
    ) -> list[Refund]: ...
    async def refund_of(self, payment_id: int) -> Refund | None: ...
    async def finish_refund(
        self,
        refund_id: int,
        now: datetime,
        by: int | None,
        provider_refund_id: str = "",
        free_at: datetime | None = None,
    ) -> bool: ...
    async def claim_refund(self, refund_id: int, now: datetime, until: datetime) -> bool: ...
    async def note_refund_error(
        self, refund_id: int, error: str, claimed_until: datetime | None = None
    ) -> None: ...
    async def payment_instructions(self, scope: int) -> str | None: ...
    async def set_payment_instructions(
        self, scope: int, text: str, by: int, now: datetime
    ) -> None: ...
