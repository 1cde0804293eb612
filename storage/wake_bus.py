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

from storage.leadership import CONNECT_TIMEOUT_SECONDS
from storage.urls import libpq_dsn

log = logging.getLogger(__name__)
CHANNEL = "wavebot_wake"
KINDS = frozenset({"deliveries", "fanout"})
RECONNECT_SECONDS = 2.0  # a lost listening connection is opened again this often
# A listening connection only reads: one cut silently (a NAT or firewall dropping it, a frozen
# server) would go unnoticed until TCP keep-alive, ~2 h. Asking it something this often finds out.
PING_SECONDS = 30.0
FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class PgWakeBus:
    """Publishes this process's committed work kinds and hears the other processes'."""

    def __init__(
        self, url: str, heard: Callable[[str], None], ping_seconds: float = PING_SECONDS
    ) -> None:
        self._dsn = libpq_dsn(url)
        self._ping_seconds = ping_seconds
        self._heard = heard  # wakes this process's own loop for a kind (never republished)
        self._conn: asyncpg.Connection | None = None
        self._own_pid = 0
        self._pending: set[str] = set()
        self._flusher: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._first = asyncio.Event()  # the first connection attempt ended (either way)
        self._failing = False
        self._closed = False

    async def start(self) -> None:
        """Listen, then keep listening (reconnecting) until close. Returns at once: a server
        slow to answer must not hold up the process's start for a mere shortcut."""
        self._keeper = asyncio.create_task(self._keep())

    async def ready(self) -> None:
        """Until the first connection attempt ended, listening or not (tests)."""
        await self._first.wait()

    def publish(self, kind: str) -> None:
        """Tell the other processes (after this commit) that work of this kind is waiting;
        kinds published while a notice is on the wire leave together right after it."""
        if self._closed:
            return
        self._pending.add(kind)
        self._send_pending()

    def _send_pending(self) -> None:
        """Start the flusher unless it runs (it sends what is pending, and what comes meanwhile)."""
        if self._pending and (self._flusher is None or self._flusher.done()):
            self._flusher = asyncio.create_task(self._flush())

    async def close(self) -> None:
        """Stop listening; pending notices are dropped (the ticks find the work)."""
        self._closed = True
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
        """NOTIFY the pending kinds on the listening connection, again while commits add more
        during a round trip: one notice in flight, so a burst of commits costs at most one
        NOTIFY per kind per round trip, and none is left behind."""
        await asyncio.sleep(0)  # let the same turn's other commits add their kinds
        while self._pending:
            conn = self._conn
            if conn is None or conn.is_closed():
                return  # kept: they leave once the connection is open (again)
            kinds, self._pending = self._pending, set()
            try:
                for kind in sorted(kinds):
                    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, kind)
            except FAILURES as error:
                self._pending |= kinds
                self._lost(error)
                return

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
        except FAILURES as error:
            self._lost(error)
            return
        try:
            await asyncio.wait_for(
                conn.add_listener(CHANNEL, self._on_notify), CONNECT_TIMEOUT_SECONDS
            )
        except BaseException as error:  # a cancelled close included: never leave it open
            conn.terminate()
            if not isinstance(error, FAILURES):
                raise
            self._lost(error)
            return
        self._conn, self._own_pid = conn, conn.get_server_pid()
        if self._failing:
            log.info("cross-process wake-ups listening again")
        self._failing = False
        for kind in KINDS:  # work committed elsewhere while we were deaf: look once
            self._heard(kind)
        self._send_pending()  # and tell the others what was committed here meanwhile

    async def _keep(self) -> None:
        """Open the connection, then reopen it whenever it is gone (every RECONNECT_SECONDS)."""
        try:
            await self._connect()
        finally:
            self._first.set()
        quiet = 0.0  # seconds since the connection last proved it answers
        while True:
            tick = min(RECONNECT_SECONDS, self._ping_seconds)
            await asyncio.sleep(tick)
            quiet += tick
            if self._conn is None or self._conn.is_closed():
                self._conn = None
                await self._connect()
                quiet = 0.0
            elif quiet >= self._ping_seconds:
                await self._ping(self._conn)
                quiet = 0.0

    async def _ping(self, conn: asyncpg.Connection) -> None:
        """Drop the connection (the next tick opens another) unless it answers in time."""
        try:
            await asyncio.wait_for(conn.fetchval("SELECT 1"), CONNECT_TIMEOUT_SECONDS)
        except FAILURES as error:
            if conn is self._conn:
                self._lost(error)

    def _lost(self, error: BaseException) -> None:
        """Log the first failure of a run of them (no URL, no password: the error's type)."""
        if not self._failing:
            log.warning("cross-process wake-ups paused (%s)", type(error).__name__)
        self._failing = True
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None
