"""Tables of paying at the end and after it (migrations 0004, 0012–0014): confirmation windows
and reminders, payments by provider charge id, refunds, shipping details, instructions, what
invoices ask for, and each completed wave's fulfilment. Kept apart from storage/schema.py so
neither file grows past a screenful of tables."""

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
    UniqueConstraint,
)

from storage.schema import UTCDateTime, metadata

# --- payments (migration 0004): confirmation windows and the reminders already sent ---

payment_windows = Table(
    "payment_windows",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("alerted_at", UTCDateTime, nullable=True),
)

payment_reminders = Table(
    "payment_reminders",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Column("period", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

# --- paying at the end (migration 0012): payments by provider charge id, refunds, instructions ---

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider", String(16), nullable=False),
    Column("charge_id", String(128), nullable=False),
    Column("wave_id", Integer, ForeignKey("waves.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("state", String(16), nullable=False),
    Column("counted", Boolean, nullable=False),
    Column("paid_at", UTCDateTime, nullable=False),
    Column("recorded_by", Integer, ForeignKey("members.id"), nullable=True),
    Column("voided_at", UTCDateTime, nullable=True),
    Column("voided_by", Integer, ForeignKey("members.id"), nullable=True),
    UniqueConstraint("provider", "charge_id", name="uq_payments_provider_charge"),
    Index("ix_payments_wave_member", "wave_id", "member_id"),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False, unique=True),
    Column("reason", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime, nullable=True),
    Column("done_by", Integer, ForeignKey("members.id"), nullable=True),
    Column("provider_refund_id", String(128), nullable=False, server_default=""),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=False, server_default=""),
    # migration 0017: an automatic refund in flight (sweep asked the provider) until then
    Column("claimed_until", UTCDateTime, nullable=True),
    Index("ix_refunds_state", "state"),
)

# Personal data a provider collected with a payment (name, phone, address): moderators only.
payment_shipping = Table(
    "payment_shipping",
    metadata,
    Column("payment_id", Integer, ForeignKey("payments.id"), primary_key=True),
    Column("name", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# How the community collects (manual provider): scope 0 is the community, else a wave id.
payment_instructions = Table(
    "payment_instructions",
    metadata,
    Column("scope", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
    Column("set_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

payment_needs = Table(  # what a wave's invoices ask for with the payment (migration 0013)
    "payment_needs",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True, autoincrement=False),
    Column("need_name", Boolean, nullable=False),
    Column("need_phone", Boolean, nullable=False),
    Column("need_address", Boolean, nullable=False),
    Column("set_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

fulfilments = Table(  # a completed wave's fulfilment; no row = paid, nothing sent (migration 0014)
    "fulfilments",
    metadata,
    Column("wave_id", Integer, ForeignKey("waves.id"), primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    Column("tracking", Text, nullable=False, server_default=""),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("updated_by", Integer, ForeignKey("members.id"), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_fulfilments_delivered_at", "delivered_at"),
)
