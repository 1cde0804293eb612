"""User id → DM channel id, in memory and in the database, so a restart costs no lookup.

Without the members intent discord.py's user cache is empty, so a user id used to be tried as a
channel first (a 404), then its DM opened; keeping the channel id avoids both after a restart.
"""

from __future__ import annotations

import logging

from bots.discord_bot.conversation import PLATFORM
from core.ports import Database

log = logging.getLogger(__name__)


class DmChannels:
    """The DM channels opened so far; the database copy is only a cache, never required."""

    def __init__(self, db: Database | None = None) -> None:
        self._db = db
        self._memory: dict[int, int] = {}

    def cached(self, user_id: int) -> int | None:
        """The DM channel held in memory, if any."""
        return self._memory.get(user_id)

    async def stored(self, user_id: int) -> int | None:
        """The DM channel kept in the database (opened before a restart), if any."""
        if self._db is None:
            return None
        async with self._db.read() as tx:
            found = await tx.dm_channel(PLATFORM, str(user_id))
        if found is None:
            return None
        self._memory[user_id] = int(found)
        return int(found)

    async def remember(self, user_id: int, channel_id: int) -> None:
        """Keep a freshly opened DM channel; a failed write only costs a lookup later."""
        self._memory[user_id] = channel_id
        if self._db is None:
            return
        try:
            async with self._db.write() as tx:
                await tx.save_dm_channel(PLATFORM, str(user_id), str(channel_id))
        except Exception as error:  # the message matters more than the cache
            log.warning("could not keep the DM channel of %s: %r", user_id, error)

    async def forget(self, user_id: int) -> None:
        """Drop a DM channel Discord says is gone, so the next send opens a new one."""
        self._memory.pop(user_id, None)
        if self._db is None:
            return
        try:
            async with self._db.write() as tx:
                await tx.forget_dm_channel(PLATFORM, str(user_id))
        except Exception as error:  # a stale row is forgotten again at the next 404
            log.warning("could not forget the DM channel of %s: %r", user_id, error)
