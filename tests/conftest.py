"""Shared fixtures: a real SQLite file, a fake clock, and chat-like console participants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.main import Runtime, runtime
from bots.console.session import PLATFORM, ConsoleMessenger, ConsoleSession
from config.settings import Settings
from core.clock import FakeClock
from core.ports import Actor
from core.services import fanout


@dataclass
class Person:
    """Someone typing in the console; say() returns what the bot answered."""

    session: ConsoleSession
    lines: list[str] = field(default_factory=list)

    async def say(self, text: str) -> str:
        """Type a line and read the bot's answer."""
        self.lines.clear()
        await self.session.handle_line(text)
        return "\n".join(self.lines)


@dataclass
class ConsoleWorld:
    """A running core with a console messenger and as many people as a test needs."""

    rt: Runtime
    clock: FakeClock
    broadcasts: list[str] = field(default_factory=list)

    def person(self, name: str, locale: str | None = None) -> Person:
        """A console participant (account console:<name>)."""
        person = Person(session=None)  # type: ignore[arg-type]
        actor = Actor(f"{PLATFORM}:{name}", name.capitalize(), locale)
        person.session = ConsoleSession(self.rt.interpreter, actor, person.lines.append)
        return person

    async def deliver(self) -> list[str]:
        """Expand participant deliveries, run one dispatch sweep and return what reached the
        visible console chat (as the clock's expander and dispatcher would)."""
        self.broadcasts.clear()
        await fanout.expand(self.rt.ctx)
        await self.rt.dispatcher.sweep()
        return list(self.broadcasts)


# The fake clock stands still while a transcript types: people here would soon exceed the fair
# share (20 actions per 10 s), so it is lifted; `fair_world` keeps the defaults.
UNLIMITED = {"member_actions": 0, "chat_commands": 0}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[ConsoleWorld]:
    """Owner is console:owner; everything lives in a real SQLite file."""
    async for w in _world(tmp_path, UNLIMITED):
        yield w


@pytest.fixture
async def fair_world(tmp_path: Path) -> AsyncIterator[ConsoleWorld]:
    """The same world with the fair-share budgets of a default installation."""
    async for w in _world(tmp_path, {}):
        yield w


async def _world(tmp_path: Path, options: dict[str, int]) -> AsyncIterator[ConsoleWorld]:
    """A console world on a real SQLite file; settings as given."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                        owners="console:owner", **options)  # fmt: skip
    clock = FakeClock()
    async with runtime(settings, clock=clock) as rt:
        w = ConsoleWorld(rt, clock)
        rt.messengers[PLATFORM] = ConsoleMessenger(w.broadcasts.append, "owner")
        yield w
