"""Waves: their tiers as JSON text, their counts and their lifecycle columns."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from core.model import Tier, Wave, WaveStatus
from storage.schema import waves
from storage.sql_base import TxBase, new_id

DUE_FIELDS = {"opens_at": waves.c.opens_at, "closes_at": waves.c.closes_at}
OPEN_STATES = (WaveStatus.SCHEDULED, WaveStatus.OPEN)


def tiers_to_json(tiers: Sequence[Tier]) -> str:
    """[[min_units, unit_price], ...]: compact and readable by any backend or export."""
    return json.dumps([[tier.min_units, tier.unit_price] for tier in tiers])


@functools.lru_cache(maxsize=1024)
def tiers_from_json(text: str) -> tuple[Tier, ...]:
    """Rebuild the tiers tiers_to_json wrote (immutable, so each text is parsed once)."""
    return tuple(Tier(int(units), int(price)) for units, price in json.loads(text))


def wave_from_row(row: Any) -> Wave:
    """Build the domain record from a waves row (possibly prefixed columns of a join)."""
    return Wave(
        id=row.id,
        idea_id=row.idea_id,
        title=row.title,
        description=row.description,
        category=row.category,
        currency=row.currency,
        tiers=tiers_from_json(row.tiers),
        moq=row.moq,
        capacity=row.capacity,
        per_member_max=row.per_member_max,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        status=WaveStatus(row.status),
        created_by=row.created_by,
        units=row.units,
        pledgers=row.pledgers,
        final_price_cents=row.final_price_cents,
        final_units=row.final_units,
        photo=row.photo,
        relaunched_from=row.relaunched_from,
    )


class WaveMixin(TxBase):
    """The wave half of core.ports.WaveStore over SQL."""

    async def add_wave(
        self,
        idea_id: int | None,
        title: str,
        description: str,
        category: str,
        currency: str,
        tiers: Sequence[Tier],
        moq: int,
        capacity: int | None,
        per_member_max: int,
        opens_at: datetime,
        closes_at: datetime,
        status: WaveStatus,
        created_by: int,
        now: datetime,
    ) -> int:
        """A new wave with no pledges yet; returns its id."""
        result = await self._exec(
            insert(waves).values(
                idea_id=idea_id,
                title=title,
                description=description,
                category=category,
                currency=currency,
                tiers=tiers_to_json(tiers),
                moq=moq,
                capacity=capacity,
                per_member_max=per_member_max,
                opens_at=opens_at,
                closes_at=closes_at,
                status=status.value,
                created_by=created_by,
                created_at=now,
                closed_at=None,
                units=0,
                pledgers=0,
            )
        )
        return new_id(result)

    async def set_wave_photo(self, wave_id: int, photo: str) -> None:
        """The photo the wave carries over from its idea."""
        await self._exec(update(waves).where(waves.c.id == wave_id).values(photo=photo))

    async def get_wave(self, wave_id: int) -> Wave | None:
        """A wave by id; inside a PostgreSQL write its row stays locked until the commit, so
        concurrent pledges on one wave take turns and their counts stay exact."""
        stmt = select(waves).where(waves.c.id == wave_id)
        if self._locking:
            stmt = stmt.with_for_update()
        row = (await self._exec(stmt)).first()
        return wave_from_row(row) if row else None

    async def list_waves(self, statuses: Sequence[WaveStatus], limit: int) -> list[Wave]:
        """Waves with one of these statuses, soonest deadline first."""
        stmt = (
            select(waves)
            .where(waves.c.status.in_([status.value for status in statuses]))
            .order_by(waves.c.closes_at, waves.c.id)
            .limit(limit)
        )
        return [wave_from_row(row) for row in await self._exec(stmt)]

    async def waves_due(self, status: WaveStatus, field: str, now: datetime) -> list[int]:
        """Ids of waves in this status whose opens_at or closes_at has come."""
        column = DUE_FIELDS.get(field)
        if column is None:
            raise ValueError(f"waves_due on unknown field {field!r}")
        stmt = (
            select(waves.c.id)
            .where(waves.c.status == status.value, column <= now)
            .order_by(column, waves.c.id)
        )
        return [int(wave_id) for wave_id in (await self._exec(stmt)).scalars()]

    async def set_wave_status(
        self,
        wave_id: int,
        status: WaveStatus,
        now: datetime,
        final_price_cents: int | None = None,
        final_units: int | None = None,
    ) -> None:
        """Move a wave on; the first move past open stamps closed_at, finals are kept if given."""
        values: dict[str, Any] = {"status": status.value}
        if final_price_cents is not None:
            values["final_price_cents"] = final_price_cents
        if final_units is not None:
            values["final_units"] = final_units
        await self._exec(update(waves).where(waves.c.id == wave_id).values(**values))
        if status not in OPEN_STATES:
            stamp = (
                update(waves)
                .where(waves.c.id == wave_id, waves.c.closed_at.is_(None))
                .values(closed_at=now)
            )
            await self._exec(stamp)

    async def set_wave_deadline(self, wave_id: int, closes_at: datetime) -> None:
        """A new deadline (extension)."""
        await self._exec(update(waves).where(waves.c.id == wave_id).values(closes_at=closes_at))

    async def set_wave_counts(self, wave_id: int, units: int, pledgers: int) -> None:
        """Keep the wave's denormalised counts in step with its active pledges."""
        stmt = update(waves).where(waves.c.id == wave_id).values(units=units, pledgers=pledgers)
        await self._exec(stmt)
