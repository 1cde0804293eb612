"""Hostile and clumsy input: nobody can make the bot ping or format, every mistake is explained."""

from __future__ import annotations

import re

from tests.adapters.test_discord_support import (
    Server,
    buttons_of,
    said,
    server_fixture,  # noqa: F401
    text_of,
)

NONE = {"parse": []}
PINGS = re.compile(r"@everyone|@here|(?<!\\)<[@#]")  # what Discord would turn into a mention
ZWSP = "\u200b"


async def test_mentions_and_markdown_in_ideas_arrive_escaped(server: Server) -> None:
    api, olga = server.api, server.owner
    await server.slash(olga, "subscribe", channel=server.news)
    title = "@everyone **FREE** <@123> @here <@&456> _x_ #deals"
    proposed = await server.slash(server.max, "idea", {"text": title})
    message = proposed.original
    assert message is not None and message.allowed_mentions == NONE
    assert f"@{ZWSP}everyone \\*\\*FREE\\*\\* \\<@123> @{ZWSP}here \\<@&456> \\_x\\_" in (
        message.content
    )
    assert not PINGS.search(message.content)

    await server.say(olga, "approve", idea=1)
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:5 2:4", "duration": "1d"}, replies=2
    )
    card = launch.followups[0]
    assert card.allowed_mentions == NONE
    assert card.embeds[0]["title"].startswith(f"🌊 Wave #1: @{ZWSP}everyone \\*\\*FREE\\*\\*")
    await server.rt.dispatcher.sweep()
    broadcast = api.last_message(server.news.id)
    assert broadcast is not None and broadcast.allowed_mentions == NONE
    assert not PINGS.search(text_of(broadcast))
    # every message the bot sent anywhere refused to ping
    sent = [m for c in (server.general, server.news) for m in api.messages(c.id)]
    assert sent and all(m.allowed_mentions == NONE for m in sent)


async def test_a_hostile_display_name_is_escaped_too(server: Server) -> None:
    troll = server.api.create_user("@everyone")
    server.api.add_member(server.guild.id, troll.id, nick="**@here**")
    welcome = await server.say(troll, "start")
    assert welcome.startswith(f"👋 Hi \\*\\*@{ZWSP}here\\*\\*!")


async def test_over_long_input_gets_a_clear_error(server: Server) -> None:
    long_title = "Bamboo " * 20
    assert await server.say(server.max, "idea", text=long_title) == (
        "The title has 139 characters; keep it to 120 and put details on the next lines."
    )
    flood = await server.slash(server.max, "idea", {"text": "x" * 4500})
    assert said(flood) == "That message is too long (at most 4,000 characters)."
    assert flood.original is not None and flood.original.ephemeral
    assert (await server.say(server.max, "mine")).startswith("You have no pledges or ideas yet.")


async def test_unknown_ids_and_stale_buttons_get_clear_errors(server: Server) -> None:
    olga, max_ = server.owner, server.max
    assert await server.say(max_, "wave", wave=999) == "There is no wave #999."
    assert await server.say(olga, "approve", idea=42) == "There is no idea #42."
    assert await server.say(max_, "join", wave=-3) == (  # Discord hides the backslash
        "“\\-3” is not a valid wave number. Use the number the bot shows, like 12 or #12."
    )
    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "approve", idea=1)
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}, replies=2
    )
    card = launch.followups[0]
    assert "wb:join:1" in buttons_of(card)
    await server.say(olga, "cancel", wave=1, reason="supplier vanished")
    assert await server.press(max_, card, "join:1") == "Wave #1 is not open (it is cancelled)."
