"""Participant deliveries are expanded after the crossing commit, in batches: the announcement
keeps its audience bound and the expansion cursor, a pledge its place in the wave's join order,
and a delivery is unique per announcement and chat (a repeated batch inserts nothing twice); the
conditional pledges of a wave are found by index, so a crossing reads only those.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("pledges") as batch:
        batch.add_column(sa.Column("joined_seq", sa.Integer(), nullable=True))
        batch.create_index("ix_pledges_wave_seq", ["wave_id", "joined_seq"])
        batch.create_index("ix_pledges_wave_max_price", ["wave_id", "max_price_cents"])
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("fanout_until", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("fanout_after", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("fanout_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_announcements_fanout_pending", ["fanout_pending"])
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_announcement_id")
        batch.create_index(
            "uq_deliveries_announcement_chat",
            ["announcement_id", "platform", "chat_id"],
            unique=True,
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("uq_deliveries_announcement_chat")
        batch.create_index("ix_deliveries_announcement_id", ["announcement_id"])
    with op.batch_alter_table("announcements") as batch:
        batch.drop_index("ix_announcements_fanout_pending")
        batch.drop_column("fanout_pending")
        batch.drop_column("fanout_after")
        batch.drop_column("fanout_until")
    with op.batch_alter_table("pledges") as batch:
        batch.drop_index("ix_pledges_wave_max_price")
        batch.drop_index("ix_pledges_wave_seq")
        batch.drop_column("joined_seq")
