"""Pledges, their event log and the once-ever milestones of a wave."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update

from core.model import Pledge, PledgeStatus, Wave
from core.tiers import Bid
from storage.schema import milestones, pledge_events, pledges, waves
from storage.sql_base import TxBase, chunks
from storage.tx_waves import wave_from_row

PLEDGE_COLUMNS = ("quantity", "max_price_cents", "status", "created_at", "updated_at")


def pledge_from_row(row: Any, prefix: str = "") -> Pledge:
    """Build the domain record from a pledges row (or its prefixed columns in a join)."""
    return Pledge(
        wave_id=getattr(row, prefix + "wave_id"),
        member_id=getattr(row, prefix + "member_id"),
        quantity=getattr(row, prefix + "quantity"),
        max_price_cents=getattr(row, prefix + "max_price_cents"),
        status=PledgeStatus(getattr(row, prefix + "status")),
        created_at=getattr(row, prefix + "created_at"),
        updated_at=getattr(row, prefix + "updated_at"),
    )


def keep_join_place(fresh: Any) -> Any:
    """An active pledge keeps its place in the join order; one that (re)becomes active, or is
    withdrawn, takes the fresh one (so a rejoin counts as joining anew for a fan-out audience)."""
    active = pledges.c.status == PledgeStatus.ACTIVE.value
    return case((active, pledges.c.joined_seq), else_=fresh)


class PledgeMixin(TxBase):
    """The pledge and milestone half of core.ports.WaveStore over SQL."""

    async def get_pledge(self, wave_id: int, member_id: int) -> Pledge | None:
        """The member's pledge on a wave, whatever its status."""
        stmt = select(pledges).where(pledges.c.wave_id == wave_id, pledges.c.member_id == member_id)
        row = (await self._exec(stmt)).first()
        return pledge_from_row(row) if row else None

    async def save_pledge(self, pledge: Pledge) -> None:
        """Create or replace the member's one pledge on the wave."""
        next_seq = (
            select(func.coalesce(func.max(pledges.c.joined_seq), 0) + 1)
            .where(pledges.c.wave_id == pledge.wave_id)
            .scalar_subquery()
        )
        stmt = self._insert(pledges).values(
            wave_id=pledge.wave_id,
            member_id=pledge.member_id,
            quantity=pledge.quantity,
            max_price_cents=pledge.max_price_cents,
            status=pledge.status.value,
            created_at=pledge.created_at,
            updated_at=pledge.updated_at,
            joined_seq=next_seq,
        )
        changed = {name: stmt.excluded[name] for name in PLEDGE_COLUMNS}
        changed["joined_seq"] = keep_join_place(stmt.excluded.joined_seq)
        stmt = stmt.on_conflict_do_update(index_elements=["wave_id", "member_id"], set_=changed)
        await self._exec(stmt)

    async def active_bids(self, wave_id: int) -> list[Bid]:
        """What clearing needs of every active pledge."""
        stmt = (
            select(pledges.c.member_id, pledges.c.quantity, pledges.c.max_price_cents)
            .where(pledges.c.wave_id == wave_id, pledges.c.status == PledgeStatus.ACTIVE.value)
            .order_by(pledges.c.member_id)
        )
        return [
            Bid(row.member_id, row.quantity, row.max_price_cents) for row in await self._exec(stmt)
        ]

    async def conditional_bids(self, wave_id: int) -> list[Bid]:
        """The active pledges with a maximum price (an index walk: usually few of a wave's)."""
        stmt = select(pledges.c.member_id, pledges.c.quantity, pledges.c.max_price_cents).where(
            pledges.c.wave_id == wave_id,
            pledges.c.max_price_cents.is_not(None),
            pledges.c.status == PledgeStatus.ACTIVE.value,
        )  # no ORDER BY: SQLite would walk the primary key (every pledge) to give that order
        found = [
            Bid(row.member_id, row.quantity, row.max_price_cents) for row in await self._exec(stmt)
        ]
        return sorted(found, key=lambda bid: bid.member_id)

    async def set_pledge_status(
        self, wave_id: int, member_ids: Sequence[int], status: PledgeStatus, now: datetime
    ) -> None:
        """Move these members' pledges on the wave to a new status."""
        for part in chunks(list(member_ids)):
            stmt = (
                update(pledges)
                .where(pledges.c.wave_id == wave_id, pledges.c.member_id.in_(part))
                .values(status=status.value, updated_at=now)
            )
            await self._exec(stmt)

    async def pledges_of_member(self, member_id: int) -> list[tuple[Pledge, Wave]]:
        """The member's pledges with their waves, newest first, withdrawn ones left out."""
        names = ("wave_id", "member_id", *PLEDGE_COLUMNS)
        prefixed = [pledges.c[name].label("p_" + name) for name in names]
        stmt = (
            select(waves, *prefixed)
            .join(pledges, pledges.c.wave_id == waves.c.id)
            .where(
                pledges.c.member_id == member_id,
                pledges.c.status != PledgeStatus.WITHDRAWN.value,
            )
            .order_by(pledges.c.created_at.desc(), pledges.c.wave_id.desc())
        )
        return [(pledge_from_row(row, "p_"), wave_from_row(row)) for row in await self._exec(stmt)]

    async def record_pledge_event(
        self, wave_id: int, member_id: int, kind: str, quantity: int, units: int, now: datetime
    ) -> None:
        """Append to the pledge log (the source for funnels and abandonment rates)."""
        stmt = insert(pledge_events).values(
            wave_id=wave_id,
            member_id=member_id,
            kind=kind,
            quantity=quantity,
            units_after=units,
            at=now,
        )
        await self._exec(stmt)

    async def announced_milestones(self, wave_id: int) -> set[int]:
        """Milestones already announced for the wave, ever."""
        stmt = select(milestones.c.milestone).where(milestones.c.wave_id == wave_id)
        return {int(m) for m in (await self._exec(stmt)).scalars()}

    async def mark_milestone(self, wave_id: int, milestone: int, now: datetime) -> None:
        """Record a milestone as announced; a second mark is a no-op."""
        values = {"wave_id": wave_id, "milestone": milestone, "at": now}
        await self._insert_ignore(milestones, values)
