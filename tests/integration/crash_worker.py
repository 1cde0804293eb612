"""A bot process for the crash test: pledges a crowd and dispatches the outbox until killed.

Run as `python -m tests.integration.crash_worker DB LOG MEMBERS`. It prints `ack <n>` once
member n's pledge is committed, and `done` when every member is in and the outbox is empty.
The "platform" is LOG: each delivered message is appended and fsynced before the send counts
as done, like a real platform that has received it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import text

from app.main import runtime
from bots.i18n import render
from config.settings import Settings
from core.commands.parsing import parse_duration, parse_tier
from core.messages import Reply
from core.ports import Actor, ChatKind, ChatRef, SendOutcome, SendResult
from core.services import community, ideas, waves
from core.services.waves import LaunchPlan
from storage.database import SqlDatabase

OWNER = Actor("console:owner", "Owner")
CONCURRENCY = 8


class FileMessenger:
    """A platform that durably records what it receives."""

    platform = "console"

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Append the first line of the message and fsync it."""
        line = render(message.body[0], lang).replace("\n", " ")
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"{chat_id}\t{line}\n")
            log.flush()
            os.fsync(log.fileno())
        return SendResult(SendOutcome.SENT, message_id="1")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are not part of this test."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


async def ensure_wave(rt_ctx: object) -> int:
    """First start: subscribe a chat, propose, approve and launch wave 1."""
    from core.services.context import Context

    assert isinstance(rt_ctx, Context)
    found = await waves.open_waves(rt_ctx)
    if found:
        return found[0].id
    await community.subscribe(rt_ctx, OWNER, ChatRef("console", "room", ChatKind.GROUP), [])
    idea = await ideas.propose(rt_ctx, OWNER, "Crash-proof kettle")
    await ideas.approve(rt_ctx, OWNER, idea.id)
    tiers = tuple(parse_tier(t) for t in ("1:100", "50:90", "100:80", "200:70"))
    plan = LaunchPlan(idea.id, tiers, parse_duration("7d"), moq=50)
    return (await waves.launch(rt_ctx, OWNER, plan)).id


async def already_pledged(db: SqlDatabase) -> set[int]:
    """Members whose pledge the database already holds: a restart resumes after them."""
    sql = text(
        "SELECT a.account FROM accounts a JOIN pledges p ON p.member_id = a.member_id "
        "WHERE p.status = 'active' AND a.account LIKE 'console:m%'"
    )
    async with db.read() as tx:
        rows = (await tx.connection.execute(sql)).all()
    return {int(row[0][len("console:m") :]) for row in rows}


async def main(db: str, log_path: str, members: int) -> None:
    """Pledge everyone (again: joining twice is harmless), dispatching all along."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{db}", owners=OWNER.account)
    async with runtime(settings, alone=True) as rt:
        rt.messengers["console"] = FileMessenger(Path(log_path))
        wave_id = await ensure_wave(rt.ctx)
        stop = asyncio.Event()

        async def dispatch_loop() -> None:
            while not stop.is_set():
                await rt.dispatcher.sweep()
                await asyncio.sleep(0.01)

        dispatcher = asyncio.create_task(dispatch_loop())
        gate = asyncio.Semaphore(CONCURRENCY)

        async def pledge(n: int) -> None:
            async with gate:
                actor = Actor(f"console:m{n}", f"M{n}")
                await community.set_notify(rt.ctx, actor, False)
                await waves.join(rt.ctx, actor, wave_id)
                print(f"ack {n}", flush=True)

        done = await already_pledged(rt.db)
        await asyncio.gather(*(pledge(n) for n in range(members) if n not in done))
        stop.set()
        await dispatcher
        await rt.dispatcher.sweep()
        print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
