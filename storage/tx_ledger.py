"""core.payment_ports.PaymentLedger over SQL: payments by charge id, refunds, instructions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, null, or_, select, true, update

from core.payment_records import (
    PaidTally,
    Payment,
    PaymentReceipt,
    PaymentState,
    Refund,
    RefundReason,
    RefundState,
    ShippingDetails,
)
from storage.schema_payments import payment_instructions, payment_shipping, payments, refunds
from storage.sql_base import TxBase

PAID = PaymentState.PAID.value
_REFUND_COLUMNS = (
    refunds,
    payments.c.wave_id,
    payments.c.member_id,
    payments.c.amount_cents,
    payments.c.currency,
    payments.c.provider,
)


def _unclaimed(now: datetime) -> ColumnElement[bool]:
    """No sweep holds the refund: never claimed, or its lease ran out (that sweep died)."""
    return or_(refunds.c.claimed_until.is_(None), refunds.c.claimed_until <= now)


def _payment_from_row(row: Any) -> Payment:
    """Build the core's record from a payments row."""
    return Payment(
        id=row.id, provider=row.provider, charge_id=row.charge_id, wave_id=row.wave_id,
        member_id=row.member_id, quantity=row.quantity, amount_cents=int(row.amount_cents),
        currency=row.currency, state=PaymentState(row.state), paid_at=row.paid_at,
        counted=bool(row.counted), recorded_by=row.recorded_by,
    )  # fmt: skip


def _refund_from_row(row: Any) -> Refund:
    """Build the core's record from a refunds row joined to its payment."""
    return Refund(
        id=row.id, payment_id=row.payment_id, wave_id=row.wave_id, member_id=row.member_id,
        amount_cents=int(row.amount_cents), currency=row.currency, provider=row.provider,
        reason=RefundReason(row.reason), state=RefundState(row.state), created_at=row.created_at,
        done_at=row.done_at, done_by=row.done_by, provider_refund_id=row.provider_refund_id,
        attempts=int(row.attempts), error=row.error, claimed_until=row.claimed_until,
    )  # fmt: skip


