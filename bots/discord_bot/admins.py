"""Who moderates: members with Manage Server in the guild of a registered moderation channel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord

log = logging.getLogger(__name__)
ADMIN_TTL = 10.0

ClientGetter = Callable[[], discord.Client | None]


class DiscordAdminCheck:
    """Asks Discord at the moment of the action; answers are cached for a few seconds only."""

    def __init__(self, client: ClientGetter, ttl: float = ADMIN_TTL) -> None:
        self._client = client
        self.ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """True when the user can Manage Server in the guild that owns the channel."""
        key = (chat_id, user_id)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            allowed = await self._ask(int(chat_id), int(user_id))
        except (discord.HTTPException, ValueError) as error:
            log.info("discord admin check %s/%s: no (%r)", chat_id, user_id, error)
            allowed = False
        except Exception:
            log.exception("discord admin check %s/%s failed", chat_id, user_id)
            return False
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now, allowed)
        return allowed

    async def _ask(self, channel_id: int, user_id: int) -> bool:
        """Find the channel's guild, then the member's guild-level permissions."""
        client = self._client()
        if client is None or client.user is None:
            return False
        channel = client.get_channel(channel_id)
        if channel is None:
            channel = await client.fetch_channel(channel_id)
        guild = getattr(channel, "guild", None)
        if not isinstance(guild, discord.Guild):
            guild_id = getattr(channel, "guild_id", None)
            if guild_id is None:
                return False
            guild = client.get_guild(guild_id) or await client.fetch_guild(guild_id)
        member = await guild.fetch_member(user_id)
        return member.guild_permissions.manage_guild
