"""core.ports.StatsStore over SQL: read models for /stats and /export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, case, func, select

from core.model import CategoryStats, ExportRow, Funnel, IdeaStatus, PledgeStatus, WaveStatus
from storage.schema import ideas, members, pledge_events, pledges, waves
from storage.sql_base import TxBase

# Rows decoded per step of a long read: each step hands the loop back (a fetch on the driver's
# thread), so a 20,000-row export never holds the event loop for more than a few milliseconds.
PARTITION = 128
T = TypeVar("T")
SUCCEEDED = (WaveStatus.SUCCEEDED.value, WaveStatus.COMPLETED.value)
DECIDED = (*SUCCEEDED, WaveStatus.FAILED.value)
APPROVED = (IdeaStatus.APPROVED.value, IdeaStatus.LAUNCHED.value)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), portable."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class StatsMixin(TxBase):
    """core.ports.StatsStore over SQL."""

    async def funnel(self) -> Funnel:
        """Ideas proposed and approved (ever: approved or launched since), waves launched,
        succeeded (succeeded or completed) and completed."""
        idea_stmt = select(
            func.count().label("proposed"),
            _count_if(ideas.c.status.in_(APPROVED)).label("approved"),
        ).select_from(ideas)
        wave_stmt = select(
            func.count().label("launched"),
            _count_if(waves.c.status.in_(SUCCEEDED)).label("succeeded"),
            _count_if(waves.c.status == WaveStatus.COMPLETED.value).label("completed"),
        ).select_from(waves)
        idea_row = (await self._exec(idea_stmt)).one()
        wave_row = (await self._exec(wave_stmt)).one()
        return Funnel(
            proposed=int(idea_row.proposed),
            approved=int(idea_row.approved),
            launched=int(wave_row.launched),
            succeeded=int(wave_row.succeeded),
            completed=int(wave_row.completed),
        )

    async def category_stats(self) -> list[CategoryStats]:
        """Per category: waves, decided and succeeded waves, and the confirmed and abandoned
        pledges of its succeeded waves (the pay-at-end abandonment)."""
        wave_stmt = (
            select(
                waves.c.category,
                func.count().label("waves"),
                _count_if(waves.c.status.in_(DECIDED)).label("decided"),
                _count_if(waves.c.status.in_(SUCCEEDED)).label("succeeded"),
            )
            .group_by(waves.c.category)
            .order_by(waves.c.category)
        )
        pledge_stmt = (
            select(
                waves.c.category,
                _count_if(pledges.c.status == PledgeStatus.CONFIRMED.value).label("confirmed"),
                _count_if(pledges.c.status == PledgeStatus.ABANDONED.value).label("abandoned"),
            )
            .select_from(pledges.join(waves, waves.c.id == pledges.c.wave_id))
            .where(waves.c.status.in_(SUCCEEDED))
            .group_by(waves.c.category)
        )
        settled = {
            row.category: (int(row.confirmed), int(row.abandoned))
            for row in await self._exec(pledge_stmt)
        }
        return [
            CategoryStats(
                category=row.category,
                waves=int(row.waves),
                decided=int(row.decided),
                succeeded=int(row.succeeded),
                confirmed=settled.get(row.category, (0, 0))[0],
                abandoned=settled.get(row.category, (0, 0))[1],
            )
            for row in await self._exec(wave_stmt)
        ]

    async def units_series(self, wave_id: int) -> list[tuple[datetime, int]]:
        """The wave's active units after each pledge event, in order."""
        stmt = (
            select(pledge_events.c.at, pledge_events.c.units_after)
            .where(pledge_events.c.wave_id == wave_id)
            .order_by(pledge_events.c.at, pledge_events.c.id)
        )
        return await self._partitioned(stmt, lambda row: (row.at, int(row.units_after)))

    async def export_rows(self, wave_id: int) -> list[ExportRow]:
        """Every pledge of the wave but withdrawn ones, first pledged first."""
        stmt = (
            select(
                members.c.display_name,
                pledges.c.quantity,
                pledges.c.max_price_cents,
                pledges.c.status,
                pledges.c.created_at,
            )
            .join(members, members.c.id == pledges.c.member_id)
            .where(
                pledges.c.wave_id == wave_id,
                pledges.c.status != PledgeStatus.WITHDRAWN.value,
            )
            .order_by(pledges.c.created_at, pledges.c.member_id)
        )
        return await self._partitioned(stmt, _export_row)

    async def _partitioned(
        self, statement: Select[Any], decode: Callable[[Row[Any]], T]
    ) -> list[T]:
        """All rows of a long read, fetched and decoded PARTITION at a time (see PARTITION)."""
        result = await self._conn.stream(statement)
        decoded: list[T] = []
        async for part in result.partitions(PARTITION):
            decoded += [decode(row) for row in part]
        return decoded


def _export_row(row: Row[Any]) -> ExportRow:
    """One line of the supplier's sheet."""
    return ExportRow(
        name=row.display_name,
        quantity=int(row.quantity),
        max_price_cents=None if row.max_price_cents is None else int(row.max_price_cents),
        status=PledgeStatus(row.status),
        pledged_at=row.created_at,
    )
