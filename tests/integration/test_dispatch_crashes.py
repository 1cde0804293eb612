"""SIGKILL the dispatcher dozens of times mid-broadcast: nothing lost, at most one duplicate per
chat per crash, each chat still served oldest first."""

from __future__ import annotations

import itertools
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

CHATS = 20
MESSAGES = 60  # per chat: 1,200 deliveries, more than the kills get through
KILLS = 55
LIFE_TIMEOUT = 30.0
ROOT = Path(__file__).resolve().parents[2]
Sent = tuple[str, int]  # (chat, announcement number) as the platform log records it


class PlatformLog:
    """What the platform received, in order, read as the file grows (complete lines only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[Sent] = []
        self.distinct: set[Sent] = set()
        self._offset = 0

    def read(self) -> PlatformLog:
        """Take in the lines appended since the last read."""
        if self.path.exists():
            with self.path.open("rb") as file:
                file.seek(self._offset)
                data = file.read()
            end = data.rfind(b"\n") + 1
            for line in data[:end].decode("utf-8").splitlines():
                chat, number = line.split("\t")
                self.lines.append((chat, int(number)))
                self.distinct.add((chat, int(number)))
            self._offset += end
        return self


class ForkServer:
    """The worker process that forks one bot per life (see dispatch_worker)."""

    def __init__(self, db: Path, log: Path) -> None:
        command = [sys.executable, "-m", "tests.integration.dispatch_worker", str(db), str(log),
                   str(CHATS), str(MESSAGES)]  # fmt: skip
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.said: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        for line in self.proc.stdout or []:
            self.said.put(line.strip())

    def start(self) -> int:
        """Fork a bot; its pid."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("start\n")
        self.proc.stdin.flush()
        answer = self.said.get(timeout=LIFE_TIMEOUT)
        assert answer.startswith("pid "), answer
        return int(answer.split()[1])

    def ended(self, wait: float = 0.0) -> int | None:
        """The last bot's exit status, once it has ended."""
        try:
            answer = self.said.get(timeout=wait) if wait else self.said.get_nowait()
        except queue.Empty:
            return None
        assert answer.startswith("exit "), answer
        return int(answer.split()[1])

    def close(self) -> None:
        """No more lives."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=LIFE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def _live_until_killed(
    server: ForkServer, log: PlatformLog, new_messages: int, delay: float
) -> bool:
    """Run one bot; SIGKILL it a moment after the platform has received `new_messages` messages
    it never had (re-sends do not count: a life must get past its predecessor's). Placed by
    progress, never by wall time: a loaded machine still kills mid-send (never before the
    outbox exists) and a fast one never finishes early. True if killed."""
    goal = len(log.read().distinct) + new_messages
    pid = server.start()
    deadline = time.monotonic() + LIFE_TIMEOUT
    while len(log.read().distinct) < goal:
        status = server.ended()
        if status is not None:
            assert status == 0, f"a bot failed with status {status}"
            return False
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"a bot made no progress in {LIFE_TIMEOUT:.0f} s")
        time.sleep(0.001)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    status = server.ended(wait=LIFE_TIMEOUT)
    assert status in (-signal.SIGKILL, 0), f"a bot failed with status {status}"
    return status != 0


def _next_kill(rng: random.Random, log: PlatformLog, kills_left: int) -> tuple[int, float]:
    """New messages before the kill (on average half an even share of what is left, so the outbox
    outlasts the kills even when a loaded machine lets a life run on), then a short delay."""
    remaining = CHATS * MESSAGES - len(log.read().distinct)
    return rng.randint(1, max(1, remaining // (kills_left + 1))), rng.uniform(0, 0.002)


@dataclass
class Tally:
    """Duplicates measured in the log, each put down to the crash that preceded its life."""

    per_crash: list[Counter[str]] = field(default_factory=list)

    def count(self, lines: list[Sent], lives: list[int]) -> None:
        """Lives[i] is where life i starts in the log; a re-send in life i+1 is crash i's."""
        seen: set[Sent] = set()
        bounds = [*lives, len(lines)]
        for life, (begin, end) in enumerate(itertools.pairwise(bounds)):
            again: Counter[str] = Counter()
            for sent in lines[begin:end]:
                if sent in seen:
                    again[sent[0]] += 1
                seen.add(sent)
            if life > 0:
                self.per_crash.append(again)

    @property
    def total(self) -> int:
        return sum(sum(crash.values()) for crash in self.per_crash)

    @property
    def most_per_chat(self) -> int:
        return max((max(crash.values(), default=0) for crash in self.per_crash), default=0)

    @property
    def most_per_crash(self) -> int:
        return max((sum(crash.values()) for crash in self.per_crash), default=0)


def _statuses(db: Path) -> Counter[str]:
    with closing(sqlite3.connect(db)) as conn:
        return Counter(row[0] for row in conn.execute("SELECT status FROM deliveries"))


def test_sigkills_mid_dispatch_duplicate_at_most_one_message_per_chat(tmp_path: Path) -> None:
    db, log = tmp_path / "dispatch.db", PlatformLog(tmp_path / "platform.log")
    rng = random.Random(20261127)
    server = ForkServer(db, log.path)
    lives: list[int] = []
    kills = 0
    try:
        while kills < KILLS:
            lives.append(len(log.read().lines))
            if not _live_until_killed(server, log, *_next_kill(rng, log, KILLS - kills)):
                break  # the outbox emptied first: counted below, after the duplicates
            kills += 1
        else:
            lives.append(len(log.read().lines))
            server.start()
            assert server.ended(wait=LIFE_TIMEOUT) == 0, "the last bot did not empty the outbox"
    finally:
        server.close()

    lines = log.read().lines
    tally = Tally()
    tally.count(lines, lives)
    print(f"\ndispatch crashes: {kills} SIGKILLs, {CHATS * MESSAGES} deliveries to {CHATS} "
          f"chats, {tally.total} duplicates, at most {tally.most_per_chat} per chat per crash, "
          f"at most {tally.most_per_crash} per crash")  # fmt: skip
    assert tally.most_per_chat <= 1, "a crash duplicated more than one message in a chat"
    assert kills == len(tally.per_crash) == KILLS, "the outbox emptied before every kill landed"
    assert _statuses(db) == Counter({"sent": CHATS * MESSAGES})
    assert set(lines) == {(f"chat{c}", n) for c in range(CHATS) for n in range(1, MESSAGES + 1)}
    for c in range(CHATS):  # each chat served oldest first, re-sends aside
        firsts = list(dict.fromkeys(n for chat, n in lines if chat == f"chat{c}"))
        assert firsts == sorted(firsts)
