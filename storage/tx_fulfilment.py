"""core.fulfilment_ports.FulfilmentStore over SQL: a wave's fulfilment, its paid members and the
supplier's order (paid units with the shipping details providers collected)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from core.fulfilment_ports import Fulfilment, FulfilmentStatus, OrderLine
from core.model import Target
from core.payment_records import PaymentState
from storage.schema import members
from storage.schema_payments import fulfilments, payment_shipping, payments
from storage.sql_base import TxBase
from storage.tx_members import FIRST_ACCOUNT, private_targets

PAID = PaymentState.PAID.value


def _counted(wave_id: int) -> ColumnElement[bool]:
    """Live payments that count toward the wave."""
    return and_(
        payments.c.wave_id == wave_id, payments.c.state == PAID, payments.c.counted.is_(True)
    )


class FulfilmentMixin(TxBase):
    """core.fulfilment_ports.FulfilmentStore over SQL."""

    async def fulfilment(self, wave_id: int) -> Fulfilment:
        """The wave's fulfilment; PAID (nothing sent) when never marked."""
        stmt = select(fulfilments).where(fulfilments.c.wave_id == wave_id)
        row = (await self._exec(stmt)).first()
        if row is None:
            return Fulfilment(wave_id)
        return Fulfilment(wave_id, FulfilmentStatus(row.status), row.tracking, row.shipped_at,
                          row.delivered_at)  # fmt: skip

    async def save_fulfilment(self, state: Fulfilment, by: int, now: datetime) -> None:
        """Replace the wave's fulfilment state."""
        values = {"wave_id": state.wave_id, "status": state.status.value,
                  "tracking": state.tracking, "shipped_at": state.shipped_at,
                  "delivered_at": state.delivered_at, "updated_by": by,
                  "updated_at": now}  # fmt: skip
        await self._upsert(fulfilments, values, ["wave_id"], list(values)[1:])

    async def paid_targets(self, wave_id: int) -> list[Target]:
        """Each member with a counted live payment in the wave, in private, once."""
        paid = select(payments.c.member_id).where(_counted(wave_id)).distinct()
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .where(members.c.id.in_(paid.scalar_subquery()))
            .order_by(members.c.id)
        )
        return private_targets(await self._exec(stmt))

    async def order_lines(self, wave_id: int) -> list[OrderLine]:
        """Paid units and amount per member, with the newest shipping details collected."""
        stmt = (
            select(
                payments.c.member_id,
                members.c.display_name,
                func.sum(payments.c.quantity).label("quantity"),
                func.sum(payments.c.amount_cents).label("amount"),
            )
            .join(members, members.c.id == payments.c.member_id)
            .where(_counted(wave_id))
            .group_by(payments.c.member_id, members.c.display_name)
            .order_by(payments.c.member_id)
        )
        rows = list(await self._exec(stmt))
        details = await self._shipping_of({int(row.member_id) for row in rows}, wave_id)
        lines = []
        for row in rows:
            name, phone, address = details.get(int(row.member_id), ("", "", ""))
            lines.append(OrderLine(int(row.member_id), row.display_name, int(row.quantity),
                                   int(row.amount), name, phone, address))  # fmt: skip
        return lines

    async def _shipping_of(
        self, member_ids: set[int], wave_id: int
    ) -> dict[int, tuple[str, str, str]]:
        """The latest shipping details each member gave with a payment of the wave."""
        stmt = (
            select(payments.c.member_id, payment_shipping.c.name, payment_shipping.c.phone,
                   payment_shipping.c.address)
            .join(payment_shipping, payment_shipping.c.payment_id == payments.c.id)
            .where(payments.c.wave_id == wave_id, payments.c.state == PAID)
            .order_by(payments.c.id)
        )  # fmt: skip
        found: dict[int, tuple[str, str, str]] = {}
        for row in await self._exec(stmt):
            if int(row.member_id) in member_ids:
                found[int(row.member_id)] = (row.name, row.phone, row.address)
        return found
