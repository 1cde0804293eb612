"""The discord.py client: gateway from the API, persistent buttons, command sync at start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from bots.discord_bot.buttons import ActionButton, ActionSink
from bots.discord_bot.commands import CatalogueTranslator, TreeBuilder
from bots.discord_bot.layout import NO_MENTIONS

log = logging.getLogger(__name__)
MAX_RATELIMIT_WAIT = 30.0  # longer 429 waits surface as RateLimited, so deliveries are rescheduled


def default_intents() -> discord.Intents:
    """Only guilds (channels and roles); interactions need no intent, and no privileged one."""
    return discord.Intents(guilds=True)


class WaveClient(discord.Client):
    """One connection's client; the adapter makes a fresh one after a failure."""

    identify_pause: float = 5.0  # discord.py's pause before a re-IDENTIFY; tests shorten it

    def __init__(
        self,
        actions: ActionSink,
        builder: TreeBuilder,
        *,
        on_ready: Callable[[], None],
        intents: discord.Intents | None = None,
        sync_guilds: Sequence[int] = (),
        guild_ready_timeout: float = 2.0,
        http_trace: aiohttp.TraceConfig | None = None,
        **sharding: Any,
    ) -> None:
        super().__init__(
            intents=intents or default_intents(),
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            http_trace=http_trace,  # the throttle's 429 holds watch every response
            **sharding,
        )
        self.actions = actions
        self.tree: app_commands.CommandTree[WaveClient] = app_commands.CommandTree(self)
        builder.populate(self.tree)
        self.sync_guilds = tuple(sync_guilds)
        self.synced: list[app_commands.AppCommand] = []
        self._on_ready = on_ready

    async def setup_hook(self) -> None:
        """After login: take the gateway URL from the API, listen to buttons, sync commands."""
        _, url, _ = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        self.add_dynamic_items(ActionButton)
        await self.tree.set_translator(CatalogueTranslator())
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Publish the tree globally, or to the configured guilds (instant, for testing servers)."""
        try:
            if not self.sync_guilds:
                self.synced = await self.tree.sync()
                return
            for guild_id in self.sync_guilds:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                self.synced = await self.tree.sync(guild=guild)
        except discord.HTTPException:
            log.exception("syncing the Discord command tree failed; old commands stay")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Never re-IDENTIFY in a tight loop (Discord allows 1000 a day)."""
        if not initial:
            await asyncio.sleep(self.identify_pause)

    async def on_ready(self) -> None:
        """Tell the adapter the caches are filled."""
        log.info("discord ready as %s in %d guilds", self.user, len(self.guilds))
        self._on_ready()


class ShardedWaveClient(WaveClient, discord.AutoShardedClient):
    """The same client on some shards of the bot (WAVEBOT_DISCORD_SHARDS): Discord sends each
    guild's events to one shard only, so processes running different shards never both see
    the same interaction."""

    def __init__(
        self, actions: ActionSink, builder: TreeBuilder, *, shard_ids: Sequence[int],
        shard_count: int, **options: Any,
    ) -> None:  # fmt: skip
        super().__init__(actions, builder, shard_ids=list(shard_ids), shard_count=shard_count,
                         **options)  # fmt: skip
