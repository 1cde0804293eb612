"""A bot process for the dispatch crash test: drains a big outbox until killed.

Run as `python -m tests.integration.dispatch_worker DB LOG CHATS MESSAGES`: a fork server.
It imports the bot once, then for each `start` line on stdin forks a bot process, prints
`pid <pid>`, waits for it and prints `exit <status>` (-9 when SIGKILLed). Forking from a warm
parent only saves the imports and the catalogue parsing (a second) per life; each bot is still
its own process with its own database connection, killed for real. It forks before any event
loop or database exists.

A bot's first start queues MESSAGES announcements to each of CHATS chats (one write: all or
nothing); every start then dispatches until no delivery is pending. The "platform" is LOG: each
delivered message is appended as `chat<TAB>n` and fsynced before the send counts as done, like
a real platform that has received it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from pathlib import Path

from sqlalchemy import text

from app.main import runtime
from bots.i18n.catalogue import command_aliases
from config.settings import Settings
from core.messages import Reply, t
from core.model import Target
from core.ports import SendOutcome, SendResult
from core.services.announce import encode
from core.services.context import Context
from storage.health import sole_process

PLATFORM = "console"
ROUND_TRIP = 0.001  # seconds: a send awaits the network, so other sends run meanwhile


class FileMessenger:
    """A platform that durably records what it receives."""

    platform = PLATFORM

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """After a network round trip, append which announcement reached which chat, fsynced."""
        number = message.body[0].params["id"]
        await asyncio.sleep(ROUND_TRIP)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"{chat_id}\t{number}\n")
            log.flush()
            os.fsync(log.fileno())
        return SendResult(SendOutcome.SENT, message_id=str(number))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are not part of this test."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


async def _scalar(ctx: Context, sql: str) -> int:
    """One number from the database."""
    async with ctx.db.read() as tx:
        return int((await tx.connection.execute(text(sql))).scalar_one())


async def ensure_outbox(ctx: Context, chats: int, messages: int) -> None:
    """First start: every announcement to every chat, queued in one transaction."""
    if await _scalar(ctx, "SELECT COUNT(*) FROM announcements"):
        return
    targets = [Target(PLATFORM, f"chat{c}", "en") for c in range(chats)]
    now = ctx.clock.now()
    async with ctx.db.write() as tx:
        for n in range(1, messages + 1):
            body = encode((t("announce.opened", id=n, title=f"Item {n}", category="general"),))
            await tx.add_announcement(None, "crash-test", body, targets, now)


async def main(db: str, log_path: str, chats: int, messages: int) -> None:
    """One bot's life on the database file."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{db}", owners="console:owner")
    # Like `wavebot run`: the file's lock, then a lone process releases the dead one's leases.
    with sole_process(settings.database_url):
        await dispatch(settings, Path(log_path), chats, messages)


async def dispatch(settings: Settings, log_path: Path, chats: int, messages: int) -> None:
    """Queue the outbox once, then sweep until it is empty."""
    async with runtime(settings, alone=True) as rt:
        rt.messengers[PLATFORM] = FileMessenger(log_path)
        await ensure_outbox(rt.ctx, chats, messages)
        pending = "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'"
        while await _scalar(rt.ctx, pending):
            await rt.dispatcher.sweep()
            await asyncio.sleep(0.01)


def life(args: list[str]) -> int:
    """One bot process, from start to an empty outbox (or a SIGKILL)."""
    try:
        asyncio.run(main(args[0], args[1], int(args[2]), int(args[3])))
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def serve(args: list[str]) -> None:
    """Fork a bot per `start` line; report its pid, then how it ended."""
    command_aliases()  # warm, like the imports: the catalogues are parsed once, not per life
    for line in sys.stdin:
        if line.strip() != "start":
            continue
        pid = os.fork()
        if pid == 0:
            sys.stdout.flush()
            os._exit(life(args))
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
