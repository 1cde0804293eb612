"""SIGKILL the bot at random points during a pledge burst, restart it, many times: nothing lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from tests.texts import eur, said

MEMBERS = 260
CRASHES = 10
EXPECTED_MILESTONES = {10, 25, 50, 100, 200}
PRICE_AT = {10: 100, 25: 100, 50: 90, 100: 80, 200: 70}  # the worker's tiers 1:100 50:90 …
TITLE = "Crash-proof kettle"
ROOT = Path(__file__).resolve().parents[2]


def _run_worker(db: Path, log: Path, kill: tuple[int, float] | None) -> set[int]:
    """Start a worker; SIGKILL it a random moment after its k-th new ack (None: let it finish).

    Kills are placed by progress, not by wall time, so a slow or loaded machine still kills
    during the burst (never before the schema exists) and a fast one never finishes early.
    """
    command = [sys.executable, "-m", "tests.integration.crash_worker", str(db), str(log),
               str(MEMBERS)]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        for line in proc.stdout or []:
            lines.append(line)
            acks = sum(1 for seen in lines if seen.startswith("ack "))
            if kill is not None and acks >= kill[0]:
                time.sleep(kill[1])
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        lines += (proc.stdout.read() if proc.stdout else "").splitlines(keepends=True)
    finally:
        watchdog.cancel()
    if kill is None:
        assert proc.returncode == 0 and "done\n" in lines, "the final worker did not finish"
    return {int(line.split()[1]) for line in lines if line.startswith("ack ")}


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def _pledged(db: Path) -> set[int]:
    """Members with an active pledge in the database file."""
    rows = _query(db, "SELECT a.account FROM accounts a JOIN pledges p ON "
                  "p.member_id = a.member_id WHERE p.status = 'active' AND a.account LIKE "
                  "'console:m%'")  # fmt: skip
    return {int(str(row[0])[len("console:m") :]) for row in rows}


def test_random_sigkills_lose_no_pledge_and_miss_no_milestone(tmp_path: Path) -> None:
    db, log = tmp_path / "crash.db", tmp_path / "platform.log"
    rng = random.Random(20261123)
    acknowledged: set[int] = set()
    for _ in range(CRASHES):
        acknowledged |= _run_worker(db, log, kill=(rng.randint(5, 30), rng.uniform(0, 0.05)))
        assert acknowledged <= _pledged(db), "an acknowledged pledge was lost"
    assert len(acknowledged) >= MEMBERS // 2, "the kills should land during the burst"
    acknowledged |= _run_worker(db, log, kill=None)

    assert acknowledged | _pledged(db) == set(range(MEMBERS))
    assert _query(db, "SELECT units, pledgers FROM waves WHERE id = 1") == [(MEMBERS, MEMBERS)]
    assert _query(db, "SELECT COUNT(*) FROM pledges WHERE status = 'active'") == [(MEMBERS,)]
    marks = {row[0] for row in _query(db, "SELECT milestone FROM milestones WHERE wave_id = 1")}
    assert marks == EXPECTED_MILESTONES
    assert _query(db, "SELECT COUNT(*) FROM deliveries WHERE status != 'sent'") == [(0,)]

    received = Counter(log.read_text(encoding="utf-8").splitlines())
    for mark in EXPECTED_MILESTONES:  # announced in the subscribed room
        price = eur(PRICE_AT[mark])
        milestone = said("announce.milestone", count=mark, id=1, title=TITLE, price=price)
        assert received[f"room\t{milestone}"] >= 1, mark
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= CRASHES, f"{duplicates} duplicate messages for {CRASHES} crashes"
