"""Discord conversations, read like chat transcripts: idea → approval → wave → joins → news."""

from __future__ import annotations

from datetime import timedelta

from bots.discord_bot.markup import HEADING
from core.messages import until
from core.ports import Actor
from core.services import cards, waves
from tests.adapters.test_discord_support import (
    Server,
    answered,
    buttons_of,
    server_fixture,  # noqa: F401
    text_of,
)
from tests.texts import eur, said, said_markdown, said_with

BRUSH = "Bamboo toothbrush"


async def test_from_idea_to_milestone_across_platforms(server: Server) -> None:
    api, olga, mia, max_ = server.api, server.owner, server.mia, server.max

    subscribed = await server.slash(olga, "subscribe", channel=server.news)
    assert said_markdown("sub.subscribed_all") in answered(subscribed)

    proposed = said_markdown("idea.proposed", id=1, title=BRUSH, category="bathroom")
    assert "**Bamboo toothbrush**" in proposed  # the title in bold
    assert proposed in await server.say(max_, "idea", text="Bamboo toothbrush #bathroom")
    refused = await server.slash(max_, "approve", {"idea": 1})
    assert answered(refused) == said_markdown("error.not_moderator")
    assert refused.original is not None and refused.original.ephemeral
    approved = said_markdown("mod.approved", id=1, title=BRUSH)
    assert approved in await server.say(olga, "approve", idea=1)
    assert (await server.rt.dispatcher.sweep()).sent == 1  # the author hears it in private
    dm = api.open_dm(max_.id)
    assert [m.content for m in api.messages(dm.id)] == [
        said_markdown("notice.approved", id=1, title=BRUSH)
    ]

    launched_at = server.clock.now()
    plan = {"idea": 1, "tiers": "1:100 3:90 5:80", "duration": "14d"}
    launch = await server.slash(olga, "launch", plan, replies=2)
    assert said_markdown("mod.launched", id=1, title=BRUSH, moq=3) in answered(launch)
    card = launch.followups[0]
    title = said_with(HEADING, "wave.card_title", id=1, title=BRUSH, category="bathroom")
    assert card.embeds[0]["title"] == title
    progress = said_markdown("wave.progress", bar="▱▱▱▱▱▱▱▱▱▱", units=0, goal=3)
    assert progress in card.embeds[0]["description"]
    assert card.embeds[0]["fields"][0]["name"] == said("wave.card_tiers", table="").strip()
    closes = launched_at + timedelta(days=14)
    footer = said("wave.closes", deadline=closes, left=until(closes, launched_at))
    assert card.embeds[0]["footer"]["text"] == footer
    assert buttons_of(card) == {
        "wb:join:1": said("button.join"),
        "wb:leave:1": said("button.leave"),
    }
    assert not card.ephemeral

    stats = await server.rt.dispatcher.sweep()
    assert stats.sent == 1
    opened = api.last_message(server.news.id)
    assert opened is not None and not opened.interaction_id  # a broadcast, not an answer
    assert opened.embeds[0]["title"] == said_with(
        HEADING, "announce.opened", id=1, title=BRUSH, category="bathroom"
    )
    assert "wb:join:1" in buttons_of(opened)

    you_are_in = said_markdown("pledge.joined", id=1, title=BRUSH, qty=1)
    joined = await server.press(max_, card, "join:1")
    assert you_are_in in joined
    answer = api.last_message(server.general.id)
    assert answer is not None and answer.ephemeral  # only max sees it
    assert (await server.press(mia, opened, "join:1")).startswith(you_are_in)

    # A Telegram member's pledge counts in the same wave.
    outcome = await waves.join(server.rt.ctx, Actor("telegram:1", "Tom"), 1)
    assert outcome.wave.units == 3

    await server.rt.dispatcher.sweep()
    news = text_of(api.last_message(server.news.id))
    milestone = said_markdown("announce.milestone", count=3, id=1, title=BRUSH, price=eur(90))
    assert "**3**" in milestone  # the count in bold
    assert milestone in news
    assert "@" not in news

    server.clock.advance(timedelta(seconds=10))
    assert await cards.refresh(server.rt.ctx, server.rt.messengers) == 2  # both posted cards
    description = card.embeds[0]["description"]
    assert said_markdown("wave.progress", bar="▰▰▰▰▰▰▱▱▱▱", units=3, goal=5) in description
    assert said_markdown("wave.card_price", price=eur(90), people=3) in description


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
    joined = said_markdown("pledge.joined", id=1, title="Kettle", qty=1)
    assert joined in await server.press(ann, card, "join:1")
    assert said_markdown("pledge.left", id=1, title="Kettle") in await server.press(
        ann, card, "leave:1"
    )
    assert server.api.identify_count == 2


async def test_personal_answers_are_ephemeral_and_public_ones_are_not(server: Server) -> None:
    max_ = server.max
    mine = await server.slash(max_, "mine")
    assert mine.original is not None and mine.original.ephemeral
    help_ = await server.slash(max_, "help")
    assert help_.original is not None and help_.original.ephemeral
    assert "/join" in answered(help_) and "/launch" not in answered(help_)
    waves_ = await server.slash(max_, "waves")
    assert waves_.original is not None and not waves_.original.ephemeral
    assert answered(waves_) == said_markdown("wave.none")


async def test_language_follows_the_discord_locale_until_lang(server: Server) -> None:
    api, max_ = server.api, server.max
    data = api.interactions.command_data("waves", {}, server.guild.id)
    french = api.interactions.create(2, data, user_id=max_.id, channel_id=server.general.id)
    french.payload["locale"] = "fr"  # max's Discord client is in French
    api.dispatch("INTERACTION_CREATE", french.payload)
    await french.wait_response()
    assert answered(french) == said_markdown("wave.none", "fr")
    assert await server.say(max_, "lang", lang="en") == said_markdown(
        "settings.lang_set", lang="en"
    )
    assert await server.say(max_, "waves") == said_markdown("wave.none")
    french_set = said_markdown("settings.lang_set", "fr", lang="fr")
    assert await server.say(max_, "lang", lang="fr") == french_set


async def test_a_slow_core_is_deferred_then_followed_up(server: Server) -> None:
    await server.stop()
    await server.start(fast_answer=0.0)  # as if every core call took longer than Discord waits
    olga = server.owner

    mine = await server.slash(olga, "mine")
    assert mine.response_type == 5 and mine.original is not None and mine.original.ephemeral
    done = await mine.wait_original(lambda m: not m.flags & 128)  # no longer "thinking…"
    assert done.content == said_markdown("mine.empty") and done.ephemeral

    for command, options in (("idea", {"text": "Kettle #kitchen"}), ("approve", {"idea": 1})):
        deferred = await server.slash(olga, command, options)
        await deferred.wait_followups(1)  # deferred answers come later: wait before going on
    launch = await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}
    )
    assert launch.response_type == 5
    announced, card = await launch.wait_followups(2)
    assert launch.original is not None and launch.original.deleted  # the private placeholder
    assert announced.content == said_markdown("mod.launched", id=1, title="Kettle", moq=10)
    assert not announced.ephemeral
    assert card.embeds and not card.ephemeral
    assert server.api.interaction_errors == []
