"""Discord sharding across processes (WAVEBOT_DISCORD_SHARDS): the fake gateway routes each
guild's events to shard (guild_id >> 22) % count, as Discord does; two bot processes on one
database, one running shard 0/2 and the other 1/2, see disjoint guilds and handle every
guild's slash command exactly once between them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from app.main import runtime
from app.wiring import build_adapter
from bots.discord_bot import DiscordAdapter, WaveClient
from config.settings import Settings
from core.clock import FakeClock
from core.model import IdeaStatus
from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.discord_models import FakeChannel, FakeUser
from tests.adapters.test_discord_support import FAST, TOKEN, answered
from tests.conftest import UNLIMITED
from tests.texts import said_markdown

SHARDS = 2


def shard_of(guild_id: int) -> int:
    """Discord's rule for which shard gets a guild's events."""
    return (guild_id >> 22) % SHARDS


def guilds_on_both_shards(api: FakeDiscordAPI, owner: FakeUser) -> list[FakeChannel]:
    """Guilds (each with #general) until both shards have two; snowflakes carry the millisecond."""
    channels: list[FakeChannel] = []
    while min(sum(shard_of(c.guild_id or 0) == s for c in channels) for s in range(SHARDS)) < 2:
        guild = api.create_guild(f"Guild {len(channels)}", owner_id=owner.id)
        channels.append(api.create_channel(guild.id, "general"))
        time.sleep(0.002)
    return channels


@contextlib.asynccontextmanager
async def bot_process(
    api: FakeDiscordAPI, db_url: str, owner: FakeUser, shard: int
) -> AsyncIterator[DiscordAdapter]:
    """One `wavebot run` on WAVEBOT_DISCORD_SHARDS=<shard>/2, connected and ready."""
    settings = Settings(database_url=db_url, owners=f"discord:{owner.id}",
                        discord_bot_token=TOKEN, discord_api_url=api.api_url,
                        discord_shards=f"{shard}/{SHARDS}", **UNLIMITED)  # fmt: skip
    async with runtime(settings, clock=FakeClock()) as rt:
        adapter: Any = build_adapter(rt, "discord", **FAST)
        task = asyncio.create_task(adapter.run())
        try:
            await adapter.wait_ready(15)
            yield adapter
        finally:
            await adapter.stop()
            await asyncio.wait_for(task, 10)


@pytest.mark.postgresql_only
async def test_two_processes_on_half_the_shards_each_handle_every_guild_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    monkeypatch.setattr(WaveClient, "identify_pause", 0.05)
    async with FakeDiscordAPI(token=TOKEN, heartbeat_interval=5.0) as api:
        owner = api.create_user("olga")
        channels = guilds_on_both_shards(api, owner)
        async with (
            bot_process(api, db_url, owner, 0) as first,
            bot_process(api, db_url, owner, 1) as second,
        ):
            assert first.client is not None and second.client is not None
            seen = [{g.id for g in first.client.guilds}, {g.id for g in second.client.guilds}]
            for shard in range(SHARDS):
                expected = {c.guild_id for c in channels if shard_of(c.guild_id or 0) == shard}
                assert seen[shard] == expected
            assert api.gateway.identify_count == SHARDS

            replies = []
            for n, channel in enumerate(channels):
                handle = await api.send_slash_command(
                    "idea", {"text": f"Kettle {n} #kitchen"}, user_id=owner.id,
                    channel_id=channel.id)  # fmt: skip
                await handle.wait_response()
                replies.append(answered(handle))

            async with first.interpreter.ctx.db.read() as tx:
                ideas = await tx.count_ideas(list(IdeaStatus))
    assert ideas == len(channels)  # each guild's command ran once, in one process
    for n, reply in enumerate(replies):
        expected = said_markdown("idea.proposed", id=n + 1, title=f"Kettle {n}", category="kitchen")
        assert reply == expected


def test_a_bad_shard_list_is_one_line() -> None:
    with pytest.raises(ValueError, match=r"looks like 0,1/4 \(shard ids / shard count\); every id"):
        Settings(discord_shards="2/2")
