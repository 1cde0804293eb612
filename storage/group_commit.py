"""Group commit: queued writes share one BEGIN IMMEDIATE transaction, each in its own savepoint."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.batch_steps import begin, commit, end
from storage.savepoints import close_savepoint, open_savepoint
from storage.sql_tx import SqlTx
from storage.sqlite_hot import HotSqlTx
from storage.sqlite_inline import InlineSqlite, in_transaction

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


class _Turn:
    """One top-level write: waits for its grant, then for its batch's COMMIT; `then` is what a
    caller cancelled while waiting for that COMMIT still owes once it succeeds (its wake-ups)."""

    __slots__ = ("committed", "durable", "granted", "then")

    def __init__(self, granted: asyncio.Future[_Grant], committed: asyncio.Future[None]) -> None:
        self.granted = granted
        self.committed = committed
        self.then: Callable[[], None] | None = None
        self.durable = False  # its batch committed (told even if `committed` was cancelled)


class _Batch:
    """One open transaction, lent to queued writes in turn (each caller passes it on)."""

    def __init__(self, conn: AsyncConnection, driver: Any, deadline: float) -> None:
        self.conn = conn
        self.driver = driver
        self.raw: sqlite3.Connection | None = (
            driver.sqlite if isinstance(driver, InlineSqlite) else None
        )
        self.deadline = deadline
        self.granted = 0
        self.members: list[_Turn] = []
        self.stopping = False  # the writer task is being cancelled: lend no more
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()


@dataclass(frozen=True)
class _Grant:
    """The writer connection, lent to one caller inside the batch's open transaction."""

    group: GroupCommit
    batch: _Batch
    turn: _Turn

    @property
    def raw(self) -> sqlite3.Connection | None:
        """The sqlite3 connection itself when the driver is InlineSqlite."""
        return self.batch.raw

    def tx(self) -> SqlTx:
        """The store view for this caller's body."""
        conn, raw = self.batch.conn, self.batch.raw
        return SqlTx(conn) if raw is None else HotSqlTx(conn, raw)

    def enter(self) -> None:
        """Open the caller's savepoint on the sqlite3 connection (the inline driver's path)."""
        assert self.raw is not None
        try:
            open_savepoint(self.raw.execute, SAVEPOINT)
        except BaseException:
            self.give_back(POISONED)
            raise

    def leave(self, failed: bool) -> None:
        """Release the savepoint (or roll it back when the body failed), then pass the batch on."""
        assert self.raw is not None
        outcome = POISONED  # unless the savepoint ends cleanly: then the batch rolls back
        try:
            if close_savepoint(self.raw.execute, SAVEPOINT, failed):
                outcome = ROLLED_BACK if failed else RELEASED
        finally:
            self.give_back(outcome)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """The caller's body in its own SQLAlchemy savepoint (drivers other than the inline one)."""
        outcome = ROLLED_BACK
        try:
            async with self.batch.conn.begin_nested():
                yield
            outcome = RELEASED
        finally:
            self.give_back(outcome)

    def give_back(self, outcome: str) -> None:
        """Report the body's outcome; the next queued write gets the connection at once."""
        self.group.returned(self.batch, self.turn, outcome)


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
        """Batches on one checked-out connection, kept while idle too (no pool round trip and
        reset per batch: with 16 writes in flight the queue is empty after every COMMIT until
        their callers come back); a failed batch hands the connection back for a fresh one."""
        async with self._engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            while True:
                while self._queue:
                    if not await self._batch(conn, driver):
                        return
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()

    async def _batch(self, conn: AsyncConnection, driver: Any) -> bool:
        """One BEGIN IMMEDIATE … COMMIT for as many queued writes as the limits allow.

        False when it failed (its writes were told why): the connection should not be reused.
        """
        await begin(conn, driver)
        loop = asyncio.get_running_loop()
        batch = _Batch(conn, driver, loop.time() + self._max_seconds)
        try:
            await self._lent(batch)
            cancelled = await commit(conn, driver)
        except BaseException as error:
            failure = error
            if not isinstance(error, Exception):
                failure = WriteBatchAborted("the writer task was stopped; batch rolled back")
            try:
                with contextlib.suppress(Exception):
                    await end(conn, driver, "ROLLBACK")
            finally:  # cancelled again during the ROLLBACK: the callers still hear
                for turn in batch.members:
                    _settle(turn.committed, failure)
            if failure is not error:
                raise
            return False
        self.batches += 1
        self.writes += len(batch.members)
        for turn in batch.members:
            _settle(turn.committed)
            turn.durable = True
            if turn.then is not None:  # its caller gave up waiting: the loop makes its calls
                loop.call_soon(turn.then)
        if cancelled:
            raise asyncio.CancelledError  # stopped during a COMMIT that went through
        return True

    async def _lent(self, batch: _Batch) -> None:
        """Lend the connection to the first queued write; the callers pass it on (no round trip
        through this task per write) until the queue or the batch runs out."""
        self._lend_next(batch)
        try:
            await asyncio.shield(batch.finished)
        except asyncio.CancelledError:
            # This task is being cancelled while a caller's body runs on the connection:
            # lend no more, and let that body end before the batch is rolled back under it.
            batch.stopping = True
            with contextlib.suppress(asyncio.CancelledError):
                await batch.finished
            raise

    def _lend_next(self, batch: _Batch) -> None:
        """Grant the connection to the next live queued write, or end the batch's lending."""
        loop = asyncio.get_running_loop()
        while (
            self._queue
            and not batch.stopping
            and batch.granted < self._max_writes
            and loop.time() < batch.deadline
        ):
            turn = self._queue.popleft()
            if turn.granted.done():  # its caller was cancelled while queued
                continue
            batch.granted += 1
            turn.granted.set_result(_Grant(self, batch, turn))
            return
        _settle(batch.finished)

    def returned(self, batch: _Batch, turn: _Turn, outcome: str) -> None:
        """A caller is done with the connection: keep its write, or end the batch if it broke."""
        if outcome == RELEASED:
            batch.members.append(turn)
        if outcome == POISONED:
            _settle(batch.finished, WriteBatchAborted("a write could not roll back its savepoint"))
        elif not in_transaction(batch.driver):
            lost = "SQLite rolled back the shared write transaction"
            _settle(batch.finished, WriteBatchAborted(lost))
        else:
            self._lend_next(batch)

    def _fail_queued(self, error: BaseException) -> None:
        """No transaction (BEGIN busy past busy_timeout, no connection): the queue hears why."""
        while self._queue:
            turn = self._queue.popleft()
            _settle(turn.granted, error)


def give_back_unused(turn: _Turn) -> None:
    """The waiter was cancelled: if the connection was granted to it meanwhile, pass it on."""
    granted = turn.granted
    if granted.done() and not granted.cancelled() and granted.exception() is None:
        granted.result().give_back(UNUSED)
