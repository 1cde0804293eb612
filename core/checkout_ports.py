"""What a wave's invoices ask the payer for (delivery details), and the store that keeps it.

A checkout provider (Telegram Payments) asks for name, phone and address with the payment when
the wave requires them; moderators set that per wave with /shipping, and a wave without a
setting uses the provider's default (docs/ARCHITECTURE.md, "Payments").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

NEED_WORDS = ("name", "phone", "address")


@dataclass(frozen=True)
class PaymentNeeds:
    """The details asked with a payment; none by default."""

    name: bool = False
    phone: bool = False
    address: bool = False

    @classmethod
    def parse(cls, text: str) -> PaymentNeeds:
        """'name,phone address' (any order, any subset, commas or spaces; 'none' for nothing)."""
        chosen = {word.lower() for word in text.replace(",", " ").split()} - {"none"}
        unknown = chosen - set(NEED_WORDS)
        if unknown:
            raise ValueError(", ".join(sorted(unknown)))
        return cls("name" in chosen, "phone" in chosen, "address" in chosen)

    @property
    def words(self) -> tuple[str, ...]:
        """The details asked, in a fixed order."""
        return tuple(word for word in NEED_WORDS if getattr(self, word))


class PaymentNeedsStore(Protocol):
    """Per-wave payment needs inside a transaction."""

    async def payment_needs(self, wave_id: int) -> PaymentNeeds | None: ...
    async def set_payment_needs(
        self, wave_id: int, needs: PaymentNeeds, by: int, now: datetime
    ) -> None: ...
