"""The Database port: one writer connection with group commit, and a small pool of readers.

Every top-level write() queues for the single writer connection. A writer task opens one
BEGIN IMMEDIATE transaction, hands the connection to the queued writes one at a time (each body
runs in its caller's task, inside its own SAVEPOINT), and commits once the queue is empty or the
batch is full. Each caller's `async with db.write()` returns only after that COMMIT succeeded, so
acknowledgement still follows durability, but one fsync now serves a whole burst of writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.sql_tx import SqlTx
from storage.sqlite_hot import HotSqlTx

if TYPE_CHECKING:
    from core.ports import Database

DEFAULT_URL = "sqlite+aiosqlite:///wavebot.db"
SYNC_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
BUSY_TIMEOUT_MS = 10_000
BATCH_MAX_WRITES = 512
BATCH_MAX_SECONDS = 0.025
WRITER_TASK_NAME = "wavebot-group-commit"
SAVEPOINT = "wavebot_write"
# what a caller reports after its turn with the connection
RELEASED, ROLLED_BACK, POISONED, UNUSED = "released", "rolled back", "poisoned", "unused"
_CURRENT_WRITE: ContextVar[tuple[object, SqlTx] | None] = ContextVar(
    "wavebot_current_write", default=None
)


class DatabaseClosed(RuntimeError):
    """A queued write could not be served: the database closed or its writer task was cancelled."""


class WriteBatchAborted(RuntimeError):
    """The batch's shared transaction was lost (see the message), so none of it was committed."""


def _own_write() -> SqlTx | None:
    """The write transaction this very task opened (tasks it spawned get their own)."""
    current = _CURRENT_WRITE.get()
    if current is not None and current[0] is asyncio.current_task():
        return current[1]
    return None


