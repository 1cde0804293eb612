"""What the core needs from the outside world, as Protocols the storage and adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from core.checkout_ports import PaymentNeedsStore
from core.feature_ports import (
    BackerStore,
    DirectChannelStore,
    FanoutStore,
    IdentityStore,
    ModerationStore,
    PaymentStore,
    PublicStore,
    RetentionStore,
    StatsStore,
    TalkStore,
)
from core.fulfilment_ports import FulfilmentStore
from core.messages import Reply
from core.model import (
    Idea,
    IdeaStatus,
    Member,
    Pledge,
    PledgeStatus,
    Target,
    Tier,
    Wave,
    WaveStatus,
)
from core.payment_ports import PaymentLedger
from core.privacy_ports import PrivacyStore
from core.supply_ports import CreatorStore, NewsletterStore, SupplierStore
from core.tiers import Bid


class ChatKind(StrEnum):
    """Private conversations get personal answers; groups and channels get broadcasts."""

    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True)
class ChatRef:
    """Where a command came from or a message goes."""

    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str = ""


@dataclass(frozen=True)
class Actor:
    """Who acts: a platform account ('telegram:42') with the name and locale the platform gave."""

    account: str
    display_name: str
    locale: str | None = None

    @property
    def platform(self) -> str:
        """The platform part of the account."""
        return self.account.split(":", 1)[0]

    @property
    def user_id(self) -> str:
        """The platform's own id of this account."""
        return self.account.split(":", 1)[1]


@dataclass(frozen=True)
class Delivery:
    """One message of one announcement to one target, as the outbox holds it."""

    id: int
    announcement_id: int
    target: Target
    body: Any
    attempts: int
    wave_id: int | None


class IdeaStore(Protocol):
    """Ideas and wants inside a transaction."""

    async def add_idea(
        self, title: str, description: str, category: str, author_id: int, now: datetime
    ) -> int: ...
    async def get_idea(self, idea_id: int) -> Idea | None: ...
    async def lock_idea(self, idea_id: int) -> None: ...
    async def set_idea_tags(self, idea_id: int, tags: Sequence[str]) -> None: ...
    async def set_idea_photo(self, idea_id: int, photo: str) -> None: ...
    async def set_idea_status(
        self, idea_id: int, status: IdeaStatus, reason: str, merged_into: int | None, now: datetime
    ) -> None: ...
    async def count_pending_ideas(self, author_id: int) -> int: ...
    async def list_ideas(
        self, statuses: Sequence[IdeaStatus], order: str, offset: int, limit: int, tag: str = ""
    ) -> list[Idea]: ...
    async def count_ideas(self, statuses: Sequence[IdeaStatus], tag: str = "") -> int: ...
    async def ideas_by_author(self, author_id: int, limit: int) -> list[Idea]: ...
    async def has_want(self, idea_id: int, member_id: int) -> bool: ...
    async def upsert_want(
        self, idea_id: int, member_id: int, max_price_cents: int | None, now: datetime
    ) -> None: ...
    async def delete_want(self, idea_id: int, member_id: int) -> bool: ...
    async def move_wants(self, source_id: int, target_id: int) -> int: ...
    async def want_prices(self, idea_id: int) -> list[int | None]: ...


