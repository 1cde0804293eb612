"""Where open waves stand if they closed now: what cards, lists and pledge replies read."""

from __future__ import annotations

from collections.abc import Iterable

from core.model import Wave, WaveStatus
from core.ports import Tx
from core.services.context import Context
from core.tiers import Standing, standing_of
from core.views import CardFacts, cleared


async def standing_in(tx: Tx, wave: Wave) -> Standing | None:
    """Today's clearing of an open wave's active pledges (None once it is not open), from the
    wave's counts as given and its conditional pledges."""
    if wave.status is not WaveStatus.OPEN:
        return None
    conditional = await tx.conditional_bids(wave.id)
    return standing_of(wave.tiers, wave.units, wave.pledgers, conditional, wave.moq)


async def standings_in(tx: Tx, waves: Iterable[Wave]) -> dict[int, Standing]:
    """Today's clearing of each open wave among these."""
    found: dict[int, Standing] = {}
    for wave in waves:
        now = await standing_in(tx, wave)
        if now is not None:
            found[wave.id] = now
    return found


async def standings(ctx: Context, waves: Iterable[Wave]) -> dict[int, Standing]:
    """Today's clearing of each open wave, in a read transaction."""
    async with ctx.db.read() as tx:
        return await standings_in(tx, waves)


async def facts_in(tx: Tx, wave: Wave) -> CardFacts:
    """What a card shows besides the wave row: today's clearing or the payment deadline."""
    window = await tx.payment_window(wave.id) if wave.status is WaveStatus.SUCCEEDED else None
    return CardFacts(await standing_in(tx, wave), window.due_at if window else None)


async def live(ctx: Context, wave: Wave) -> Wave:
    """The wave with the counts that would buy if it closed now (cleared), for replies."""
    found = await standings(ctx, [wave])
    return cleared(wave, found.get(wave.id))
