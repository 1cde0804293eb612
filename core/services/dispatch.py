"""The outbox dispatcher: sends due deliveries, records every attempt, retries or gives up."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.messages import Reply
from core.ports import Delivery, Messenger, SendOutcome, SendResult
from core.services.announce import decode
from core.services.context import Context

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BATCH = 5000  # large enough that every platform of a big broadcast starts at once
# Long enough to send a whole batch at the platforms' rates; a dead dispatcher's leases lapse.
LEASE = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff for transient failures: 2 s, 4 s, 8 s… capped at 10 minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))


def delivery_reply(delivery: Delivery) -> Reply:
    """Rebuild the message an announcement stored."""
    return decode(delivery.body)


def chat_lanes(due: Sequence[Delivery]) -> list[list[Delivery]]:
    """Split a batch by chat, keeping each chat's deliveries in the batch's (oldest-first) order."""
    lanes: dict[tuple[str, str], list[Delivery]] = {}
    for delivery in due:
        lanes.setdefault((delivery.target.platform, delivery.target.chat_id), []).append(delivery)
    return list(lanes.values())


@dataclass
class DispatchStats:
    """What one sweep did, for logs and benchmarks."""

    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0


class Dispatcher:
    """Delivers the outbox through each platform's messenger; the database stays the truth."""

    def __init__(
        self,
        ctx: Context,
        messengers: Mapping[str, Messenger],
        parallel: int = 64,
        owner: str = "",
        lease: timedelta = LEASE,
    ):
        """Messengers is shared with the composition root, which adds adapters as they start."""
        self.ctx = ctx
        self.messengers = messengers
        self.parallel = parallel
        self.owner = owner or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self._lock = asyncio.Lock()

    async def sweep(self) -> DispatchStats:
        """Send everything due now; one sweep at a time."""
        stats = DispatchStats()
        async with self._lock:
            while True:
                due = await self._claim()
                if not due:
                    return stats
                await self._send_batch(due, stats)
                if len(due) < BATCH:
                    return stats

    async def _claim(self) -> list[Delivery]:
        """Lease a batch of due deliveries for the platforms this process can send to."""
        now = self.ctx.clock.now()
        async with self.ctx.db.write() as tx:
            return await tx.claim_deliveries(self.owner, sorted(self.messengers), now,
                                             now + self.lease, BATCH)  # fmt: skip

    async def release_orphans(self) -> int:
        """A lone process starting: leases left by a dead one would only delay their sends."""
        async with self.ctx.db.write() as tx:
            return await tx.release_claims()

    async def release_own(self) -> int:
        """Stopping: give back what this dispatcher claimed and did not send."""
        async with self.ctx.db.write() as tx:
            return await tx.release_claims(self.owner)

    async def _send_batch(self, due: list[Delivery], stats: DispatchStats) -> None:
        """Send a batch: chats in parallel, each platform through its own gate so none waits on
        another, but one message at a time per chat, its result committed before the next, so
        a crash can leave at most one message per chat sent and unrecorded."""
        gates = {platform: asyncio.Semaphore(self.parallel) for platform in self.messengers}

        async def lane(queue: list[Delivery]) -> None:
            for index, delivery in enumerate(queue):
                async with gates[delivery.target.platform]:
                    result = await self._send(delivery)
                if await self._record(delivery, result, stats, later=queue[index + 1 :]):
                    return

        await asyncio.gather(*(lane(queue) for queue in chat_lanes(due)))

    async def _send(self, delivery: Delivery) -> SendResult:
        """Send one delivery; a crashing messenger counts as a transient failure."""
        messenger = self.messengers[delivery.target.platform]
        try:
            return await messenger.send(
                delivery.target.chat_id, delivery_reply(delivery), delivery.target.lang
            )
        except Exception as error:
            log.exception("delivery %s crashed", delivery.id)
            return SendResult(SendOutcome.RETRY, error=repr(error)[:200])

    async def _record(
        self,
        delivery: Delivery,
        result: SendResult,
        stats: DispatchStats,
        later: Sequence[Delivery] = (),
    ) -> bool:
        """Persist what happened (sent, retry later, or permanent failure handling) in one write;
        True when the chat's later deliveries wait behind a retried one, keeping their order."""
        now = self.ctx.clock.now()
        target = delivery.target
        held_until: datetime | None = None
        async with self.ctx.db.write() as tx:
            if result.outcome is SendOutcome.SENT:
                stats.sent += 1
                await tx.finish_delivery(delivery.id, "sent", now, message_id=result.message_id)
                card = delivery.body.get("card") if isinstance(delivery.body, dict) else None
                if card and result.message_id and target.member_id is None:
                    # Rendered when announced: the wave may have moved since, so edit it once.
                    await tx.add_card(target.platform, target.chat_id, result.message_id, card,
                                      target.lang, now, dirty=True)  # fmt: skip
            elif result.outcome is SendOutcome.MIGRATED and result.new_chat_id:
                stats.retried += 1
                await tx.move_chat(target.platform, target.chat_id, result.new_chat_id)
                await tx.retry_delivery(delivery.id, now, "migrated", now)
                held_until = now
            elif result.outcome is SendOutcome.GONE:
                stats.gone += 1
                await tx.finish_delivery(delivery.id, "gone", now, error=result.error)
                await tx.unsubscribe(target.platform, target.chat_id)
                if target.member_id is not None:
                    await tx.set_member_notify(target.member_id, False)
                    await tx.set_member_news(target.member_id, False)
                    for category in await tx.follows_of(target.member_id):
                        await tx.unfollow(target.member_id, category)
            elif result.outcome is SendOutcome.RETRY and (
                result.retry_after is not None or delivery.attempts + 1 < MAX_ATTEMPTS
            ):
                stats.retried += 1
                wait = (
                    timedelta(seconds=result.retry_after)
                    if result.retry_after is not None
                    else backoff(delivery.attempts + 1)
                )
                await tx.retry_delivery(delivery.id, now + wait, result.error, now)
                held_until = now + wait
            else:
                stats.failed += 1
                await tx.finish_delivery(delivery.id, "failed", now, error=result.error)
            if held_until is not None and later:
                await tx.defer_deliveries([waiting.id for waiting in later], held_until)
        return held_until is not None
