"""Which write transaction the running task opened: nested writes of one task reuse it, and
what to do once it is committed (wake-ups must not run before others can see the rows)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from storage.sql_tx import SqlTx


@dataclass
class _Write:
    """The task that opened a write, its transaction, and the calls owed after its commit."""

    task: object
    tx: SqlTx
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_CURRENT_WRITE: ContextVar[_Write | None] = ContextVar("wavebot_current_write", default=None)
WriteToken = Token[_Write | None]


def _own() -> _Write | None:
    """The write this very task opened (tasks it spawned get their own)."""
    current = _CURRENT_WRITE.get()
    if current is not None and current.task is asyncio.current_task():
        return current
    return None


def own_write() -> SqlTx | None:
    """The write transaction this very task opened."""
    current = _own()
    return current.tx if current is not None else None


def enter_write(tx: SqlTx) -> WriteToken:
    """This task now writes through `tx`; give the token back to leave_write."""
    return _CURRENT_WRITE.set(_Write(asyncio.current_task(), tx))


def leave_write(token: WriteToken) -> list[Callable[[], None]]:
    """The task's write is over; the calls to make once (and only if) it is committed."""
    owed = token.var.get()
    _CURRENT_WRITE.reset(token)
    return owed.after_commit if owed is not None else []


def after_commit(callback: Callable[[], None]) -> None:
    """Call `callback` once the calling task's write is committed, or now outside a write."""
    current = _own()
    if current is None:
        callback()
    else:
        current.after_commit.append(callback)


def run_owed(calls: list[Callable[[], None]]) -> None:
    """Make the calls a committed write owed."""
    for call in calls:
        call()
