"""The wake bus when things go wrong: a kind published while a notice is on the wire still
leaves, a LISTEN that fails closes its connection, and a server that does not answer never
holds up the process's start."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import warnings
from collections.abc import AsyncIterator

import asyncpg
import pytest

from storage.urls import libpq_dsn
from storage.wake_bus import PgWakeBus
from tests.conftest import ConsoleWorld
from tests.integration.test_wake_bus import Ears, listening


async def listeners(url: str) -> int:
    """The wake-bus connections open on this test's database."""
    conn = await asyncpg.connect(libpq_dsn(url))
    try:
        sql = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = 'wavebot-wake' AND datname = current_database()"
        )
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


@pytest.mark.postgresql_only
async def test_a_kind_published_while_a_notice_is_on_the_wire_still_leaves(
    world: ConsoleWorld,
) -> None:
    theirs = Ears()
    async with listening(world.rt.settings.database_url, Ears(), theirs) as (here, _):
        here.publish("fanout")
        for _ in range(2):  # the flusher takes it and sends it: its NOTIFY awaits the server
            await asyncio.sleep(0)
        assert not here._pending
        here.publish("deliveries")  # committed meanwhile: it must not wait for another commit
        await theirs.hear("fanout")
        await theirs.hear("deliveries")


@pytest.mark.postgresql_only
async def test_what_is_published_before_the_connection_opens_leaves_once_it_does(
    world: ConsoleWorld,
) -> None:
    url = world.rt.settings.database_url
    theirs = Ears()
    async with listening(url, theirs):
        here = PgWakeBus(url, Ears())
        try:
            await here.start()  # returns before the connection is open
            here.publish("deliveries")  # a commit during the start (or a reconnection)
            await theirs.hear("deliveries")
        finally:
            await here.close()


@pytest.mark.postgresql_only
async def test_a_failed_listen_closes_its_connection(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = world.rt.settings.database_url
    assert world.rt.wake_bus is not None
    await world.rt.wake_bus.ready()  # it connects in the background
    before = await listeners(url)  # the runtime's own bus

    async def refused(*_args: object) -> None:
        raise asyncpg.exceptions.FeatureNotSupportedError("cannot execute LISTEN during recovery")

    monkeypatch.setattr(asyncpg.Connection, "add_listener", refused)
    bus = PgWakeBus(url, Ears())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await bus.start()
        await bus.ready()
        gc.collect()
        opened = await listeners(url)
        await bus.close()
    assert opened == before
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


class Silent:
    """A TCP server that accepts connections and never says a word (a PostgreSQL that hangs)."""

    def __init__(self) -> None:
        self.accepted = asyncio.Event()
        self.writers: list[asyncio.StreamWriter] = []

    async def _hold(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        self.accepted.set()


@pytest.fixture
async def silent() -> AsyncIterator[tuple[Silent, int]]:
    """The silent server and its port on 127.0.0.1."""
    held = Silent()
    server = await asyncio.start_server(held._hold, "127.0.0.1", 0)
    try:
        yield held, server.sockets[0].getsockname()[1]
    finally:
        for writer in held.writers:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_server_that_does_not_answer_never_holds_up_the_start(
    silent: tuple[Silent, int],
) -> None:
    held, port = silent
    bus = PgWakeBus(f"postgresql+asyncpg://wavebot@127.0.0.1:{port}/wavebot", Ears())
    starting = asyncio.create_task(bus.start())
    try:
        await asyncio.wait_for(held.accepted.wait(), 10)  # a bound for a failing run only
        for _ in range(5):
            await asyncio.sleep(0)
        assert starting.done()  # the connection is still being opened: the start did not wait
        bus.publish("deliveries")  # nothing to send it on yet: dropped, the ticks find the work
    finally:
        await bus.close()  # gives up the connection being opened
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)


@pytest.mark.postgresql_only
async def test_a_listening_connection_cut_silently_is_noticed_and_replaced(
    world: ConsoleWorld,
) -> None:
    """A frozen server process keeps its socket open and answers nothing: the listener heard
    nothing more until TCP keep-alive (~2 h); its ping now drops it and a new one listens."""
    url = world.rt.settings.database_url
    mine, theirs = Ears(), Ears()
    here = PgWakeBus(url, mine, ping_seconds=0.2)
    await here.start()
    await here.ready()
    frozen = here._own_pid  # the server process behind the listening connection
    try:
        os.kill(frozen, signal.SIGSTOP)  # silent: no reset, no close, just no answer
    except (PermissionError, ProcessLookupError):
        pytest.skip("the PostgreSQL server is not a local process this test may signal")
    try:
        async with listening(url, theirs) as (there,):
            mine.kinds.clear()
            await mine.hear("deliveries")  # reconnected: it looks once for missed work
            assert here._own_pid != frozen
            mine.kinds.clear()
            there.publish("fanout")
            await mine.hear("fanout")  # and hears the others again
    finally:
        os.kill(frozen, signal.SIGCONT)
        await here.close()
