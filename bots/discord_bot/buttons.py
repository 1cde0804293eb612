"""Persistent buttons: the custom id carries the core's action, so presses survive restarts."""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, runtime_checkable

import discord

from bots.discord_bot.markup import LABEL_MAX, clip, to_plain
from core.messages import Button

log = logging.getLogger(__name__)
PREFIX = "wb:"
TEMPLATE = re.compile(r"wb:(?P<action>\S{1,97})")
ROW_WIDTH = 5
MAX_ROWS = 5
STYLES = {
    "join": discord.ButtonStyle.success,
    "more": discord.ButtonStyle.success,
    "approve": discord.ButtonStyle.success,
    "leave": discord.ButtonStyle.secondary,
    "reject": discord.ButtonStyle.danger,
    "merge": discord.ButtonStyle.primary,
    "want": discord.ButtonStyle.primary,
    "confirm": discord.ButtonStyle.success,
}


@runtime_checkable
class ActionSink(Protocol):
    """Whatever turns a pressed action into an answer (the adapter's conversation)."""

    async def action(self, interaction: discord.Interaction[Any], action: str) -> None: ...


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """Rebuilt from the custom id on every press, even for messages sent before a restart."""

    def __init__(self, action: str, label: str, style: discord.ButtonStyle) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, custom_id=PREFIX + action
        )
        super().__init__(button)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        """Recreate the pressed button; only the action matters, the core re-checks it."""
        label = getattr(item, "label", None) or "…"
        style = getattr(item, "style", discord.ButtonStyle.secondary)
        return cls(match["action"], label, style)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the press to the conversation the client carries."""
        sink = getattr(interaction.client, "actions", None)
        if not isinstance(sink, ActionSink):
            log.warning("button %s pressed but no action handler is attached", self.action)
            return
        await sink.action(interaction, self.action)


def style_for(action: str) -> discord.ButtonStyle:
    """Colour by the action's verb, so Join looks inviting and Reject looks final."""
    return STYLES.get(action.partition(":")[0], discord.ButtonStyle.secondary)


def build_view(rows: tuple[tuple[Button, ...], ...], lang: str) -> discord.ui.View | None:
    """A timeout-free view with our dynamic buttons; None when the reply has none."""
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    row_index = 0
    for row in rows:
        for start in range(0, len(row), ROW_WIDTH):
            if row_index >= MAX_ROWS:
                log.warning("dropping buttons beyond Discord's %d rows", MAX_ROWS)
                return view
            for button in row[start : start + ROW_WIDTH]:
                label = clip(to_plain(button.label, lang), LABEL_MAX)
                item = link_or_action(button, label)
                item.row = row_index
                view.add_item(item)
            row_index += 1
    return view


def link_or_action(button: Button, label: str) -> discord.ui.Item[Any]:
    """A link button opens its page (a checkout); any other carries the core's action."""
    if button.url:
        return discord.ui.Button(label=label, style=discord.ButtonStyle.link, url=button.url)
    return ActionButton(button.action[:97], label, style_for(button.action))
