"""Moderators on Discord: owners, plus Manage Server in the guild an owner registered."""

from __future__ import annotations

from tests.adapters.test_discord_support import (
    Server,
    buttons_of,
    said,
    server_fixture,  # noqa: F401
)


async def test_manage_server_in_the_registered_guild_makes_a_moderator(server: Server) -> None:
    olga, mia, max_ = server.owner, server.mia, server.max
    await server.say(max_, "idea", text="Bamboo toothbrush #bathroom")
    await server.say(max_, "idea", text="Bamboo brush #bathroom")

    # Manage Server alone is not enough until an owner registers this server's channel.
    assert await server.say(mia, "approve", idea=1) == "Only moderators can do that."
    assert await server.say(mia, "modchat") == "Only the bot's owners can do that."
    assert "administrators are now moderators" in await server.say(olga, "modchat")

    assert await server.say(max_, "approve", idea=1) == "Only moderators can do that."
    assert await server.say(mia, "approve", idea=1) == "✅ Idea #1 “Bamboo toothbrush” is approved."

    # Rights are asked of Discord at the moment of the action: a revoked role counts at once.
    server.api.set_member_roles(server.guild.id, mia.id, [])
    assert await server.say(mia, "reject", idea=2) == "Only moderators can do that."


async def test_the_moderation_queue_buttons_recheck_rights(server: Server) -> None:
    olga, mia, max_ = server.owner, server.mia, server.max
    await server.say(olga, "modchat")
    await server.say(max_, "idea", text="Kettle #kitchen")
    await server.say(max_, "idea", text="Tea kettle #kitchen")

    refused = await server.slash(max_, "pending")
    assert said(refused) == "Only moderators can do that."

    queue = await server.slash(mia, "pending", replies=3)
    assert "2 ideas wait for moderation" in said(queue)
    second, first = queue.followups  # newest first
    assert buttons_of(first) == {"wb:approve:1": "✅ Approve", "wb:reject:1": "❌ Reject",
                                 "wb:merge:1": "🔀 Merge"}  # fmt: skip

    # The custom id is only a hint: a member pressing Approve is refused by the core.
    assert await server.press(max_, first, "approve:1") == "Only moderators can do that."
    assert await server.press(mia, first, "approve:1") == "✅ Idea #1 “Kettle” is approved."
    assert "/merge 2 \\<target idea number>" in await server.press(mia, second, "merge:2")
    assert "Idea #2 is merged into #1" in await server.say(mia, "merge", idea=2, into=1)
    assert await server.press(mia, first, "reject:1") == "❌ Idea #1 “Kettle” is rejected (—)."
