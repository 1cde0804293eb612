"""Shared fixtures: a real database (SQLite file or PostgreSQL), a fake clock, and chat-like
console participants. A test that uses `db_url` (or the console `world`) runs once per backend;
one that also asks for `db_path` looks inside the SQLite file, so it runs on SQLite only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.main import Runtime, runtime
from bots.console.session import PLATFORM, ConsoleMessenger, ConsoleSession
from config.settings import Settings
from core.clock import FakeClock
from core.ports import Actor
from core.services import fanout
from tests.postgres import NoServer, PostgresServer, required

BACKENDS = ("sqlite", "postgresql")


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test on a database runs on both backends, but those that open the SQLite file."""
    if "backend" not in metafunc.fixturenames:
        return
    sqlite_only = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    )
    backends = BACKENDS[:1] if sqlite_only else BACKENDS
    if metafunc.definition.get_closest_marker("postgresql_only"):
        backends = BACKENDS[1:]
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend this run of the test uses."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server and migrated template (tests/postgres.py)."""
    try:
        server = PostgresServer.find()
    except NoServer as error:
        if required():
            pytest.fail(f"PostgreSQL is required (WAVEBOT_REQUIRE_POSTGRES): {error}")
        pytest.skip(f"no PostgreSQL server: {error}")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
async def db_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """This test's own database: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'wavebot.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.new_database()
    try:
        yield url
    finally:
        await server.drop(url)


# The fake clock stands still while a transcript types: people here would soon exceed the fair
# share (20 actions per 10 s), so it is lifted; `fair_world` keeps the defaults.
UNLIMITED = {"member_actions": 0, "chat_commands": 0}


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[ConsoleWorld]:
    """Owner is console:owner; everything lives in a real database (each backend in turn)."""
    async for w in _world(db_url, UNLIMITED):
        yield w


@pytest.fixture
async def fair_world(db_url: str) -> AsyncIterator[ConsoleWorld]:
    """The same world with the fair-share budgets of a default installation."""
    async for w in _world(db_url, {}):
        yield w


async def _world(db_url: str, options: dict[str, int]) -> AsyncIterator[ConsoleWorld]:
    """A console world on a real database; settings as given."""
    settings = Settings(database_url=db_url, owners="console:owner", **options)
    clock = FakeClock()
    async with runtime(settings, clock=clock) as rt:
        w = ConsoleWorld(rt, clock)
        rt.messengers[PLATFORM] = ConsoleMessenger(w.broadcasts.append, "owner")
        yield w
