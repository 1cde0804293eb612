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
    timezone: str | None = None
    banned: bool = False
    notify_news: bool = True  # private news of ideas they proposed or want
    review_name: bool = False  # their name next to their reviews on public pages (opt-in)


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
    tags: tuple[str, ...] = ()  # every #tag typed; the first is the category
    photo: str = ""  # "<platform>:<file id or URL>", shown where that platform can


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
    photo: str = ""
    relaunched_from: int | None = None

    def money(self, cents: int) -> Money:
        """Attach this wave's currency to an amount."""
        return Money(cents, self.currency)

    def with_counts(self, units: int, pledgers: int) -> Wave:
        """This wave with other counts: what every join and leave returns. A copy of the fields
        as they are (dataclasses.replace runs all twenty through __init__ again, a fifth of a
        join's own Python); the record stays frozen and equal to what replace would give."""
        copy = object.__new__(Wave)
        copy.__dict__.update(self.__dict__, units=units, pledgers=pledgers)
        return copy


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


# Records the ports exchange: delivery targets and the community features' read models.


@dataclass(frozen=True)
class Target:
    """A delivery destination with the language to render in."""

    platform: str
    chat_id: str
    lang: str
    member_id: int | None = None


@dataclass(frozen=True)
class FanoutStep:
    """One batch of an announcement's participant deliveries, expanded after its commit."""

    announcement_id: int
    rows: int  # deliveries this batch created
    finished: bool  # the announcement's whole audience now has its deliveries


@dataclass(frozen=True)
class LinkCode:
    """A stored link code (only its hash is kept, never the code itself)."""

    id: int
    member_id: int
    account: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True)
class PaymentWindow:
    """The confirmation period of a succeeded wave."""

    wave_id: int
    opened_at: datetime
    due_at: datetime
    completed_at: datetime | None = None
    alerted_at: datetime | None = None  # moderators told the expected count fell short


@dataclass(frozen=True)
class PendingAction:
    """What a member asked for and a confirmation button completes (a draft, a cancellation)."""

    id: int
    member_id: int
    kind: str
    payload: dict[str, object]
    created_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class Question:
    """A question a member asked about a wave."""

    id: int
    wave_id: int
    member_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Funnel:
    """How far ideas get: proposed → approved → launched → succeeded → completed."""

    proposed: int
    approved: int
    launched: int
    succeeded: int
    completed: int


@dataclass(frozen=True)
class CategoryStats:
    """One category's waves and what became of them and of their pledgers."""

    category: str
    waves: int
    decided: int  # closed one way or the other: succeeded, completed or failed
    succeeded: int  # succeeded or completed
    confirmed: int  # pledges confirmed (paid) in succeeded waves
    abandoned: int  # pledges never confirmed within the window

    @property
    def success_rate(self) -> int | None:
        """Percentage of decided waves that succeeded."""
        return percent(self.succeeded, self.decided)

    @property
    def abandonment_rate(self) -> int | None:
        """Percentage of settled pledges (confirmed or abandoned) that were abandoned."""
        return percent(self.abandoned, self.confirmed + self.abandoned)


@dataclass(frozen=True)
class ExportRow:
    """One pledge as the supplier's sheet lists it."""

    name: str
    quantity: int
    max_price_cents: int | None
    status: PledgeStatus
    pledged_at: datetime


def percent(part: int, whole: int) -> int | None:
    """A whole percentage rounded half up, or None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class PublicQuestion:
    """An answered question as a public page shows it: the texts only, nobody's name."""

    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class PublicReview:
    """A review as a public page shows it: rating, text and date; the reviewer's name only if
    they chose to show it."""

    rating: int
    text: str
    at: datetime
    name: str = ""
