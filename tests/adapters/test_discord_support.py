"""A Discord server for adapter tests: the real adapter, the fake Discord API, a real SQLite file.

Other test_discord_* modules import the `server` fixture and helpers from here; the tests at the
bottom check the wiring itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from app.main import Runtime, runtime
from app.wiring import build_adapter
from bots.discord_bot import DiscordAdapter, DiscordAdminCheck, DiscordMessenger, WaveClient
from config.settings import Settings
from core.clock import FakeClock
from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.discord_interactions import InteractionHandle
from devtools.fakes.discord_models import (
    MANAGE_GUILD,
    FakeChannel,
    FakeGuild,
    FakeUser,
    RecordedMessage,
)
from tests.conftest import UNLIMITED

TOKEN = "wavebot-test-token"
FAST = {"guild_ready_timeout": 0.05, "backoff": (0.05, 0.4), "admin_cache_seconds": 0.0}


def text_of(message: RecordedMessage | None) -> str:
    """What a person reads in a message: content, then each embed's title, text, fields, footer."""
    if message is None:
        return ""
    parts = [message.content] if message.content else []
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for item in embed.get("fields") or []:
            parts += [item["name"], item["value"]]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(part for part in parts if part)


def buttons_of(message: RecordedMessage) -> dict[str, str]:
    """custom_id → label of every button on a message."""
    return {
        button["custom_id"]: button.get("label", "")
        for row in message.components
        for button in row.get("components", [])
    }


@dataclass
class Server:
    """One guild with #general and #news, the owner, a moderator (Manage Server) and a member."""

    api: FakeDiscordAPI
    rt: Runtime
    clock: FakeClock
    tmp: Path
    guild: FakeGuild
    general: FakeChannel
    news: FakeChannel
    owner: FakeUser
    mia: FakeUser
    max: FakeUser
    adapter: DiscordAdapter | None = None
    task: asyncio.Task[None] | None = None
    people: dict[str, FakeUser] = field(default_factory=dict)

    def person(self, name: str) -> FakeUser:
        """A guild member without special rights, created on first use."""
        if name not in self.people:
            user = self.api.create_user(name)
            self.api.add_member(self.guild.id, user.id)
            self.people[name] = user
        return self.people[name]

    async def start(self, **options: Any) -> DiscordAdapter:
        """Build the adapter through app.wiring and wait until it is connected and ready."""
        self.adapter = build_adapter(self.rt, "discord", **{**FAST, **options})
        self.task = asyncio.create_task(self.adapter.run())
        ready = asyncio.ensure_future(self.adapter.wait_ready(10))
        await asyncio.wait({ready, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if self.task.done():
            ready.cancel()
            self.task.result()
        await ready
        return self.adapter

    async def stop(self) -> None:
        """Close the client and let run() return."""
        if self.adapter is not None and self.task is not None:
            await self.adapter.stop()
            await asyncio.wait_for(self.task, 5)
        self.adapter = self.task = None

    async def slash(
        self,
        user: FakeUser,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        channel: FakeChannel | None = None,
        replies: int = 1,
    ) -> InteractionHandle:
        """Invoke a slash command and wait for its answer and any follow-up replies."""
        target = channel or self.general
        handle = await self.api.send_slash_command(
            command, options or {}, user_id=user.id, channel_id=target.id
        )
        await handle.wait_response()
        if replies > 1:
            await handle.wait_followups(replies - 1)
        return handle

    async def say(self, user: FakeUser, command: str, **options: Any) -> str:
        """A slash command in #general; returns the text of every reply."""
        return answered(await self.slash(user, command, options))

    async def press(self, user: FakeUser, message: RecordedMessage, action: str) -> str:
        """Click one of our buttons on a message and return what the bot answered."""
        custom_id = f"wb:{action}"
        assert custom_id in buttons_of(message), buttons_of(message)
        handle = await self.api.press_button(message.id, custom_id, user_id=user.id)
        await handle.wait_response()
        return answered(handle)


def answered(handle: InteractionHandle) -> str:
    """Every message the bot answered an interaction with, as text."""
    messages = [handle.original, *handle.followups]
    return "\n".join(text_of(m) for m in messages if m is not None)


@contextlib.asynccontextmanager
async def server_at(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, **fake: Any
) -> AsyncIterator[Server]:
    """The fake API, the world in it, and a runtime whose owner is the guild's owner."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    monkeypatch.setattr(WaveClient, "identify_pause", 0.05)
    fake.setdefault("heartbeat_interval", 5.0)
    async with FakeDiscordAPI(token=TOKEN, **fake) as api:
        owner = api.create_user("olga")
        guild = api.create_guild("Wave makers", owner_id=owner.id)
        general = api.create_channel(guild.id, "general")
        news = api.create_channel(guild.id, "news")
        mods = api.create_role(guild.id, "Moderators", permissions=MANAGE_GUILD)
        mia, max_ = api.create_user("mia"), api.create_user("max")
        api.add_member(guild.id, mia.id, roles=[mods.id])
        api.add_member(guild.id, max_.id)
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp / 'discord.db'}",
            owners=f"discord:{owner.id}",
            discord_bot_token=TOKEN,
            discord_api_url=api.api_url,
            **UNLIMITED,  # the fake clock stands still while tests type: no fair-share limit
        )
        clock = FakeClock()
        async with runtime(settings, clock=clock) as rt:
            world = Server(api, rt, clock, tmp, guild, general, news, owner, mia, max_)
            try:
                yield world
            finally:
                await world.stop()


@pytest.fixture(name="server")
async def server_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    """A running Discord adapter in a fresh world."""
    async with server_at(tmp_path, monkeypatch) as world:
        await world.start()
        yield world


async def test_wiring_registers_the_delivery_port_and_admin_check(server: Server) -> None:
    assert isinstance(server.rt.messengers["discord"], DiscordMessenger)
    assert isinstance(server.rt.ctx.admin_checks["discord"], DiscordAdminCheck)
    assert (
        server.adapter is not None and server.adapter.messenger is server.rt.messengers["discord"]
    )
