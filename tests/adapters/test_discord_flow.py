"""Discord conversations, read like chat transcripts: idea → approval → wave → joins → news."""

from __future__ import annotations

from datetime import timedelta

from core.ports import Actor
from core.services import cards, waves
from tests.adapters.test_discord_support import (
    Server,
    buttons_of,
    said,
    server_fixture,  # noqa: F401
    text_of,
)


async def test_from_idea_to_milestone_across_platforms(server: Server) -> None:
    api, olga, mia, max_ = server.api, server.owner, server.mia, server.max

    subscribed = await server.slash(olga, "subscribe", channel=server.news)
    assert "This chat will receive wave broadcasts" in said(subscribed)

    assert "💡 Idea #1 “**Bamboo toothbrush**” (#bathroom) is waiting" in await server.say(
        max_, "idea", text="Bamboo toothbrush #bathroom"
    )
    refused = await server.slash(max_, "approve", {"idea": 1})
    assert said(refused) == "Only moderators can do that."
    assert refused.original is not None and refused.original.ephemeral
    assert "Idea #1 “Bamboo toothbrush” is approved." in await server.say(olga, "approve", idea=1)

    plan = {"idea": 1, "tiers": "1:100 3:90 5:80", "duration": "14d"}
    launch = await server.slash(olga, "launch", plan, replies=2)
    assert "Wave #1 “Bamboo toothbrush” is open; it happens from 3 units." in said(launch)
    card = launch.followups[0]
    assert card.embeds[0]["title"] == "🌊 Wave #1: Bamboo toothbrush · #bathroom"
    assert "▱▱▱▱▱▱▱▱▱▱ 0/3" in card.embeds[0]["description"]
    assert card.embeds[0]["fields"][0]["name"] == "Tiers"
    assert "⏳ Closes 2026-01-15 12:00 UTC" in card.embeds[0]["footer"]["text"]
    assert buttons_of(card) == {"wb:join:1": "✋ Join", "wb:leave:1": "↩️ Leave"}
    assert not card.ephemeral

    stats = await server.rt.dispatcher.sweep()
    assert stats.sent == 1
    opened = api.last_message(server.news.id)
    assert opened is not None and not opened.interaction_id  # a broadcast, not an answer
    assert opened.embeds[0]["title"] == "🌊 New wave #1 “Bamboo toothbrush” (#bathroom) is open!"
    assert "wb:join:1" in buttons_of(opened)

    joined = await server.press(max_, card, "join:1")
    assert "You're in wave #1 “Bamboo toothbrush” for 1." in joined
    answer = api.last_message(server.general.id)
    assert answer is not None and answer.ephemeral  # only max sees it
    assert (await server.press(mia, opened, "join:1")).startswith("✋ You're in wave #1")

    # A Telegram member's pledge counts in the same wave.
    outcome = await waves.join(server.rt.ctx, Actor("telegram:1", "Tom"), 1)
    assert outcome.wave.units == 3

    await server.rt.dispatcher.sweep()
    news = text_of(api.last_message(server.news.id))
    assert "🎉 Already **3** in wave #1 “Bamboo toothbrush”! Everyone pays 90 € now." in news
    assert "@" not in news

    server.clock.advance(timedelta(seconds=10))
    assert await cards.refresh(server.rt.ctx, server.rt.messengers) == 2  # both posted cards
    assert "▰▰▰▰▰▰▱▱▱▱ 3/5" in card.embeds[0]["description"]
    assert "3 participants" in card.embeds[0]["description"]


async def test_buttons_keep_working_after_a_restart(server: Server) -> None:
    olga = server.owner
    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "approve", idea=1)
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}, replies=2
    )
    card = launch.followups[0]

    await server.stop()
    await server.start()  # a new process would start exactly like this: nothing in memory

    ann = server.person("ann")
    assert "You're in wave #1 “Kettle” for 1." in await server.press(ann, card, "join:1")
    assert "You left wave #1" in await server.press(ann, card, "leave:1")
    assert server.api.identify_count == 2


async def test_personal_answers_are_ephemeral_and_public_ones_are_not(server: Server) -> None:
    max_ = server.max
    mine = await server.slash(max_, "mine")
    assert mine.original is not None and mine.original.ephemeral
    help_ = await server.slash(max_, "help")
    assert help_.original is not None and help_.original.ephemeral
    assert "/join" in said(help_) and "/launch" not in said(help_)
    waves_ = await server.slash(max_, "waves")
    assert waves_.original is not None and not waves_.original.ephemeral
    assert said(waves_) == "No wave is open right now."


async def test_language_follows_the_discord_locale_until_lang(server: Server) -> None:
    api, max_ = server.api, server.max
    data = api.interactions.command_data("waves", {}, server.guild.id)
    french = api.interactions.create(2, data, user_id=max_.id, channel_id=server.general.id)
    french.payload["locale"] = "fr"  # max's Discord client is in French
    api.dispatch("INTERACTION_CREATE", french.payload)
    await french.wait_response()
    assert said(french) == "Aucune vague n'est ouverte pour le moment."
    assert await server.say(max_, "lang", lang="en") == "Language set: en."
    assert await server.say(max_, "waves") == "No wave is open right now."
    assert await server.say(max_, "lang", lang="fr") == "Langue choisie : fr."


async def test_a_slow_core_is_deferred_then_followed_up(server: Server) -> None:
    await server.stop()
    await server.start(fast_answer=0.0)  # as if every core call took longer than Discord waits
    olga = server.owner

    mine = await server.slash(olga, "mine")
    assert mine.response_type == 5 and mine.original is not None and mine.original.ephemeral
    done = await mine.wait_original(lambda m: not m.flags & 128)  # no longer "thinking…"
    assert done.content.startswith("You have no pledges or ideas yet.") and done.ephemeral

    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "approve", idea=1)
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}
    )
    assert launch.response_type == 5
    announced, card = await launch.wait_followups(2)
    assert launch.original is not None and launch.original.deleted  # the private placeholder
    assert "Wave #1 “Kettle” is open" in announced.content and not announced.ephemeral
    assert card.embeds and not card.ephemeral
    assert server.api.interaction_errors == []
