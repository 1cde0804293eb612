"""The command table every adapter registers from: names, options, who may use them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

from core.commands.binder import bind, usage_line
from core.commands.params import Misfit, Param
from core.errors import DomainError
from core.messages import Reply, T
from core.ports import Actor, ChatRef
from core.services.context import Context, require_moderator, require_owner


@dataclass(frozen=True)
class Request:
    """One command as received: who, where, and the raw argument text."""

    ctx: Context
    actor: Actor
    chat: ChatRef
    args: str
    values: Mapping[str, object] = field(default_factory=dict)
    photo: str = ""  # "<platform>:<ref>" the adapter took from an upload, never from typed text

    def arg(self, param: Param[V]) -> V:
        """The typed value of a required parameter, read by the binder before the handler ran."""
        return cast(V, self.values[param.name])

    def maybe(self, param: Param[V]) -> V | None:
        """The typed value of an optional parameter, None when it was not given."""
        return cast(V | None, self.values.get(param.name))


V = TypeVar("V")
Handler = Callable[[Request], Awaitable[list[Reply]]]
ReadsOnly = bool | Callable[[str], bool]  # a flag, or a test of the raw arguments


def without_args(args: str) -> bool:
    """'/settings' shows, '/settings off' changes: only the bare command reads."""
    return not args.strip()


@dataclass(frozen=True)
class Command:
    """One command, shared by every platform (docs/ARCHITECTURE.md, "Adding a command")."""

    name: str
    handler: Handler
    params: tuple[Param[Any], ...] = ()
    moderator: bool = False
    hidden: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    raw: bool = False  # the handler reads req.args itself (deep links, button payloads)
    hint: str = ""  # catalogue key of an example or note shown after the usage line
    owner: bool = False  # owners only (listed with the moderators' commands)
    reads_only: ReadsOnly = False  # no effect at all: runs outside the writer (§7)
    moderator_press: bool = False  # a button only moderators may press (the service checks)
    listed: str = ""  # "moderators" / "suppliers": whom /help and menus list it for (the
    # services check rights: /stats categories is also the suppliers', /supplier redeem anyone's)

    @property
    def help_key(self) -> str:
        """Catalogue key of the one-line description."""
        return f"help.{self.name}"

    def reads_only_with(self, args: str) -> bool:
        """Whether this call, with these raw arguments, has no effect at all."""
        return self.reads_only(args) if callable(self.reads_only) else self.reads_only

    @property
    def asks_moderator_rights(self) -> bool:
        """Its rights are a platform question, asked before any write opens (§7)."""
        return (self.moderator or self.moderator_press) and not self.owner

    @property
    def usage(self) -> T:
        """The usage line, generated from the declared parameters."""
        return usage_line(self.name, self.params, self.hint)

    def bound(self, req: Request) -> Request:
        """The request with its arguments read into typed values; a misfit shows the usage."""
        if self.raw:
            return req
        try:
            values = bind(self.params, req.args)
        except Misfit as misfit:
            raise DomainError("error.usage_of", usage=self.usage) from misfit
        return replace(req, values=values)

    async def run(self, req: Request) -> list[Reply]:
        """Check a moderator command's rights first, so a member never learns its options."""
        if self.owner:
            await require_owner(req.ctx, req.actor)
        elif self.moderator:
            await require_moderator(req.ctx, req.actor)
        return await self.handler(self.bound(req))


REGISTRY: dict[str, Command] = {}
ACTIONS: dict[str, Command] = {}


def action(
    verb: str, *params: Param[Any], reads_only: ReadsOnly = False, moderator: bool = False
) -> Callable[[Handler], Handler]:
    """Register a button verb; its payload after 'verb:' is read as the args of its params.

    On a handler that is also a command (applied above @command), the command's params, reads_only
    and moderator apply. `moderator` only says whose rights to ask before the write: the service
    still checks them at the press, after the payload is read.
    """

    def register(handler: Handler) -> Handler:
        same = next((c for c in REGISTRY.values() if c.handler is handler), None)
        declared = same.params if same else params
        reading = same.reads_only if same else reads_only
        ACTIONS[verb] = Command(
            verb, handler, declared, hidden=True, raw=not declared, reads_only=reading,
            moderator_press=same.moderator if same else moderator,
        )  # fmt: skip
        return handler

    return register


def command(
    name: str,
    *params: Param[Any],
    moderator: bool = False,
    hidden: bool = False,
    aliases: tuple[str, ...] = (),
    raw: bool = False,
    hint: str = "",
    owner: bool = False,
    reads_only: ReadsOnly = False,
    listed: str = "",
) -> Callable[[Handler], Handler]:
    """Register a handler under a command name, with the parameters the binder reads for it.

    `reads_only` (True, or a test of the raw arguments) declares a call without any effect: it
    runs outside the single writer, and only its update key is recorded after the answer (§7).
    """

    def register(handler: Handler) -> Handler:
        spec = Command(
            name,
            handler,
            params,
            moderator,
            hidden,
            aliases,
            raw,
            hint,
            owner,
            reads_only,
            listed=listed,
        )
        for key in (name, *aliases):
            REGISTRY[key] = spec
        return handler

    return register


def visible_commands(moderator: bool, supplier: bool = False) -> list[Command]:
    """Commands to list in /help and platform menus, deduplicated and in order."""
    seen: dict[str, Command] = {}
    for spec in REGISTRY.values():
        if (
            not spec.hidden
            and (moderator or not spec.moderator)
            and _listed(spec, moderator, supplier)
        ):
            seen.setdefault(spec.name, spec)
    return sorted(seen.values(), key=lambda spec: spec.moderator or bool(spec.listed))


def _listed(spec: Command, moderator: bool, supplier: bool) -> bool:
    """Whether a command meant for moderators or suppliers is listed for this person."""
    if spec.listed == "moderators":
        return moderator
    if spec.listed == "suppliers":
        return moderator or supplier
    return True
