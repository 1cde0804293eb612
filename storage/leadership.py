"""Leader election on PostgreSQL: session-level advisory locks on one dedicated connection.

Each role (the sweeps, one platform's dispatcher) is a `pg_try_advisory_lock` key. The locks
live on a connection of their own, held for the process's lifetime: PostgreSQL releases them
when that session ends, however it ends (a SIGKILLed process's socket closes, the server ends
its backend). A follower tries again at most every RETRY_SECONDS; a leader proves its session
still answers each time it is asked, and steps down at once when it does not. See
docs/ARCHITECTURE.md "Several processes on PostgreSQL".
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time

import asyncpg
from sqlalchemy.engine import make_url

from storage.urls import libpq_dsn, normalise_url

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0  # a follower's attempts: takeover within ~2 s of the lock's release
CHECK_TIMEOUT_SECONDS = 2.0  # a leader whose session does not answer within this steps down
CONNECT_TIMEOUT_SECONDS = 5.0
NAMESPACE = "wavebot:"
STOPPING = "stopping"


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a role name (the same in every process)."""
    digest = hashlib.sha256((NAMESPACE + name).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def identity() -> str:
    """How this process is named in leadership log lines: host and pid, nothing secret."""
    return f"{socket.gethostname()}:{os.getpid()}"


class PgLeases:
    """The process's election connection; hands out one `PgLeadership` per role."""

    def __init__(self, url: str, retry_seconds: float = RETRY_SECONDS) -> None:
        self._dsn = libpq_dsn(url)
        self.retry_seconds = retry_seconds
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # one statement at a time on the connection
        self._roles: dict[str, PgLeadership] = {}

    def role(self, name: str) -> PgLeadership:
        """The role of that name (one object per name, so its state is shared)."""
        if name not in self._roles:
            self._roles[name] = PgLeadership(self, name)
        return self._roles[name]

    async def _ask(self, sql: str, *args: object) -> object:
        """One statement on the election connection, (re)connecting first if needed.

        Any failure drops the connection and every role it held: a session we cannot reach may
        already be gone, and with it our locks.
        """
        async with self._lock:
            try:
                if self._conn is None or self._conn.is_closed():
                    for role in self._roles.values():  # a new session holds no lock yet
                        role.step_down("election connection lost")
                    self._conn = await asyncpg.connect(
                        self._dsn,
                        timeout=CONNECT_TIMEOUT_SECONDS,
                        server_settings={"application_name": "wavebot-leader"},
                    )
                return await self._conn.fetchval(sql, *args, timeout=CHECK_TIMEOUT_SECONDS)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self._drop(error)
                raise LeaseLost(str(error)) from error

    def _drop(self, error: BaseException) -> None:
        """Forget the connection (closing it without waiting) and step down from every role."""
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None
        for role in self._roles.values():
            role.step_down(f"election connection lost ({type(error).__name__})")

    async def close(self) -> None:
        """End the session: every lock it holds is released for the next leader at once."""
        async with self._lock:
            if self._conn is not None and not self._conn.is_closed():
                try:
                    await asyncio.wait_for(self._conn.close(), CHECK_TIMEOUT_SECONDS)
                except (OSError, TimeoutError, asyncpg.InterfaceError):
                    self._conn.terminate()
            self._conn = None
            for role in self._roles.values():
                role.step_down(STOPPING)


class LeaseLost(Exception):
    """The election connection failed: no role can be proven held."""


class PgLeadership:
    """core.leadership.Leadership for one role, through its process's PgLeases."""

    def __init__(self, leases: PgLeases, name: str) -> None:
        self.name = name
        self.key = lock_key(name)
        self.held = False
        self._leases = leases
        self._next_try = 0.0

    async def lead(self) -> bool:
        """Held: prove the session still answers (else step down). Not held: try to take it,
        at most every retry_seconds."""
        try:
            if self.held:
                await self._leases._ask("SELECT 1")
                return self.held  # the check may have failed for another role meanwhile
            if time.monotonic() < self._next_try:
                return False
            self._next_try = time.monotonic() + self._leases.retry_seconds
            taken = await self._leases._ask("SELECT pg_try_advisory_lock($1)", self.key)
        except LeaseLost:
            return False
        if taken is True:
            self.held = True
            log.info("leading %s (%s)", self.name, identity())
        return self.held

    def step_down(self, why: str) -> None:
        """Stop leading at once (the connection that held the lock is gone or going)."""
        if self.held:
            self.held = False
            self._next_try = 0.0  # try again at the next ask: perhaps nobody else has it yet
            level = logging.INFO if why == STOPPING else logging.WARNING
            log.log(level, "no longer leading %s (%s): %s", self.name, identity(), why)


def leases_for(url: str) -> PgLeases | None:
    """The election connection a PostgreSQL URL needs; None for SQLite (its file lock already
    keeps every other process out, so the one process always leads)."""
    if make_url(normalise_url(url)).get_backend_name() != "postgresql":
        return None
    return PgLeases(url)
