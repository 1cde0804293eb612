"""Which event loop the bot runs on: uvloop where installed (cheaper hand-offs), else asyncio's.

`WAVEBOT_EVENT_LOOP` chooses: `auto` (the default) takes uvloop when it can be imported,
`uvloop` insists on it, `asyncio` keeps the standard library's loop. `wavebot bench pledges`
measures both (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def uvloop_installed() -> bool:
    """Whether uvloop can be imported here (it has no Windows build)."""
    return importlib.util.find_spec("uvloop") is not None


def name_of(choice: str) -> str:
    """The loop a choice resolves to: 'uvloop' or 'asyncio'."""
    if choice == "uvloop" or (choice == "auto" and uvloop_installed()):
        return "uvloop"
    if choice not in ("auto", "asyncio"):
        raise ValueError(f"unknown event loop {choice!r}: auto, uvloop or asyncio")
    return "asyncio"


def factory(choice: str) -> LoopFactory:
    """A function making a new loop of the chosen kind."""
    if name_of(choice) == "uvloop":
        import uvloop  # an ImportError here means uvloop was asked for but is not installed

        return uvloop.new_event_loop
    # the standard library's own loop, whatever policy this process was given before
    return asyncio.DefaultEventLoopPolicy().new_event_loop


def set_default(choice: str) -> str:
    """Make plain asyncio.run use the chosen loop in this process (the benchmarks); its name."""
    name = name_of(choice)
    if name == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    else:
        asyncio.set_event_loop_policy(None)
    return name


def run(main: Coroutine[Any, Any, T], choice: str = "auto") -> T:
    """asyncio.run on the chosen loop."""
    with asyncio.Runner(loop_factory=factory(choice)) as runner:
        return runner.run(main)


def running_name() -> str:
    """The kind of loop running this coroutine: 'uvloop' or 'asyncio'."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.split(".")[0] == "uvloop" else "asyncio"
