"""A console world wired as `wavebot demo` wires it: a movable clock behind /clock, a crowd."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.crowd import Crowd
from app.main import runtime
from app.timetravel import DemoTime
from bots.console.session import PLATFORM, ConsoleMessenger
from config.settings import Settings
from core.clock import FakeClock, OffsetClock
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from tests.conftest import UNLIMITED, ConsoleWorld


@asynccontextmanager
async def demo_world(
    path: Path, crowd: int = 0, seed: int = 1, said: list[str] | None = None
) -> AsyncIterator[tuple[ConsoleWorld, Crowd | None]]:
    """Owner console:owner, subscribed like run_demo's owner; a crowd whose lines go to `said`."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", owners="console:owner",
                        **UNLIMITED)  # the fake clock stands still while tests type  # fmt: skip
    base = FakeClock()
    clock = OffsetClock(base)
    async with runtime(settings, clock=clock) as rt:
        world = ConsoleWorld(rt, base)
        rt.messengers[PLATFORM] = ConsoleMessenger(world.broadcasts.append, "owner")
        simulated = Crowd(rt.ctx, crowd, (said if said is not None else []).append, seed)
        hooks = [simulated.catch_up] if crowd else []
        rt.ctx.time_travel = DemoTime(clock, rt.clockwork, hooks)
        actor = Actor(f"{PLATFORM}:owner", "Owner")
        chat = ChatRef(PLATFORM, "owner", ChatKind.PRIVATE, "console")
        await community.subscribe(rt.ctx, actor, chat, [])
        yield world, simulated if crowd else None