def is_memory(url: str) -> bool:
    """In-memory SQLite cannot be shared by a writer and readers on separate connections."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    name = parsed.database or ""
    return name in ("", ":memory:") or ":memory:" in name or parsed.query.get("mode") == "memory"


def _sqlite_pragmas(engine: AsyncEngine, begin: str, pragmas: list[str]) -> None:
    """The documented pysqlite/aiosqlite recipe: the driver stays out, we emit BEGIN ourselves."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        """Every new connection: no driver-side BEGIN, then our PRAGMAs."""
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        """Writers take the write lock up front, so no transaction upgrades into a deadlock."""
        conn.exec_driver_sql(begin)


class InlineSqlite(aiosqlite.Connection):
    """aiosqlite's API for the writer, but small statements run inline on the event loop.

    A round trip to aiosqlite's thread costs more than an indexed statement on a hot page, and a
    pledge makes about ten of them. What may wait on the disk or on another process (BEGIN
    IMMEDIATE under busy_timeout, COMMIT's fsync, closing) and bulk executemany still go to the
    thread, so the loop is never blocked for long.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._offload = 0

    @contextlib.contextmanager
    def offloaded(self) -> Iterator[None]:
        """Run what happens inside on the connection's thread (slow or blocking calls)."""
        self._offload += 1
        try:
            yield
        finally:
            self._offload -= 1

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Inline unless offloaded or bulk; the thread's queue is empty whenever this runs."""
        if self._offload or getattr(fn, "__name__", "") == "executemany":
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for statements that bypass SQLAlchemy."""
        return self._conn

    async def close(self) -> None:
        """Closing checkpoints the WAL: that is disk work, so it goes to the thread."""
        with self.offloaded():
            await super().close()


def _inline_creator(url: str) -> Callable[[], InlineSqlite]:
    """async_creator for the writer engine, honouring the URL's own connect arguments."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    connect: Callable[..., sqlite3.Connection] = sqlite3.connect
    kwargs = {**kwargs, "check_same_thread": False}

    def connector() -> sqlite3.Connection:
        """Runs on aiosqlite's thread; the connection is then shared with the loop thread."""
        return connect(*args, **kwargs)

    def create() -> InlineSqlite:
        """A not yet started connection; SQLAlchemy awaits it."""
        connection = InlineSqlite(connector, 64)
        connection._thread.daemon = True
        return connection

    return create


@contextlib.contextmanager
def _offloaded(driver: Any) -> Iterator[None]:
    """Offload to the driver's thread when the driver is our inline one; a no-op otherwise."""
    if isinstance(driver, InlineSqlite):
        with driver.offloaded():
            yield
    else:
        yield


def _in_transaction(driver: Any) -> bool:
    """False when SQLite itself rolled the transaction back (I/O error, disk full, ...)."""
    if isinstance(driver, aiosqlite.Connection):
        return bool(driver.in_transaction)
    return True


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


class _GroupCommit:
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
                        await self._batch()
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

    async def _batch(self) -> None:
        """One BEGIN IMMEDIATE … COMMIT for as many queued writes as the limits allow."""
        async with self._engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            with _offloaded(driver):
                transaction = await conn.begin()
            members: list[_Turn] = []
            try:
                await self._lend(conn, driver, members)
                with _offloaded(driver):
                    await transaction.commit()
            except BaseException as error:
                with contextlib.suppress(Exception), _offloaded(driver):
                    await transaction.rollback()
                failure = error
                if not isinstance(error, Exception):
                    failure = WriteBatchAborted("the writer task was stopped; batch rolled back")
                for turn in members:
                    _settle(turn.committed, failure)
                if failure is not error:
                    raise
                return
            self.batches += 1
            self.writes += len(members)
            for turn in members:
                _settle(turn.committed)

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
            if not _in_transaction(driver):
                raise WriteBatchAborted("SQLite rolled back the shared write transaction")

    def _fail_queued(self, error: BaseException) -> None:
        """No transaction (BEGIN busy past busy_timeout, no connection): the queue hears why."""
        while self._queue:
            turn = self._queue.popleft()
            _settle(turn.granted, error)


class SqlDatabase:
    """core.ports.Database on SQLAlchemy Core; every write goes through one batched connection."""

    def __init__(
        self,
        writer: AsyncEngine,
        reader: AsyncEngine,
        *,
        batch_max_writes: int = BATCH_MAX_WRITES,
        batch_max_seconds: float = BATCH_MAX_SECONDS,
    ) -> None:
        self._writer = writer
        self._reader = reader
        self._group = _GroupCommit(writer, batch_max_writes, batch_max_seconds)
        self._closed = False
        self._late_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        url: str = DEFAULT_URL,
        *,
        synchronous: str = "FULL",
        readers: int = 4,
        migrate: bool = False,
    ) -> SqlDatabase:
        """Connect (migrating first if asked); SQLite gets WAL, FULL sync and foreign keys."""
        if is_memory(url):
            raise ValueError("in-memory SQLite is not supported; use a file (tests use tmp_path)")
        mode = synchronous.upper()
        if mode not in SYNC_MODES:
            raise ValueError(f"synchronous must be one of {', '.join(SYNC_MODES)}")
        if readers < 1:
            raise ValueError("at least one reader connection is needed")
        if migrate:
            from storage.migrate import upgrade

            await asyncio.to_thread(upgrade, url)
        inline = make_url(url).drivername == "sqlite+aiosqlite"
        creator = {"async_creator": _inline_creator(url)} if inline else {}
        writer = create_async_engine(url, pool_size=1, max_overflow=0, **creator)
        reader = create_async_engine(url, pool_size=readers, max_overflow=0)
        if writer.dialect.name == "sqlite":
            common = [
                "PRAGMA journal_mode=WAL",
                f"PRAGMA synchronous={mode}",
                "PRAGMA foreign_keys=ON",
                f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            ]
            _sqlite_pragmas(writer, "BEGIN IMMEDIATE", common)
            _sqlite_pragmas(reader, "BEGIN", [*common, "PRAGMA query_only=ON"])
        db = cls(writer, reader)
        async with db.read():
            pass
        return db

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        """A write transaction: commits unless the body raises, and returns once durable.

        Concurrent writes share one transaction (group commit), each body in its own savepoint:
        a body that raises rolls back only its own changes. Inside another write of the same
        task it becomes a savepoint of that one, so a caller can make several use cases (and an
        idempotency claim) commit or fail together.
        """
        outer = _own_write()
        if outer is not None:
            async with outer.connection.begin_nested():
                yield outer
            return
        if self._closed:  # a straggler (a sweep still running at shutdown): the old way
            async with self._late_lock, self._writer.begin() as conn:
                tx = SqlTx(conn)
                token = _CURRENT_WRITE.set((asyncio.current_task(), tx))
                try:
                    yield tx
                finally:
                    _CURRENT_WRITE.reset(token)
            return
        turn = self._group.enqueue()
        grant = await _granted(turn)
        tx = grant.tx()
        token = _CURRENT_WRITE.set((asyncio.current_task(), tx))
        try:
            async with grant.savepoint():
                yield tx
        finally:
            _CURRENT_WRITE.reset(token)
        await turn.committed

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        """A read-only snapshot on a reader connection, never blocked by the writer (WAL).

        Inside a write of the same task it reads that transaction, so it sees its own changes.
        """
        outer = _own_write()
        if outer is not None:
            yield outer
            return
        async with self._reader.begin() as conn:
            yield SqlTx(conn)

    @property
    def commit_stats(self) -> tuple[int, int]:
        """(batches committed, writes committed) so far: how much group commit is grouping."""
        return self._group.batches, self._group.writes

    async def close(self) -> None:
        """Finish queued writes, then release every connection (SQLite checkpoints the WAL).

        As before group commit, a write or read that still comes later (a sweep running at
        shutdown) opens a connection again; such late writes commit one by one, without batching.
        """
        self._closed = True
        await self._group.close()
        await self._writer.dispose()
        await self._reader.dispose()


async def _granted(turn: _Turn) -> _Grant:
    """Wait for the writer connection; if cancelled just as it came, hand it straight back."""
    try:
        return await turn.granted
    except asyncio.CancelledError:
        granted = turn.granted
        if granted.done() and not granted.cancelled() and granted.exception() is None:
            granted.result().done.set_result(UNUSED)
        raise


if TYPE_CHECKING:

    def _implements_port(db: SqlDatabase) -> Database:
        """mypy proves here that SqlDatabase (and so SqlTx) satisfies the core's ports."""
        return db
