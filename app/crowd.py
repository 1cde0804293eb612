"""A simulated crowd for the demo, so milestone broadcasts can be watched in the console."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bots.i18n import render
from core.errors import DomainError
from core.messages import t
from core.ports import Actor
from core.services import community, waves
from core.services.context import Context


async def first_open_wave(ctx: Context, poll: float = 0.5) -> int:
    """Wait until some wave is open and return the first one."""
    while True:
        found = await waves.open_waves(ctx, limit=1)
        if found:
            return min(wave.id for wave in found)
        await asyncio.sleep(poll)


async def simulate_crowd(
    ctx: Context, size: int, say: Callable[[str], None], seconds: float = 6.0
) -> int:
    """N simulated members join the first open wave over a few seconds; returns how many did."""
    wave_id = await first_open_wave(ctx)
    say(render(t("demo.crowd_start", size=size, id=wave_id), ctx.rules.default_lang))
    joined = 0
    for index in range(size):
        actor = Actor(f"console:crowd-{index + 1}", f"Member {index + 1}")
        await community.set_notify(ctx, actor, False)
        try:
            await waves.join(ctx, actor, wave_id)
        except DomainError as error:
            say(render(t(error.key, **error.params), ctx.rules.default_lang))
            break
        joined += 1
        await asyncio.sleep(seconds / max(size, 1))
    say(render(t("demo.crowd_done", joined=joined, id=wave_id), ctx.rules.default_lang))
    return joined
