"""Closing or cancelling a wave is asked first and done by a button, re-checked at the press."""

from __future__ import annotations

from core.errors import DomainError
from core.model import Wave, WaveStatus
from core.ports import Actor
from core.services import lifecycle, pending
from core.services.context import Context, require_moderator
from core.services.waves import load_wave

CANCEL = "cancel"


async def ask_close(ctx: Context, actor: Actor, wave_id: int) -> Wave:
    """The wave a moderator may close now; nothing changes until the button is pressed."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
    if wave.status is not WaveStatus.OPEN:
        raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
    return wave


async def ask_cancel(ctx: Context, actor: Actor, wave_id: int, reason: str) -> tuple[Wave, int]:
    """The wave to cancel and the kept request (its reason) the confirm button completes."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status not in (WaveStatus.OPEN, WaveStatus.SCHEDULED):
            raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
        held = await pending.hold(ctx, tx, actor, CANCEL, {"wave": wave.id, "reason": reason})
        return wave, held


async def confirm_cancel(ctx: Context, actor: Actor, request_id: int) -> Wave:
    """Cancel as asked; rights and state are checked again, and a refusal keeps the request."""
    await require_moderator(ctx, actor)  # asked of the platform before the writer is held
    async with ctx.db.write() as tx:
        payload = await pending.take(ctx, tx, actor, request_id, CANCEL)
        wave_id = payload["wave"]
        if not isinstance(wave_id, int):
            raise DomainError("error.stale_button")
        return await lifecycle.cancel(ctx, actor, wave_id, str(payload["reason"]))
