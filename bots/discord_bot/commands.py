"""The slash-command tree, generated from the core's command registry with typed options."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Optional

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bots.discord_bot.autocomplete import idea_choices, wave_choices
from bots.discord_bot.markup import clip, to_plain
from bots.i18n import LANGUAGES, command_name, has_text, option_name
from core.commands.params import IDEA, WAVE, Takes, Upload
from core.commands.registry import REGISTRY, Command
from core.messages import t
from core.ports import Actor
from core.services.context import Context

log = logging.getLogger(__name__)
PLATFORM = "discord"
NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
DESCRIPTION_MAX = 100
MAX_OPTIONS = 25
# Discord locales for which the catalogue has texts (English is the default).
# Discord locales served by a catalogue language (fr serves "fr"; es would serve "es-ES", …).
LOCALES = {
    locale: locale.value.split("-")[0]
    for locale in discord.Locale
    if locale.value.split("-")[0] in LANGUAGES and locale.value.split("-")[0] != "en"
}

RunCommand = Callable[[discord.Interaction[Any], str, str, str], Awaitable[None]]
ActorOf = Callable[[discord.Interaction[Any]], Actor]


@dataclass(frozen=True)
class Option:
    """One slash option, made from a registry Param and its kind."""

    name: str
    kind: type
    required: bool
    rest: bool
    autocomplete: str
    description_key: str
    default: str = ""  # said in place of a skipped option when a later one is given
    lead: str = ""  # put before its text when joined ("| " before a description)


def options_of(spec: Command) -> list[Option]:
    """The options of a command, in the registry's order, typed by each param's kind."""
    found = []
    for param in spec.params[:MAX_OPTIONS]:
        kind = param.kind
        key = f"param.{param.name}" if has_text(f"param.{param.name}") else spec.help_key
        rest = kind.takes is not Takes.ONE
        option_type = discord.Attachment if kind.option_type is Upload else kind.option_type
        found.append(Option(param.name, option_type, param.required, rest,
                            kind.autocomplete, key, param.default, kind.lead))  # fmt: skip
    return found  # registry order is the argument order; discord.py lists required ones first


def args_of(options: list[Option], values: dict[str, Any]) -> str:
    """Join option values in the registry's order, as the interpreter's argument text."""
    texts = []
    for option in options:
        value = values.get(option.name)
        text = "" if value is None or option.kind is discord.Attachment else str(value).strip()
        if text and not option.rest:
            text = "".join(text.split())  # a one-word option stays one word
        texts.append(option.lead + text if text else "")
    while texts and not texts[-1]:
        texts.pop()
    words = [text or option.default for text, option in zip(texts, options, strict=False)]
    return " ".join(word for word in words if word)


def photo_of(values: dict[str, Any]) -> str:
    """'discord:<CDN URL>' of an attached picture; 'discord:' (refused by the core) for other
    files, so the member learns why; '' when nothing is attached."""
    upload = next((v for v in values.values() if isinstance(v, discord.Attachment)), None)
    if upload is None:
        return ""
    is_image = (upload.content_type or "").startswith("image/")
    return f"{PLATFORM}:{upload.url}" if is_image else f"{PLATFORM}:"


def catalogue_text(key: str, fallback: str) -> locale_str:
    """An English description that the translator can localise by its catalogue key."""
    try:
        english = to_plain(t(key), "en").strip()
    except KeyError:
        english = ""
    return locale_str(clip(english or fallback, DESCRIPTION_MAX), key=key)


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the catalogue's French descriptions alongside the English ones."""

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """Translate strings that carry a catalogue key: descriptions, command and option names."""
        key = string.extras.get("key")
        lang = LOCALES.get(locale)
        if key is None or lang is None:
            return None
        if string.extras.get("name") == "command":
            return _localised_name(command_name(key, lang), key)
        if string.extras.get("name") == "option":
            return _localised_name(option_name(key, lang), key)
        try:
            return clip(to_plain(t(key), lang).strip(), DESCRIPTION_MAX) or None
        except KeyError:
            return None


