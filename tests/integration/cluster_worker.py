"""One bot process of the three-process test (issue 15): a real runtime on a shared PostgreSQL
database with its elected clock and dispatcher, fed join updates on stdin.

Run as `python -m tests.integration.cluster_worker URL WAVE PLATFORM_LOG SWEEP_LOG`. Each stdin
line `join <n>` is the platform's update `console:join:<n>` (member n typing `/join WAVE` in
their private chat), handled exactly once through the interpreter's update key; the process
prints `ack <n>` once its handling returned. The "platform" is PLATFORM_LOG: each message
received is appended as `pid<TAB>chat<TAB>first line` before the send counts as done (written
before the call returns, so a SIGKILL cannot lose it). Every sweep this process runs is appended
to SWEEP_LOG as `time<TAB>pid<TAB>sweep<TAB>start|end`. Leadership changes are logged on stderr.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path

from app.main import runtime
from bots.i18n import render
from config.settings import Settings
from core.messages import Reply
from core.ports import Actor, ChatKind, ChatRef, SendOutcome, SendResult

CONCURRENCY = 8
PLATFORM = "console"


class FileMessenger:
    """A platform that records what it receives, and which process sent it."""

    platform = PLATFORM

    def __init__(self, path: Path) -> None:
        self.log = path.open("a", encoding="utf-8", buffering=1)

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Append the first line of the message (the kernel has it once write() returned)."""
        line = render(message.body[0], lang).replace("\n", " ")
        self.log.write(f"{os.getpid()}\t{chat_id}\t{line}\n")
        return SendResult(SendOutcome.SENT, message_id="1")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Live cards are not part of this test."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


def sweep_recorder(path: Path) -> object:
    """The clock's observer: one line per sweep start and end, with this process's pid."""
    log = path.open("a", encoding="utf-8", buffering=1)

    def record(name: str, phase: str) -> None:
        log.write(f"{time.time():.3f}\t{os.getpid()}\t{name}\t{phase}\n")

    return record


async def serve(url: str, wave: int, platform_log: Path, sweep_log: Path) -> None:
    """Run the clock and dispatcher, and handle the join updates read from stdin."""
    settings = Settings(database_url=url, owners="console:owner", member_actions=0, chat_commands=0)
    async with runtime(settings) as rt:
        rt.messengers[PLATFORM] = FileMessenger(platform_log)
        rt.clockwork.on_sweep = sweep_recorder(sweep_log)  # type: ignore[assignment]
        await rt.clockwork.start()
        print("ready", flush=True)
        gate = asyncio.Semaphore(CONCURRENCY)
        running: set[asyncio.Task[None]] = set()

        async def join(n: int) -> None:
            async with gate:
                key = f"console:join:{n}"
                actor = Actor(f"console:m{n}", f"M{n}")
                chat = ChatRef(PLATFORM, f"m{n}", ChatKind.PRIVATE)
                if await rt.interpreter.text_once(key, actor, chat, f"/join {wave}") is not None:
                    await rt.interpreter.answered(key)
                print(f"ack {n}", flush=True)

        while line := await asyncio.to_thread(sys.stdin.readline):
            verb, _, number = line.strip().partition(" ")
            if verb == "join":
                task = asyncio.create_task(join(int(number)))
                running.add(task)
                task.add_done_callback(running.discard)
        await asyncio.gather(*running)
        await rt.clockwork.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("storage.leadership").setLevel(logging.INFO)  # as `wavebot` does
    url, wave, platform_log, sweep_log = sys.argv[1:5]
    asyncio.run(serve(url, int(wave), Path(platform_log), Path(sweep_log)))
