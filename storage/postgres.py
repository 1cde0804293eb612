"""The Database port on PostgreSQL: ordinary transactions from a pool, row locks for exactness.

Unlike SQLite there is no single writer: each top-level write() takes its own pooled connection
and runs one READ COMMITTED transaction, so writes from several tasks (and several processes)
proceed side by side. What a write reads in order to change, it locks: the wave row is read
`FOR UPDATE` inside a write (SqlTx(locking=True)), so two pledges on one wave take turns on
that row and each sees the other's counts; different waves never wait for each other. At READ
COMMITTED PostgreSQL raises no serialization failures; a deadlock, a lost server or a full disk
roll the transaction back and become the core's StorageUnavailable (nothing was acknowledged).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.errors import StorageUnavailable
from storage.sql_tx import SqlTx
from storage.task_write import after_commit, enter_write, leave_write, own_write, run_owed
from storage.urls import normalise_url

if TYPE_CHECKING:
    from core.ports import Database

POOL_SIZE = 10
POOL_OVERFLOW = 10
CONNECT_TIMEOUT_SECONDS = 5.0
# SQLSTATE classes and codes that say "not now" rather than "not this data": connection
# exceptions (08), insufficient resources such as a full disk (53), operator intervention such
# as a server shutting down (57), a deadlock or serialization victim (40P01, 40001).
TRANSIENT_CLASSES = ("08", "53", "57")
TRANSIENT_CODES = ("40001", "40P01")


def unavailable(error: BaseException) -> bool:
    """A lost or refused connection, a server going away, a full disk, a deadlock victim."""
    if isinstance(error, (OSError, TimeoutError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    original = getattr(error, "orig", error)
    code = str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")
    if code:
        return code.startswith(TRANSIENT_CLASSES) or code in TRANSIENT_CODES
    return isinstance(error, (InterfaceError, OperationalError))


def _one_line(error: BaseException) -> str:
    """The driver's message without SQLAlchemy's banner, on one line."""
    text = str(getattr(error, "orig", None) or error) or type(error).__name__
    return " ".join(text.split())


class PgDatabase:
    """core.ports.Database on PostgreSQL (asyncpg through SQLAlchemy Core)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reader = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        self._commits = 0
        self.on_saved: Callable[[], None] | None = None  # told after each top-level commit

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = POOL_SIZE, migrate: bool = False
    ) -> PgDatabase:
        """Connect (migrating first if asked) and prove the server answers."""
        url = normalise_url(url)
        if migrate:
            from storage.migrate import upgrade

            await asyncio.to_thread(upgrade, url)
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=POOL_OVERFLOW,
            pool_pre_ping=True,  # a connection the server dropped is replaced, not failed on
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
        db = cls(engine)
        try:
            async with db.read():
                pass
        except BaseException:
            await engine.dispose()
            raise
        return db

    def writing_here(self) -> bool:
        """Whether the calling task is inside a write (tests: no platform call is made inside)."""
        return own_write() is not None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        """A write transaction that commits unless the body raises, and returns once durable.

        Inside another write of the same task it becomes a savepoint of that one, as on SQLite.
        """
        outer = own_write()
        if outer is not None:
            async with outer.connection.begin_nested():
                yield outer
            return
        tx: SqlTx | None = None
        owed: list[Callable[[], None]] = []
        try:
            async with self._engine.begin() as conn:
                tx = SqlTx(conn, locking=True)
                token = enter_write(tx)
                try:
                    yield tx
                finally:
                    owed = leave_write(token)
        except (DBAPIError, OSError, TimeoutError) as error:
            # A body may have caught the first error (a handler answering "internal error"):
            # what failed then is "transaction aborted", but the cause is that first error.
            first = tx.failure if tx is not None and tx.failure is not None else error
            if unavailable(error) or unavailable(first):
                raise StorageUnavailable(_one_line(first)) from error
            raise
        self._commits += 1
        run_owed(owed)
        if self.on_saved is not None:
            self.on_saved()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Wake other tasks only once they can see this write's rows (another connection
        reading before the COMMIT would find nothing and wait for the next tick)."""
        after_commit(callback)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        """A read-only snapshot (REPEATABLE READ) on a pooled connection.

        Inside a write of the same task it reads that transaction, so it sees its own changes.
        """
        outer = own_write()
        if outer is not None:
            yield outer
            return
        try:
            async with self._reader.begin() as conn:
                yield SqlTx(conn)
        except (DBAPIError, OSError, TimeoutError) as error:
            if unavailable(error):
                raise StorageUnavailable(_one_line(error)) from error
            raise

    @property
    def commit_stats(self) -> tuple[int, int]:
        """(commits, writes): on PostgreSQL every write is its own commit."""
        return self._commits, self._commits

    async def close(self) -> None:
        """Release every pooled connection (a late write opens one again)."""
        await self._engine.dispose()


if TYPE_CHECKING:

    def _implements_port(db: PgDatabase) -> Database:
        """mypy proves here that PgDatabase satisfies the core's Database port."""
        return db
