"""Demo-only commands: /clock moves the console demo's time (ARCHITECTURE.md, "The demo's clock").

They live in their own table, not in REGISTRY, so Telegram and Discord never list or register
them; the Interpreter and /help offer them only when the composition root gave the Context a
`time_travel` port, which only `wavebot demo` does.
"""

from __future__ import annotations

import re
from datetime import timedelta

from core.commands.params import Kind, Param, Takes
from core.commands.parsing import parse_duration
from core.commands.registry import Command, Request
from core.errors import DomainError
from core.messages import Reply, t
from core.services import demo_time
from core.services.context import Context

_SHIFT = re.compile(r"(?:[0-9]{1,4}(?:min|m|h|d|j|w))+", re.I)
_PART = re.compile(r"([0-9]{1,4})(min|m|h|d|j|w)", re.I)


def parse_shift(text: str) -> timedelta:
    """'+30m', '+2h', '+7d', '+1d12h' → how far to move; each part is a /launch duration."""
    typed = "".join(text.split())
    if typed.startswith("-"):
        raise DomainError("error.clock_backwards", value=typed[:32])
    body = typed.removeprefix("+")
    if not _SHIFT.fullmatch(body):
        raise DomainError("error.clock_bad", value=typed[:32])
    try:
        return sum((parse_duration(amount + unit) for amount, unit in _PART.findall(body)),
                   timedelta())  # fmt: skip
    except DomainError as error:  # a zero part, '+0d'
        raise DomainError("error.clock_bad", value=typed[:32]) from error


SHIFT = Param(
    "shift",
    Kind(lambda words: parse_shift(words[0]), Takes.REST),
    required=False,
    label_key="usage.clock_shift",
)


async def clock(req: Request) -> list[Reply]:
    """Show the demo's time, or move it forward and run what fell due."""
    by = req.maybe(SHIFT)
    if by is None:
        return [Reply(body=(t("demo.clock_now", now=demo_time.demo_now(req.ctx)),), private=True)]
    now = await demo_time.move_time(req.ctx, req.actor, by)
    return [Reply(body=(t("demo.clock_moved", now=now, by=by),), private=True)]


DEMO_COMMANDS: dict[str, Command] = {
    # Anyone may read the demo's time; moving it is checked in demo_time.move_time.
    "clock": Command("clock", clock, (SHIFT,), hint="usage.clock_hint"),
}


def demo_command(ctx: Context, name: str) -> Command | None:
    """A demo-only command by name, if this bot is the demo."""
    return DEMO_COMMANDS.get(name) if ctx.time_travel is not None else None


def demo_commands(ctx: Context, moderator: bool) -> list[Command]:
    """The demo-only commands /help lists for this reader (none outside the demo)."""
    if ctx.time_travel is None:
        return []
    return [spec for spec in DEMO_COMMANDS.values() if moderator or not spec.moderator]
