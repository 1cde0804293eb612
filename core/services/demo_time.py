"""Moving the console demo's time (docs/ARCHITECTURE.md, "The demo's clock")."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import TimeTravel
from core.errors import DomainError
from core.ports import Actor
from core.services.context import Context, require_moderator

MAX_SHIFT = timedelta(days=366)


def time_travel(ctx: Context) -> TimeTravel:
    """The demo's movable clock; anywhere else time cannot be moved and /clock does not exist."""
    if ctx.time_travel is None:
        raise DomainError("error.unknown_command", name="clock")
    return ctx.time_travel


def demo_now(ctx: Context) -> datetime:
    """What time it is in the demo."""
    return time_travel(ctx).now()


async def move_time(ctx: Context, actor: Actor, by: timedelta) -> datetime:
    """Move the demo's time forward and run every sweep that fell due; moderators only."""
    travel = time_travel(ctx)
    await require_moderator(ctx, actor)
    if by > MAX_SHIFT:
        raise DomainError("error.clock_too_far", max=MAX_SHIFT)
    return await travel.advance(by)
