"""Pages that update themselves: Server-Sent Events fed by committed changes.

The database tells after every top-level commit (`on_saved`, wired by app/web.py → `committed`).
The hub then re-reads the live numbers of the waves that some page is watching — only those,
at most once per `delay` however many commits came — and sends each page the waves whose
numbers changed. What a page receives was therefore committed; a commit of another process
(PostgreSQL scale-out) is caught by the `poll` safety net. The browser's EventSource reconnects
by itself, and each (re)connection starts with the current numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from bots.web.guard import secure, secure_error
from core.model import Wave

log = logging.getLogger(__name__)
Read = Callable[[Iterable[int]], Awaitable[dict[int, Wave]]]
Describe = Callable[[Wave], dict[str, Any]]
WATCHERS_MAX = 2000  # open event streams in this process; more get 503 and retry later
HEARTBEAT = 15.0  # seconds: keeps proxies from closing an idle stream


class LiveHub:
    """Who watches which wave, and the last numbers each was sent."""

    def __init__(
        self, read: Read, stopped: asyncio.Event, delay: float = 0.25, poll: float = 5.0
    ) -> None:
        self.read = read
        self.stopped = stopped
        self.delay = delay
        self.poll = poll
        self.watchers: dict[int, set[asyncio.Queue[Wave]]] = {}
        self.last: dict[int, Wave] = {}
        self.changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.sent = 0

    def committed(self) -> None:
        """A write committed: if any page watches, look again (soon, once for many commits)."""
        if self.watchers:
            self.changed.set()

    def watching(self) -> int:
        """How many streams are open."""
        return sum(len(queues) for queues in self.watchers.values())

    def subscribe(self, wave: Wave) -> asyncio.Queue[Wave]:
        """A queue that receives the wave's numbers each time they change."""
        queue: asyncio.Queue[Wave] = asyncio.Queue(maxsize=8)
        self.watchers.setdefault(wave.id, set()).add(queue)
        self.last.setdefault(wave.id, wave)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        return queue

    def unsubscribe(self, wave_id: int, queue: asyncio.Queue[Wave]) -> None:
        """The page went away."""
        queues = self.watchers.get(wave_id, set())
        queues.discard(queue)
        if not queues:
            self.watchers.pop(wave_id, None)
            self.last.pop(wave_id, None)
            self.changed.set()  # the loop wakes, and ends if nobody watches any more

    async def _run(self) -> None:
        """Until stopped or nobody watches: wait for a commit (or the poll), then publish."""
        while self.watchers and not self.stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), self.poll)
            await asyncio.sleep(self.delay)  # let a burst of commits land: one read for all
            self.changed.clear()
            try:
                await self.publish()
            except Exception:  # a failing read (disk, server) must not end live pages
                log.exception("live pages: reading the waves failed")

    async def publish(self) -> int:
        """Send every watched wave whose numbers changed to its watchers; how many changed."""
        fresh = await self.read(list(self.watchers))
        changed = 0
        for wave_id, wave in fresh.items():
            if self.last.get(wave_id) == wave or wave_id not in self.watchers:
                continue
            self.last[wave_id] = wave
            changed += 1
            for queue in self.watchers[wave_id]:
                if queue.full():  # a stalled reader only needs the latest numbers
                    queue.get_nowait()
                queue.put_nowait(wave)
        return changed

    async def stream(
        self, request: web.Request, wave: Wave, describe: Describe
    ) -> web.StreamResponse:
        """Serve one page's event stream until it leaves or the server stops."""
        if self.watching() >= WATCHERS_MAX:
            raise secure_error(web.HTTPServiceUnavailable, {"Retry-After": "30"})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-cache",
                                               "X-Accel-Buffering": "no"})  # fmt: skip
        secure(response)
        await response.prepare(request)
        queue = self.subscribe(wave)
        try:
            await _send(response, describe(wave))
            while not self.stopped.is_set():
                update = await self._next(queue)
                if update is None:
                    await response.write(b": ping\n\n")
                else:
                    await _send(response, describe(update))
                    self.sent += 1
        except ConnectionResetError:
            pass  # the page went away: its next write found the connection closed
        finally:
            self.unsubscribe(wave.id, queue)
        return response

    async def _next(self, queue: asyncio.Queue[Wave]) -> Wave | None:
        """The next numbers, or None at the heartbeat or when the server stops."""
        getting = asyncio.ensure_future(queue.get())
        stopping = asyncio.ensure_future(self.stopped.wait())
        done, _ = await asyncio.wait({getting, stopping}, timeout=HEARTBEAT,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        stopping.cancel()
        if getting in done:
            return getting.result()
        getting.cancel()
        return None


async def _send(response: web.StreamResponse, numbers: dict[str, Any]) -> None:
    """One `wave` event with the numbers as JSON."""
    data = json.dumps(numbers, ensure_ascii=False, separators=(",", ":"))
    await response.write(f"event: wave\ndata: {data}\n\n".encode())
