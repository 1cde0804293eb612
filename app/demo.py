"""`wavebot demo`: the console adapter as the owner, a movable clock, an optional crowd.

docs/ARCHITECTURE.md, "The demo's clock": the demo's Context gets a `time_travel` port, which
is what makes `/clock` exist; `wavebot run` never sets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable

from app.crowd import Crowd
from app.main import Runtime, runtime
from app.site import start_demo_site
from app.timetravel import DemoTime
from bots.console.session import PLATFORM as CONSOLE
from bots.console.session import ConsoleMessenger, ConsoleSession
from bots.console.terminal import read_lines
from bots.i18n import render
from config.settings import Settings
from core.clock import OffsetClock
from core.messages import T, t
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from core.services.providers import PaymentDesk, SimulatedProvider

DEMO_ACCOUNT = "console:you"


async def run_demo(
    settings: Settings, crowd: int, *, seed: int = 1, notice: T | None = None
) -> None:
    """Chat as the owner until /quit or end of input; at end of input the crowd finishes first."""
    write = _printer()
    clock = OffsetClock()
    owners = frozenset({DEMO_ACCOUNT})
    async with runtime(settings, clock=clock, extra_owners=owners, alone=True) as rt:
        actor = Actor(DEMO_ACCOUNT, "You")
        session = ConsoleSession(rt.interpreter, actor, write)
        rt.messengers[CONSOLE] = ConsoleMessenger(write, actor.user_id, settings.timezone)
        chat = ChatRef(CONSOLE, actor.user_id, ChatKind.PRIVATE, "console")
        await community.subscribe(rt.ctx, actor, chat, [])
        rt.ctx.payments = PaymentDesk(default=SimulatedProvider())  # the whole cycle, no account
        simulated = Crowd(rt.ctx, crowd, write, seed) if crowd > 0 else None
        hooks = [simulated.catch_up] if simulated else []
        rt.ctx.time_travel = DemoTime(clock, rt.clockwork, hooks)
        site = await start_demo_site(rt)
        pages = t("cli.demo_web", url=rt.ctx.rules.public_url + "/")
        for text in (t("demo.intro"), *([notice] if notice else []), pages):
            write(render(text, settings.lang))
        await rt.clockwork.start()
        crowd_task = asyncio.create_task(simulated.run()) if simulated else None
        try:
            if await read_lines(session):
                await _finish(rt, simulated, crowd_task)
        finally:
            await _cancel(crowd_task)
            await rt.clockwork.stop()
            await site.close()


async def _finish(rt: Runtime, crowd: Crowd | None, task: asyncio.Task[None] | None) -> None:
    """End of input: the crowd does what is due at its pace, then every broadcast is shown."""
    await _cancel(task)
    if crowd is not None:
        await crowd.settle()
    await rt.clockwork.dispatch()


async def _cancel(task: asyncio.Task[None] | None) -> None:
    """Stop a background task and wait for it."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _printer() -> Callable[[str], None]:
    """Print a line above the prompt, flushing at once."""

    def write(text: str) -> None:
        sys.stdout.write("\r" + text + "\n")
        sys.stdout.flush()

    return write
