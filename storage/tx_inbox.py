"""Processed update keys, so a platform's redelivered update has no second effect."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.schema import processed_keys
from storage.sql_base import TxBase


class InboxMixin(TxBase):
    """core.ports.InboxStore over SQL."""

    async def claim_key(self, key: str, now: datetime) -> bool:
        """Record the key; False when it was already processed (in a committed transaction).

        One INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a second process claiming the same
        key waits for the first one's commit and then finds it taken, instead of failing."""
        return await self._insert_ignore(processed_keys, {"key": key, "at": now})

    async def key_claimed(self, key: str) -> bool:
        """Whether an update with this key was processed (read-only updates: once answered)."""
        found = await self._exec(select(processed_keys.c.key).where(processed_keys.c.key == key))
        return found.first() is not None

    async def save_answer(self, key: str, answer: Any) -> None:
        """Keep the answer with its key, in the transaction of the update's effect."""
        stmt = update(processed_keys).where(processed_keys.c.key == key)
        await self._exec(stmt.values(answer=json.dumps(answer, ensure_ascii=False)))

    async def unsent_answer(self, key: str) -> Any | None:
        """The answer of a processed update that was never marked sent (a crash in between)."""
        stmt = select(processed_keys.c.answer).where(
            processed_keys.c.key == key,
            processed_keys.c.answered_at.is_(None),
            processed_keys.c.answer.is_not(None),
        )
        text = (await self._exec(stmt)).scalar_one_or_none()
        return None if text is None else json.loads(text)

    async def mark_answered(self, key: str, now: datetime) -> None:
        """The answer reached the platform: drop it, keep only the key."""
        stmt = update(processed_keys).where(processed_keys.c.key == key)
        await self._exec(stmt.values(answer=None, answered_at=now))
