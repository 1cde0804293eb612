"""Moderators on Discord: owners, plus Manage Server in the guild an owner registered."""

from __future__ import annotations

from tests.adapters.test_discord_support import (
    Server,
    answered,
    buttons_of,
    server_fixture,  # noqa: F401
)
from tests.texts import said, said_markdown

NOT_MODERATOR = said_markdown("error.not_moderator")


async def test_manage_server_in_the_registered_guild_makes_a_moderator(server: Server) -> None:
    olga, mia, max_ = server.owner, server.mia, server.max
    await server.say(max_, "idea", text="Bamboo toothbrush #bathroom")
    await server.say(max_, "idea", text="Bamboo brush #bathroom")

    # Manage Server alone is not enough until an owner registers this server's channel.
    assert await server.say(mia, "approve", idea=1) == NOT_MODERATOR
    assert await server.say(mia, "modchat") == said_markdown("error.not_owner")
    assert await server.say(olga, "modchat") == said_markdown("mod.modchat_added")

    assert await server.say(max_, "approve", idea=1) == NOT_MODERATOR
    approved = said_markdown("mod.approved", id=1, title="Bamboo toothbrush")
    assert await server.say(mia, "approve", idea=1) == approved

    # Rights are asked of Discord at the moment of the action: a revoked role counts at once.
    server.api.set_member_roles(server.guild.id, mia.id, [])
    assert await server.say(mia, "reject", idea=2) == NOT_MODERATOR


async def test_the_moderation_queue_buttons_recheck_rights(server: Server) -> None:
    olga, mia, max_ = server.owner, server.mia, server.max
    await server.say(olga, "modchat")
    await server.say(max_, "idea", text="Kettle #kitchen")
    await server.say(max_, "idea", text="Tea kettle #kitchen")

    refused = await server.slash(max_, "pending")
    assert answered(refused) == NOT_MODERATOR

    queue = await server.slash(mia, "pending", replies=3)
    assert said_markdown("mod.queue_header", count=2) in answered(queue)
    second, first = queue.followups  # newest first
    assert buttons_of(first) == {f"wb:{action}:1": said(f"button.{action}")
                                 for action in ("approve", "reject", "merge")}  # fmt: skip

    # The custom id is only a hint: a member pressing Approve is refused by the core.
    assert await server.press(max_, first, "approve:1") == NOT_MODERATOR
    approved = said_markdown("mod.approved", id=1, title="Kettle")
    assert await server.press(mia, first, "approve:1") == approved
    merge_how = said_markdown("mod.merge_how", id=2)
    assert "\\<target" in merge_how  # the template's '<' escaped: no Discord mention syntax
    offered = await server.press(mia, second, "merge:2")  # "Tea kettle" looks like "Kettle"
    assert said_markdown("mod.merge_pick", id=2) in offered and merge_how in offered
    merged = said_markdown("mod.merged", id=2, into=1, title="Kettle", moved=0)
    assert await server.say(mia, "merge", idea=2, into=1) == merged
    rejected = said_markdown("mod.rejected_no_reason", id=1, title="Kettle")
    assert await server.press(mia, first, "reject:1") == rejected
