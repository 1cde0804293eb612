"""core.checkout_ports.PaymentNeedsStore over SQL: what each wave's invoices ask for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.checkout_ports import PaymentNeeds
from storage.schema_payments import payment_needs
from storage.sql_base import TxBase


class CheckoutMixin(TxBase):
    """core.checkout_ports.PaymentNeedsStore over SQL."""

    async def payment_needs(self, wave_id: int) -> PaymentNeeds | None:
        """The wave's setting, or None when moderators never set one."""
        stmt = select(payment_needs).where(payment_needs.c.wave_id == wave_id)
        row = (await self._exec(stmt)).first()
        if row is None:
            return None
        return PaymentNeeds(bool(row.need_name), bool(row.need_phone), bool(row.need_address))

    async def set_payment_needs(
        self, wave_id: int, needs: PaymentNeeds, by: int, now: datetime
    ) -> None:
        """Replace the wave's setting."""
        values = {"wave_id": wave_id, "need_name": needs.name, "need_phone": needs.phone,
                  "need_address": needs.address, "set_by": by, "set_at": now}  # fmt: skip
        await self._upsert(payment_needs, values, ["wave_id"], list(values)[1:])
