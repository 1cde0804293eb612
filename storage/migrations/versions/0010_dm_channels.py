"""A platform's DM channel with a user is kept, so the first private message after a restart
goes straight to it (Discord: no 404 on the user id, no extra channel lookup).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "dm_channels",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id", name=op.f("pk_dm_channels")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("dm_channels")
