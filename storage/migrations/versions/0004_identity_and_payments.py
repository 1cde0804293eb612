"""Account links (codes, attempts, audited merges) and pay-at-end windows and reminders.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=80), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_link_codes_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_link_codes_code_hash")),
    )
    op.create_index(op.f("ix_link_codes_member_id"), "link_codes", ["member_id"], unique=False)
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_attempts")),
    )
    op.create_index(
        "ix_link_attempts_account_kind_at",
        "link_attempts",
        ["account", "kind", "at"],
        unique=False,
    )
    op.create_table(
        "member_merges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kept_member_id", sa.Integer(), nullable=False),
        sa.Column("merged_member_id", sa.Integer(), nullable=False),
        sa.Column("by_account", sa.String(length=80), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_member_id"], ["members.id"], name=op.f("fk_member_merges_kept_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["merged_member_id"],
            ["members.id"],
            name=op.f("fk_member_merges_merged_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_merges")),
    )
    op.create_index(
        op.f("ix_member_merges_kept_member_id"), "member_merges", ["kept_member_id"], unique=False
    )
    op.create_table(
        "payment_windows",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_payment_windows_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_payment_windows")),
    )
    op.create_table(
        "payment_reminders",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payment_reminders_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_payment_reminders_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint(
            "wave_id", "member_id", "period", name=op.f("pk_payment_reminders")
        ),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("payment_reminders")
    op.drop_table("payment_windows")
    op.drop_index(op.f("ix_member_merges_kept_member_id"), table_name="member_merges")
    op.drop_table("member_merges")
    op.drop_index("ix_link_attempts_account_kind_at", table_name="link_attempts")
    op.drop_table("link_attempts")
    op.drop_index(op.f("ix_link_codes_member_id"), table_name="link_codes")
    op.drop_table("link_codes")
