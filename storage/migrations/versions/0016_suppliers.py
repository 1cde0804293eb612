"""Suppliers and their one-time codes, offers, the creator-share ledger, the personal
newsletter's opt-outs and sends (storage/schema_supply.py).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """A foreign key named as schema.py's naming convention names it."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "suppliers",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("added_at", MOMENT, nullable=False),
        _fk("suppliers", "member_id", "members"),
        _fk("suppliers", "added_by", "members"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_suppliers")),
    )
    op.create_table(
        "supplier_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("used_at", MOMENT, nullable=True),
        _fk("supplier_codes", "created_by", "members"),
        _fk("supplier_codes", "used_by", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_supplier_codes_code_hash")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("tiers", sa.Text(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        _fk("offers", "idea_id", "ideas"),
        _fk("offers", "supplier_id", "members"),
        _fk("offers", "wave_id", "waves"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index("ix_offers_idea_status", "offers", ["idea_id", "status"])
    op.create_index("ix_offers_supplier_status", "offers", ["supplier_id", "status"])
    op.create_index("ix_offers_wave", "offers", ["wave_id"])
    op.create_table(
        "creator_credits",
        sa.Column("wave_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        _fk("creator_credits", "wave_id", "waves"),
        _fk("creator_credits", "author_id", "members"),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_creator_credits")),
    )
    op.create_index(
        op.f("ix_creator_credits_author_id"), "creator_credits", ["author_id"], unique=False
    )
    op.create_table(
        "newsletter_optouts",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        _fk("newsletter_optouts", "member_id", "members"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_newsletter_optouts")),
    )
    op.create_table(
        "newsletter_sends",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        _fk("newsletter_sends", "member_id", "members"),
        sa.PrimaryKeyConstraint("member_id", "period", name=op.f("pk_newsletter_sends")),
    )


def downgrade() -> None:
    """Revert this revision."""
    for table in ("newsletter_sends", "newsletter_optouts", "creator_credits"):
        op.drop_table(table)
    op.drop_index("ix_offers_wave", table_name="offers")
    op.drop_index("ix_offers_supplier_status", table_name="offers")
    op.drop_index("ix_offers_idea_status", table_name="offers")
    for table in ("offers", "supplier_codes", "suppliers"):
        op.drop_table(table)
