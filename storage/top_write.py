"""`async with db.write()` as a plain object: a top-level write on the inline driver takes its
turn, its savepoint and its COMMIT without async generators.

Two asynccontextmanager layers (the error translation around the group-commit turn) cost about
5 µs of every join: an async generator each, registered with the loop, stepped on entry and
exit and walked through again at both suspensions. Nested and late writes keep SqlDatabase's
generator-based paths; this object only translates their errors and tells `on_saved`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from core.errors import StorageUnavailable
from storage.group_commit import _Grant, _Turn, give_back_unused
from storage.sql_tx import SqlTx
from storage.task_write import WriteToken, enter_write, leave_write, run_owed

if TYPE_CHECKING:
    from storage.database import SqlDatabase

STORAGE_ERRORS = (DBAPIError, sqlite3.Error)
Kind = type[BaseException] | None


def cannot_store(error: BaseException) -> bool:
    """SQLITE_FULL (disk or page limit) or an I/O error: the disk, not the data, is at fault."""
    original = getattr(error, "orig", error)
    name = getattr(original, "sqlite_errorname", "")
    return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR")


def unavailable(error: BaseException) -> StorageUnavailable | None:
    """The core's StorageUnavailable for a full or failing disk, else None (raise as it is)."""
    if isinstance(error, STORAGE_ERRORS) and cannot_store(error):
        return StorageUnavailable(str(getattr(error, "orig", error)))
    return None


class WriteScope:
    """One `async with db.write()`: commits unless the body raises and returns once durable.

    `other` is SqlDatabase's own context manager for a write nested in the task's write or
    coming after close; None for the usual top-level write, which queues for group commit.
    """

    __slots__ = ("_db", "_grant", "_other", "_savepoint", "_token", "_top", "_turn")
    _turn: _Turn
    _grant: _Grant
    _token: WriteToken

    def __init__(
        self, db: SqlDatabase, other: AbstractAsyncContextManager[SqlTx] | None, top: bool
    ) -> None:
        self._db = db
        self._other = other
        self._top = top
        self._savepoint: AbstractAsyncContextManager[None] | None = None

    async def __aenter__(self) -> SqlTx:
        """Queue for the batch's connection, then open this body's savepoint (on sqlite3 itself
        when the driver is the inline one). Inline here, not in helper coroutines: each would be
        one more frame to create and to resume through when the grant comes."""
        try:
            if self._other is not None:
                return await self._other.__aenter__()
            turn = self._turn = self._db._group.enqueue()
            try:
                grant = self._grant = await turn.granted
            except asyncio.CancelledError:
                give_back_unused(turn)
                raise
            tx = grant.tx()
            self._token = enter_write(tx)
            try:
                if grant.raw is None:
                    self._savepoint = _savepoint(grant)
                    await self._savepoint.__aenter__()
                else:
                    grant.enter()
            except BaseException:
                leave_write(self._token)
                raise
            return tx
        except STORAGE_ERRORS as error:
            translated = unavailable(error)
            if translated is None:
                raise
            raise translated from error

    async def __aexit__(
        self, kind: Kind, error: BaseException | None, tb: TracebackType | None
    ) -> bool:
        """End the savepoint (rolled back if the body raised) and pass the connection on; on
        success wait for the batch's COMMIT, then make the calls owed and tell `on_saved`."""
        owed: list[Callable[[], None]] = []
        try:
            if self._other is not None:
                if await self._other.__aexit__(kind, error, tb):
                    return True  # the inner manager handled the body's error
            else:
                try:
                    if self._savepoint is not None:
                        await self._savepoint.__aexit__(kind, error, tb)
                    else:
                        self._grant.leave(failed=error is not None)
                finally:
                    owed = leave_write(self._token)
                if error is None:
                    try:
                        await self._turn.committed
                    except asyncio.CancelledError:
                        self._owe(owed)  # the COMMIT goes on without this caller
                        raise
        except STORAGE_ERRORS as failure:
            translated = unavailable(failure)
            if translated is None:
                raise
            raise translated from failure
        if error is not None:
            translated = unavailable(error)
            if translated is not None:
                raise translated from error
            return False
        self._committed(owed)
        return False

    def _committed(self, owed: list[Callable[[], None]]) -> None:
        """The write is durable: wake whoever waits on its rows, and tell `on_saved`."""
        run_owed(owed)
        saved = self._db.on_saved
        if self._top and saved is not None:
            saved()

    def _owe(self, owed: list[Callable[[], None]]) -> None:
        """Cancelled while the batch commits (the cancellation also cancelled the future it
        would have settled): the calls are made if and when the batch commits."""
        turn = self._turn
        committed = turn.committed
        if turn.durable or (committed.done() and not committed.cancelled()):
            if turn.durable or committed.exception() is None:
                self._committed(owed)  # committed just before the cancellation reached us
        else:
            turn.then = lambda: self._committed(owed)


def _savepoint(grant: _Grant) -> AbstractAsyncContextManager[None]:
    """The grant's SQLAlchemy savepoint (drivers other than the inline one)."""
    return grant.savepoint()
