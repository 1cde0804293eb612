"""The raw savepoint steps shared by group commit's grants and nested writes: a failed body's
changes are undone and the transaction goes on; a savepoint SQLite already dropped says so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.savepoints import close_savepoint, open_savepoint


def connection(tmp_path: Path) -> sqlite3.Connection:
    """A file database in autocommit mode (we BEGIN ourselves, as the writer does)."""
    conn = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    conn.execute("BEGIN IMMEDIATE")
    return conn


def rows(conn: sqlite3.Connection) -> list[int]:
    """What the transaction sees."""
    return [x for (x,) in conn.execute("SELECT x FROM t ORDER BY x")]


def test_a_failed_body_is_undone_and_a_good_one_kept(tmp_path: Path) -> None:
    conn = connection(tmp_path)
    open_savepoint(conn.execute, "a")
    conn.execute("INSERT INTO t VALUES (1)")
    assert close_savepoint(conn.execute, "a", failed=False)
    open_savepoint(conn.execute, "b")
    conn.execute("INSERT INTO t VALUES (2)")
    assert close_savepoint(conn.execute, "b", failed=True)
    assert rows(conn) == [1] and conn.in_transaction  # the outer transaction goes on
    conn.execute("COMMIT")
    assert rows(conn) == [1]


def test_a_savepoint_sqlite_dropped_is_reported_not_raised_after_a_failure(
    tmp_path: Path,
) -> None:
    conn = connection(tmp_path)
    open_savepoint(conn.execute, "a")
    conn.execute("ROLLBACK")  # what an error such as SQLITE_FULL may do to the transaction
    assert close_savepoint(conn.execute, "a", failed=True) is False
    with pytest.raises(sqlite3.OperationalError):  # after a body that succeeded: raised
        close_savepoint(conn.execute, "a", failed=False)
