"""A wave's live standing is computed from its stored counts and its conditional pledges only
(reading every pledge on each reply made a flash crowd quadratic); it must equal the clearing of
every active pledge, whatever mix of joins, changes and withdrawals led there."""

from __future__ import annotations

import contextlib
import random

from core.errors import DomainError
from core.services import waves
from core.services.context import Context
from core.services.standing import standing_in
from core.tiers import Bid, standing
from storage.backends import AnyDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan


async def _every_active_bid(db: AnyDatabase, wave_id: int) -> list[Bid]:
    """The exhaustive way (what a close uses): every active pledge of the wave."""
    async with db.read() as tx:
        return await tx.active_bids(wave_id)


async def test_the_standing_from_counts_equals_the_clearing_of_every_pledge(
    ctx: Context, db: AnyDatabase
) -> None:
    idea = await approved_idea(ctx)
    wave = await waves.launch(
        ctx, OWNER, plan(idea, (1, 1_000), (4, 900), (8, 800), (12, 700), moq=3, per_member=3)
    )
    shuffle = random.Random(7)
    prices = (None, None, 1_000, 900, 850, 800, 750, 700)
    for step in range(60):
        who = person(shuffle.randrange(14))
        if shuffle.random() < 0.2:
            with contextlib.suppress(DomainError):  # not in the wave: nothing to withdraw
                await waves.leave(ctx, who, wave.id)
            continue
        quantity, cap = shuffle.randint(1, 3), shuffle.choice(prices)
        outcome = await waves.join(ctx, who, wave.id, quantity, cap)
        async with db.read() as tx:
            fast = await standing_in(tx, outcome.wave)
        full = standing(outcome.wave.tiers, await _every_active_bid(db, wave.id), wave.moq)
        assert fast is not None, step
        assert (fast.firm, fast.conditional, fast.pledgers) == (
            full.firm,
            full.conditional,
            full.pledgers,
        ), step
        assert (fast.clearing.price, fast.clearing.units, fast.clearing.succeeded) == (
            full.clearing.price,
            full.clearing.units,
            full.clearing.succeeded,
        ), step
