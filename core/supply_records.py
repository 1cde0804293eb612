"""Records of the supplier side the ports exchange: suppliers, offers, creator credits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import Tier


class OfferStatus(StrEnum):
    """An offer is open until withdrawn, or until a moderator chooses it or another one."""

    OPEN = "open"
    WITHDRAWN = "withdrawn"
    CHOSEN = "chosen"
    DECLINED = "declined"


@dataclass(frozen=True)
class Supplier:
    """A member holding the supplier role (never a moderator right)."""

    member_id: int
    display_name: str
    added_at: datetime


@dataclass(frozen=True)
class SupplierCode:
    """A stored one-time supplier code (only its hash is kept)."""

    id: int
    created_by: int
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class Offer:
    """A supplier's answer to a brief: tiers, minimum, capacity, lead time and a note."""

    id: int
    idea_id: int
    supplier_id: int
    supplier_name: str
    tiers: tuple[Tier, ...]
    moq: int | None
    capacity: int | None
    lead_days: int
    note: str
    status: OfferStatus
    wave_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class CreatorCredit:
    """The idea author's share of one completed wave's revenue."""

    wave_id: int
    wave_title: str
    author_id: int
    revenue_cents: int
    amount_cents: int
    currency: str
    share_percent: int


@dataclass(frozen=True)
class CategoryConversion:
    """What makers read of a category: stated prices against launch prices, and conversions."""

    category: str
    # (stated max price as a percentage of its launch price, how many stated it), by ratio: as
    # many entries as distinct ratios, however many wanters history holds
    ratio_counts: tuple[tuple[int, int], ...]
    wanters: int  # wanters of launched ideas
    wanters_pledged: int  # of whom pledged in the idea's wave
    pledgers: int  # pledges settled (confirmed or abandoned)
    payers: int  # of which confirmed (paid)
