"""The writer's aiosqlite connection, running small statements inline on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

_BACKGROUND: ContextVar[bool] = ContextVar("wavebot_background_work", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Statements of work nobody is waiting on (the clock's sweeps, and the tasks they start) run
    on the connection's thread: inline, a sweep's hundreds of statements never yield, and the
    loop stalls for all of them (450 ms for one wave sweep on a community-sized file)."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


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
        """Inline unless offloaded, background or bulk; the thread's queue is empty whenever
        this runs."""
        if self._offload or _BACKGROUND.get() or getattr(fn, "__name__", "") == "executemany":
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def begin_immediate(self) -> None:
        """BEGIN IMMEDIATE inline when the write lock is free at once (one process per file: the
        usual case, no hand-off to the thread and back); else on the thread, where it waits as
        long as busy_timeout allows without blocking the loop."""
        raw = self.sqlite
        (patience,) = raw.execute("PRAGMA busy_timeout").fetchone()
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(patience)}")
        step = asyncio.ensure_future(self.in_thread(raw.execute, "BEGIN IMMEDIATE"))
        if await see_through(step):  # cancelled: the BEGIN went on, and may hold the lock
            with contextlib.suppress(Exception):
                step.result()
                await self.in_thread(raw.execute, "ROLLBACK")
            raise asyncio.CancelledError
        step.result()

    async def in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """One call on the connection's thread: one hand-off, however slow the call."""
        with self.offloaded():
            return await self._execute(fn, *args)

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for statements that bypass SQLAlchemy."""
        return self._conn

    async def close(self) -> None:
        """Closing checkpoints the WAL: that is disk work, so it goes to the thread."""
        with self.offloaded():
            await super().close()


def inline_creator(url: str) -> Callable[[], InlineSqlite]:
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
def offloaded(driver: Any) -> Iterator[None]:
    """Offload to the driver's thread when the driver is our inline one; a no-op otherwise."""
    if isinstance(driver, InlineSqlite):
        with driver.offloaded():
            yield
    else:
        yield


def in_transaction(driver: Any) -> bool:
    """False when SQLite itself rolled the transaction back (I/O error, disk full, ...)."""
    if isinstance(driver, aiosqlite.Connection):
        return bool(driver.in_transaction)
    return True


def already_begun(driver: Any) -> bool:
    """True when our inline writer's SQLite connection is inside a transaction already."""
    return isinstance(driver, InlineSqlite) and driver.sqlite.in_transaction


async def see_through(step: asyncio.Future[Any]) -> bool:
    """Wait for a step that cannot be called back (a statement on the driver's thread) even if
    this task is cancelled meanwhile; True when it was (the caller then raises CancelledError)."""
    cancelled = False
    while not step.done():
        try:
            await asyncio.wait((step,))
        except asyncio.CancelledError:
            cancelled = True
    return cancelled
