"""Which process is handling an update right now, so a copy posted to another one waits.

Telegram re-posts a webhook update whose first delivery did not get its 200 in time, possibly
to another process behind the load balancer while the first is still on it. The update key
(§7) already prevents a second effect, but the second process would replay the kept answer while
the first is about to send it. So a process holds a PostgreSQL session advisory lock on the
update while it handles it; a copy that finds the lock taken is refused (503: Telegram posts it
again later, when the key says it was answered). The lock lives on one dedicated connection and
dies with the process, so a crashed holder never blocks a redelivery.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from storage.urls import is_postgresql, libpq_dsn

log = logging.getLogger(__name__)
LOCK_CLASS = 0x57415645  # 'WAVE': the two-int advisory key space, apart from single-key locks
CONNECT_TIMEOUT_SECONDS = 5.0


class LocalInFlight:
    """One process (SQLite): the updates this process is handling, in memory."""

    def __init__(self) -> None:
        self._held: set[str] = set()

    async def hold(self, key: str) -> bool:
        """True when nobody is handling `key`; it is then ours until release()."""
        if key in self._held:
            return False
        self._held.add(key)
        return True

    async def release(self, key: str) -> None:
        """The update is handled (or failed): another copy may be taken."""
        self._held.discard(key)

    async def close(self) -> None:
        """Nothing to release."""


class PgInFlight(LocalInFlight):
    """Several processes (PostgreSQL): a session advisory lock per update being handled."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._dsn = libpq_dsn(url)
        self._conn: asyncpg.Connection | None = None
        self._turn = asyncio.Lock()  # one statement at a time on the connection
        self._degraded = False

    async def hold(self, key: str) -> bool:
        """True when no process holds `key`; on a database error, True (the key still
        prevents a second effect) and one log line until it works again."""
        if not await super().hold(key):
            return False
        try:
            taken = bool(await self._run("SELECT pg_try_advisory_lock($1, hashtext($2))", key))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            self._lost(error)
            return True
        self._degraded = False
        if not taken:
            await super().release(key)
        return taken

    async def release(self, key: str) -> None:
        """Unlock the update (a lost connection has unlocked it already)."""
        await super().release(key)
        try:
            await self._run("SELECT pg_advisory_unlock($1, hashtext($2))", key)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            self._lost(error)

    async def close(self) -> None:
        """Close the connection: every lock it held goes with it."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def _run(self, sql: str, key: str) -> object:
        """One statement on the dedicated connection, (re)connecting when needed."""
        async with self._turn:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT_SECONDS)
            return await self._conn.fetchval(sql, LOCK_CLASS, key)

    def _lost(self, error: BaseException) -> None:
        """Log the first failure of an outage only; the next statement reconnects."""
        if not self._degraded:
            log.warning("update locks unavailable (%s); duplicates are left to the keys", error)
        self._degraded = True
        self._conn = None


def in_flight_for(url: str) -> LocalInFlight:
    """The lock that fits the database: advisory locks on PostgreSQL, memory on SQLite."""
    return PgInFlight(url) if is_postgresql(url) else LocalInFlight()
