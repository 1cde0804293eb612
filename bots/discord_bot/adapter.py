"""The Discord adapter: one client at a time in the shared loop, restarted with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any

import discord

from bots.discord_bot.admins import ADMIN_TTL, DiscordAdminCheck
from bots.discord_bot.client import ShardedWaveClient, WaveClient
from bots.discord_bot.commands import TreeBuilder
from bots.discord_bot.conversation import FAST_ANSWER, Conversation, actor_of
from bots.discord_bot.dm_channels import DmChannels
from bots.discord_bot.messenger import DiscordMessenger
from bots.discord_bot.throttle import Throttle
from core.commands.interpreter import Interpreter

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://discord.com/api/v10"
# Close codes after which reconnecting cannot help (bad token, sharding, intents).
FATAL_CLOSE_CODES = {4004, 4010, 4011, 4012, 4013, 4014}
STABLE_AFTER = 60.0  # a connection that lived this long resets the backoff


class DiscordAdapter:
    """Exposes the delivery port and the admin check for wiring, and run() for the loop."""

    def __init__(
        self,
        interpreter: Interpreter,
        token: str,
        api_url: str = DEFAULT_API_URL,
        *,
        sync_guilds: Sequence[int] = (),
        intents: discord.Intents | None = None,
        guild_ready_timeout: float = 2.0,
        fast_answer: float = FAST_ANSWER,
        throttle: Throttle | None = None,
        admin_cache_seconds: float = ADMIN_TTL,
        backoff: tuple[float, float] = (1.0, 300.0),
        hide_moderator_commands: bool = True,
        shards: tuple[tuple[int, ...], int] | None = None,
    ) -> None:
        self.interpreter = interpreter
        self.token = token
        self.api_url = api_url.rstrip("/")
        self.sync_guilds = tuple(sync_guilds)
        self.intents = intents
        self.shards = shards  # (shard ids, shard count); None: one unsharded connection
        self.guild_ready_timeout = guild_ready_timeout
        self.backoff = backoff
        self.conversation = Conversation(interpreter, fast_answer=fast_answer)
        self.builder = TreeBuilder(interpreter.ctx, self.conversation.command, actor_of,
                                   hide_moderator_commands=hide_moderator_commands)  # fmt: skip
        self.client: WaveClient | None = None
        self.messenger = DiscordMessenger(
            lambda: self.client, throttle, DmChannels(interpreter.ctx.db)
        )
        self.admin_check = DiscordAdminCheck(lambda: self.client, admin_cache_seconds)
        self.ready = asyncio.Event()
        self.starts = 0
        self._stop = asyncio.Event()

    def new_client(self) -> WaveClient:
        """A fresh client with the command tree and button handler attached."""
        options: dict[str, Any] = {
            "on_ready": self.ready.set, "intents": self.intents, "sync_guilds": self.sync_guilds,
            "guild_ready_timeout": self.guild_ready_timeout,
            "http_trace": self.messenger.throttle.holds.trace(),
        }  # fmt: skip
        if self.shards is None:
            return WaveClient(self.conversation, self.builder, **options)
        shard_ids, count = self.shards
        return ShardedWaveClient(self.conversation, self.builder, shard_ids=shard_ids,
                                 shard_count=count, **options)  # fmt: skip

    async def run(self) -> None:
        """Connect and stay connected until stop(); failures back off exponentially."""
        discord.http.Route.BASE = self.api_url
        delay, longest = self.backoff
        while not self._stop.is_set():
            started = time.monotonic()
            await self._run_once()
            if self._stop.is_set():
                break
            if time.monotonic() - started > STABLE_AFTER:
                delay = self.backoff[0]
            log.warning("discord connection ended; reconnecting in %.1f s", delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
            delay = min(delay * 2, longest)

    async def _run_once(self) -> None:
        """One client's life; fatal errors (bad token, intents) are raised, others logged."""
        client = self.client = self.new_client()
        self.starts += 1
        try:
            async with client:
                await client.start(self.token)
        except (discord.LoginFailure, discord.PrivilegedIntentsRequired):
            log.error("discord refused the bot's credentials or intents; not retrying")
            raise
        except discord.ConnectionClosed as error:
            if error.code in FATAL_CLOSE_CODES:
                log.error("discord closed the gateway with %s; not retrying", error.code)
                raise
            log.warning("discord gateway closed with %s", error.code)
        except Exception:
            # Includes discord.py's AttributeError when the very first connection fails.
            log.exception("discord connection failed")
        finally:
            self.ready.clear()
            if not client.is_closed():
                await client.close()

    @property
    def connected(self) -> bool:
        """Connected to the gateway and ready — for /healthz."""
        return self.ready.is_set()

    async def wait_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the current client received READY and its guilds."""
        await asyncio.wait_for(self.ready.wait(), timeout)

    async def shutdown(self) -> None:
        """Graceful stop for the composition root: close the gateway and end run()."""
        await self.stop()

    async def stop(self) -> None:
        """Close the connection and end run()."""
        self._stop.set()
        if self.client is not None:
            await self.client.close()
