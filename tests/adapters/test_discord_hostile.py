"""Hostile and clumsy input: nobody can make the bot ping or format, every mistake is explained."""

from __future__ import annotations

import re

from bots.discord_bot.markup import HEADING
from tests.adapters.test_discord_support import (
    Server,
    answered,
    buttons_of,
    server_fixture,  # noqa: F401
    text_of,
)
from tests.texts import said_markdown, said_with

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
    heading = card.embeds[0]["title"]
    product = title.removesuffix(" #deals")
    assert heading == said_with(HEADING, "wave.card_title", id=1, title=product, category="deals")
    assert f"@{ZWSP}everyone \\*\\*FREE\\*\\*" in heading
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
    assert welcome.startswith(said_markdown("start.welcome", name="**@here**"))
    assert f"\\*\\*@{ZWSP}here\\*\\*" in welcome


async def test_over_long_input_gets_a_clear_error(server: Server) -> None:
    long_title = "Bamboo " * 20
    assert await server.say(server.max, "idea", text=long_title) == said_markdown(
        "error.idea_title_long", length=len(long_title.strip()), max=120
    )
    flood = await server.slash(server.max, "idea", {"text": "x" * 4500})
    too_long = said_markdown("error.too_long", max=4000)
    assert "4,000" in too_long  # counts are grouped
    assert answered(flood) == too_long
    assert flood.original is not None and flood.original.ephemeral
    assert await server.say(server.max, "mine") == said_markdown("mine.empty")


async def test_unknown_ids_and_stale_buttons_get_clear_errors(server: Server) -> None:
    olga, max_ = server.owner, server.max
    assert await server.say(max_, "wave", wave=999) == said_markdown("error.wave_not_found", id=999)
    assert await server.say(olga, "approve", idea=42) == said_markdown(
        "error.idea_not_found", id=42
    )
    bad_id = said_markdown("error.bad_id.wave", value="-3")
    assert "“\\-3”" in bad_id  # Discord hides the backslash
    assert await server.say(max_, "join", wave=-3) == bad_id
    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "approve", idea=1)
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}, replies=2
    )
    card = launch.followups[0]
    assert "wb:join:1" in buttons_of(card)
    asked = await server.slash(olga, "cancel", {"wave": 1, "reason": "supplier vanished"})
    assert asked.original is not None
    await server.press(olga, asked.original, "cancelyes:1")  # Yes, cancel #1
    not_open = said_markdown("error.wave_not_open", id=1, status="cancelled")
    assert await server.press(max_, card, "join:1") == not_open
