"""Reading the terminal without blocking the shared event loop."""

from __future__ import annotations

import asyncio
import sys

from bots.console.session import ConsoleSession

QUIT = {"/quit", "/exit", "quit", "exit"}


async def read_lines(session: ConsoleSession, prompt: str = "you> ") -> None:
    """Read lines until end of input or /quit, feeding each to the session."""
    loop = asyncio.get_running_loop()
    while True:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or line.strip().lower() in QUIT:
            return
        await session.handle_line(line)
