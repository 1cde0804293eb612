"""Processed update keys, so a platform's redelivered update has no second effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.schema import processed_keys
from storage.sql_base import TxBase


class InboxMixin(TxBase):
    """core.ports.InboxStore over SQL."""

    async def claim_key(self, key: str, now: datetime) -> bool:
        """Record the key; False when it was already processed (in a committed transaction)."""
        found = await self._exec(select(processed_keys.c.key).where(processed_keys.c.key == key))
        if found.first() is not None:
            return False
        await self._exec(processed_keys.insert().values(key=key, at=now))
        return True
