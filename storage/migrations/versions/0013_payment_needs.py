"""What a wave's invoices ask the payer for with the payment (name, phone, address), set by
moderators per wave with /shipping.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "payment_needs",
        sa.Column("wave_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("need_name", sa.Boolean(), nullable=False),
        sa.Column("need_phone", sa.Boolean(), nullable=False),
        sa.Column("need_address", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by"], ["members.id"], name=op.f("fk_payment_needs_set_by_members")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_payment_needs_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_payment_needs")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("payment_needs")
