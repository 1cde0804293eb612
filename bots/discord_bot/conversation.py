"""Interactions in, core answers out: answered within Discord's 3 s, private replies ephemeral."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bots import metrics
from bots.discord_bot.layout import outgoing
from core.commands.interpreter import Answer, Interpreter
from core.messages import Reply
from core.ports import Actor, ChatKind, ChatRef
from core.services import cards

log = logging.getLogger(__name__)
PLATFORM = "discord"
FAST_ANSWER = 1.5  # seconds we wait for the core before deferring (Discord allows 3)


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The presser or invoker as the core knows accounts."""
    user = interaction.user
    return Actor(f"{PLATFORM}:{user.id}", user.display_name, str(interaction.locale))


def chat_of(interaction: discord.Interaction[Any]) -> ChatRef:
    """Guild channels are groups; anywhere else the person is the chat (DMs go to the user id)."""
    channel = interaction.channel
    if interaction.guild_id is not None and interaction.channel_id is not None:
        title = getattr(channel, "name", None) or ""
        return ChatRef(PLATFORM, str(interaction.channel_id), ChatKind.GROUP, title)
    return ChatRef(PLATFORM, str(interaction.user.id), ChatKind.PRIVATE, "")


class Conversation:
    """Runs slash commands and button presses through the interpreter and posts the replies."""

    def __init__(self, interpreter: Interpreter, *, fast_answer: float = FAST_ANSWER) -> None:
        self.interpreter = interpreter
        self.fast_answer = fast_answer

    async def command(
        self, interaction: discord.Interaction[Any], name: str, args: str, photo: str = ""
    ) -> None:
        """A slash command with its options joined as the interpreter's argument text."""
        handle = self.interpreter.handle_command
        await self._answer(interaction, lambda actor, chat: handle(actor, chat, name, args, photo))

    async def action(self, interaction: discord.Interaction[Any], action: str) -> None:
        """A button press; rights and state are re-checked by the core."""
        handle = self.interpreter.handle_action
        await self._answer(interaction, lambda actor, chat: handle(actor, chat, action))

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        call: Callable[[Actor, ChatRef], Awaitable[Answer]],
    ) -> None:
        """Answer directly when the core is quick, else defer (ephemeral) and follow up."""
        metrics.updates_handled("discord", "gateway")
        chat = chat_of(interaction)
        task = asyncio.ensure_future(call(actor_of(interaction), chat))
        done, _ = await asyncio.wait({task}, timeout=self.fast_answer)
        deferred = not done
        if deferred:
            try:
                await interaction.response.defer(ephemeral=True, thinking=True)
            except discord.HTTPException:
                log.exception("could not defer interaction %s", interaction.id)
        answer = await task
        try:
            await self._post(interaction, answer, chat, deferred)
        except discord.HTTPException:
            log.exception("could not answer interaction %s", interaction.id)

    async def _post(
        self, interaction: discord.Interaction[Any], answer: Answer, chat: ChatRef, deferred: bool
    ) -> None:
        """Post each reply; the first one answers the interaction itself."""
        if not answer.replies:
            if not deferred:
                await interaction.response.defer(ephemeral=True)
            await interaction.delete_original_response()
            return
        for index, reply in enumerate(answer.replies):
            message_id = await self._post_one(interaction, reply, answer.lang, index, deferred)
            if message_id is not None and reply.card and not reply.private:
                await self._register_card(chat, message_id, reply, answer.lang)

    async def _post_one(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        lang: str,
        index: int,
        deferred: bool,
    ) -> int | None:
        """Send one reply the way its position and privacy require; returns the message id."""
        out = outgoing(reply, lang)
        if index == 0 and not deferred:
            sent = await interaction.response.send_message(**out.send_kwargs(),
                                                           ephemeral=reply.private)  # fmt: skip
            return sent.message_id
        if index == 0 and reply.private:
            edited = await interaction.edit_original_response(**out.edit_kwargs())
            return edited.id
        if index == 0:  # public answer after an ephemeral "thinking…": replace it
            await interaction.delete_original_response()
        message = await interaction.followup.send(**out.send_kwargs(), ephemeral=reply.private,
                                                  wait=True)  # fmt: skip
        return message.id

    async def _register_card(self, chat: ChatRef, message_id: int, reply: Reply, lang: str) -> None:
        """A public wave card in a guild channel is kept current by the core's card sweep."""
        if chat.kind is not ChatKind.GROUP or reply.card is None or reply.card[0] != "wave":
            return
        try:
            await cards.register(self.interpreter.ctx, PLATFORM, chat.chat_id, str(message_id),
                                 reply.card[1], lang)  # fmt: skip
        except Exception:
            log.exception("could not register card %s", message_id)
