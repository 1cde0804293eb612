"""The gateway connection: resumes after a drop, backs off after failures, never IDENTIFY-loops."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import discord
import pytest
from discord.backoff import ExponentialBackoff

from bots.discord_bot import WaveClient
from tests.adapters.test_discord_support import (
    Server,
    answered,
    server_at,
    server_fixture,  # noqa: F401
)
from tests.texts import said_markdown


async def test_a_dropped_gateway_resumes_and_replays_what_was_missed(server: Server) -> None:
    api = server.api
    await api.disconnect_clients(4000)
    # Sent while the bot is disconnected: Discord replays it on RESUME.
    handle = await api.send_slash_command(
        "waves", {}, user_id=server.max.id, channel_id=server.general.id
    )
    await handle.wait_response()
    assert answered(handle) == said_markdown("wave.none")
    assert api.resume_count == 1 and api.identify_count == 1


async def test_a_failing_first_connection_is_retried_with_backoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py's own pause after a refused handshake, shortened; our backoff is what we test.
    monkeypatch.setattr(ExponentialBackoff, "delay", lambda self: 0.01)
    async with server_at(tmp_path, monkeypatch) as world:
        world.api.fail_connect(3)  # the gateway refuses the first three websocket handshakes
        started = time.monotonic()
        adapter = await world.start(backoff=(0.1, 1.0))
        assert time.monotonic() - started >= 0.1 + 0.2 + 0.4  # 0.1, 0.2, 0.4 s between clients
        assert adapter.starts == 4 and world.api.identify_count == 1
        assert answered(await world.slash(world.max, "waves")) == said_markdown("wave.none")


async def test_failed_identifies_are_paced_not_looped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with server_at(tmp_path, monkeypatch) as world:
        monkeypatch.setattr(WaveClient, "identify_pause", 0.2)
        world.api.fail_identify(2)  # closed with 4000 twice, then accepted
        started = time.monotonic()
        await world.start()
        assert time.monotonic() - started >= 0.4
        assert world.api.identify_count == 3


async def test_fatal_gateway_refusal_stops_instead_of_looping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with server_at(tmp_path, monkeypatch) as world:
        world.api.fail_identify(5, close_code=4004)  # authentication failed
        with pytest.raises(discord.ConnectionClosed):
            await world.start()
        await asyncio.sleep(0.3)
        assert world.api.identify_count == 1
        world.task = None  # run() already ended with the error
