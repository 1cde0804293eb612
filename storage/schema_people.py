"""Tables of members talking to each other and to the bot across platforms (migrations 0004,
0005): questions, answers, reviews and the helpers' opt-in; one-time link codes, their
redemption attempts and the audited merges of two accounts into one member."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.schema import UTCDateTime, metadata

# Talk and stats (migration 0005): questions, answers, reviews and the helpers' opt-in.
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_questions_wave_member", "wave_id", "member_id"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question_id", Integer, ForeignKey("questions.id"), nullable=False, index=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("question_id", "member_id", name="uq_answers_question_member"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("rating", Integer, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

helpers = Table(
    "helpers",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# --- identity (migration 0004): one-time link codes, redemption attempts, audited merges ---

link_codes = Table(
    "link_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False, index=True),
    Column("account", String(80), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("used_by", String(80), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
)

link_attempts = Table(
    "link_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(80), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_link_attempts_account_kind_at", "account", "kind", "at"),
)

member_merges = Table(
    "member_merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kept_member_id", Integer, ForeignKey("members.id"), nullable=False, index=True),
    Column("merged_member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("by_account", String(80), nullable=False),
    Column("details", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
