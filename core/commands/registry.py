"""The command table every adapter registers from: names, options, who may use them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.messages import Reply
from core.money import glue_currency
from core.ports import Actor, ChatRef
from core.services.context import Context


@dataclass(frozen=True)
class Request:
    """One command as received: who, where, and the raw argument text."""

    ctx: Context
    actor: Actor
    chat: ChatRef
    args: str

    @property
    def words(self) -> list[str]:
        """Arguments split on whitespace, a currency typed apart kept with its amount (45,50 €)."""
        return glue_currency(self.args.split())


Handler = Callable[[Request], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Param:
    """A command option, for platforms with typed options (Discord slash commands)."""

    name: str
    kind: str = "str"
    required: bool = True
    rest: bool = False
    autocomplete: str = ""
    default: str = ""


@dataclass(frozen=True)
class Command:
    """One entry of the vocabulary of DESIGN.md §5."""

    name: str
    handler: Handler
    params: tuple[Param, ...] = ()
    moderator: bool = False
    hidden: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def help_key(self) -> str:
        """Catalogue key of the one-line description."""
        return f"help.{self.name}"

    @property
    def usage_key(self) -> str:
        """Catalogue key of the usage line."""
        return f"usage.{self.name}"


REGISTRY: dict[str, Command] = {}
ACTIONS: dict[str, Handler] = {}


def action(verb: str) -> Callable[[Handler], Handler]:
    """Register a button verb; the handler gets the payload after 'verb:' as its args."""

    def register(handler: Handler) -> Handler:
        ACTIONS[verb] = handler
        return handler

    return register


def command(
    name: str,
    *params: Param,
    moderator: bool = False,
    hidden: bool = False,
    aliases: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register a handler under a command name."""

    def register(handler: Handler) -> Handler:
        spec = Command(name, handler, params, moderator, hidden, aliases)
        for key in (name, *aliases):
            REGISTRY[key] = spec
        return handler

    return register


def visible_commands(moderator: bool) -> list[Command]:
    """Commands to list in /help and platform menus, deduplicated and in order."""
    seen: dict[str, Command] = {}
    for spec in REGISTRY.values():
        if not spec.hidden and (moderator or not spec.moderator):
            seen.setdefault(spec.name, spec)
    return sorted(seen.values(), key=lambda spec: spec.moderator)
