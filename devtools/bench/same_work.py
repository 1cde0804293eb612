"""The same-work ceiling of the pledges benchmark: the core's own SQL, replayed in plain sqlite3.

A ceiling is only honest if it does the work the measured side does. So it is not written by
hand: an untimed core burst runs with sqlite3's trace callback on the writer connection, which
records every statement the joins executed (expanded with their values). Each statement is
turned back into a parameterised one (literals become `?` parameters, in order), and the
ceiling replays them on a copy of that burst's starting database: the same statements, the same
parameters, in the same order, 16 pledges per COMMIT (as the core groups them at 16 in flight),
each pledge in its own SAVEPOINT, with the same pragmas (WAL, synchronous=FULL, foreign keys),
in the same process and the same Python, with nothing else: no asyncio, no decoding, no domain
logic. The replayed file must end with the recorded burst's counts, or the figure is refused.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.bench.report import check

GROUP = 16
PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000")
SAVEPOINT = "SAVEPOINT wavebot_write"
RELEASE = "RELEASE wavebot_write"
# A literal in expanded SQL: a quoted string ('' escapes a quote), NULL, or a number that is
# not part of a name. Each becomes one `?` parameter.
LITERAL = re.compile(r"'(?:[^']|'')*'|\bNULL\b|(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


@dataclass(frozen=True)
class Statement:
    """One executed statement, parameterised again."""

    sql: str
    params: tuple[Any, ...]


def _value(literal: str) -> Any:
    """A literal's Python value, as sqlite3 would have bound it."""
    if literal == "NULL":
        return None
    if literal.startswith("'"):
        return literal[1:-1].replace("''", "'")
    return float(literal) if "." in literal else int(literal)


def parameterise(expanded: str) -> Statement:
    """`INSERT … VALUES (1, 'a')` → `INSERT … VALUES (?, ?)` with (1, 'a')."""
    params = tuple(_value(match.group()) for match in LITERAL.finditer(expanded))
    return Statement(LITERAL.sub("?", expanded), params)


@dataclass(frozen=True)
class Recording:
    """What a traced core burst executed, pledge by pledge (one top-level savepoint each)."""

    pledges: tuple[tuple[Statement, ...], ...]

    @property
    def statements(self) -> int:
        """How many statements the joins ran, savepoints included."""
        return sum(len(pledge) for pledge in self.pledges)

    def shapes(self) -> Counter[str]:
        """How often each statement shape ran (for the report and the tests)."""
        return Counter(statement.sql for pledge in self.pledges for statement in pledge)


def split_pledges(trace: Sequence[str]) -> Recording:
    """Cut a trace into top-level savepoints; the core's own BEGIN/COMMIT are left out."""
    pledges: list[tuple[Statement, ...]] = []
    current: list[Statement] | None = None
    for text in trace:
        if text == SAVEPOINT and current is None:
            current = []
        if current is None:
            continue  # BEGIN IMMEDIATE, COMMIT: the replay groups pledges itself
        current.append(parameterise(text))
        if text == RELEASE:
            pledges.append(tuple(current))
            current = None
    check(current is None, "the trace ended inside a pledge's savepoint")
    return Recording(tuple(pledges))


@contextmanager
def tracing(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Collect every statement `conn` executes while the block runs."""
    trace: list[str] = []
    conn.set_trace_callback(trace.append)
    try:
        yield trace
    finally:
        conn.set_trace_callback(None)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live WAL database (sqlite3's online backup)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@dataclass(frozen=True)
class Replay:
    """One timed replay: pledges per second and per-pledge latency (start of its group → COMMIT)."""

    pledges: int
    seconds: float
    cpu_seconds: float
    latencies: tuple[float, ...]

    @property
    def rate(self) -> float:
        """Pledges per second of wall time."""
        return self.pledges / self.seconds


def _connect(path: Path) -> sqlite3.Connection:
    """A connection configured as the bot's writer is."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _run_pledge(conn: sqlite3.Connection, pledge: Sequence[Statement]) -> None:
    """One pledge's statements; runs of one INSERT shape (a fan-out) go as one executemany."""
    index = 0
    while index < len(pledge):
        statement = pledge[index]
        end = index + 1
        while end < len(pledge) and pledge[end].sql == statement.sql and "INSERT" in statement.sql:
            end += 1
        if end - index > 1:
            conn.executemany(statement.sql, [each.params for each in pledge[index:end]])
        else:
            conn.execute(statement.sql, statement.params).fetchall()
        index = end


def replay(recording: Recording, start: Path, path: Path, group: int = GROUP) -> Replay:
    """Replay the recording on a copy of its starting database, `group` pledges per COMMIT."""
    copy_database(start, path)
    latencies: list[float] = []
    with closing(_connect(path)) as conn:
        began, cpu = time.perf_counter(), time.process_time()
        for first in range(0, len(recording.pledges), group):
            opened = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            batch = recording.pledges[first : first + group]
            for pledge in batch:
                _run_pledge(conn, pledge)
            conn.execute("COMMIT")
            latencies += [time.perf_counter() - opened] * len(batch)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    return Replay(len(recording.pledges), seconds, cpu_seconds, tuple(latencies))


FINGERPRINT = (
    "SELECT (SELECT units || '/' || pledgers FROM waves WHERE id = 1), "
    "(SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM accounts), "
    "(SELECT COUNT(*) FROM pledges), (SELECT COUNT(*) FROM pledge_events), "
    "(SELECT COUNT(*) FROM milestones), (SELECT COUNT(*) FROM announcements), "
    "(SELECT COUNT(*) FROM deliveries)"
)


def fingerprint(path: Path) -> tuple[Any, ...]:
    """The wave's counts and the size of every table a join writes."""
    with closing(sqlite3.connect(path)) as conn:
        return tuple(conn.execute(FINGERPRINT).fetchone())


def verify_replay(path: Path, recorded: Path) -> None:
    """The replayed file must hold what the recorded burst left, or its figure is meaningless."""
    got, wanted = fingerprint(path), fingerprint(recorded)
    check(got == wanted, f"the replay left {got}, the recorded burst {wanted}")
