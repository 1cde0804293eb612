"""A savepoint on the sqlite3 connection itself: the steps group commit's grant (each write of a
batch) and a nested write (storage/database.py `_nested`) both take, without SQLAlchemy's frames."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

Run = Callable[[str], Any]  # runs one statement without parameters on the connection


def open_savepoint(run: Run, name: str) -> None:
    """SAVEPOINT name."""
    run(f"SAVEPOINT {name}")


def close_savepoint(run: Run, name: str, failed: bool) -> bool:
    """Release the savepoint, first rolling back to it when the body failed. After a failure,
    False when SQLite no longer knows it (an error may have ended the whole transaction);
    a failing RELEASE after a body that succeeded raises."""
    if not failed:
        run(f"RELEASE {name}")
        return True
    with contextlib.suppress(sqlite3.Error, DBAPIError):
        run(f"ROLLBACK TO {name}")
        run(f"RELEASE {name}")
        return True
    return False
