"""What Discord's client lists in a member's slash-command picker, from the synced commands.

default_member_permissions hides a command from members who lack any of its permission bits;
"0" hides it from everyone but administrators; the guild owner and administrators see all.
"""

from __future__ import annotations

from typing import Any

from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.discord_models import ADMINISTRATOR


def listed_for(command: dict[str, Any], permissions: int) -> bool:
    """Whether the picker shows one command to a member with these guild permissions."""
    needed = command.get("default_member_permissions")
    if needed is None or permissions & ADMINISTRATOR:
        return True
    bits = int(needed)
    return bits != 0 and permissions & bits == bits


def visible_commands(api: FakeDiscordAPI, guild_id: int, user_id: int) -> set[str]:
    """The names of the global and guild commands a member sees in one guild."""
    permissions = api.state.permissions(guild_id, user_id)
    commands = [*api.commands(), *api.commands(guild_id)]
    return {c["name"] for c in commands if listed_for(c, permissions)}
