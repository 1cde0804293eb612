"""The Database port: one writer connection with group commit, and a small pool of readers.

Every top-level write() queues for the single writer connection. A writer task opens one
BEGIN IMMEDIATE transaction, hands the connection to the queued writes one at a time (each body
runs in its caller's task, inside its own SAVEPOINT), and commits once the queue is empty or the
batch is full. Each caller's `async with db.write()` returns only after that COMMIT succeeded, so
acknowledgement still follows durability, but one fsync now serves a whole burst of writes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.group_commit import BATCH_MAX_SECONDS, BATCH_MAX_WRITES, GroupCommit
from storage.savepoints import close_savepoint, open_savepoint
from storage.sql_tx import SqlTx
from storage.sqlite_hot import HotSqlTx
from storage.sqlite_inline import already_begun, inline_creator
from storage.task_write import after_commit, enter_write, leave_write, own_write, run_owed
from storage.top_write import WriteScope

if TYPE_CHECKING:
    from core.ports import Database

DEFAULT_URL = "sqlite+aiosqlite:///wavebot.db"
SYNC_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
BUSY_TIMEOUT_MS = 10_000


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
        """Writers take the write lock up front, so no transaction upgrades into a deadlock.

        Group commit may have opened it already on the driver's thread (storage/group_commit.py).
        """
        if not already_begun(conn.connection.driver_connection):
            conn.exec_driver_sql(begin)


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
        self._group = GroupCommit(writer, batch_max_writes, batch_max_seconds)
        self._closed = False
        self._late_lock = asyncio.Lock()
        self._nested_ids = itertools.count(1)
        self.on_saved: Callable[[], None] | None = None  # told after each top-level commit

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
        creator = {"async_creator": inline_creator(url)} if inline else {}
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

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Wake other tasks only once this write is committed (a reader connection would not
        see its rows before)."""
        after_commit(callback)

    def writing_here(self) -> bool:
        """Whether the calling task holds the writer (tests: no platform call is made inside)."""
        return own_write() is not None

    def write(self) -> AbstractAsyncContextManager[SqlTx]:
        """A write transaction: commits unless the body raises, and returns once durable; a full
        or failing disk becomes the core's StorageUnavailable (storage/top_write.py).

        Concurrent writes share one transaction (group commit), each body in its own savepoint:
        a body that raises rolls back only its own changes. Inside another write of the same
        task it becomes a savepoint of that one, so a caller can make several use cases (and an
        idempotency claim) commit or fail together.
        """
        outer = own_write()
        if outer is not None:
            return WriteScope(self, self._nested_write(outer), top=False)
        if self._closed:  # a straggler (a sweep still running at shutdown): the old way
            return WriteScope(self, self._late_write(), top=True)
        return WriteScope(self, None, top=True)

    @asynccontextmanager
    async def _nested_write(self, outer: SqlTx) -> AsyncIterator[SqlTx]:
        """The task's own write again, its body in a savepoint of it."""
        async with self._nested(outer):
            yield outer

    @asynccontextmanager
    async def _late_write(self) -> AsyncIterator[SqlTx]:
        """A write after close, on a connection of its own, one at a time and unbatched."""
        async with self._late_lock, self._writer.begin() as conn:
            tx = SqlTx(conn)
            token = enter_write(tx)
            try:
                yield tx
            finally:
                owed = leave_write(token)
        run_owed(owed)

    @asynccontextmanager
    async def _nested(self, outer: SqlTx) -> AsyncIterator[None]:
        """A savepoint inside the task's own write: on the sqlite3 connection itself when the
        driver is the inline one (every button press nests its effect in the claim of its
        update, and SQLAlchemy's savepoint cost more than the pledge), else SQLAlchemy's."""
        if not isinstance(outer, HotSqlTx):
            async with outer.connection.begin_nested():
                yield
            return
        name = f"wavebot_nested_{next(self._nested_ids)}"
        open_savepoint(outer.run_raw, name)
        try:
            yield
        except BaseException:
            close_savepoint(outer.run_raw, name, failed=True)  # SQLite may have ended it all
            raise
        close_savepoint(outer.run_raw, name, failed=False)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        """A read-only snapshot on a reader connection, never blocked by the writer (WAL).

        Inside a write of the same task it reads that transaction, so it sees its own changes.
        """
        outer = own_write()
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


if TYPE_CHECKING:

    def _implements_port(db: SqlDatabase) -> Database:
        """mypy proves here that SqlDatabase (and so SqlTx) satisfies the core's ports."""
        return db
