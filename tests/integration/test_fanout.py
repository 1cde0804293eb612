"""The milestone fan-out: the crossing commit fixes the audience, the expander writes the
participants' deliveries afterwards in batches, crash-safe and in milestone order.

The rule for who gets a milestone's private message: an active pledger at the crossing commit
(not one who joined, or withdrew and rejoined, after it), still active and still wanting
milestone news when their batch is expanded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.ports import ChatKind, ChatRef
from core.services import community, fanout, retention, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, rows

ROOT = Path(__file__).resolve().parents[2]
MILESTONE_DMS = "SELECT COUNT(*) FROM deliveries WHERE member_id IS NOT NULL"


def members_told(db_path: Path, kind: str) -> list[str]:
    """Private chats an announcement of this kind has a delivery for, in delivery order."""
    return [
        chat
        for (chat,) in rows(
            db_path,
            "SELECT d.chat_id FROM deliveries d JOIN announcements a ON a.id = d.announcement_id "
            "WHERE a.kind = ? AND d.member_id IS NOT NULL ORDER BY d.id",
            kind,
        )
    ]


async def open_wave(ctx: Context, *tiers: tuple[int, int]) -> int:
    """A launched wave on a fresh idea; its id."""
    return (await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), *tiers))).id


async def test_audience_is_the_pledgers_of_the_crossing_commit(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    wave = await open_wave(ctx, (1, 900), (4, 800))  # milestone 4: tier and minimum
    for n in (1, 2, 3):
        await waves.join(ctx, person(n), wave)
    crossed = await waves.join(ctx, person(4), wave)
    assert crossed.milestones == (4,)
    # after the commit, before the expander: a newcomer, and a rejoin (a new place in line)
    await waves.join(ctx, person(5), wave)
    await waves.leave(ctx, person(2), wave)
    await waves.join(ctx, person(2), wave)
    await waves.leave(ctx, person(3), wave)  # withdrawn: not told of a count it left
    assert rows(db_path, MILESTONE_DMS) == [(0,)]

    await fanout.expand(ctx, batch=2)
    assert members_told(db_path, "milestone:4") == ["1001", "1004"]


async def test_member_who_opted_out_before_expansion_is_skipped(
    ctx: Context, db_path: Path
) -> None:
    wave = await open_wave(ctx, (1, 900), (3, 800))
    for n in (1, 2, 3):
        await waves.join(ctx, person(n), wave)
    await community.set_notify(ctx, person(1), False)  # after the crossing, before expansion
    await fanout.expand(ctx)
    assert members_told(db_path, "milestone:3") == ["1002", "1003"]


async def test_back_to_back_milestones_keep_each_members_order(ctx: Context, db_path: Path) -> None:
    wave = await open_wave(ctx, (1, 900), (10, 800))
    await asyncio.gather(*(waves.join(ctx, person(n), wave) for n in range(1, 10)))
    # milestone 10 and 25 cross before the expander runs at all
    await asyncio.gather(*(waves.join(ctx, person(n), wave) for n in range(10, 26)))
    kinds = rows(db_path, "SELECT kind FROM announcements WHERE fanout_pending ORDER BY id")
    assert kinds == [("milestone:10",), ("milestone:25",)]

    expanded = await fanout.expand(ctx, batch=4)
    assert (expanded.rows, expanded.announcements) == (35, 2)
    # the dispatcher's order for a chat: next_attempt_at, then id (core/services/dispatch.py)
    order = rows(
        db_path,
        "SELECT d.chat_id, a.kind FROM deliveries d JOIN announcements a "
        "ON a.id = d.announcement_id WHERE d.member_id IS NOT NULL "
        "ORDER BY d.chat_id, d.next_attempt_at, d.id",
    )
    per_chat: dict[str, list[str]] = {}
    for chat, kind in order:
        per_chat.setdefault(chat, []).append(kind)
    assert len(per_chat) == 25
    for n in range(1, 26):  # the first ten pledgers hear of 10, then of 25; the others of 25
        told = ["milestone:10", "milestone:25"] if n <= 10 else ["milestone:25"]
        assert per_chat[f"{1000 + n}"] == told


async def test_expansion_is_idempotent_and_gives_the_writer_back(
    ctx: Context, db_path: Path
) -> None:
    wave = await open_wave(ctx, (1, 900), (30, 800))
    await asyncio.gather(*(waves.join(ctx, person(n), wave) for n in range(1, 31)))
    announcements = rows(db_path, "SELECT COUNT(*) FROM announcements WHERE fanout_pending")
    assert announcements == [(3,)]  # 10, 25, 30

    order: list[str] = []

    async def late_join() -> None:
        await asyncio.sleep(0)  # queued once the expander holds the writer
        await waves.join(ctx, person(99), wave)
        order.append("join")

    async def expand() -> None:
        done = await fanout.expand(ctx, batch=5)
        order.append("expanded")
        assert done.transactions > 10  # a batch per transaction, not one long write

    await asyncio.gather(expand(), late_join(), fanout.expand(ctx, batch=3))
    assert order == ["join", "expanded"]  # the pledge did not wait for the whole fan-out
    told = rows(db_path, "SELECT COUNT(*), COUNT(DISTINCT announcement_id || chat_id) FROM "
                "deliveries WHERE member_id IS NOT NULL")  # fmt: skip
    assert told == [(65, 65)]  # 10 + 25 + 30, none twice though two expanders ran at once
    assert (await fanout.expand(ctx)).rows == 0


async def test_retention_keeps_an_announcement_still_to_expand(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    wave = await open_wave(ctx, (1, 900), (2, 800))
    await waves.join(ctx, person(1), wave)
    await waves.join(ctx, person(2), wave)  # crosses 2; no chat is subscribed: no delivery yet
    clock.advance(timedelta(days=60))
    await retention.prune(ctx, retention.RetentionPolicy(timedelta(days=30)))
    assert rows(db_path, "SELECT kind FROM announcements WHERE kind = 'milestone:2'") == [
        ("milestone:2",)
    ]
    await fanout.expand(ctx)
    assert members_told(db_path, "milestone:2") == ["1001", "1002"]


async def test_a_moved_chat_keeps_one_delivery_per_announcement(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    old = ChatRef("telegram", "-100", ChatKind.GROUP, "Kitchen")
    new = ChatRef("telegram", "-1009", ChatKind.GROUP, "Kitchen (supergroup)")
    await community.subscribe(ctx, OWNER, old, [])
    await community.subscribe(ctx, OWNER, new, [])  # subscribed under both ids
    await open_wave(ctx, (1, 900))
    async with ctx.db.write() as tx:
        await tx.move_chat("telegram", "-100", "-1009")
    kept = rows(db_path, "SELECT chat_id, status FROM deliveries ORDER BY id")
    assert kept == [("-100", "gone"), ("-1009", "pending")]  # the new id hears it once


class Worker:
    """The expander in a process of its own, killed for real (tests/integration/fanout_worker)."""

    def __init__(self, db_path: Path, batch: int) -> None:
        command = [sys.executable, "-m", "tests.integration.fanout_worker", str(db_path),
                   str(batch)]  # fmt: skip
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)

    def kill_after(self, batches: int) -> None:
        """SIGKILL it once it reported this many committed batches."""
        assert self.proc.stdout is not None
        for _ in range(batches):
            line = self.proc.stdout.readline()
            assert line.startswith("batch "), line
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL

    def finish(self) -> str:
        """Let it run to the end; its last line."""
        out, _ = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0, out
        return out.strip().splitlines()[-1]


async def test_crash_between_batches_loses_and_repeats_nothing(ctx: Context, db_path: Path) -> None:
    wave = await open_wave(ctx, (1, 900), (200, 800))
    await asyncio.gather(*(waves.join(ctx, person(n), wave) for n in range(1, 201)))
    audience = 10 + 25 + 50 + 100 + 200

    Worker(db_path, batch=20).kill_after(batches=4)
    (first_life,) = rows(db_path, MILESTONE_DMS)[0]
    assert 0 < first_life < audience  # what committed before the kill stays
    Worker(db_path, batch=20).kill_after(batches=3)
    (second_life,) = rows(db_path, MILESTONE_DMS)[0]
    assert first_life < second_life < audience
    assert Worker(db_path, batch=20).finish() == f"done {audience - second_life}"

    per_announcement = rows(
        db_path,
        "SELECT a.kind, COUNT(*), COUNT(DISTINCT d.chat_id) FROM deliveries d JOIN announcements "
        "a ON a.id = d.announcement_id WHERE d.member_id IS NOT NULL GROUP BY a.id ORDER BY a.id",
    )
    assert per_announcement == [(f"milestone:{m}", m, m) for m in (10, 25, 50, 100, 200)]
    assert rows(db_path, "SELECT COUNT(*) FROM announcements WHERE fanout_pending") == [(0,)]
