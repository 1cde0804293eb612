"""Entry point for adapters: text, typed commands and button presses in, replies out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from core.commands import (  # noqa: F401  (importing a command module registers its commands)
    bans,
    checkout,
    fulfilment,
    ideas,
    identity,
    makers,
    members,
    moderation,
    paying,
    payments,
    privacy,
    stats,
    supply,
    talk,
    waves,
)
from core.commands.answers import Answer
from core.commands.demo import demo_command
from core.commands.once import (
    EFFECT,
    KEY_MAX,
    READ,
    Plan,
    read_once,
    record_answered,
    refuse_once,
    write_once,
)
from core.commands.registry import ACTIONS, REGISTRY, Command, Request
from core.errors import DomainError, StorageUnavailable
from core.messages import Reply, t
from core.ports import Actor, ChatRef
from core.services import community, rights
from core.services.context import Context, is_moderator
from core.services.fairshare import FairShare, Outcome, Verdict
from core.text import clean_input, clean_line

log = logging.getLogger(__name__)
MAX_INPUT = 4000


class Interpreter:
    """Turns what a member typed or pressed into use-case calls; never raises to the adapter."""

    def __init__(
        self, ctx: Context, bot_username: str = "", aliases: Mapping[str, str] | None = None
    ) -> None:
        self.ctx = ctx
        self.bot_username = bot_username.lower()
        self.aliases: Mapping[str, str] = aliases or {}
        self.fair_share = FairShare(ctx.rules.fair_share, ctx.clock)

    async def handle_text(
        self, actor: Actor, chat: ChatRef, text: str, photo: str = ""
    ) -> Answer | None:
        """A chat message (or a photo's caption); None when it is not a command for us."""
        parsed = self._parse(text)
        if parsed is None:
            return None
        name, args = parsed
        return await self.handle_command(actor, chat, name, args, photo)

    def _parse(self, text: str) -> tuple[str, str] | None:
        """'/name@us args' → ('name', 'args'); None when it is not a command for us."""
        text = clean_input(text).strip()
        if not text.startswith("/"):
            return None
        head, _, args = text[1:].partition(" ")
        if "\n" in head:
            head, _, more = head.partition("\n")
            args = "\n" + more + (" " + args if args else "")
        name, _, addressee = head.partition("@")
        if addressee and self.bot_username and addressee.lower() != self.bot_username:
            return None
        return name.lower(), args

    def _spec(self, name: str) -> Command | None:
        """The command a name (or a localised alias, or a demo command) stands for."""
        spec = REGISTRY.get(name) or REGISTRY.get(self.aliases.get(name, ""))
        return spec or demo_command(self.ctx, name)

    async def handle_command(
        self, actor: Actor, chat: ChatRef, name: str, args: str, photo: str = ""
    ) -> Answer:
        """A typed command, within the member's and the chat's fair share (§7)."""
        verdict = self.fair_share.admit(actor, chat, typed=True)
        if verdict.outcome is not Outcome.SERVE:
            return await self._refusal(actor, verdict)
        return await self._command(actor, chat, name, args, photo)

    async def _command(
        self, actor: Actor, chat: ChatRef, name: str, args: str, photo: str = ""
    ) -> Answer:
        """A command with its raw argument text (cleaned of control and bidi characters) and the
        photo the platform attached, if any."""
        actor, args = _cleaned(actor), clean_input(args)
        spec = self._spec(name)
        if spec is None:
            return await self._fail(actor, DomainError("error.unknown_command", name=name[:32]))
        if len(args) > MAX_INPUT:
            return await self._fail(actor, DomainError("error.too_long", max=MAX_INPUT))
        req = Request(self.ctx, actor, chat, args, photo=photo)
        return await self._run(actor, lambda: self._rights_first(spec, req, spec.run))

    async def handle_action(self, actor: Actor, chat: ChatRef, action: str) -> Answer:
        """A button press, within the member's fair share (§7)."""
        verdict = self.fair_share.admit(actor, chat, typed=False)
        if verdict.outcome is not Outcome.SERVE:
            return await self._refusal(actor, verdict)
        return await self._action(actor, chat, action)

    async def _action(self, actor: Actor, chat: ChatRef, action: str) -> Answer:
        """A button press; the payload is only a hint, rights and state are re-checked."""
        actor, action = _cleaned(actor), clean_input(action)
        req = Request(self.ctx, actor, chat, "")
        return await self._run(actor, lambda: self._dispatch_action(req, action[:64]))

    async def _dispatch_action(self, req: Request, action: str) -> list[Reply]:
        """Route a button payload to the handler its verb registered with @action."""
        verb, _, rest = action.partition(":")
        spec = ACTIONS.get(verb)
        if spec is None:
            raise DomainError("error.stale_button")
        try:
            pressed = Request(req.ctx, req.actor, req.chat, rest)
            return await self._rights_first(spec, pressed, spec.run)
        except (ValueError, DomainError) as error:
            if isinstance(error, DomainError) and not _stale(error):
                raise
            raise DomainError("error.stale_button") from error

    async def text_once(
        self, key: str, actor: Actor, chat: ChatRef, text: str, photo: str = ""
    ) -> Answer | None:
        """A platform update carrying a message, handled exactly once (see `exactly_once`)."""
        parsed = self._parse(text)
        if parsed is None:  # not a command for us: nothing to run, nothing to count
            return await self.exactly_once(key, self._silence, READ)
        name, args = parsed
        verdict = self.fair_share.admit(actor, chat, typed=True)
        if verdict.outcome is not Outcome.SERVE:
            return await self._refused_once(key, actor, verdict)
        plan = self._plan(self._spec(name), args, actor)
        return await self.exactly_once(
            key, lambda: self._command(actor, chat, name, args, photo), plan
        )

    async def action_once(
        self, key: str, actor: Actor, chat: ChatRef, action: str
    ) -> Answer | None:
        """A platform update carrying a button press, handled exactly once."""
        verdict = self.fair_share.admit(actor, chat, typed=False)
        if verdict.outcome is not Outcome.SERVE:
            return await self._refused_once(key, actor, verdict)
        verb, _, rest = clean_input(action)[:64].partition(":")
        plan = self._plan(ACTIONS.get(verb), rest, actor)
        return await self.exactly_once(key, lambda: self._action(actor, chat, action), plan)

    async def exactly_once(
        self, key: str, call: Callable[[], Awaitable[Answer]], plan: Plan = EFFECT
    ) -> Answer | None:
        """Run an update's handling once, even if the platform delivers it again.

        With an effect (the default plan): the key is claimed, the handling runs and its answer
        is kept in one write transaction, whose rights questions are asked before it opens.
        Adapters confirm an update to the platform only after this returns, so a crash loses
        nothing, and a redelivered update finds its key claimed and has no second effect. If the
        answer was never sent (a crash between the commit and `answered`), the redelivery gets
        the kept answer again; None when it was sent already. A read-only plan runs outside the
        writer and records its key in `answered` (docs/ARCHITECTURE.md §7).
        """
        key = key[:KEY_MAX]
        if plan.reads_only:
            return await self._saving(lambda: read_once(self.ctx, key, call))
        return await self._saving(lambda: write_once(self.ctx, key, call, plan))

    async def _refused_once(self, key: str, actor: Actor, verdict: Verdict) -> Answer | None:
        """An update over the fair share: its key is recorded as handled before it is answered
        (the notice) or dropped (None), so a redelivery after a restart never runs it (§7)."""
        notice = await self._refusal(actor, verdict) if verdict.outcome is Outcome.WARN else None
        return await self._saving(lambda: refuse_once(self.ctx, key[:KEY_MAX], notice))

    async def _saving(self, write: Callable[[], Awaitable[Answer | None]]) -> Answer | None:
        """Run an update's write; a full disk is answered "nothing was saved", not raised."""
        try:
            return await write()
        except StorageUnavailable as error:  # nothing was saved, not even the key: say so
            self.ctx.storage.failed(error)
            reply = Reply(body=(t("error.cannot_save"),), private=True)
            return Answer([reply], self.ctx.rules.default_lang, self.ctx.rules.timezone)

    async def _refusal(self, actor: Actor, verdict: Verdict) -> Answer:
        """The "slow down" notice in the member's language, or nothing inside the penalty."""
        if verdict.outcome is Outcome.DROP:
            return Answer([], self.ctx.rules.default_lang, self.ctx.rules.timezone)
        notice = Reply(body=(t(verdict.notice, seconds=verdict.seconds),), private=True)
        answer = await self._run(actor, lambda: _replies(notice))
        return replace(answer, urgent=True)

    async def _silence(self) -> Answer:
        """The answer to a message that is not for us."""
        return Answer([], self.ctx.rules.default_lang)

    async def answered(self, key: str) -> None:
        """The adapter sent the answer of this update: a redelivery now has nothing to say."""
        await record_answered(self.ctx, key[:KEY_MAX])

    def _plan(self, spec: Command | None, args: str, actor: Actor) -> Plan:
        """Whether the update writes, and whose rights to ask before its write opens."""
        if spec is None:
            return READ  # an unknown command or a stale button: a refusal, nothing changes
        return Plan(spec.reads_only_with(args), actor if spec.asks_moderator_rights else None)

    async def _rights_first(
        self, spec: Command, req: Request, run: Callable[[Request], Awaitable[list[Reply]]]
    ) -> list[Reply]:
        """Ask a moderator command's rights of the platform first, for the whole handling: a
        service that checks them again inside its write finds the answer (§7)."""
        with rights.gathering():
            if spec.asks_moderator_rights:
                await is_moderator(self.ctx, req.actor)
            return await run(req)

    async def _run(self, actor: Actor, call: Callable[[], Awaitable[list[Reply]]]) -> Answer:
        """Run a handler; domain errors become replies, anything else is logged and apologised."""
        try:
            replies = await call()
        except rights.RightsNeeded:
            raise  # the update's write rolls back; the interpreter asks, then runs it again
        except DomainError as error:
            replies = [Reply(body=(t(error.key, **error.params),), private=True)]
        except StorageUnavailable as error:
            self.ctx.storage.failed(error)
            replies = [Reply(body=(t("error.cannot_save"),), private=True)]
        except Exception:
            log.exception("command failed for %s", actor.account)
            replies = [Reply(body=(t("error.internal"),), private=True)]
        return Answer(replies, *await self._reader(actor))

    async def _reader(self, actor: Actor) -> tuple[str, str]:
        """Language and time zone, decided after the command (so /lang or /settings apply now)."""
        try:
            member, lang = await community.identify(self.ctx, actor)
        except StorageUnavailable:  # a new member cannot be saved now: the community's language
            return self.ctx.rules.default_lang, self.ctx.rules.timezone
        except Exception:
            log.exception("cannot identify %s", actor.account)
            return self.ctx.rules.default_lang, self.ctx.rules.timezone
        return lang, self.ctx.timezone_for(member)

    async def _fail(self, actor: Actor, error: DomainError) -> Answer:
        """Answer a refusal without running anything."""
        return await self._run(actor, lambda: _raise(error))


def _cleaned(actor: Actor) -> Actor:
    """The platform's display name is user input too: no controls, no bidi embeddings."""
    name = clean_line(actor.display_name)
    return actor if name == actor.display_name else replace(actor, display_name=name)


def _stale(error: DomainError) -> bool:
    """A payload we did not make (or made for an older version) means a stale button."""
    return error.key.startswith("error.bad_") or error.key == "error.usage_of"


async def _replies(*replies: Reply) -> list[Reply]:
    """Answer with fixed replies inside the guarded runner."""
    return list(replies)


async def _raise(error: DomainError) -> list[Reply]:
    """Raise inside the guarded runner."""
    raise error
