"""The tables in portable SQLAlchemy Core types, so SQLite now and PostgreSQL later share them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back aware UTC datetimes, so comparisons with 'now' hold."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times; SQLite gets naive UTC text of fixed width so ordering is exact."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive; normalise what others return aware."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("display_name", String(64), nullable=False),
    Column("lang", String(8), nullable=True),
    Column("notify_milestones", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("timezone", String(64), nullable=True),
    Column("banned_at", UTCDateTime, nullable=True),
    Column("notify_news", Boolean, nullable=False, server_default=true()),
    Column("review_name", Boolean, nullable=False, server_default=false()),  # migration 0016
)

accounts = Table(
    "accounts",
    metadata,
    Column("account", String(80), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False, index=True),
    Column("linked_at", UTCDateTime, nullable=False),
)

modchats = Table(
    "modchats",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("chat_id", String(64), primary_key=True),
    Column("registered_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

ideas = Table(
    "ideas",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("category", String(32), nullable=False),
    Column("author_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("merged_into", Integer, ForeignKey("ideas.id"), nullable=True),
    Column("tags", Text, nullable=False, server_default="[]"),
    Column("photo", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_ideas_status_created", "status", "created_at"),
    Index("ix_ideas_author_status", "author_id", "status"),
)

wants = Table(
    "wants",
    metadata,
    Column("idea_id", Integer, ForeignKey("ideas.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("max_price_cents", BigInteger, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

waves = Table(
    "waves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idea_id", Integer, ForeignKey("ideas.id"), nullable=True),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("category", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("tiers", Text, nullable=False),
    Column("moq", Integer, nullable=False),
    Column("capacity", Integer, nullable=True),
    Column("per_member_max", Integer, nullable=False),
    Column("opens_at", UTCDateTime, nullable=False),
    Column("closes_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("units", Integer, nullable=False, default=0),
    Column("pledgers", Integer, nullable=False, default=0),
    Column("final_price_cents", BigInteger, nullable=True),
    Column("final_units", Integer, nullable=True),
    Column("photo", Text, nullable=False, server_default=""),
    Column("relaunched_from", Integer, nullable=True),
    Index("ix_waves_status_closes", "status", "closes_at"),
    Index("ix_waves_status_opens", "status", "opens_at"),
)

pledges = Table(
    "pledges",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("max_price_cents", BigInteger, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # place in the wave's join order, taken again on a rejoin: fixes a fan-out's audience
    Column("joined_seq", Integer, nullable=True),
    Index("ix_pledges_member", "member_id"),
    Index("ix_pledges_wave_seq", "wave_id", "joined_seq"),
    Index("ix_pledges_wave_max_price", "wave_id", "max_price_cents"),  # conditional_bids
)

pledge_events = Table(
    "pledge_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=False, index=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("units_after", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

milestones = Table(
    "milestones",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True),
    Column("milestone", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("chat_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(200), nullable=False, default=""),
    Column("categories", Text, nullable=False, default="[]"),
    Column("lang", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

announcements = Table(
    "announcements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=True, index=True),
    Column("kind", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # participant deliveries still to expand (storage/tx_fanout.py): audience bound and cursor
    Column("fanout_until", Integer, nullable=True),
    Column("fanout_after", Integer, nullable=True),
    Column("fanout_pending", Boolean, nullable=False, server_default=false()),
    Index("ix_announcements_fanout_pending", "fanout_pending"),
    Index("ix_announcements_wave_kind", "wave_id", "kind"),  # review requests (migration 0014)
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("announcement_id", Integer, ForeignKey("announcements.id"), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=True),
    Column("status", String(8), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("message_id", String(64), nullable=False, default=""),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime, nullable=True),
    Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    Index("ix_deliveries_chat", "platform", "chat_id", "status"),
    # one delivery per announcement and chat: a repeated fan-out batch inserts nothing twice
    Index("uq_deliveries_announcement_chat", "announcement_id", "platform", "chat_id", unique=True),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", String(8), nullable=False),
    Column("error", Text, nullable=False, default=""),
)

follows = Table(
    "follows",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_follows_category", "category"),
)

cards = Table(
    "cards",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("message_id", String(64), nullable=False),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=False, index=True),
    Column("lang", String(8), nullable=False),
    Column("dirty", Boolean, nullable=False, default=False),
    Column("gone", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited_at", UTCDateTime, nullable=False),
    Column("revision", Integer, nullable=False, server_default="0"),
    UniqueConstraint("platform", "chat_id", "wave_id", name="uq_cards_chat_wave"),
)

processed_keys = Table(
    "processed_keys",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("answer", Text, nullable=True),  # JSON kept until the answer was sent
    Column("answered_at", UTCDateTime, nullable=True),
)

pending_actions = Table(
    "pending_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

# Direct-message channels (migration 0010): a platform's DM channel with a user, kept across
# restarts so the first private message after one needs no lookup.
dm_channels = Table(
    "dm_channels",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("channel_id", String(64), nullable=False),
)

# The other tables live in their own modules (each builds on `metadata` above); importing them
# here means whoever uses `metadata` (migrations, `wavebot db copy`, schema checks) has them all.
from storage import schema_payments, schema_people, schema_supply  # noqa: E402, F401
