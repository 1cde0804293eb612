"""Reading the terminal without blocking the shared event loop."""

from __future__ import annotations

import asyncio
import sys
import threading

from bots.console.session import ConsoleSession

QUIT = {"/quit", "/exit", "quit", "exit"}


async def read_lines(session: ConsoleSession, prompt: str = "you> ") -> bool:
    """Read lines until end of input or /quit, feeding each to the session; True at end of input.

    A daemon thread reads standard input, so Ctrl-C never waits for a line that may never come.
    """
    lines = _stdin_lines()
    while True:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = await lines.get()
        if not line:
            return True
        if line.strip().lower() in QUIT:
            return False
        await session.handle_line(line)


def _stdin_lines() -> asyncio.Queue[str]:
    """Lines of standard input as they come; an empty string at end of input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                line = sys.stdin.readline()
            except (OSError, ValueError):  # closed underneath us
                line = ""
            try:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            except RuntimeError:  # the loop is gone: the demo has ended
                return
            if not line:
                return

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return queue
