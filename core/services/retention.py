"""Bounded storage: what the bot no longer needs is deleted or compacted, a batch at a time.

Run by the clock (app/main.py adds it to the Clockwork); every batch is its own short write
transaction (at most `batch` rows), so the single writer is never held long and a stop or a
crash between batches loses nothing: the next run carries on. What goes, and why it is safe:

- deliveries in a final state (sent, gone, failed) last scheduled and sent more than `keep`
  ago, with their attempts: nothing reads a finished delivery again; pending ones always stay;
- announcements older than `keep` with no delivery left; but announcements a sweep reads as a
  marker (MARKERS: the "24 h left" reminder, the last digest, review requests) keep their row
  and lose only their body, so nobody is reminded or asked twice;
- processed update keys claimed more than `keep` ago whose answer was sent (or that kept
  none): platforms redeliver within hours, never after days;
- confirmation buttons (pending_actions) created more than `keep` (at least their 24 h
  lifetime) ago: expired, used or not;
- pledge events older than `keep` are compacted, not deleted, whatever the wave's state: /stats
  draws a wave's units over time from them and prints how many pledge changes it had, and
  nothing else reads them. The wave's planned life (opening to planned close) is cut in
  COMPACT_SLOTS equal time slots; each slot keeps one row with its last units and the number of
  events it stands for, so the chart keeps its shape (a point per slot, a few hundred per wave:
  below a pixel on the chart) and the count stays exact. Recent events stay as they are.
  Pledges, waves, milestones, counts and cards, which open waves and stats read, are never
  touched;
- shipping details (name, phone, address) of a wave delivered more than `shipping` ago
  (WAVEBOT_SHIPPING_RETENTION_DAYS): personal data kept no longer than the delivery needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.services.context import Context
from core.services.pending import LIFETIME

log = logging.getLogger(__name__)

BATCH = 2_000  # rows per write transaction at most
COMPACT_SLOTS = 500  # points kept per wave's units-over-time chart, once its events age
MARKERS = ("reminder", "digest", "review_ask:")  # kinds a sweep looks up; ':' = prefix


@dataclass(frozen=True)
class RetentionPolicy:
    """How long finished rows are kept (None: forever) and how many go per transaction."""

    keep: timedelta | None
    batch: int = BATCH
    shipping: timedelta | None = None  # shipping details kept this long after delivery


@dataclass
class Pruned:
    """What one run removed, per kind of row, and how many write transactions it took."""

    deliveries: int = 0
    announcements: int = 0
    keys: int = 0
    pending_actions: int = 0
    pledge_events: int = 0
    shipping: int = 0
    transactions: int = 0

    @property
    def total(self) -> int:
        """Rows removed or compacted in all."""
        return (self.deliveries + self.announcements + self.keys + self.pending_actions
                + self.pledge_events + self.shipping)  # fmt: skip


async def prune(ctx: Context, policy: RetentionPolicy) -> Pruned:
    """One retention run; safe to repeat, interrupt or run twice (the second does nothing)."""
    done = Pruned()
    if policy.shipping is not None:
        await _purge_shipping(ctx, ctx.clock.now() - policy.shipping, policy.batch, done)
    if policy.keep is None:
        return done
    before = ctx.clock.now() - policy.keep
    await _prune_deliveries(ctx, before, policy.batch, done)
    await _prune_announcements(ctx, before, policy.batch, done)
    await _prune_keys(ctx, before, policy.batch, done)
    await _prune_pending(ctx, min(before, ctx.clock.now() - LIFETIME), policy.batch, done)
    await _compact_events(ctx, before, policy.batch, done)
    if done.total:
        log.info("retention: %d deliveries and attempts, %d announcements, %d update keys, "
                 "%d confirmation buttons, %d pledge events compacted, %d shipping details, "
                 "in %d transactions", done.deliveries, done.announcements, done.keys,
                 done.pending_actions, done.pledge_events, done.shipping,
                 done.transactions)  # fmt: skip
    return done


async def _purge_shipping(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Shipping details of waves delivered before the cut-off: their use is over."""
    while True:
        async with ctx.db.write() as tx:
            deleted = await tx.purge_delivered_shipping(before, batch)
        done.transactions += 1
        done.shipping += deleted
        if deleted < batch:
            return


async def _prune_deliveries(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Finished deliveries and their attempts; half a batch each, as most have one attempt."""
    while True:
        async with ctx.db.write() as tx:
            removed = await tx.prune_deliveries(before, max(1, batch // 2))
        done.transactions += 1
        done.deliveries += removed
        if removed == 0:
            return


async def _prune_announcements(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Walk the announcements oldest first until one newer than the cut-off."""
    after, reached = 0, False
    while not reached:
        async with ctx.db.write() as tx:
            after, changed, reached = await tx.prune_announcements(before, MARKERS, after, batch)
        done.transactions += 1
        done.announcements += changed


async def _prune_keys(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Walk the processed keys oldest first until one newer than the cut-off."""
    after, reached = 0, False
    while not reached:
        async with ctx.db.write() as tx:
            after, deleted, reached = await tx.prune_processed_keys(before, after, batch)
        done.transactions += 1
        done.keys += deleted


async def _prune_pending(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Expired confirmation buttons."""
    while True:
        async with ctx.db.write() as tx:
            deleted = await tx.prune_pending_actions(before, batch)
        done.transactions += 1
        done.pending_actions += deleted
        if deleted == 0:
            return


async def _compact_events(ctx: Context, before: datetime, batch: int, done: Pruned) -> None:
    """Compact the pledge events older than the cut-off of every wave, a batch at a time."""
    seen: set[int] = set()
    while True:
        async with ctx.db.read() as tx:
            found = await tx.waves_to_compact(before, 50)
        fresh = [wave for wave in found if wave[0] not in seen]
        if not fresh:
            return  # a wave still found after its pass gained old events meanwhile: next run
        for wave_id, opens, closes in fresh:
            seen.add(wave_id)
            width = max((closes - opens) / COMPACT_SLOTS, timedelta(seconds=1))
            while True:
                async with ctx.db.write() as tx:
                    folded = await tx.compact_pledge_events(wave_id, opens, width, before, batch)
                done.transactions += 1
                done.pledge_events += folded
                if folded < batch:
                    break
