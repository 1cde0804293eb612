"""core.ports.PaymentStore over SQL: confirmation windows, reminder rows, tallies and rates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from core.model import PaymentWindow, PledgeStatus, Target
from storage.schema import members, modchats, pledges, waves
from storage.schema_payments import payment_reminders, payment_windows
from storage.sql_base import TxBase, chunks
from storage.tx_members import FIRST_ACCOUNT, private_targets

AWAITING = PledgeStatus.AWAITING.value
DECIDED = (PledgeStatus.CONFIRMED.value, PledgeStatus.ABANDONED.value)


def _window_from_row(row: Any) -> PaymentWindow:
    """Build the core's record from a payment_windows row."""
    return PaymentWindow(row.wave_id, row.opened_at, row.due_at, row.completed_at, row.alerted_at)


class PaymentMixin(TxBase):
    """core.ports.PaymentStore over SQL."""

    async def open_payment_window(
        self, wave_id: int, opened_at: datetime, due_at: datetime
    ) -> None:
        """Start a wave's confirmation period (once; a second call changes nothing)."""
        values = {"wave_id": wave_id, "opened_at": opened_at, "due_at": due_at}
        await self._insert_ignore(payment_windows, values)

    async def payment_window(self, wave_id: int) -> PaymentWindow | None:
        """A wave's confirmation period, if it has one."""
        stmt = select(payment_windows).where(payment_windows.c.wave_id == wave_id)
        row = (await self._exec(stmt)).first()
        return _window_from_row(row) if row else None

    async def open_payment_windows(self) -> list[PaymentWindow]:
        """Periods not completed yet, soonest due first."""
        stmt = (
            select(payment_windows)
            .where(payment_windows.c.completed_at.is_(None))
            .order_by(payment_windows.c.due_at, payment_windows.c.wave_id)
        )
        return [_window_from_row(row) for row in await self._exec(stmt)]

    async def close_payment_window(self, wave_id: int, now: datetime) -> None:
        """The period is over: nothing more to remind or abandon."""
        stmt = (
            update(payment_windows)
            .where(payment_windows.c.wave_id == wave_id)
            .values(completed_at=now)
        )
        await self._exec(stmt)

    async def awaiting_members(self, wave_id: int) -> list[int]:
        """Members who still have to confirm or withdraw."""
        stmt = (
            select(pledges.c.member_id)
            .where(pledges.c.wave_id == wave_id, pledges.c.status == AWAITING)
            .order_by(pledges.c.member_id)
        )
        return [int(member_id) for member_id in (await self._exec(stmt)).scalars()]

    async def awaiting_targets(
        self, wave_id: int, unreminded_round: int | None = None
    ) -> list[Target]:
        """One private target per undecided pledger (money matters: no opt-out filter).

        With a round, those already reminded in that round are left out.
        """
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(pledges, pledges.c.member_id == members.c.id)
            .where(pledges.c.wave_id == wave_id, pledges.c.status == AWAITING)
            .order_by(pledges.c.created_at, pledges.c.member_id)
        )
        if unreminded_round is not None:
            done = (
                select(payment_reminders.c.member_id)
                .where(
                    payment_reminders.c.wave_id == wave_id,
                    payment_reminders.c.member_id == members.c.id,
                    payment_reminders.c.period == unreminded_round,
                )
                .exists()
            )
            stmt = stmt.where(~done)
        return private_targets(await self._exec(stmt))

    async def mark_reminded(
        self, wave_id: int, member_ids: Sequence[int], period: int, now: datetime
    ) -> None:
        """Remember who got this period's reminder; a second mark is a no-op."""
        for part in chunks(list(member_ids)):
            rows = [
                {"wave_id": wave_id, "member_id": member_id, "period": period, "at": now}
                for member_id in part
            ]
            stmt = self._insert(payment_reminders).values(rows).on_conflict_do_nothing()
            await self._exec(stmt)

    async def pledge_tally(self, wave_id: int) -> dict[PledgeStatus, tuple[int, int]]:
        """Pledgers and units per pledge status of a wave."""
        stmt = (
            select(
                pledges.c.status,
                func.count().label("n"),
                func.coalesce(func.sum(pledges.c.quantity), 0).label("units"),
            )
            .where(pledges.c.wave_id == wave_id)
            .group_by(pledges.c.status)
        )
        return {
            PledgeStatus(row.status): (int(row.n), int(row.units)) for row in await self._exec(stmt)
        }

    async def category_decisions(self, category: str) -> tuple[int, int]:
        """(abandoned, decided) pledges over every wave of the category."""
        stmt = (
            select(pledges.c.status, func.count().label("n"))
            .join(waves, waves.c.id == pledges.c.wave_id)
            .where(waves.c.category == category, pledges.c.status.in_(DECIDED))
            .group_by(pledges.c.status)
        )
        counts = {str(row.status): int(row.n) for row in await self._exec(stmt)}
        return counts.get(PledgeStatus.ABANDONED.value, 0), sum(counts.values())

    async def pledger_targets(self, wave_id: int, status: PledgeStatus) -> list[Target]:
        """One private target per pledger in this status (money matters: no opt-out filter)."""
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(pledges, pledges.c.member_id == members.c.id)
            .where(pledges.c.wave_id == wave_id, pledges.c.status == status.value)
            .order_by(pledges.c.created_at, pledges.c.member_id)
        )
        return private_targets(await self._exec(stmt))

    async def mark_payment_alerted(self, wave_id: int, now: datetime) -> bool:
        """Stamp the moderators' shortfall alert; False when it was already sent."""
        stmt = (
            update(payment_windows)
            .where(payment_windows.c.wave_id == wave_id, payment_windows.c.alerted_at.is_(None))
            .values(alerted_at=now)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def moderator_targets(self, lang: str) -> list[Target]:
        """The registered moderation chats, as targets rendered in the given language."""
        stmt = select(modchats.c.platform, modchats.c.chat_id).order_by(
            modchats.c.at, modchats.c.platform, modchats.c.chat_id
        )
        return [Target(row.platform, row.chat_id, lang) for row in await self._exec(stmt)]
