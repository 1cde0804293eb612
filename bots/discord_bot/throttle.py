"""Discord's limits kept by design: ≈45 requests/s overall and ≈5 messages per 5 s per channel."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from bots.discord_bot.holds import ChannelHolds
from bots.pacing import LanePacer
from core.lanes import SENDING_LANE

GLOBAL_PER_SECOND = 45  # under Discord's 50/s, which discord.py does not pace itself
CHANNEL_LIMIT = (5, 5.0)
MAX_TRACKED_CHANNELS = 10_000


def pacer(count: float, period: float) -> AsyncLimiter:
    """Evenly spaced admissions: a bucket of one never lets more than count+1 into any period."""
    return AsyncLimiter(1, period / count)


class Throttle:
    """A global pacer plus one per channel (least recently used channels are forgotten), and
    the channels a 429 holds back."""

    def __init__(
        self,
        per_second: int = GLOBAL_PER_SECOND,
        per_channel: tuple[int, float] = CHANNEL_LIMIT,
        max_channels: int = MAX_TRACKED_CHANNELS,
    ) -> None:
        # One budget for the token, handed out by lane: broadcasts before DMs (core/lanes.py).
        self.overall = LanePacer(per_second, 1.0)
        self.per_channel = per_channel
        self.max_channels = max_channels
        self._channels: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self.holds = ChannelHolds()

    def channel(self, channel_id: int) -> AsyncLimiter:
        """The pacer of one channel, created on first use."""
        limiter = self._channels.get(channel_id)
        if limiter is None:
            limiter = self._channels[channel_id] = pacer(*self.per_channel)
            while len(self._channels) > self.max_channels:
                self._channels.popitem(last=False)
        else:
            self._channels.move_to_end(channel_id)
        return limiter

    @asynccontextmanager
    async def slot(self, channel_id: int | None = None) -> AsyncIterator[None]:
        """Wait for the channel's turn (if any) and the global one, then out any 429 hold;
        a long hold raises ChannelHeld instead."""
        if channel_id is not None:
            await self.holds.wait(channel_id)
            await self.channel(channel_id).acquire()
        await self.overall.acquire(SENDING_LANE.get())
        if channel_id is not None:
            await self.holds.wait(channel_id)  # a 429 may have come while we queued
        yield