class LedgerMixin(TxBase):
    """core.payment_ports.PaymentLedger over SQL."""

    async def record_payment(
        self, receipt: PaymentReceipt, quantity: int, counted: bool
    ) -> tuple[Payment, bool]:
        """Record a payment once per (provider, charge id); (the payment, whether it is new)."""
        values = {
            "provider": receipt.provider, "charge_id": receipt.charge_id,
            "wave_id": receipt.wave_id, "member_id": receipt.member_id, "quantity": quantity,
            "amount_cents": receipt.amount_cents, "currency": receipt.currency, "state": PAID,
            "counted": counted, "paid_at": receipt.paid_at, "recorded_by": receipt.recorded_by,
        }  # fmt: skip
        created = await self._insert_ignore(payments, values)
        found = await self.payment_by_charge(receipt.provider, receipt.charge_id)
        if found is None:
            raise RuntimeError("a payment just recorded cannot be read back")
        return found, created

    async def payment_by_charge(self, provider: str, charge_id: str) -> Payment | None:
        """The payment a provider's charge id names, if recorded."""
        stmt = select(payments).where(
            payments.c.provider == provider, payments.c.charge_id == charge_id
        )
        row = (await self._exec(stmt)).first()
        return _payment_from_row(row) if row else None

    async def get_payment(self, payment_id: int) -> Payment | None:
        """One payment by its id."""
        row = (await self._exec(select(payments).where(payments.c.id == payment_id))).first()
        return _payment_from_row(row) if row else None

    async def live_payments(self, wave_id: int, member_id: int | None = None) -> list[Payment]:
        """Payments of a wave (or of one member in it) neither voided nor refunded, oldest first."""
        stmt = select(payments).where(payments.c.wave_id == wave_id, payments.c.state == PAID)
        if member_id is not None:
            stmt = stmt.where(payments.c.member_id == member_id)
        return [_payment_from_row(row) for row in await self._exec(stmt.order_by(payments.c.id))]

    async def count_payments(self, wave_id: int, member_id: int, provider: str) -> int:
        """How many payments (any state) this member has through this provider for the wave."""
        stmt = select(func.count()).where(
            payments.c.wave_id == wave_id,
            payments.c.member_id == member_id,
            payments.c.provider == provider,
        )
        return int((await self._exec(stmt)).scalar_one())

    async def void_payment(self, payment_id: int, by: int, now: datetime) -> bool:
        """Take back a live payment mark; False when it was no longer live."""
        stmt = (
            update(payments)
            .where(payments.c.id == payment_id, payments.c.state == PAID)
            .values(state=PaymentState.VOIDED.value, voided_at=now, voided_by=by)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def paid_tally(self, wave_id: int) -> PaidTally:
        """Payers and units of a wave's live payments that count toward its outcome."""
        stmt = select(
            func.count(func.distinct(payments.c.member_id)).label("payers"),
            func.coalesce(func.sum(payments.c.quantity), 0).label("units"),
        ).where(payments.c.wave_id == wave_id, payments.c.state == PAID, payments.c.counted)
        row = (await self._exec(stmt)).one()
        return PaidTally(int(row.payers), int(row.units))

    async def uncount_payment(self, payment_id: int) -> None:
        """A payment stops counting toward its wave (a duplicate found after a merge)."""
        await self._exec(update(payments).where(payments.c.id == payment_id).values(counted=False))

    async def save_shipping(self, payment_id: int, details: ShippingDetails, now: datetime) -> None:
        """Keep what the provider collected with a payment (once; a replay changes nothing)."""
        values = {"payment_id": payment_id, "name": details.name, "phone": details.phone,
                  "address": details.address, "recorded_at": now}  # fmt: skip
        await self._insert_ignore(payment_shipping, values)

    async def add_refund(
        self, payment_id: int, reason: RefundReason, now: datetime
    ) -> Refund | None:
        """Owe a payment back, once per payment; None when a refund was already recorded."""
        values = {"payment_id": payment_id, "reason": reason.value,
                  "state": RefundState.DUE.value, "created_at": now}  # fmt: skip
        if not await self._insert_ignore(refunds, values):
            return None
        return await self.refund_of(payment_id)

    async def list_refunds(
        self,
        state: RefundState,
        wave_id: int | None = None,
        limit: int = 50,
        providers: Sequence[str] | None = None,
        free_at: datetime | None = None,
        fewest_attempts_first: bool = False,
    ) -> list[Refund]:
        """Refunds in a state (of one wave, or all; through these providers, or any; only those
        no sweep holds at `free_at`, if given), oldest first; with `fewest_attempts_first`, the
        least tried first (a sweep's batch: a batch of refunds that keep failing never holds
        back the ones not tried yet)."""
        stmt = (
            select(*_REFUND_COLUMNS)
            .join(payments, payments.c.id == refunds.c.payment_id)
            .where(refunds.c.state == state.value)
        )
        if wave_id is not None:
            stmt = stmt.where(payments.c.wave_id == wave_id)
        if providers is not None:
            stmt = stmt.where(payments.c.provider.in_(list(providers)))
        if free_at is not None:
            stmt = stmt.where(_unclaimed(free_at))
        order = (refunds.c.attempts, refunds.c.id) if fewest_attempts_first else (refunds.c.id,)
        stmt = stmt.order_by(*order).limit(limit)
        return [_refund_from_row(row) for row in await self._exec(stmt)]

    async def refund_of(self, payment_id: int) -> Refund | None:
        """The refund owed for a payment, if any."""
        stmt = (
            select(*_REFUND_COLUMNS)
            .join(payments, payments.c.id == refunds.c.payment_id)
            .where(refunds.c.payment_id == payment_id)
        )
        row = (await self._exec(stmt)).first()
        return _refund_from_row(row) if row else None

    async def finish_refund(
        self,
        refund_id: int,
        now: datetime,
        by: int | None,
        provider_refund_id: str = "",
        free_at: datetime | None = None,
    ) -> bool:
        """Mark a due refund done and its payment refunded; False when it was already done, or
        (given `free_at`: a moderator's mark) a sweep holds it. The condition is in the UPDATE,
        so a claim committed after the caller read the refund still wins (READ COMMITTED)."""
        stmt = (
            update(refunds)
            .where(refunds.c.id == refund_id, refunds.c.state == RefundState.DUE.value)
            .values(
                state=RefundState.DONE.value,
                done_at=now,
                done_by=by,
                provider_refund_id=provider_refund_id,
                claimed_until=None,
            )
        )
        if free_at is not None:
            stmt = stmt.where(_unclaimed(free_at))
        if (await self._exec(stmt)).rowcount == 0:
            return False
        paid = select(refunds.c.payment_id).where(refunds.c.id == refund_id).scalar_subquery()
        await self._exec(
            update(payments).where(payments.c.id == paid).values(state=PaymentState.REFUNDED.value)
        )
        return True

    async def claim_refund(self, refund_id: int, now: datetime, until: datetime) -> bool:
        """Hold a due refund for one sweep until `until`, before the provider is asked; False
        when it is done or another sweep holds it. One conditional UPDATE: on PostgreSQL a
        concurrent claim waits for this row's lock, then finds it claimed (READ COMMITTED)."""
        stmt = (
            update(refunds)
            .where(
                refunds.c.id == refund_id,
                refunds.c.state == RefundState.DUE.value,
                _unclaimed(now),
            )
            .values(claimed_until=until)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def note_refund_error(
        self, refund_id: int, error: str, claimed_until: datetime | None = None
    ) -> None:
        """Count a failed automatic attempt, keep its reason for the moderators, and release
        the claim that attempt held (`claimed_until`, its mark; None: whatever claim there is).
        A claim another sweep took since, once this one ran out, stays."""
        ours = refunds.c.claimed_until == claimed_until if claimed_until is not None else true()
        stmt = (
            update(refunds)
            .where(refunds.c.id == refund_id)
            .values(
                attempts=refunds.c.attempts + 1,
                error=error[:500],
                claimed_until=case((ours, null()), else_=refunds.c.claimed_until),
            )
        )
        await self._exec(stmt)

    async def payment_instructions(self, scope: int) -> str | None:
        """How the community (scope 0) or a wave collects, as a moderator wrote it."""
        stmt = select(payment_instructions.c.text).where(payment_instructions.c.scope == scope)
        return (await self._exec(stmt)).scalar_one_or_none()

    async def set_payment_instructions(self, scope: int, text: str, by: int, now: datetime) -> None:
        """Write (or replace) the collection instructions of a scope."""
        values = {"scope": scope, "text": text, "set_by": by, "set_at": now}
        await self._upsert(payment_instructions, values, ["scope"], ["text", "set_by", "set_at"])
