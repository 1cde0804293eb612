"""The dispatcher's results, recorded many per write: one transaction for every result that
arrived while the previous one committed (docs/ARCHITECTURE.md §6)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.ports import Delivery, SendOutcome, SendResult, Tx
from core.services.context import Context

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """Exponential backoff for transient failures: 2 s, 4 s, 8 s… capped at 10 minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))


@dataclass
class DispatchStats:
    """What one sweep did, for logs and benchmarks."""

    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0
    writes: int = 0  # write transactions that recorded results


@dataclass
class _Result:
    """One send's outcome, and the lane waiting for it to be committed."""

    delivery: Delivery
    result: SendResult
    committed: asyncio.Future[datetime | None]


class Recorder:
    """Collects send results and commits them together; each caller returns after the COMMIT
    that holds its own result, so a chat's next send still follows its previous record."""

    def __init__(self, ctx: Context, stats: DispatchStats) -> None:
        self.ctx = ctx
        self.stats = stats
        self._waiting: list[_Result] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, delivery: Delivery, result: SendResult) -> datetime | None:
        """Persist one outcome; the time its chat is held until when it must wait (a retry or
        a migration), else None."""
        committed: asyncio.Future[datetime | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Result(delivery, result, committed))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_while_waiting())
        return await committed

    async def close(self) -> None:
        """Wait for the last write (the sweep is ending)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _write_while_waiting(self) -> None:
        """One write per round, for everything that arrived during the previous one."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                holds = await self._write(batch)
            except BaseException as error:
                for item in batch:
                    if not item.committed.done():
                        item.committed.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            for item, held in zip(batch, holds, strict=True):
                if not item.committed.done():
                    item.committed.set_result(held)

    async def _write(self, batch: list[_Result]) -> list[datetime | None]:
        """One transaction: the sends in two bulk statements, the rarer outcomes one by one."""
        now = self.ctx.clock.now()
        counts = DispatchStats()
        async with self.ctx.db.write() as tx:
            sent = [item for item in batch if item.result.outcome is SendOutcome.SENT]
            await tx.finish_sent([(i.delivery.id, i.result.message_id) for i in sent], now)
            holds = [await self._apply(tx, item, now, counts) for item in batch]
        self.stats.sent += counts.sent
        self.stats.retried += counts.retried
        self.stats.gone += counts.gone
        self.stats.failed += counts.failed
        self.stats.writes += 1
        return holds

    async def _apply(
        self, tx: Tx, item: _Result, now: datetime, counts: DispatchStats
    ) -> datetime | None:
        """Everything an outcome changes besides the sent row itself; the chat's hold, if any."""
        delivery, result = item.delivery, item.result
        target = delivery.target
        held_until: datetime | None = None
        if result.outcome is SendOutcome.SENT:
            counts.sent += 1
            card = delivery.body.get("card") if isinstance(delivery.body, dict) else None
            if card and result.message_id and target.member_id is None:
                # Rendered when announced: the wave may have moved since, so edit it once.
                await tx.add_card(target.platform, target.chat_id, result.message_id, card,
                                  target.lang, now, dirty=True)  # fmt: skip
        elif result.outcome is SendOutcome.MIGRATED and result.new_chat_id:
            counts.retried += 1
            await tx.move_chat(target.platform, target.chat_id, result.new_chat_id)
            await tx.retry_delivery(delivery.id, now, "migrated", now)
            await tx.hold_chat_after(target.platform, result.new_chat_id, delivery.id, now)
            held_until = now
        elif result.outcome is SendOutcome.GONE:
            counts.gone += 1
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
            counts.retried += 1
            wait = (
                timedelta(seconds=result.retry_after)
                if result.retry_after is not None
                else backoff(delivery.attempts + 1)
            )
            held_until = now + wait
            await tx.retry_delivery(delivery.id, held_until, result.error, now)
            await tx.hold_chat_after(target.platform, target.chat_id, delivery.id, held_until)
        else:
            counts.failed += 1
            await tx.finish_delivery(delivery.id, "failed", now, error=result.error)
        return held_until
