"""The outbox dispatcher: sends due deliveries, records every attempt, retries or gives up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from core.lanes import SENDING_LANE, Lane, delivery_lane
from core.leadership import Leadership
from core.messages import Reply
from core.ports import Delivery, Messenger, SendOutcome, SendResult
from core.services.announce import decode
from core.services.context import Context
from core.services.dispatch_record import (
    MAX_ATTEMPTS,
    DispatchStats,
    Recorder,
    backoff,
)
from core.services.dispatch_roles import PlatformRoles

__all__ = ["MAX_ATTEMPTS", "DispatchStats", "Dispatcher", "backoff", "chat_lanes"]

log = logging.getLogger(__name__)
BATCH = 5000  # large enough that every platform of a big broadcast starts at once
# Long enough to send a whole batch at the platforms' rates; a dead dispatcher's leases lapse.
LEASE = timedelta(minutes=10)
# While sending, look for new due deliveries at least this often (a wake-up comes sooner).
RECLAIM_EVERY = 0.25
ChatKey = tuple[str, str]


def delivery_reply(delivery: Delivery) -> Reply:
    """Rebuild the message an announcement stored."""
    return decode(delivery.body)


def chat_key(delivery: Delivery) -> ChatKey:
    """Deliveries to the same chat share a lane: one at a time, in order."""
    return delivery.target.platform, delivery.target.chat_id


def chat_lanes(due: Sequence[Delivery]) -> list[list[Delivery]]:
    """Split a batch by chat, each chat's deliveries in creation (id) order."""
    lanes: dict[ChatKey, list[Delivery]] = {}
    for delivery in sorted(due, key=lambda d: d.id):
        lanes.setdefault(chat_key(delivery), []).append(delivery)
    return list(lanes.values())


@dataclass
class _ChatQueue:
    """One chat's claimed deliveries, sent one at a time by whichever worker takes the chat."""

    waiting: deque[Delivery] = field(default_factory=deque)


WorkKey = tuple[str, Lane]  # a platform and a lane: `parallel` workers each


