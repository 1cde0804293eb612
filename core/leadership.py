"""Who runs the sweeps and sends for a platform when several processes share one database."""

from __future__ import annotations

from typing import Protocol


class Leadership(Protocol):
    """One elected role (the sweeps, or one platform's dispatcher) among the bot's processes.

    `lead()` is asked before each piece of work the role does: it answers whether this process
    holds the role right now, trying to take it if nobody does (at most every few seconds), and
    gives it up at once when it can no longer prove it holds it.
    """

    name: str

    async def lead(self) -> bool: ...


class Sole:
    """The only process there is (SQLite's file lock keeps a second one out): always leads."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def lead(self) -> bool:
        """Always: no other process can hold the role."""
        return True
