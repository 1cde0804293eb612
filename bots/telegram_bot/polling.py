"""Our own getUpdates loop: an update is confirmed only after its effect is committed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bots import metrics
from bots.telegram_bot.ratelimit import retry_seconds

log = logging.getLogger(__name__)
Process = Callable[[Update], Awaitable[None]]
ALLOWED_UPDATES = ("message", "callback_query", "pre_checkout_query")


class Backoff:
    """Exponential waits between failed polls: 1, 2, 4 … capped."""

    def __init__(self, first: float = 1.0, cap: float = 30.0) -> None:
        self.first = first
        self.cap = cap
        self.next = first

    def take(self) -> float:
        """The wait to apply now; doubles the following one."""
        wait, self.next = self.next, min(self.cap, self.next * 2)
        return wait

    def reset(self) -> None:
        """A successful poll starts over."""
        self.next = self.first


def lane_of(update: Update) -> int:
    """Messages of one chat run in order, different chats side by side; button presses are
    independent per presser, so a crowd pressing Join under one card is not queued behind itself."""
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return update.update_id


class Poller:
    """Long-polls, processes each batch (bounded concurrency), then moves the offset past it.

    The offset is the confirmation: Telegram forgets an update only when a later getUpdates
    asks for a higher offset, which we do only after the whole batch was processed. A crash
    mid-batch means redelivery; the interpreter's exactly_once makes that harmless.
    """

    def __init__(
        self,
        bot: ExtBot[int],
        process: Process,
        *,
        timeout: int = 30,
        concurrency: int = 16,
        allowed_updates: Sequence[str] = ALLOWED_UPDATES,
        backoff: Backoff | None = None,
    ) -> None:
        self.bot = bot
        self.process = process
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self.backoff = backoff or Backoff()
        self.offset: int | None = None
        self._gate = asyncio.Semaphore(max(1, concurrency))
        self._confirmed: int | None = None
        self._stopping = asyncio.Event()
        self._poll: asyncio.Task[tuple[Update, ...]] | None = None

    def stop(self) -> None:
        """Finish the batch in hand, confirm it, and return from run()."""
        self._stopping.set()
        if self._poll is not None:
            self._poll.cancel()

    async def run(self) -> None:
        """Poll until stop() or cancellation; network trouble only delays."""
        self._stopping.clear()
        try:
            while not self._stopping.is_set():
                updates = await self._fetch()
                if updates:
                    await self.process_batch(updates)
                    self.offset = max(update.update_id for update in updates) + 1
        finally:
            await self._confirm_last()

    async def _fetch(self) -> Sequence[Update]:
        """One long poll; errors become a wait (fatal token errors are raised)."""
        poll = self.bot.get_updates(
            offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates
        )
        self._poll = asyncio.ensure_future(poll)
        try:
            updates = await self._poll
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._stopping.is_set() and not (task is not None and task.cancelling()):
                return ()  # stop() interrupted the long poll, nobody cancelled us
            raise
        except (InvalidToken, Forbidden):
            raise
        except RetryAfter as error:
            await self._sleep(retry_seconds(error))
            return ()
        except (NetworkError, Conflict) as error:
            wait = self.backoff.take()
            log.warning("getUpdates failed (%s); retrying in %.0f s", error, wait)
            await self._sleep(wait)
            return ()
        finally:
            self._poll = None
        self.backoff.reset()
        self._confirmed = self.offset
        return updates

    async def _sleep(self, seconds: float) -> None:
        """Wait, but wake at once when asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def process_batch(self, updates: Sequence[Update]) -> None:
        """Process a batch: one lane per chat, lanes in parallel up to the concurrency bound."""
        lanes: dict[int, list[Update]] = {}
        for update in updates:
            lanes.setdefault(lane_of(update), []).append(update)
        await asyncio.gather(*(self._lane(lane) for lane in lanes.values()))

    async def _lane(self, updates: list[Update]) -> None:
        """One chat's updates in order; a failing update is logged and does not block the rest."""
        for update in updates:
            async with self._gate:
                try:
                    metrics.updates_handled("telegram", "polling")
                    await self.process(update)
                except Exception:
                    log.exception("update %s failed", update.update_id)

    async def _confirm_last(self) -> None:
        """Tell Telegram about the last processed batch before leaving (as PTB's Updater does)."""
        if self.offset is None or self.offset == self._confirmed:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self.bot.get_updates(offset=self.offset, timeout=0, limit=1), timeout=5
            )
            self._confirmed = self.offset
