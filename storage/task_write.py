"""Which write transaction the running task opened: nested writes of one task reuse it."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token

from storage.sql_tx import SqlTx

_CURRENT_WRITE: ContextVar[tuple[object, SqlTx] | None] = ContextVar(
    "wavebot_current_write", default=None
)


def own_write() -> SqlTx | None:
    """The write transaction this very task opened (tasks it spawned get their own)."""
    current = _CURRENT_WRITE.get()
    if current is not None and current[0] is asyncio.current_task():
        return current[1]
    return None


def enter_write(tx: SqlTx) -> Token[tuple[object, SqlTx] | None]:
    """This task now writes through `tx`; give the token back to leave_write."""
    return _CURRENT_WRITE.set((asyncio.current_task(), tx))


def leave_write(token: Token[tuple[object, SqlTx] | None]) -> None:
    """The task's write is over."""
    _CURRENT_WRITE.reset(token)
