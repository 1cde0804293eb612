"""Fulfilment of a completed wave: shipped (with a tracking text) and delivered, each with its
moment and the moderator who marked it. No row: paid, nothing sent yet. An index lets the review
sweep find a member's review request on a wave without scanning the wave's announcements.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "fulfilments",
        sa.Column("wave_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tracking", sa.Text(), server_default="", nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["members.id"], name=op.f("fk_fulfilments_updated_by_members")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_fulfilments_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_fulfilments")),
    )
    op.create_index("ix_fulfilments_delivered_at", "fulfilments", ["delivered_at"], unique=False)
    # the review sweep asks "was this member asked about this wave?" once per paid member
    op.create_index("ix_announcements_wave_kind", "announcements", ["wave_id", "kind"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_announcements_wave_kind", table_name="announcements")
    op.drop_index("ix_fulfilments_delivered_at", table_name="fulfilments")
    op.drop_table("fulfilments")
