"""Group commit: queued writes share one BEGIN IMMEDIATE transaction, each in its own savepoint."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.sql_tx import SqlTx
from storage.sqlite_hot import HotSqlTx
from storage.sqlite_inline import InlineSqlite, in_transaction, offloaded

BATCH_MAX_WRITES = 512
BATCH_MAX_SECONDS = 0.025
WRITER_TASK_NAME = "wavebot-group-commit"
SAVEPOINT = "wavebot_write"
# what a caller reports after its turn with the connection
RELEASED, ROLLED_BACK, POISONED, UNUSED = "released", "rolled back", "poisoned", "unused"


class DatabaseClosed(RuntimeError):
    """A queued write could not be served: the database closed or its writer task was cancelled."""


class WriteBatchAborted(RuntimeError):
    """The batch's shared transaction was lost (see the message), so none of it was committed."""


def _settle(future: asyncio.Future[Any], error: BaseException | None = None) -> None:
    """Resolve a future unless its waiter gave up (was cancelled) meanwhile."""
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


@dataclass(frozen=True)
class _Grant:
    """The writer connection, lent to one caller inside the batch's open transaction."""

    conn: AsyncConnection
    raw: sqlite3.Connection | None  # set when the driver is InlineSqlite
    done: asyncio.Future[str]  # the caller's outcome: RELEASED, ROLLED_BACK, POISONED, UNUSED

    def tx(self) -> SqlTx:
        """The store view for this caller's body."""
        return SqlTx(self.conn) if self.raw is None else HotSqlTx(self.conn, self.raw)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """The caller's body in its own savepoint; reports the outcome to the writer task."""
        if self.raw is None:
            outcome = ROLLED_BACK
            try:
                async with self.conn.begin_nested():
                    yield
                outcome = RELEASED
            finally:
                self.done.set_result(outcome)
            return
        outcome = POISONED
        try:
            self.raw.execute(f"SAVEPOINT {SAVEPOINT}")
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # else POISONED: the batch rolls back
                    self.raw.execute(f"ROLLBACK TO {SAVEPOINT}")
                    self.raw.execute(f"RELEASE {SAVEPOINT}")
                    outcome = ROLLED_BACK
                raise
            self.raw.execute(f"RELEASE {SAVEPOINT}")
            outcome = RELEASED
        finally:
            self.done.set_result(outcome)


@dataclass(frozen=True)
class _Turn:
    """One top-level write: waits for its grant, then for its batch's COMMIT."""

    granted: asyncio.Future[_Grant]
    committed: asyncio.Future[None]


class GroupCommit:
    """Serialises top-level writes onto one connection and commits them in batches."""

    def __init__(self, engine: AsyncEngine, max_writes: int, max_seconds: float) -> None:
        self._engine = engine
        self._max_writes = max_writes
        self._max_seconds = max_seconds
        self._queue: deque[_Turn] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.batches = 0
        self.writes = 0

    def enqueue(self) -> _Turn:
        """Join the queue; the writer task starts with the first write."""
        if self._closing:
            raise DatabaseClosed("the database is closed")
        loop = asyncio.get_running_loop()
        turn = _Turn(loop.create_future(), loop.create_future())
        self._queue.append(turn)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run(), name=WRITER_TASK_NAME)
        self._wake.set()
        return turn

    async def close(self) -> None:
        """Let queued writes finish, then stop the writer task."""
        self._closing = True
        self._wake.set()
        task = self._task
        if task is not None and not task.done():
            try:
                await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # we are being cancelled, not just the writer task
        self._fail_queued(DatabaseClosed("the database is closed"))

    async def _run(self) -> None:
        """Run batches while writes are queued; sleep otherwise."""
        try:
            while True:
                while self._queue:
                    try:
                        await self._batches()
                    except Exception as error:  # no connection or no BEGIN: nobody waits forever
                        self._fail_queued(error)
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
        except asyncio.CancelledError:
            # Someone cancelled the writer task (a "cancel every task" shutdown): the queued
            # writes hear it now instead of waiting forever; the next write starts a new task.
            self._fail_queued(DatabaseClosed("the writer task was cancelled"))
            raise

    async def _batches(self) -> None:
        """Batches on one checked-out connection while writes keep coming (no pool round trip,
        no reset between batches); a failed batch hands the connection back for a fresh one."""
        async with self._engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            while self._queue:
                if not await self._batch(conn, driver):
                    return

    async def _batch(self, conn: AsyncConnection, driver: Any) -> bool:
        """One BEGIN IMMEDIATE … COMMIT for as many queued writes as the limits allow.

        False when it failed (its writes were told why): the connection should not be reused.
        """
        if isinstance(driver, InlineSqlite):  # inline, or one hand-off (not one per call)
            await driver.begin_immediate()
        with offloaded(driver):
            transaction = await conn.begin()  # the "begin" hook sees SQLite already in one
        members: list[_Turn] = []
        try:
            await self._lend(conn, driver, members)
            with offloaded(driver):
                await transaction.commit()
        except BaseException as error:
            with contextlib.suppress(Exception), offloaded(driver):
                await transaction.rollback()
            failure = error
            if not isinstance(error, Exception):
                failure = WriteBatchAborted("the writer task was stopped; batch rolled back")
            for turn in members:
                _settle(turn.committed, failure)
            if failure is not error:
                raise
            return False
        self.batches += 1
        self.writes += len(members)
        for turn in members:
            _settle(turn.committed)
        return True

    async def _lend(self, conn: AsyncConnection, driver: Any, members: list[_Turn]) -> None:
        """Grant the connection to queued writes in order until the queue or the batch runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._max_seconds
        while self._queue and len(members) < self._max_writes and loop.time() < deadline:
            turn = self._queue.popleft()
            if turn.granted.done():  # its caller was cancelled while queued
                continue
            done: asyncio.Future[str] = loop.create_future()
            raw = driver.sqlite if isinstance(driver, InlineSqlite) else None
            turn.granted.set_result(_Grant(conn, raw, done))
            try:
                outcome = await asyncio.shield(done)
            except asyncio.CancelledError:
                # This task is being cancelled while a caller's body runs on the connection:
                # let the body end before the batch is rolled back under it.
                with contextlib.suppress(asyncio.CancelledError):
                    await done
                raise
            if outcome == RELEASED:
                members.append(turn)
            if outcome == POISONED:
                raise WriteBatchAborted("a write could not roll back its savepoint")
            if not in_transaction(driver):
                raise WriteBatchAborted("SQLite rolled back the shared write transaction")

    def _fail_queued(self, error: BaseException) -> None:
        """No transaction (BEGIN busy past busy_timeout, no connection): the queue hears why."""
        while self._queue:
            turn = self._queue.popleft()
            _settle(turn.granted, error)


async def granted(turn: _Turn) -> _Grant:
    """Wait for the writer connection; if cancelled just as it came, hand it straight back."""
    try:
        return await turn.granted
    except asyncio.CancelledError:
        granted = turn.granted
        if granted.done() and not granted.cancelled() and granted.exception() is None:
            granted.result().done.set_result(UNUSED)
        raise
