"""Tables of the supplier side (migration 0015): supplier accounts and their one-time codes,
offers, the creator-share ledger and the personal newsletter's opt-outs and sends."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from storage.schema import UTCDateTime, metadata

suppliers = Table(
    "suppliers",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True, autoincrement=False),
    Column("added_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)

supplier_codes = Table(
    "supplier_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_by", Integer, ForeignKey("members.id"), nullable=True),
    Column("used_at", UTCDateTime, nullable=True),
)

offers = Table(
    "offers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idea_id", Integer, ForeignKey("ideas.id"), nullable=False),
    Column("supplier_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("tiers", Text, nullable=False),
    Column("moq", Integer, nullable=True),
    Column("capacity", Integer, nullable=True),
    Column("lead_days", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_offers_idea_status", "idea_id", "status"),
    Index("ix_offers_supplier_status", "supplier_id", "status"),
    Index("ix_offers_wave", "wave_id"),
)

creator_credits = Table(  # one row per completed wave: the ledger is idempotent by its key
    "creator_credits",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True, autoincrement=False),
    Column("author_id", Integer, ForeignKey("members.id"), nullable=False, index=True),
    Column("revenue_cents", BigInteger, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("share_percent", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

newsletter_optouts = Table(
    "newsletter_optouts",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
)

newsletter_sends = Table(  # one row per member and period: a restart never sends twice
    "newsletter_sends",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True, autoincrement=False),
    Column("period", Integer, primary_key=True, autoincrement=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("delivered", Boolean, nullable=False),
)