def _localised_name(local: str, english: str) -> str | None:
    """A localised name Discord accepts, or None to keep the English one."""
    return local if local != english and NAME.match(local) else None


class TreeBuilder:
    """Turns each registry command into an app command that calls back into the conversation."""

    def __init__(self, ctx: Context, run: RunCommand, actor_of: ActorOf, *,
                 hide_moderator_commands: bool = True) -> None:  # fmt: skip
        self.ctx = ctx
        self.run = run
        self.actor_of = actor_of
        self.hide_moderator_commands = hide_moderator_commands

    def specs(self) -> list[Command]:
        """Every distinct registry command with a name Discord accepts (aliases are skipped)."""
        distinct: dict[str, Command] = {}
        for spec in REGISTRY.values():
            if NAME.match(spec.name):
                distinct.setdefault(spec.name, spec)
            else:
                log.warning("command %r cannot be a Discord slash command", spec.name)
        return list(distinct.values())

    def populate(self, tree: app_commands.CommandTree[Any]) -> None:
        """Add every command to the tree (global scope)."""
        for spec in self.specs():
            try:
                tree.add_command(self.build(spec))
            except (TypeError, ValueError, app_commands.AppCommandError):
                log.exception("command %r cannot be a Discord slash command", spec.name)

    def build(self, spec: Command) -> app_commands.Command[Any, ..., None]:
        """One slash command whose signature mirrors the registry's params."""
        options = options_of(spec)
        run = self.run

        async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
            await run(interaction, spec.name, args_of(options, values), photo_of(values))

        callback.__signature__ = _signature(options)  # type: ignore[attr-defined]
        callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
            o.name: catalogue_text(o.description_key, o.name) for o in options
        }
        callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
            o.name: locale_str(o.name, key=o.name, name="option") for o in options
        }
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=locale_str(spec.name, key=spec.name, name="command"),
            description=catalogue_text(spec.help_key, spec.name),
            callback=callback,
            extras={"moderator": spec.moderator},
        )
        if self.hidden_behind_manage_server(spec):
            command.default_permissions = discord.Permissions(manage_guild=True)
        for option in options:
            if option.autocomplete in (WAVE, IDEA) and option.kind is int:
                completer: Any = self._completer(option.autocomplete, spec)  # stubs want str
                command.autocomplete(option.name)(completer)
        return command

    def hidden_behind_manage_server(self, spec: Command) -> bool:
        """Whether the client may hide a command from members without Manage Server.

        A bot sets its commands' visibility with one permission set for everyone
        (default_member_permissions); per-user command permissions need a guild admin's OAuth
        bearer token. Owners come from configuration (by any linked account) and need not hold
        Manage Server anywhere, so hiding a command an owner may use takes it from them:
        owner-only commands (/modchat) are never hidden, and moderator commands only when no
        owner is configured (every moderator then holds Manage Server in a moderation guild).
        Seeing a command grants nothing: the service checks rights at the moment of the action.
        """
        if spec.owner or not spec.moderator:
            return False
        return self.hide_moderator_commands and not self.ctx.owners

    def _completer(
        self, what: str, spec: Command
    ) -> Callable[[discord.Interaction[Any], str], Awaitable[list[app_commands.Choice[int]]]]:
        """The autocomplete callback listing open waves or ideas."""
        ctx, actor_of = self.ctx, self.actor_of

        async def complete(
            interaction: discord.Interaction[Any], current: str
        ) -> list[app_commands.Choice[int]]:
            if what == WAVE:
                return await wave_choices(ctx, str(current or ""))
            return await idea_choices(ctx, actor_of(interaction), str(current or ""),
                                      spec.moderator)  # fmt: skip

        return complete


def _signature(options: list[Option]) -> inspect.Signature:
    """A callback signature discord.py reads option names, types and defaults from."""
    params = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in options:
        annotation: Any = option.kind if option.required else Optional[option.kind]  # noqa: UP045
        default = inspect.Parameter.empty if option.required else None
        params.append(inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=default, annotation=annotation))  # fmt: skip
    return inspect.Signature(params)
