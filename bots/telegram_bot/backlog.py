"""Replies owed to chats at their send limit, sent in order, off the path of other updates.

Telegram lets a bot send about one message a second to a chat (20 a minute to a group). An
update whose reply would have to wait for that window hands the reply here and returns, so its
concurrency slot and its batch's confirmation are not held while it waits: other chats' updates
go on (docs/ARCHITECTURE.md §7, "Fair share"). One worker per chat sends its owed replies one at
a time, oldest first; a chat with replies still owed queues new ones behind them, so one chat's
answers never overtake each other (an urgent notice goes to the front of its chat's queue).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger(__name__)
Send = Callable[[], Awaitable[None]]
ChatWait = Callable[[int], float]  # seconds until one more message fits this chat's window


class ChatBacklog:
    """Per-chat FIFO queues of owed replies, each drained by its own task."""

    def __init__(self, wait: ChatWait) -> None:
        self._wait = wait
        self._queues: dict[int, deque[Send]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}

    def owed(self) -> int:
        """Replies waiting to be sent, all chats together."""
        return sum(len(queue) for queue in self._queues.values())

    def must_wait(self, chat_ids: Iterable[int]) -> bool:
        """A reply to these chats would wait: one is at its limit or still owes replies."""
        return any(chat_id in self._queues or self._wait(chat_id) > 0 for chat_id in chat_ids)

    def add(self, chat_id: int, send: Send, *, urgent: bool = False) -> None:
        """Owe one reply to a chat: after the ones already owed, or first if urgent."""
        queue = self._queues.setdefault(chat_id, deque())
        if urgent:
            queue.appendleft(send)
        else:
            queue.append(send)
        if chat_id not in self._workers:
            self._workers[chat_id] = asyncio.create_task(self._drain_chat(chat_id))

    async def _drain_chat(self, chat_id: int) -> None:
        """Send one chat's owed replies in order; a failure is logged and does not stop the rest."""
        queue = self._queues[chat_id]
        try:
            while queue:
                send = queue.popleft()
                try:
                    await send()
                except Exception:
                    log.exception("an owed reply to chat %s failed", chat_id)
        finally:
            del self._queues[chat_id]
            del self._workers[chat_id]

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109
        """At shutdown: send what is owed within `timeout`, then give up on the rest."""
        workers = list(self._workers.values())
        if not workers:
            return
        _, late = await asyncio.wait(workers, timeout=timeout)
        if late:
            log.warning(
                "stopping with replies owed to %d chats (%d queued)", len(late), self.owed()
            )
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
