"""What reminders and the periodic digest ask about past announcements, ideas and results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from core.model import Idea, IdeaStatus, Wave
from storage.schema import announcements, ideas, waves
from storage.sql_base import TxBase
from storage.tx_ideas import WANTS, idea_from_row
from storage.tx_waves import wave_from_row


class DigestMixin(TxBase):
    """The digest and reminder part of core.ports.OutboxStore over SQL."""

    async def has_announcement(self, wave_id: int, kind: str) -> bool:
        """Whether this wave already had an announcement of this kind (reminders go once)."""
        stmt = (
            select(announcements.c.id)
            .where(announcements.c.wave_id == wave_id, announcements.c.kind == kind)
            .limit(1)
        )
        return (await self._exec(stmt)).first() is not None

    async def last_announcement_at(self, kind: str) -> datetime | None:
        """When the latest announcement of this kind was recorded (e.g. the last digest)."""
        stmt = select(func.max(announcements.c.created_at)).where(announcements.c.kind == kind)
        latest: datetime | None = (await self._exec(stmt)).scalar_one()
        return latest

    async def ideas_since(self, since: datetime, limit: int) -> list[Idea]:
        """Ideas approved after since and still open for wants, newest approval first."""
        stmt = (
            select(ideas, WANTS)
            .where(ideas.c.status == IdeaStatus.APPROVED.value, ideas.c.updated_at > since)
            .order_by(ideas.c.updated_at.desc(), ideas.c.id.desc())
            .limit(limit)
        )
        return [idea_from_row(row) for row in await self._exec(stmt)]

    async def waves_closed_since(self, since: datetime, limit: int) -> list[Wave]:
        """Waves that left the open state after since (results for the digest), newest first."""
        stmt = (
            select(waves)
            .where(waves.c.closed_at.is_not(None), waves.c.closed_at > since)
            .order_by(waves.c.closed_at.desc(), waves.c.id.desc())
            .limit(limit)
        )
        return [wave_from_row(row) for row in await self._exec(stmt)]
