"""The delivery port: broadcasts and card edits to channels or DMs, every error mapped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
import discord

from bots.discord_bot.conversation import PLATFORM
from bots.discord_bot.dm_channels import DmChannels
from bots.discord_bot.holds import ChannelHeld, retry_of
from bots.discord_bot.layout import Outgoing, outgoing
from bots.discord_bot.throttle import Throttle
from core.lanes import Lane, sending_in
from core.messages import Reply
from core.ports import SendOutcome, SendResult

log = logging.getLogger(__name__)
GONE_FORBIDDEN = {50001, 50007, 50013}  # Missing Access, cannot DM user, Missing Permissions
GONE_NOT_FOUND = {10003, 10008, 10013}  # Unknown Channel, Unknown Message, Unknown User
OFFLINE_RETRY = 5.0
UNKNOWN_CHANNEL = 10003

ClientGetter = Callable[[], discord.Client | None]


class NotConnected(Exception):
    """The Discord client is not logged in (yet, or between restarts)."""


def outcome_of(error: BaseException) -> SendResult:
    """Map a Discord or network error to what the dispatcher should do."""
    text = repr(error)[:200]
    if isinstance(error, NotConnected):
        return SendResult(SendOutcome.RETRY, retry_after=OFFLINE_RETRY, error=text)
    if isinstance(error, ChannelHeld):
        return SendResult(SendOutcome.RETRY, retry_after=error.retry_after, error=text)
    if isinstance(error, discord.RateLimited):
        return SendResult(SendOutcome.RETRY, retry_after=error.retry_after, error=text)
    if isinstance(error, discord.HTTPException):
        text = f"{error.status} {error.code} {error.text}"[:200]
        if error.status == 429:
            return SendResult(SendOutcome.RETRY, retry_after=_retry_after(error), error=text)
        if error.status >= 500:
            return SendResult(SendOutcome.RETRY, error=text)
        if isinstance(error, discord.Forbidden) and error.code in GONE_FORBIDDEN:
            return SendResult(SendOutcome.GONE, error=text)
        if isinstance(error, discord.NotFound) and error.code in GONE_NOT_FOUND:
            return SendResult(SendOutcome.GONE, error=text)
        return SendResult(SendOutcome.FAILED, error=text)
    if isinstance(error, aiohttp.ClientError | OSError | asyncio.TimeoutError):
        return SendResult(SendOutcome.RETRY, error=text)
    if isinstance(error, ValueError):
        return SendResult(SendOutcome.FAILED, error=text)
    return SendResult(SendOutcome.RETRY, error=text)


def _retry_after(error: discord.HTTPException) -> float:
    """The wait a 429 asked for (bucket reset first, then Retry-After)."""
    return retry_of(getattr(error.response, "headers", None))


def _hold_of(error: BaseException) -> float | None:
    """How long a rate-limit error holds its channel (None for other errors)."""
    if isinstance(error, discord.RateLimited):
        return error.retry_after
    if isinstance(error, discord.HTTPException) and error.status == 429:
        return _retry_after(error)
    return None


class DiscordMessenger:
    """Sends to a channel id, or to a user id through a kept DM channel; never raises."""

    platform = PLATFORM

    def __init__(
        self, client: ClientGetter, throttle: Throttle | None = None, dms: DmChannels | None = None
    ) -> None:
        self._client = client
        self.throttle = throttle or Throttle()
        self.dms = dms or DmChannels()

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Post one broadcast; the message id lets the core edit live cards later."""
        try:
            sent = await self._send(int(chat_id), outgoing(message, lang))
        except Exception as error:
            return self._failed("send to", chat_id, error)
        return SendResult(SendOutcome.SENT, message_id=str(sent.id))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Replace a posted card with its current state."""
        try:
            client = self._connected()
            channel_id = await self._destination(client, int(chat_id))
            partial = client.get_partial_messageable(channel_id).get_partial_message(
                int(message_id)
            )
            with sending_in(Lane.BROADCAST):  # a live card is the chat's, like a broadcast
                async with self._paced(channel_id):
                    await partial.edit(**outgoing(message, lang).edit_kwargs())
        except Exception as error:
            return self._failed("edit in", chat_id, error)
        return SendResult(SendOutcome.SENT, message_id=message_id)

    async def _send(self, target: int, out: Outgoing) -> discord.Message:
        """Send to a known channel or kept DM; an unknown id is tried as a channel, then as a
        user; a kept DM channel Discord no longer knows is opened anew."""
        client = self._connected()
        channel_id = await self._destination(client, target)
        try:
            return await self._post(client, channel_id, out)
        except discord.NotFound as error:
            if error.code != UNKNOWN_CHANNEL:
                raise
            if channel_id != target:
                await self.dms.forget(target)
            try:
                channel_id = await self._open_dm(client, target)
            except discord.HTTPException:
                raise error from None
        return await self._post(client, channel_id, out)

    async def _post(
        self, client: discord.Client, channel_id: int, out: Outgoing
    ) -> discord.Message:
        """One throttled message create."""
        async with self._paced(channel_id):
            return await client.get_partial_messageable(channel_id).send(**out.send_kwargs())

    @contextlib.asynccontextmanager
    async def _paced(self, channel_id: int) -> AsyncIterator[None]:
        """The channel's turn; a rate-limit error holds the channel for every queued message."""
        try:
            async with self.throttle.slot(channel_id):
                yield
        except (discord.HTTPException, discord.RateLimited) as error:
            hold = _hold_of(error)
            if hold is not None:
                self.throttle.holds.hold(channel_id, hold)
            raise

    async def _destination(self, client: discord.Client, target: int) -> int:
        """The channel to post in: DM in memory, known channel, DM kept before a restart,
        known user's DM, else the id itself."""
        cached = self.dms.cached(target)
        if cached is not None:
            return cached
        if client.get_channel(target) is not None:
            return target
        stored = await self.dms.stored(target)
        if stored is not None:
            return stored
        if client.get_user(target) is not None:
            return await self._open_dm(client, target)
        return target

    async def _open_dm(self, client: discord.Client, user_id: int) -> int:
        """Open the DM channel with a user and keep its id."""
        async with self.throttle.slot():
            channel = await client.create_dm(discord.Object(id=user_id))
        await self.dms.remember(user_id, channel.id)
        return channel.id

    def _connected(self) -> discord.Client:
        """The live client, or NotConnected so the delivery is retried later."""
        client = self._client()
        if client is None or client.is_closed() or client.user is None:
            raise NotConnected("discord client not logged in")
        return client

    def _failed(self, what: str, chat_id: str, error: Exception) -> SendResult:
        """Log and map an error."""
        result = outcome_of(error)
        if result.outcome is SendOutcome.RETRY and not isinstance(error, NotConnected):
            log.warning("discord %s %s: retry (%s)", what, chat_id, result.error)
        elif result.outcome is not SendOutcome.RETRY:
            log.info("discord %s %s: %s (%s)", what, chat_id, result.outcome.value, result.error)
        return result
