"""Issue 11: banned members, news opt-out, idea tags and photos, relaunches, moderator alerts,
and pending actions that a confirmation button completes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("banned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("notify_news", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(sa.Column("tags", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("photo", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("waves") as batch:
        batch.add_column(sa.Column("photo", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("relaunched_from", sa.Integer(), nullable=True))
    with op.batch_alter_table("payment_windows") as batch:
        batch.add_column(sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "pending_actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("pending_actions")
    with op.batch_alter_table("payment_windows") as batch:
        batch.drop_column("alerted_at")
    with op.batch_alter_table("waves") as batch:
        batch.drop_column("relaunched_from")
        batch.drop_column("photo")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("photo")
        batch.drop_column("tags")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("notify_news")
        batch.drop_column("banned_at")
