"""A 429 on a channel holds back every message queued for that channel until its retry time.

discord.py sleeps on a 429 inside the one request that took it, but does not apply the wait to
the other requests of the same channel (a 429 response does not update its bucket), so each of
them would take a 429 of its own. The holds below are fed by every 429 response (an aiohttp
trace on discord.py's session, a public option of discord.Client) and by RateLimited errors.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from types import SimpleNamespace

import aiohttp

from bots import metrics

WAIT_IN_PLACE = 30.0  # as long as discord.py itself waits (client.MAX_RATELIMIT_WAIT)
DEFAULT_429_WAIT = 5.0
MAX_HOLDS = 1_000  # expired holds are dropped past this many
CHANNEL_ROUTE = re.compile(r"/channels/(\d+)/messages")


class ChannelHeld(Exception):
    """A channel is held longer than is worth waiting in place: the dispatcher retries later."""

    def __init__(self, channel_id: int, retry_after: float) -> None:
        super().__init__(f"channel {channel_id} rate limited for {retry_after:.2f} s")
        self.channel_id = channel_id
        self.retry_after = retry_after


def retry_of(headers: Mapping[str, str] | None) -> float:
    """The wait a 429 asked for (bucket reset first, then Retry-After)."""
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            return max(float((headers or {})[name]), 0.0)
        except (KeyError, TypeError, ValueError):
            continue
    return DEFAULT_429_WAIT


class ChannelHolds:
    """Channel id → the moment Discord allows the next message there."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[int, float] = {}

    def hold(self, channel_id: int, seconds: float) -> None:
        """Hold a channel for `seconds` from now (a longer hold already there stays)."""
        until = self._clock() + max(seconds, 0.0)
        self._until[channel_id] = max(until, self._until.get(channel_id, 0.0))
        if len(self._until) > MAX_HOLDS:
            now = self._clock()
            self._until = {k: v for k, v in self._until.items() if v > now}

    def remaining(self, channel_id: int) -> float:
        """Seconds before the channel may be used again (0 when it is free)."""
        until = self._until.get(channel_id)
        return 0.0 if until is None else max(until - self._clock(), 0.0)

    async def wait(self, channel_id: int, longest: float = WAIT_IN_PLACE) -> None:
        """Wait out a short hold; a longer one raises ChannelHeld without any request."""
        while (left := self.remaining(channel_id)) > 0:
            if left > longest:
                raise ChannelHeld(channel_id, left)
            await asyncio.sleep(left)

    def trace(self) -> aiohttp.TraceConfig:
        """A trace for discord.py's HTTP session that holds the channel of every 429."""
        config = aiohttp.TraceConfig()
        config.on_request_end.append(self._on_request_end)
        return config

    async def _on_request_end(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        """Hold the channel a 429 names; a global 429 is discord.py's own to handle."""
        response = params.response
        if response.status == 429:
            metrics.rate_limited("discord")
        if response.status != 429 or response.headers.get("X-RateLimit-Global"):
            return
        route = CHANNEL_ROUTE.search(params.url.path)
        if route is not None:
            self.hold(int(route.group(1)), retry_of(response.headers))