class WaveStore(Protocol):
    """Waves, pledges and milestones inside a transaction."""

    async def add_wave(
        self,
        idea_id: int | None,
        title: str,
        description: str,
        category: str,
        currency: str,
        tiers: Sequence[Tier],
        moq: int,
        capacity: int | None,
        per_member_max: int,
        opens_at: datetime,
        closes_at: datetime,
        status: WaveStatus,
        created_by: int,
        now: datetime,
    ) -> int: ...
    async def get_wave(self, wave_id: int) -> Wave | None: ...
    async def set_wave_photo(self, wave_id: int, photo: str) -> None: ...
    async def list_waves(self, statuses: Sequence[WaveStatus], limit: int) -> list[Wave]: ...
    async def waves_due(self, status: WaveStatus, field: str, now: datetime) -> list[int]: ...
    async def set_wave_status(
        self,
        wave_id: int,
        status: WaveStatus,
        now: datetime,
        final_price_cents: int | None = None,
        final_units: int | None = None,
    ) -> None: ...
    async def set_wave_deadline(self, wave_id: int, closes_at: datetime) -> None: ...
    async def set_wave_counts(self, wave_id: int, units: int, pledgers: int) -> None: ...
    async def get_pledge(self, wave_id: int, member_id: int) -> Pledge | None: ...
    async def save_pledge(self, pledge: Pledge) -> None: ...
    async def active_bids(self, wave_id: int) -> list[Bid]: ...
    async def conditional_bids(self, wave_id: int) -> list[Bid]: ...
    async def set_pledge_status(
        self, wave_id: int, member_ids: Sequence[int], status: PledgeStatus, now: datetime
    ) -> None: ...
    async def pledges_of_member(self, member_id: int) -> list[tuple[Pledge, Wave]]: ...
    async def record_pledge_event(
        self, wave_id: int, member_id: int, kind: str, quantity: int, units: int, now: datetime
    ) -> None: ...
    async def announced_milestones(self, wave_id: int) -> set[int]: ...
    async def mark_milestone(self, wave_id: int, milestone: int, now: datetime) -> None: ...


class MemberStore(Protocol):
    """Members, their accounts and moderation chats inside a transaction."""

    async def member_for_account(self, account: str) -> Member | None: ...
    async def create_member(
        self, account: str, display_name: str, lang: str | None, now: datetime
    ) -> Member: ...
    async def rename_member(self, member_id: int, display_name: str) -> None: ...
    async def set_member_lang(self, member_id: int, lang: str) -> None: ...
    async def set_member_notify(self, member_id: int, on: bool) -> None: ...
    async def set_member_timezone(self, member_id: int, timezone: str | None) -> None: ...
    async def get_member(self, member_id: int) -> Member | None: ...
    async def accounts_of(self, member_id: int) -> list[str]: ...
    async def add_modchat(self, platform: str, chat_id: str, by: int, now: datetime) -> bool: ...
    async def modchats(self) -> list[tuple[str, str]]: ...


