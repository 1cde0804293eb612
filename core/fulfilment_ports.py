"""A completed wave's fulfilment (paid → shipped → delivered) and the store that keeps it.

Moderators mark a wave shipped (with a tracking text) and delivered; each paid member is told
through the outbox, and review requests follow delivery (docs/ARCHITECTURE.md, "Fulfilment").
The supplier's order lists paid units with the shipping details providers collected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.model import Target


class FulfilmentStatus(StrEnum):
    """Where the goods of a completed wave are: paid (nothing sent yet), shipped, delivered."""

    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"


@dataclass(frozen=True)
class Fulfilment:
    """A wave's fulfilment state; a wave never marked is PAID with no dates."""

    wave_id: int
    status: FulfilmentStatus = FulfilmentStatus.PAID
    tracking: str = ""
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class OrderLine:
    """One paid member of the supplier's order: units, amount, and details where collected."""

    member_id: int
    name: str
    quantity: int
    amount_cents: int
    ship_name: str = ""
    phone: str = ""
    address: str = ""


class FulfilmentStore(Protocol):
    """Fulfilment state, paid members and the supplier's order inside a transaction."""

    async def fulfilment(self, wave_id: int) -> Fulfilment: ...
    async def save_fulfilment(self, state: Fulfilment, by: int, now: datetime) -> None: ...
    async def paid_targets(self, wave_id: int) -> list[Target]: ...
    async def order_lines(self, wave_id: int) -> list[OrderLine]: ...
