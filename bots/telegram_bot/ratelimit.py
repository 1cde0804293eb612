"""Keep sends under Telegram's limits (30/s overall, 20/min per group, ~1/s per chat)."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bots import metrics
from bots.pacing import LanePacer
from core.lanes import SENDING_LANE

log = logging.getLogger(__name__)
Result = bool | dict[str, Any] | list[dict[str, Any]]
FORGET_AFTER = 10_000  # chats tracked before idle ones are forgotten


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter's wait in seconds, whatever PTB_TIMEDELTA says."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = error.retry_after
    return raw.total_seconds() if isinstance(raw, timedelta) else float(raw)


@dataclass(frozen=True)
class Limits:
    """How many sends each window admits; the defaults are Telegram's broadcast FAQ."""

    overall: int = 28  # Telegram allows ~30/s; the margin absorbs network jitter
    overall_period: float = 1.0
    group: int = 20
    group_period: float = 60.0
    chat: int = 3  # a short burst in one chat, then one per `chat_period / chat` seconds
    chat_period: float = 3.3  # ~0.9/s: Telegram tolerates ~1/s; the margin absorbs jitter
    max_retry_wait: float = 60.0  # a longer RetryAfter is raised to the caller, not slept


class _Window:
    """A sliding log of send times: never more than `limit` within `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.sent: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more send fits (0 when it fits now)."""
        while self.sent and self.sent[0] <= now - self.period:
            self.sent.popleft()
        full = 0.0 if len(self.sent) < self.limit else self.sent[0] + self.period - now
        return max(full, 0.0)

    def take(self, now: float) -> None:
        """Record one send."""
        self.sent.append(now)

    def idle(self, now: float) -> bool:
        """True when nothing sent is still in the window."""
        return self.wait(now) == 0 and not self.sent


class _Bucket:
    """A token bucket: `burst` sends at once, then one every `period / burst` seconds.

    Telegram's per-chat limit is about one message a second with short bursts tolerated; a
    sliding window of 3 per 3 s admits the same rate but, once a burst is spent, holds the next
    send for the whole window where a bucket admits it after one refill (a milestone crossed
    1.2 s after three others waited 1.2 s for nothing).
    """

    def __init__(self, burst: int, period: float) -> None:
        self.burst = burst
        self.interval = period / burst
        self.empty_at = float("-inf")  # when the bucket was (or will be) drained: a GCRA clock

    def wait(self, now: float) -> float:
        """Seconds until one more send fits (0 when it fits now)."""
        earliest = self.empty_at - (self.burst - 1) * self.interval
        return max(earliest - now, 0.0)

    def take(self, now: float) -> None:
        """Spend one token."""
        self.empty_at = max(self.empty_at, now) + self.interval

    def idle(self, now: float) -> bool:
        """True when full again, so forgetting it changes nothing."""
        return self.empty_at <= now


_Room = _Window | _Bucket


class SendLimiter(BaseRateLimiter[int]):
    """Throttles only the sending methods; rate_limit_args = how many 429s to sleep through.

    Broadcasts (the delivery port) pass 0 so a 429 reaches the dispatcher, which reschedules the
    delivery; interactive replies pass a few retries so the user still gets the answer.
    """

    SENDING = ("send", "edit", "copy", "forward")

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.configure(limits or Limits())

    def configure(self, limits: Limits) -> None:
        """Adopt new limits (forgetting what was sent), e.g. relaxed ones in tests."""
        self.limits = limits
        # Evenly paced: bursts admitted together can arrive bunched and trip Telegram's counter.
        # One budget for the token, handed out by lane: answers, then broadcasts, then DMs.
        self.overall = LanePacer(limits.overall, limits.overall_period, self._clock)
        self._groups: dict[str, _Window] = {}
        self._chats: dict[str, _Bucket] = {}
        self._forget_at = [FORGET_AFTER, FORGET_AFTER]  # table sizes that trigger a clean-up

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Wait for room in every window that applies, then send; sleep through allowed 429s."""
        throttled = endpoint.startswith(self.SENDING) and endpoint != "sendChatAction"
        retries = max(0, rate_limit_args or 0)
        for attempt in range(retries + 1):
            if throttled:
                await self._acquire(data.get("chat_id"))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                metrics.rate_limited("telegram")
                wait = retry_seconds(error)
                if attempt == retries or wait > self.limits.max_retry_wait:
                    raise
                log.info("429 on %s; retrying in %.1f s", endpoint, wait)
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover

    def _windows(self, chat_id: object) -> list[_Room]:
        """The chat's bucket, and the group's window for groups and channels (the overall budget
        is the lane pacer's)."""
        if chat_id is None:
            return []
        key = str(chat_id)
        self._forget_idle()
        limits = self.limits
        rooms: list[_Room] = [self._chat_bucket(key)]
        if key.startswith(("-", "@")):
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = _Window(limits.group, limits.group_period)
            rooms.append(group)
        return rooms

    def _chat_bucket(self, key: str) -> _Bucket:
        """The bucket of one chat, created on first use."""
        bucket = self._chats.get(key)
        if bucket is None:
            bucket = self._chats[key] = _Bucket(self.limits.chat, self.limits.chat_period)
        return bucket

    def _forget_idle(self) -> None:
        """Drop idle buckets and windows once there are many, so memory stays bounded; the
        next look waits until the table doubled, so a send never scans 10,000 chats each time
        (amortised O(1) per send)."""
        tables: tuple[dict[str, _Bucket], dict[str, _Window]] = (self._chats, self._groups)
        for index, table in enumerate(tables):
            if len(table) > self._forget_at[index]:
                now = self._clock()
                for key in [k for k, room in table.items() if room.idle(now)]:
                    del table[key]
                self._forget_at[index] = max(FORGET_AFTER, 2 * len(table))

    async def _chat_room(self, windows: list[_Room]) -> None:
        """Sleep until each of the chat's windows admits one more send."""
        wait = max((window.wait(self._clock()) for window in windows), default=0.0)
        while wait > 0:
            await asyncio.sleep(wait)
            wait = max(window.wait(self._clock()) for window in windows)

    def chat_wait(self, chat_id: object) -> float:
        """Seconds until this chat's own windows (chat, group) admit one more message; the
        overall budget is everyone's (the lane pacer) and does not single a chat out."""
        now = self._clock()
        return max((window.wait(now) for window in self._windows(chat_id)), default=0.0)

    async def _acquire(self, chat_id: object) -> None:
        """Wait for room in the chat's own windows, then for a grant of the overall budget in
        this send's lane; record the send in the chat's windows once both agree."""
        windows = self._windows(chat_id)
        lane = SENDING_LANE.get()
        while True:
            await self._chat_room(windows)  # a full chat never holds a place in the queue
            await self.overall.acquire(lane)
            windows = self._windows(chat_id)  # an idle one may have been forgotten meanwhile
            now = self._clock()
            if all(window.wait(now) <= 0 for window in windows):
                for window in windows:
                    window.take(now)
                return
            # Another send to this chat took its room while we queued: the grant is spent.