class OutboxStore(Protocol):
    """Subscriptions, announcements and deliveries inside a transaction."""

    async def subscribe(
        self, chat: ChatRef, categories: Sequence[str], lang: str, now: datetime
    ) -> None: ...
    async def unsubscribe(self, platform: str, chat_id: str) -> bool: ...
    async def subscribed_targets(self, category: str) -> list[Target]: ...
    async def participant_targets(self, wave_id: int) -> list[Target]: ...
    async def add_announcement(
        self,
        wave_id: int | None,
        kind: str,
        body: Any,
        targets: Sequence[Target],
        now: datetime,
        fanout: bool = False,
    ) -> int: ...
    async def due_deliveries(
        self, now: datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[Delivery]: ...
    async def claim_deliveries(
        self,
        owner: str,
        platforms: Sequence[str],
        now: datetime,
        lease_until: datetime,
        limit: int,
    ) -> list[Delivery]: ...
    async def release_claims(self, owner: str | None = None) -> int: ...
    async def take_over_claims(self, platform: str, owner: str) -> int: ...
    async def finish_delivery(
        self, delivery_id: int, status: str, now: datetime, error: str = "", message_id: str = ""
    ) -> None: ...
    async def retry_delivery(
        self, delivery_id: int, next_at: datetime, error: str, now: datetime
    ) -> None: ...
    async def defer_deliveries(self, delivery_ids: Sequence[int], next_at: datetime) -> None: ...
    async def finish_sent(self, sent: Sequence[tuple[int, str]], now: datetime) -> None: ...
    async def hold_chat_after(
        self, platform: str, chat_id: str, delivery_id: int, until: datetime
    ) -> None: ...
    async def release_deliveries(self, owner: str, delivery_ids: Sequence[int]) -> None: ...
    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> None: ...
    async def all_subscribed_targets(self) -> list[Target]: ...
    async def follow(self, member_id: int, category: str, now: datetime) -> bool: ...
    async def unfollow(self, member_id: int, category: str) -> bool: ...
    async def follows_of(self, member_id: int) -> list[str]: ...
    async def follower_targets(self, category: str) -> list[Target]: ...
    async def has_announcement(self, wave_id: int, kind: str) -> bool: ...
    async def last_announcement_at(self, kind: str) -> datetime | None: ...
    async def ideas_since(self, since: datetime, limit: int) -> list[Idea]: ...
    async def waves_closed_since(self, since: datetime, limit: int) -> list[Wave]: ...


@dataclass(frozen=True)
class Card:
    """A posted wave card that is edited in place as the count moves."""

    id: int
    platform: str
    chat_id: str
    message_id: str
    wave_id: int
    lang: str
    revision: int = 0


class CardStore(Protocol):
    """Live wave cards inside a transaction."""

    async def add_card(
        self,
        platform: str,
        chat_id: str,
        message_id: str,
        wave_id: int,
        lang: str,
        now: datetime,
        dirty: bool = False,
    ) -> None: ...
    async def mark_cards_dirty(self, wave_id: int) -> None: ...
    async def dirty_cards(self, edited_before: datetime, limit: int) -> list[Card]: ...
    async def card_edited(self, card: Card, now: datetime, gone: bool = False) -> None: ...


class InboxStore(Protocol):
    """Idempotency keys of processed platform updates."""

    async def claim_key(self, key: str, now: datetime) -> bool: ...
    async def key_claimed(self, key: str) -> bool: ...
    async def save_answer(self, key: str, answer: Any) -> None: ...
    async def unsent_answer(self, key: str) -> Any | None: ...
    async def mark_answered(self, key: str, now: datetime) -> None: ...


class Tx(
    IdeaStore,
    WaveStore,
    MemberStore,
    OutboxStore,
    CardStore,
    InboxStore,
    IdentityStore,
    PaymentStore,
    PaymentLedger,
    PaymentNeedsStore,
    TalkStore,
    StatsStore,
    ModerationStore,
    BackerStore,
    DirectChannelStore,
    RetentionStore,
    FanoutStore,
    SupplierStore,
    CreatorStore,
    NewsletterStore,
    FulfilmentStore,
    PrivacyStore,
    PublicStore,
    Protocol,
):
    """Everything one use case may read or write, committed together or not at all."""


class Database(Protocol):
    """Opens transactions; writes go through a single writer path."""

    def write(self) -> AbstractAsyncContextManager[Tx]: ...
    def read(self) -> AbstractAsyncContextManager[Tx]: ...
    def after_commit(self, callback: Callable[[], None]) -> None: ...


class AdminCheck(Protocol):
    """Asks a platform, at the moment of the action, whether a user administers a chat."""

    async def is_admin(self, chat_id: str, user_id: str) -> bool: ...


class SendOutcome(StrEnum):
    """What a platform said about one send."""

    SENT = "sent"
    RETRY = "retry"
    GONE = "gone"
    MIGRATED = "migrated"
    FAILED = "failed"


@dataclass(frozen=True)
class SendResult:
    """A send's outcome with what the dispatcher needs to act on it."""

    outcome: SendOutcome
    retry_after: float | None = None
    new_chat_id: str | None = None
    message_id: str = ""
    error: str = ""


class Messenger(Protocol):
    """The delivery port each adapter implements for broadcasts."""

    platform: str

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult: ...
    async def edit(
        self, chat_id: str, message_id: str, message: Reply, lang: str
    ) -> SendResult: ...


class Wakeup(Protocol):
    """Told after a commit that created deliveries, so the first message leaves at once, or
    participant deliveries to expand, so the expander starts at once."""

    def deliveries_pending(self) -> None: ...
    def fanout_pending(self) -> None: ...
