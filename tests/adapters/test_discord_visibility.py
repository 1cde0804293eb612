"""Configured owners see the moderator commands in the Discord client, with Manage Server or not."""

from __future__ import annotations

from dataclasses import replace

import discord

from bots.discord_bot.commands import TreeBuilder
from core.commands.registry import REGISTRY
from devtools.fakes.discord_client_view import visible_commands
from devtools.fakes.discord_models import MANAGE_GUILD
from tests.adapters.test_discord_support import (
    Server,
    answered,
    server_fixture,  # noqa: F401
)
from tests.texts import said_markdown

MODERATOR_COMMANDS = {"modchat", "approve", "reject", "launch", "close", "subscribe", "pending"}


async def test_an_owner_without_manage_server_sees_and_uses_modchat(server: Server) -> None:
    api, olga, max_ = server.api, server.owner, server.max
    # Another server, where the configured owner is a plain member without Manage Server.
    club = api.create_guild("Tea club", owner_id=api.create_user("hana").id)
    lobby = api.create_channel(club.id, "lobby")
    api.add_member(club.id, olga.id)
    api.add_member(club.id, max_.id)
    assert not api.state.permissions(club.id, olga.id) & MANAGE_GUILD

    # The synced payload hides none of them behind Manage Server, /modchat above all.
    for name in MODERATOR_COMMANDS:
        command = api.command(name)
        assert command is not None and command["default_member_permissions"] is None, name
    assert visible_commands(api, club.id, olga.id) >= MODERATOR_COMMANDS

    handle = await server.slash(olga, "modchat", channel=lobby)
    assert answered(handle) == said_markdown("mod.modchat_added")
    # Members see the commands too, and gain nothing: rights are checked at the action.
    assert "modchat" in visible_commands(api, club.id, max_.id)
    refused = await server.slash(max_, "modchat", channel=lobby)
    assert answered(refused) == said_markdown("error.not_owner")
    assert answered(await server.slash(max_, "pending", channel=lobby)) == said_markdown(
        "error.not_moderator"
    )


async def test_without_owners_moderator_commands_hide_behind_manage_server(server: Server) -> None:
    assert server.adapter is not None
    configured = server.adapter.builder
    nobody = TreeBuilder(replace(server.rt.ctx, owners=frozenset()), configured.run,
                         configured.actor_of)  # fmt: skip

    def hidden(builder: TreeBuilder, name: str) -> bool:
        permissions = builder.build(REGISTRY[name]).default_permissions
        return permissions == discord.Permissions(manage_guild=True)

    # With no owner, every moderator holds Manage Server in a moderation guild: hiding is safe.
    assert hidden(nobody, "approve") and hidden(nobody, "launch")
    # /modchat is for owners only: Manage Server says nothing about who may use it.
    assert not hidden(nobody, "modchat") and not hidden(nobody, "join")
    assert not any(hidden(configured, name) for name in MODERATOR_COMMANDS)
