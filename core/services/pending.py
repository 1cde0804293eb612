"""Actions a confirmation button completes: kept in the database, single use, one day long."""

from __future__ import annotations

from datetime import timedelta

from core.errors import DomainError, Forbidden
from core.ports import Actor, Tx
from core.services.context import Context, member_of

LIFETIME = timedelta(hours=24)


async def hold(ctx: Context, tx: Tx, actor: Actor, kind: str, payload: dict[str, object]) -> int:
    """Keep what the member asked for; the button carries only the returned id."""
    member = await member_of(ctx, tx, actor)
    return await tx.add_pending_action(member.id, kind, payload, ctx.clock.now())


async def take(ctx: Context, tx: Tx, actor: Actor, action_id: int, kind: str) -> dict[str, object]:
    """The payload, once, for the member who asked and within its lifetime; else say why not."""
    pending = await tx.get_pending_action(action_id)
    if pending is None or pending.kind != kind:
        raise DomainError("error.stale_button")
    member = await member_of(ctx, tx, actor)
    if pending.member_id != member.id:
        raise Forbidden("error.pending_foreign")
    now = ctx.clock.now()
    if pending.used_at is not None:
        raise DomainError("error.pending_used")
    if now - pending.created_at >= LIFETIME:
        raise DomainError("error.pending_expired")
    if not await tx.use_pending_action(action_id, now):
        raise DomainError("error.pending_used")
    return pending.payload
