"""Is the database file usable? A quick look before the bot starts, a full check and a backup
on demand (`wavebot db check`, `wavebot db backup FILE`), each failure told in one line."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.schema_check import (
    PreflightError,
    require_known_schema,
    server_preflight,
    sqlite_revision,
)

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class DatabaseUnusable(Exception):
    """Why the database cannot be used, as a catalogue key and its parameters."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckReport:
    """What a full integrity check found."""

    path: Path
    pages: int
    problems: list[str]


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def preflight(url: str) -> None:
    """Refuse, in one line, a bad URL, a PostgreSQL server that does not answer, a file that is
    not SQLite, cannot be written or is damaged, or a schema newer than this code."""
    try:
        if server_preflight(url):
            return
    except PreflightError as problem:
        raise DatabaseUnusable(problem.key, dict(problem.params)) from problem
    path = sqlite_path(url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise DatabaseUnusable("cli.db_no_folder", {"path": str(path)})
    if not path.exists() or path.stat().st_size == 0:
        _require_writable(path.parent, path)
        return
    _require_sqlite_header(path)
    _require_writable(path, path)
    _require_writable(path.parent, path)
    problems = _pragma_check(path, "quick_check")
    if problems:
        raise DatabaseUnusable("cli.db_damaged", {"path": str(path), "detail": problems[0]})
    try:
        require_known_schema(sqlite_revision(path), str(path))
    except PreflightError as problem:
        raise DatabaseUnusable(problem.key, dict(problem.params)) from problem


@contextmanager
def sole_process(url: str) -> Iterator[None]:
    """Hold an exclusive lock beside a SQLite file, so a second bot on it refuses to start.

    The lock is a separate file: closing any descriptor of the database itself would drop
    SQLite's own POSIX locks. The kernel releases it when the process dies, even by SIGKILL.
    """
    path = sqlite_path(url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as busy:
            raise DatabaseUnusable("cli.db_in_use", {"path": str(path)}) from busy
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check(url: str) -> CheckReport:
    """The full integrity and foreign-key check of `wavebot db check`."""
    path = _existing_sqlite(url)
    problems = _pragma_check(path, "integrity_check")
    if not problems:
        problems = [" ".join(map(str, row)) for row in _rows(path, "PRAGMA foreign_key_check")]
    pages = int(str(_rows(path, "PRAGMA page_count")[0][0])) if not problems else 0
    return CheckReport(path, pages, problems)


def backup(url: str, target: Path) -> int:
    """Copy a live database with SQLite's online backup (consistent even while the bot writes)."""
    path = _existing_sqlite(url)
    if target.exists():
        raise DatabaseUnusable("cli.db_backup_exists", {"target": str(target)})
    if not target.parent.is_dir():
        raise DatabaseUnusable("cli.db_no_folder", {"path": str(target)})
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target.stat().st_size


def _existing_sqlite(url: str) -> Path:
    """The file a maintenance command works on, refusing other databases and missing files."""
    path = sqlite_path(url)
    if path is None:
        raise DatabaseUnusable("cli.db_only_sqlite")
    if not path.is_file():
        raise DatabaseUnusable("cli.db_missing", {"path": str(path)})
    _require_sqlite_header(path)
    return path


def _require_sqlite_header(path: Path) -> None:
    """The first 16 bytes of every SQLite database are its magic string."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        detail = error.strerror or type(error).__name__
        raise DatabaseUnusable(
            "cli.db_unreadable", {"path": str(path), "detail": detail}
        ) from error
    if head != SQLITE_MAGIC:
        raise DatabaseUnusable("cli.db_not_sqlite", {"path": str(path)})


def _require_writable(place: Path, path: Path) -> None:
    """The file and its folder (for the WAL and shared-memory files) must be writable."""
    if not os.access(place, os.W_OK):
        raise DatabaseUnusable("cli.db_read_only", {"path": str(path), "place": str(place)})


def _pragma_check(path: Path, pragma: str) -> list[str]:
    """Problems a check pragma reports ('ok' means none); an unreadable file is one problem."""
    try:
        rows = _rows(path, f"PRAGMA {pragma}")
    except sqlite3.DatabaseError as error:
        return [_one_line(str(error))]
    found = [_one_line(str(row[0])) for row in rows]
    return [] if found == ["ok"] else found


def _one_line(problem: str) -> str:
    """SQLite's report without its banner, on one line."""
    return " ".join(problem.replace("*** in database main ***", "").split())


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Run one statement on a read-only connection (a check never changes the file)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return list(conn.execute(sql).fetchall())
