"""The domain's records: plain frozen dataclasses the storage fills and the use cases reason on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.money import Money

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
CATEGORY_MAX = 32


class IdeaStatus(StrEnum):
    """Where an idea stands in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"
    LAUNCHED = "launched"


class WaveStatus(StrEnum):
    """Where a wave stands in its buying cycle."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    SUCCEEDED = "succeeded"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PledgeStatus(StrEnum):
    """A pledge's life: active while open, then confirmed, abandoned or dropped by clearing."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    DROPPED = "dropped"
    AWAITING = "awaiting"
    CONFIRMED = "confirmed"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class Member:
    """One person, whatever number of platform accounts they linked."""

    id: int
    display_name: str
    lang: str | None
    notify_milestones: bool = True


@dataclass(frozen=True)
class Idea:
    """A product someone proposed."""

    id: int
    title: str
    description: str
    category: str
    author_id: int
    status: IdeaStatus
    created_at: datetime
    reason: str = ""
    merged_into: int | None = None
    wants: int = 0


@dataclass(frozen=True)
class Want:
    """One member's support for an idea, with the most they would pay."""

    idea_id: int
    member_id: int
    max_price_cents: int | None


@dataclass(frozen=True)
class Tier:
    """From min_units pledged on, everyone pays unit_price."""

    min_units: int
    unit_price: int


@dataclass(frozen=True)
class Wave:
    """A buying cycle with its tiers, threshold and deadline."""

    id: int
    idea_id: int | None
    title: str
    description: str
    category: str
    currency: str
    tiers: tuple[Tier, ...]
    moq: int
    capacity: int | None
    per_member_max: int
    opens_at: datetime
    closes_at: datetime
    status: WaveStatus
    created_by: int
    units: int = 0
    pledgers: int = 0
    final_price_cents: int | None = None
    final_units: int | None = None

    def money(self, cents: int) -> Money:
        """Attach this wave's currency to an amount."""
        return Money(cents, self.currency)


@dataclass(frozen=True)
class Pledge:
    """One member's commitment to a wave."""

    wave_id: int
    member_id: int
    quantity: int
    max_price_cents: int | None
    status: PledgeStatus
    created_at: datetime
    updated_at: datetime
