"""Wake-ups across processes on PostgreSQL: NOTIFY after a commit, LISTEN in every process.

A commit that creates deliveries or an announcement to expand wakes the dispatcher and the
expander of its own process at once (`Database.after_commit`). With several processes, the
sender or the sweeper may be another process: without a word from this one it would find the
work only at its next tick (the dispatcher's 1 s nudge, the expander's 5 s safety net). Each
process therefore keeps one asyncpg connection that LISTENs on CHANNEL and publishes the kinds
of work it committed there; what it hears from other processes wakes its own loops. A lost
notification costs nothing but time: the ticks remain the safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from storage.leadership import CONNECT_TIMEOUT_SECONDS, asyncpg_dsn

log = logging.getLogger(__name__)
CHANNEL = "wavebot_wake"
KINDS = frozenset({"deliveries", "fanout"})
RECONNECT_SECONDS = 2.0  # a lost listening connection is opened again this often


class PgWakeBus:
    """Publishes this process's committed work kinds and hears the other processes'."""

    def __init__(self, url: str, heard: Callable[[str], None]) -> None:
        self._dsn = asyncpg_dsn(url)
        self._heard = heard  # wakes this process's own loop for a kind (never republished)
        self._conn: asyncpg.Connection | None = None
        self._own_pid = 0
        self._pending: set[str] = set()
        self._flusher: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._failing = False

    async def start(self) -> None:
        """Listen now if the server answers, and keep listening (reconnecting) until close."""
        await self._connect()
        self._keeper = asyncio.create_task(self._keep())

    def publish(self, kind: str) -> None:
        """Tell the other processes (after this commit) that work of this kind is waiting;
        kinds published within one loop turn leave together."""
        self._pending.add(kind)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def close(self) -> None:
        """Stop listening; pending notices are dropped (the ticks find the work)."""
        for task in (self._keeper, self._flusher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT_SECONDS)
            except (OSError, TimeoutError, asyncpg.InterfaceError):
                conn.terminate()

    async def _flush(self) -> None:
        """NOTIFY each pending kind on the listening connection."""
        await asyncio.sleep(0)  # let the same turn's other commits add their kinds
        kinds, self._pending = self._pending, set()
        conn = self._conn
        if conn is None or conn.is_closed():
            return
        try:
            for kind in sorted(kinds):
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, kind)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            self._lost(error)

    def _on_notify(self, _conn: object, pid: int, _channel: str, payload: str) -> None:
        """Another process committed work: wake this process's loop for it."""
        if pid != self._own_pid and payload in KINDS:
            self._heard(payload)

    async def _connect(self) -> None:
        """Open the listening connection; a failure is logged once and retried by _keep."""
        try:
            conn = await asyncpg.connect(
                self._dsn,
                timeout=CONNECT_TIMEOUT_SECONDS,
                server_settings={"application_name": "wavebot-wake"},
            )
            await conn.add_listener(CHANNEL, self._on_notify)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            self._lost(error)
            return
        self._conn, self._own_pid = conn, conn.get_server_pid()
        if self._failing:
            log.info("cross-process wake-ups listening again")
        self._failing = False
        for kind in KINDS:  # work committed elsewhere while we were deaf: look once
            self._heard(kind)

    async def _keep(self) -> None:
        """Reopen the connection whenever it is gone."""
        while True:
            await asyncio.sleep(RECONNECT_SECONDS)
            if self._conn is None or self._conn.is_closed():
                self._conn = None
                await self._connect()

    def _lost(self, error: BaseException) -> None:
        """Log the first failure of a run of them (no URL, no password: the error's type)."""
        if not self._failing:
            log.warning("cross-process wake-ups paused (%s)", type(error).__name__)
        self._failing = True
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None
