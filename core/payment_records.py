"""The records of paying at the end: what a pledger owes, what a provider took, what goes back.

Amounts are integer minor units with an ISO currency from the request to the refund; a payment
is known by its provider's charge id, unique per provider, so recording it twice changes nothing
(docs/ARCHITECTURE.md, "Payments").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.money import Money

MANUAL = "manual"  # moderators mark /paid and /unpaid; nothing is refunded automatically
SIMULATED = "simulated"  # the demo's provider: paid at a press, refunded at once
_REFERENCE = re.compile(r"^w([0-9]{1,9})m([0-9]{1,9})a([0-9]{1,12})([A-Z]{3})$")


class PaymentState(StrEnum):
    """A recorded payment is live (PAID) until a moderator undoes the mark or it is refunded."""

    PAID = "paid"
    VOIDED = "voided"  # /unpaid: a manual mark taken back (no money moved by the bot)
    REFUNDED = "refunded"


class RefundReason(StrEnum):
    """Why money must go back to a payer."""

    FAILED = "failed"  # the wave ended below its minimum on paid units
    LATE = "late"  # the payment arrived when the pledge could no longer be paid
    DUPLICATE = "duplicate"  # the pledge was already paid
    MISMATCH = "mismatch"  # amount or currency differ from what was owed


class RefundState(StrEnum):
    """DUE until the provider refunded or a moderator marked it done."""

    DUE = "due"
    DONE = "done"


@dataclass(frozen=True)
class PaymentRequest:
    """What one pledger owes at the end: final unit price × quantity, due before the window ends.

    `reference` travels with the charge (invoice payload, checkout metadata) and comes back with
    the payment, so the recorder knows the pledge and the exact amount without asking a provider.
    """

    wave_id: int
    member_id: int
    account: str  # the platform account that asked, so a provider knows where to send
    title: str
    quantity: int
    unit_cents: int
    currency: str
    due_at: datetime
    instructions: str = ""  # the community's own words on how to pay (manual collection)

    @property
    def amount_cents(self) -> int:
        """The total owed, in minor units."""
        return self.unit_cents * self.quantity

    @property
    def amount(self) -> Money:
        """The total owed, with its currency."""
        return Money(self.amount_cents, self.currency)

    @property
    def reference(self) -> str:
        """A compact, parseable id of this request (at most 64 bytes, Telegram's payload limit)."""
        return f"w{self.wave_id}m{self.member_id}a{self.amount_cents}{self.currency}"


@dataclass(frozen=True)
class Reference:
    """A request's reference read back from a provider: which pledge, what amount."""

    wave_id: int
    member_id: int
    amount_cents: int
    currency: str


def parse_reference(text: str) -> Reference | None:
    """Read `PaymentRequest.reference` back; None for anything else (forged or foreign)."""
    match = _REFERENCE.match(text.strip())
    if match is None:
        return None
    wave, member, amount, currency = match.groups()
    return Reference(int(wave), int(member), int(amount), currency)


@dataclass(frozen=True)
class ShippingDetails:
    """Personal data a provider collected with the payment: moderators only, never in groups."""

    name: str = ""
    phone: str = ""
    address: str = ""  # one line per address part, as the provider gave them


@dataclass(frozen=True)
class PaymentReceipt:
    """A provider's report that money arrived, as recorded (once) by its charge id."""

    provider: str
    charge_id: str
    wave_id: int
    member_id: int
    amount_cents: int
    currency: str
    paid_at: datetime
    recorded_by: int | None = None  # the moderator who marked it (manual)
    shipping: ShippingDetails | None = None


@dataclass(frozen=True)
class Payment:
    """A recorded payment of one pledge."""

    id: int
    provider: str
    charge_id: str
    wave_id: int
    member_id: int
    quantity: int
    amount_cents: int
    currency: str
    state: PaymentState
    paid_at: datetime
    counted: bool = True  # False: arrived when the pledge could not be paid (owed back)
    recorded_by: int | None = None

    @property
    def amount(self) -> Money:
        """The amount paid, with its currency."""
        return Money(self.amount_cents, self.currency)


@dataclass(frozen=True)
class Refund:
    """Money owed back to one payer: done by the provider, or a moderator's task until marked."""

    id: int
    payment_id: int
    wave_id: int
    member_id: int
    amount_cents: int
    currency: str
    provider: str
    reason: RefundReason
    state: RefundState
    created_at: datetime
    done_at: datetime | None = None
    done_by: int | None = None
    provider_refund_id: str = ""
    attempts: int = 0
    error: str = ""
    claimed_until: datetime | None = None  # a sweep is asking the provider until then

    def in_flight(self, now: datetime) -> bool:
        """A sweep claimed it and may be asking the provider right now."""
        return self.claimed_until is not None and self.claimed_until > now

    @property
    def amount(self) -> Money:
        """The amount to give back, with its currency."""
        return Money(self.amount_cents, self.currency)


@dataclass(frozen=True)
class RefundResult:
    """What a provider said about one refund: its own id when done, else why not (retried)."""

    done: bool
    provider_refund_id: str = ""
    error: str = ""


@dataclass(frozen=True)
class PaidTally:
    """Live payments of a wave: how many payers, how many units."""

    payers: int = 0
    units: int = 0
