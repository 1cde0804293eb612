"""Fulfilment of a completed wave: /ship (with a tracking text) and /delivered; /wave's line."""

from __future__ import annotations

from core.commands.params import Param, Text, WaveId
from core.commands.registry import Request, command
from core.commands.usage import say_private
from core.messages import Reply, T, t
from core.model import Wave, WaveStatus
from core.services import fulfilment
from core.services.context import is_moderator

THE_WAVE = Param("wave", WaveId)
TRACKING = Param("tracking", Text, required=False)


@command("ship", THE_WAVE, TRACKING, listed="suppliers")  # moderators or the wave's maker
async def ship(req: Request) -> list[Reply]:
    """Mark a completed wave shipped (again: change its tracking text); paid members are told."""
    tracking = req.maybe(TRACKING) or ""
    wave, _ = await fulfilment.ship(req.ctx, req.actor, req.arg(THE_WAVE), tracking)
    done = t("fulfilment.shipped", id=wave.id, title=wave.title)
    if tracking.strip():
        return say_private(done, t("fulfilment.tracking", tracking=tracking.strip()))
    return say_private(done)


@command("delivered", THE_WAVE, listed="suppliers")
async def delivered(req: Request) -> list[Reply]:
    """Mark a completed wave delivered; paid members are told and asked for a review."""
    wave, _ = await fulfilment.deliver(req.ctx, req.actor, req.arg(THE_WAVE))
    return say_private(t("fulfilment.delivered", id=wave.id, title=wave.title))


async def fulfilment_lines(req: Request, wave: Wave) -> list[T]:
    """/wave: where a completed wave's goods are; moderators also read the tracking text."""
    if wave.status is not WaveStatus.COMPLETED:
        return []
    state = await fulfilment.state(req.ctx, wave.id)
    return [fulfilment.status_text(state, await is_moderator(req.ctx, req.actor))]
