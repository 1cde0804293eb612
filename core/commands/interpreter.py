"""Entry point for adapters: text, typed commands and button presses in, replies out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.commands import (  # noqa: F401  (importing a command module registers its commands)
    bans,
    ideas,
    identity,
    members,
    moderation,
    payments,
    stats,
    talk,
    waves,
)
from core.commands.demo import demo_command
from core.commands.registry import ACTIONS, REGISTRY, Request
from core.errors import DomainError, StorageUnavailable
from core.messages import Button, Reply, from_json, t, to_json
from core.ports import Actor, ChatRef, Tx
from core.services import community
from core.services.context import Context
from core.text import clean_input, clean_line

log = logging.getLogger(__name__)
MAX_INPUT = 4000


@dataclass(frozen=True)
class Answer:
    """Replies and the language and time zone to render them in."""

    replies: list[Reply]
    lang: str
    timezone: str = "UTC"


class Interpreter:
    """Turns what a member typed or pressed into use-case calls; never raises to the adapter."""

    def __init__(
        self, ctx: Context, bot_username: str = "", aliases: Mapping[str, str] | None = None
    ) -> None:
        self.ctx = ctx
        self.bot_username = bot_username.lower()
        self.aliases: Mapping[str, str] = aliases or {}

    async def handle_text(
        self, actor: Actor, chat: ChatRef, text: str, photo: str = ""
    ) -> Answer | None:
        """A chat message (or a photo's caption); None when it is not a command for us."""
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
        return await self.handle_command(actor, chat, name.lower(), args, photo)

    async def handle_command(
        self, actor: Actor, chat: ChatRef, name: str, args: str, photo: str = ""
    ) -> Answer:
        """A command with its raw argument text (cleaned of control and bidi characters) and the
        photo the platform attached, if any."""
        actor, args = _cleaned(actor), clean_input(args)
        spec = REGISTRY.get(name) or REGISTRY.get(self.aliases.get(name, ""))
        spec = spec or demo_command(self.ctx, name)
        if spec is None:
            return await self._fail(actor, DomainError("error.unknown_command", name=name[:32]))
        if len(args) > MAX_INPUT:
            return await self._fail(actor, DomainError("error.too_long", max=MAX_INPUT))
        return await self._run(
            actor, lambda: spec.run(Request(self.ctx, actor, chat, args, photo=photo))
        )

    async def handle_action(self, actor: Actor, chat: ChatRef, action: str) -> Answer:
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
            return await spec.run(Request(req.ctx, req.actor, req.chat, rest))
        except (ValueError, DomainError) as error:
            if isinstance(error, DomainError) and not _stale(error):
                raise
            raise DomainError("error.stale_button") from error

    async def exactly_once(self, key: str, call: Callable[[], Awaitable[Answer]]) -> Answer | None:
        """Run an update's handling, claim its key and keep its answer in one transaction.

        Adapters confirm an update to the platform only after this returns, so a crash loses
        nothing, and a redelivered update finds its key claimed and has no second effect. If the
        answer was never sent (a crash between the commit and `answered`), the redelivery gets
        the kept answer again; None when it was sent already.
        """
        key = key[:96]
        try:
            async with self.ctx.db.write() as tx:
                if not await tx.claim_key(key, self.ctx.clock.now()):
                    kept = await tx.unsent_answer(key)
                    return None if kept is None else answer_from_json(kept)
                answer = await call()
                await self._keep(tx, key, answer)
        except StorageUnavailable as error:  # nothing was saved, not even the key: say so
            self.ctx.storage.failed(error)
            reply = Reply(body=(t("error.cannot_save"),), private=True)
            return Answer([reply], self.ctx.rules.default_lang, self.ctx.rules.timezone)
        return answer

    async def _keep(self, tx: Tx, key: str, answer: Answer) -> None:
        """Store the answer with the key; one that cannot be stored is only not re-sendable."""
        try:
            await tx.save_answer(key, answer_to_json(answer))
        except (TypeError, ValueError):
            log.warning("answer to %s cannot be kept for a redelivery", key, exc_info=True)

    async def answered(self, key: str) -> None:
        """The adapter sent the answer of this update: a redelivery now has nothing to say."""
        async with self.ctx.db.write() as tx:
            await tx.mark_answered(key[:96], self.ctx.clock.now())

    async def _run(self, actor: Actor, call: Callable[[], Awaitable[list[Reply]]]) -> Answer:
        """Run a handler; domain errors become replies, anything else is logged and apologised."""
        try:
            replies = await call()
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


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """What a redelivered update needs to be answered again (files are not kept)."""
    replies = [
        {"body": [to_json(part) for part in reply.body],
         "buttons": [[[to_json(b.label), b.action] for b in row] for row in reply.buttons],
         "private": reply.private,
         "card": list(reply.card) if reply.card else None,
         "photo": reply.photo}
        for reply in answer.replies
    ]  # fmt: skip
    return {"replies": replies, "lang": answer.lang, "timezone": answer.timezone}


def answer_from_json(data: dict[str, Any]) -> Answer:
    """Rebuild a kept answer."""
    replies = [
        Reply(body=tuple(from_json(part) for part in item["body"]),
              buttons=tuple(tuple(Button(from_json(label), action) for label, action in row)
                            for row in item["buttons"]),
              private=bool(item["private"]),
              card=(str(item["card"][0]), int(item["card"][1])) if item["card"] else None,
              photo=str(item.get("photo", "")))
        for item in data["replies"]
    ]  # fmt: skip
    return Answer(replies, str(data["lang"]), str(data["timezone"]))


def _cleaned(actor: Actor) -> Actor:
    """The platform's display name is user input too: no controls, no bidi embeddings."""
    name = clean_line(actor.display_name)
    return actor if name == actor.display_name else replace(actor, display_name=name)


def _stale(error: DomainError) -> bool:
    """A payload we did not make (or made for an older version) means a stale button."""
    return error.key.startswith("error.bad_") or error.key == "error.usage_of"


async def _raise(error: DomainError) -> list[Reply]:
    """Raise inside the guarded runner."""
    raise error
