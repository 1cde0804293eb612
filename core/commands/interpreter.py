"""Entry point for adapters: text, typed commands and button presses in, replies out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.commands import ideas as idea_commands
from core.commands import identity as _identity  # noqa: F401  (registers commands)
from core.commands import members as member_commands
from core.commands import payments as _payments  # noqa: F401
from core.commands import stats as _stats  # noqa: F401
from core.commands import talk as _talk  # noqa: F401
from core.commands import waves as wave_commands
from core.commands.parsing import parse_id
from core.commands.registry import ACTIONS, REGISTRY, Request
from core.commands.usage import IDEA, WAVE
from core.errors import DomainError
from core.messages import Reply, t
from core.ports import Actor, ChatRef
from core.services import community, waves
from core.services.context import Context

log = logging.getLogger(__name__)
MAX_INPUT = 4000


@dataclass(frozen=True)
class Answer:
    """Replies and the language to render them in."""

    replies: list[Reply]
    lang: str


class Interpreter:
    """Turns what a member typed or pressed into use-case calls; never raises to the adapter."""

    def __init__(self, ctx: Context, bot_username: str = "") -> None:
        self.ctx = ctx
        self.bot_username = bot_username.lower()

    async def handle_text(self, actor: Actor, chat: ChatRef, text: str) -> Answer | None:
        """A chat message; None when it is not a command for us."""
        text = text.strip()
        if not text.startswith("/"):
            return None
        head, _, args = text[1:].partition(" ")
        if "\n" in head:
            head, _, more = head.partition("\n")
            args = "\n" + more + (" " + args if args else "")
        name, _, addressee = head.partition("@")
        if addressee and self.bot_username and addressee.lower() != self.bot_username:
            return None
        return await self.handle_command(actor, chat, name.lower(), args)

    async def handle_command(self, actor: Actor, chat: ChatRef, name: str, args: str) -> Answer:
        """A command with its raw argument text."""
        spec = REGISTRY.get(name)
        if spec is None:
            return await self._fail(actor, DomainError("error.unknown_command", name=name[:32]))
        if len(args) > MAX_INPUT:
            return await self._fail(actor, DomainError("error.too_long", max=MAX_INPUT))
        return await self._run(actor, lambda: spec.handler(Request(self.ctx, actor, chat, args)))

    async def handle_action(self, actor: Actor, chat: ChatRef, action: str) -> Answer:
        """A button press; the payload is only a hint, rights and state are re-checked."""
        req = Request(self.ctx, actor, chat, "")
        return await self._run(actor, lambda: self._dispatch_action(req, action[:64]))

    async def _dispatch_action(self, req: Request, action: str) -> list[Reply]:
        """Route a button payload to the same use cases the commands use."""
        verb, _, rest = action.partition(":")
        simple = {"approve": idea_commands.approve, "reject": idea_commands.reject,
                  "unwant": idea_commands.unwant, "confirm": wave_commands.confirm,
                  "leave": wave_commands.leave, "join": wave_commands.join,
                  "wave": wave_commands.show}  # fmt: skip
        try:
            if verb in ACTIONS:
                return await ACTIONS[verb](Request(req.ctx, req.actor, req.chat, rest))
            if verb in simple:
                return await simple[verb](Request(req.ctx, req.actor, req.chat, rest))
            if verb == "want":
                return await idea_commands.want_idea(req, parse_id(rest, IDEA), None)
            if verb == "more":
                return await self._join_more(req, parse_id(rest, WAVE))
            if verb == "merge":
                return [Reply(body=(t("mod.merge_how", id=parse_id(rest, IDEA)),), private=True)]
            if verb == "notify" and rest in ("on", "off"):
                return await member_commands.set_notify(req, rest == "on")
            if verb == "page":
                kind, _, number = rest.rpartition(":")
                if kind in ("ideas:top", "ideas:new"):
                    return await idea_commands.ideas_page(req, kind[6:], int(number))
        except (ValueError, DomainError) as error:
            if isinstance(error, DomainError) and not error.key.startswith("error.bad_"):
                raise
            raise DomainError("error.stale_button") from error
        raise DomainError("error.stale_button")

    async def _join_more(self, req: Request, wave_id: int) -> list[Reply]:
        """'+1' adds a unit to the presser's pledge (within the per-member maximum)."""
        overview = await community.overview(req.ctx, req.actor)
        held = next((p.quantity for p, w in overview.pledges
                     if w.id == wave_id and p.status.value == "active"), 0)  # fmt: skip
        outcome = await waves.join(req.ctx, req.actor, wave_id, held + 1)
        return wave_commands.pledge_replies(outcome)

    async def exactly_once(self, key: str, call: Callable[[], Awaitable[Answer]]) -> Answer | None:
        """Run an update's handling and claim its key in one transaction; None if seen before.

        Adapters confirm an update to the platform only after this returns, so a crash loses
        nothing, and a redelivered update finds its key claimed and has no second effect.
        """
        async with self.ctx.db.write() as tx:
            if not await tx.claim_key(key[:96], self.ctx.clock.now()):
                return None
            return await call()

    async def _run(self, actor: Actor, call: Callable[[], Awaitable[list[Reply]]]) -> Answer:
        """Run a handler; domain errors become replies, anything else is logged and apologised."""
        try:
            replies = await call()
        except DomainError as error:
            replies = [Reply(body=(t(error.key, **error.params),), private=True)]
        except Exception:
            log.exception("command failed for %s", actor.account)
            replies = [Reply(body=(t("error.internal"),), private=True)]
        return Answer(replies, await self._lang(actor))

    async def _lang(self, actor: Actor) -> str:
        """The language to answer in, decided after the command (so /lang applies at once)."""
        try:
            _, lang = await community.identify(self.ctx, actor)
        except Exception:
            log.exception("cannot identify %s", actor.account)
            return self.ctx.rules.default_lang
        return lang

    async def _fail(self, actor: Actor, error: DomainError) -> Answer:
        """Answer a refusal without running anything."""
        return await self._run(actor, lambda: _raise(error))


async def _raise(error: DomainError) -> list[Reply]:
    """Raise inside the guarded runner."""
    raise error
