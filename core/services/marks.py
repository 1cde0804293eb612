"""What every moderator's mark on a member's payment starts with (/paid, /unpaid, /refunded)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.model import Member, Wave
from core.ports import Actor, Tx
from core.services.context import Context, member_of, require_moderator
from core.services.moderation import named_member
from core.services.waves import load_wave


@dataclass(frozen=True)
class Mark:
    """One mark's transaction, the wave, the member named and the moderator marking."""

    tx: Tx
    wave: Wave
    payer: Member
    moderator: Member


@asynccontextmanager
async def marking(ctx: Context, actor: Actor, wave_id: int, word: str) -> AsyncIterator[Mark]:
    """Rights checked first (outside the write), then one write with the wave and the member
    the moderator named ('#12' or an account), refused clearly when either is unknown."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        payer = await named_member(tx, actor, word)
        yield Mark(tx, wave, payer, await member_of(ctx, tx, actor))