class Dispatcher:
    """Delivers the outbox through each platform's messenger; the database stays the truth."""

    def __init__(
        self,
        ctx: Context,
        messengers: Mapping[str, Messenger],
        parallel: int = 64,
        owner: str = "",
        lease: timedelta = LEASE,
        roles: Callable[[str], Leadership] | None = None,
    ):
        """Messengers is shared with the composition root, which adds adapters as they start.
        Roles: on several processes, the platforms this one sends for only while elected."""
        self.ctx = ctx
        self.messengers = messengers
        self.parallel = parallel
        self.owner = owner or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.roles = PlatformRoles(roles)
        self._lock = asyncio.Lock()
        self._poked = asyncio.Event()
        self._chats: dict[ChatKey, _ChatQueue] = {}
        self._ready: dict[WorkKey, deque[ChatKey]] = {}
        self._workers: dict[WorkKey, set[asyncio.Task[None]]] = {}
        self._recorder: Recorder | None = None
        self._replies: dict[int, Reply] = {}

    def poke(self) -> None:
        """New deliveries were committed: a running sweep claims again at once."""
        self._poked.set()

    async def sweep(self) -> DispatchStats:
        """Send everything due now, claiming again while sending (so a broadcast recorded
        during a long batch of DMs starts at once); returns when nothing is left in flight."""
        stats = DispatchStats()
        async with self._lock:
            self._recorder = recorder = Recorder(self.ctx, stats)
            try:
                while True:
                    self._poked.clear()
                    self._enqueue(await self._claim())
                    if not self._chats or self.roles.lost:  # deposed: what is queued goes back
                        return stats
                    # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
                    # that lands as the event is set, and a stopping clock would wait forever.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(RECLAIM_EVERY):
                            await self._poked.wait()
            finally:
                await self._stop_chats()
                await recorder.close()
                if self.roles.lost:  # the next holder need not wait for the leases to lapse
                    with contextlib.suppress(Exception):
                        await self.release_own()

    async def _claim(self) -> list[Delivery]:
        """Lease due deliveries for the platforms this process can send to, broadcasts first."""
        platforms = await self.roles.led(sorted(self.messengers))
        if not platforms or self.roles.lost:
            return []
        now = self.ctx.clock.now()
        self._replies.clear()
        async with self.ctx.db.write() as tx:
            for platform in self.roles.due_takeovers():
                if taken := await tx.take_over_claims(platform, self.owner):
                    log.warning("took over %d deliveries leased by another dispatcher", taken)
            return await tx.claim_deliveries(self.owner, platforms, now, now + self.lease,
                                             BATCH)  # fmt: skip

    def _enqueue(self, claimed: list[Delivery]) -> None:
        """Append each delivery to its chat's queue; an idle chat joins its platform and lane's
        line for a worker. A claim never holds a chat's later deliveries while earlier ones are
        in flight, so an appended delivery can only follow its chat's last one, just recorded."""
        for queue in chat_lanes(claimed):
            key = chat_key(queue[0])
            chat = self._chats.get(key)
            if chat is None:
                chat = self._chats[key] = _ChatQueue()
                work = (key[0], delivery_lane(queue[0].target.member_id))
                self._ready.setdefault(work, deque()).append(key)
                self._hire(work)
            chat.waiting.extend(queue)

    def _hire(self, work: WorkKey) -> None:
        """Up to `parallel` workers per platform and lane, so DMs never take the places
        broadcasts need; the messenger's pacer then serves the lanes by priority."""
        workers = self._workers.setdefault(work, set())
        while len(workers) < min(self.parallel, len(self._ready[work])):
            workers.add(asyncio.create_task(self._work(work)))

    async def _work(self, work: WorkKey) -> None:
        """Serve chats of one platform and lane, one after another, in this lane."""
        SENDING_LANE.set(work[1])  # this task's own context: every send here is in that lane
        ready, me = self._ready[work], asyncio.current_task()
        try:
            while ready:
                key = ready.popleft()
                await self._serve(key, self._chats[key])
        finally:
            # Gone from the roll in the same step that found no chat waiting: a chat queued
            # from now on hires a new worker.
            self._workers[work].discard(me)

    async def _serve(self, key: ChatKey, chat: _ChatQueue) -> None:
        """Send a chat's deliveries in order, each result committed before the next send, so a
        crash leaves at most one message per chat sent and unrecorded."""
        try:
            while chat.waiting:
                delivery = chat.waiting[0]
                result = await self._send(delivery)
                assert self._recorder is not None
                held_until = await self._recorder.record(delivery, result)
                chat.waiting.popleft()
                if held_until is not None:
                    chat.waiting.clear()  # the record deferred the rest of the chat already
        except Exception:
            log.exception("dispatching to %s/%s failed; giving its deliveries back", *key)
            await self._give_back([delivery.id for delivery in chat.waiting])
        finally:
            self._chats.pop(key, None)
            if not self._chats:
                self._poked.set()  # nothing in flight: the sweep looks once more and ends

    async def _send(self, delivery: Delivery) -> SendResult:
        """Send one delivery; a crashing messenger counts as a transient failure."""
        messenger = self.messengers[delivery.target.platform]
        try:
            return await messenger.send(
                delivery.target.chat_id, self._reply(delivery), delivery.target.lang
            )
        except Exception as error:
            log.exception("delivery %s crashed", delivery.id)
            return SendResult(SendOutcome.RETRY, error=repr(error)[:200])

    def _reply(self, delivery: Delivery) -> Reply:
        """The announcement's message, rebuilt once for all of its targets (Reply is frozen).
        Emptied at each claim: an id is only reused once its announcement, with no delivery
        left, was pruned, which cannot happen while one of its deliveries is in our hands."""
        reply = self._replies.get(delivery.announcement_id)
        if reply is None:
            reply = self._replies[delivery.announcement_id] = delivery_reply(delivery)
        return reply

    async def _give_back(self, ids: list[int]) -> None:
        """Release what a failed chat still holds (its first may have been sent: at most one
        duplicate); if even that fails, the leases lapse and the chat waits until then."""
        try:
            async with self.ctx.db.write() as tx:
                await tx.release_deliveries(self.owner, ids)
        except Exception:
            log.exception("could not give back %d deliveries; their leases will lapse", len(ids))

    async def _stop_chats(self) -> None:
        """Ending (or cancelled): stop every worker; unsent claims lapse or are released."""
        tasks = [task for workers in self._workers.values() for task in workers]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._chats.clear()
        self._ready.clear()

    async def release_orphans(self) -> int:
        """A lone process starting: leases left by a dead one would only delay their sends."""
        async with self.ctx.db.write() as tx:
            return await tx.release_claims()

    async def release_own(self) -> int:
        """Stopping: give back what this dispatcher claimed and did not send."""
        async with self.ctx.db.write() as tx:
            return await tx.release_claims(self.owner)
