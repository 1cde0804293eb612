"""The expander: participant deliveries of an announcement, written after its crossing commit.

A milestone's crossing transaction records the announcement, the deliveries to subscribed chats
and the announcement's audience: the wave's pledgers as of that commit (docs/ARCHITECTURE.md
§6). This service writes one delivery per member of that audience afterwards, `batch` rows per
write transaction, each batch moving a cursor in the same commit, so:

- the crossing pledge costs the same whatever the number of participants;
- the single writer is given back between batches: pledges queued meanwhile go first;
- a crash between batches loses and repeats nothing (the next run resumes at the cursor);
- announcements are expanded in id order, so a member's milestone messages keep their order.

Who gets one: a member whose pledge was active at the crossing commit (joined before it, and
not withdrawn and rejoined since), is still active, and still wants milestone news when their
batch is written: someone who withdrew or turned notifications off meanwhile is skipped, someone
who joined after the crossing is not in that milestone's audience.

Run by the clock (app/clockwork.py): kicked right after a crossing commit
(`Wakeup.fanout_pending`), and every few seconds as a safety net (after a restart).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from core.services.context import Context

BATCH = 1_000  # participant deliveries per write transaction at most


@dataclass
class Expanded:
    """What one run wrote: deliveries, announcements finished, and write transactions used."""

    rows: int = 0
    announcements: int = 0
    transactions: int = 0


async def expand(ctx: Context, batch: int = BATCH) -> Expanded:
    """Expand every announcement still to expand, a batch per transaction; safe to run twice
    at once or to interrupt (each batch is whole or absent)."""
    done = Expanded()
    while True:
        async with ctx.db.write() as tx:
            step = await tx.expand_fanout(batch)
        if step is None:
            return done
        done.transactions += 1
        done.rows += step.rows
        done.announcements += step.finished
        if step.rows:
            ctx.wakeup.deliveries_pending()  # the first DMs leave while the rest expands
        await asyncio.sleep(0)  # queued writes (pledges) were served; let other tasks run too
