"""The command menu Telegram shows next to the text field, in each catalogue language."""

from __future__ import annotations

import logging
import re

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bots.i18n import LANGUAGES as LANGS
from bots.i18n import command_name, render
from core.commands.registry import visible_commands
from core.messages import t

log = logging.getLogger(__name__)
_NAME = re.compile(r"[a-z0-9_]{1,32}")


def menu(lang: str, moderator: bool = False) -> list[BotCommand]:
    """The commands a member may use, named and described in one language (plain text)."""
    commands = []
    for spec in visible_commands(moderator):
        name = command_name(spec.name, lang)
        if not _NAME.fullmatch(name):
            continue
        try:
            description = " ".join(render(t(spec.help_key), lang).split())[:256]
        except KeyError:
            description = ""
        commands.append(BotCommand(name, description or "/" + name))
    return commands[:100]


async def publish_menu(bot: ExtBot[int], default_lang: str) -> None:
    """Default menu in the configured language, plus one per catalogue language."""
    try:
        await bot.set_my_commands(menu(default_lang))
        for lang in LANGS:
            await bot.set_my_commands(menu(lang), language_code=lang)
    except TelegramError as error:
        log.warning("could not publish the command menu: %s", error)
