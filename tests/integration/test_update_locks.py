"""The lock a process holds on a webhook update while it handles it (storage/inflight.py): a
second process cannot take it meanwhile, can once it was released, and can at once when the
holder's connection is gone (a crashed process never blocks a redelivery)."""

from __future__ import annotations

import socket

import pytest

from storage.inflight import LocalInFlight, PgInFlight, in_flight_for


@pytest.mark.postgresql_only
async def test_one_process_at_a_time_holds_an_update(db_url: str) -> None:
    first, second = in_flight_for(db_url), in_flight_for(db_url)
    assert isinstance(first, PgInFlight)
    try:
        assert await first.hold("telegram:7")
        assert not await first.hold("telegram:7")  # a second copy in the same process too
        assert not await second.hold("telegram:7")
        assert await second.hold("telegram:8")  # other updates are free

        await first.release("telegram:7")
        assert await second.hold("telegram:7")

        await second.close()  # the holder dies: its locks go with its connection
        assert await first.hold("telegram:8")
    finally:
        await first.close()
        await second.close()


async def test_without_a_server_the_keys_are_left_to_do_the_work(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lost = PgInFlight(f"postgresql://postgres@127.0.0.1:{port}/w")
    assert await lost.hold("telegram:1")
    assert await lost.hold("telegram:2")
    await lost.release("telegram:1")
    assert len([r for r in caplog.records if "update locks unavailable" in r.getMessage()]) == 1


async def test_one_process_on_sqlite_holds_in_memory() -> None:
    local = in_flight_for("sqlite+aiosqlite:///bot.db")
    assert type(local) is LocalInFlight
    assert await local.hold("telegram:1")
    assert not await local.hold("telegram:1")
    await local.release("telegram:1")
    assert await local.hold("telegram:1")
