"""Pending actions a button completes, idea and wave edits, and relaunch bookkeeping."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select, update

from core.model import PendingAction, PledgeStatus, Target
from storage.schema import ideas, members, pending_actions, pledges, waves
from storage.sql_base import TxBase, new_id
from storage.tx_members import FIRST_ACCOUNT, private_targets


class ModerationMixin(TxBase):
    """core.feature_ports.ModerationStore over SQL."""

    async def add_pending_action(
        self, member_id: int, kind: str, payload: dict[str, object], now: datetime
    ) -> int:
        """Keep what a confirmation button will complete; the button carries only the id."""
        result = await self._exec(
            insert(pending_actions).values(
                member_id=member_id, kind=kind, payload=json.dumps(payload), created_at=now
            )
        )
        return new_id(result)

    async def get_pending_action(self, action_id: int) -> PendingAction | None:
        """A pending action by id, used or not."""
        row = (
            await self._exec(select(pending_actions).where(pending_actions.c.id == action_id))
        ).first()
        if row is None:
            return None
        return PendingAction(row.id, row.member_id, row.kind, json.loads(row.payload),
                             row.created_at, row.used_at)  # fmt: skip

    async def use_pending_action(self, action_id: int, now: datetime) -> bool:
        """Mark it used unless it already was: True for the one press that wins."""
        result = await self._exec(
            update(pending_actions)
            .where(pending_actions.c.id == action_id, pending_actions.c.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount > 0

    async def set_idea_text(
        self, idea_id: int, title: str, description: str, category: str
    ) -> None:
        """Correct an idea's title, description and category."""
        await self._exec(
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(title=title, description=description, category=category)
        )

    async def set_wave_text(
        self, wave_id: int, title: str, description: str, category: str
    ) -> None:
        """Correct a wave's title, description and category."""
        await self._exec(
            update(waves)
            .where(waves.c.id == wave_id)
            .values(title=title, description=description, category=category)
        )

    async def set_wave_origin(self, wave_id: int, relaunched_from: int, photo: str) -> None:
        """Record which failed wave this one retries, with its photo."""
        await self._exec(
            update(waves)
            .where(waves.c.id == wave_id)
            .values(relaunched_from=relaunched_from, photo=photo)
        )

    async def former_pledger_targets(self, wave_id: int) -> list[Target]:
        """Everyone who pledged on a wave and neither withdrew nor abandoned its payment, wants
        news and is not banned."""
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(pledges, pledges.c.member_id == members.c.id)
            .where(
                pledges.c.wave_id == wave_id,
                pledges.c.status.not_in(
                    [PledgeStatus.WITHDRAWN.value, PledgeStatus.ABANDONED.value]
                ),
                members.c.notify_news.is_(True),
                members.c.banned_at.is_(None),
            )
            .order_by(pledges.c.created_at, pledges.c.member_id)
        )
        return private_targets(await self._exec(stmt))

    async def relaunch_of(self, wave_id: int) -> int | None:
        """The newest wave that relaunched this one, if any."""
        stmt = select(waves.c.id).where(waves.c.relaunched_from == wave_id).order_by(waves.c.id)
        found = (await self._exec(stmt)).scalars().all()
        return int(found[-1]) if found else None
