"""Backers are told: an idea's author of its moderation, its wanters when it becomes a wave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.commands.registry import REGISTRY
from core.messages import until
from tests.adapters.inbox import inbox_of
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

PAN = "Cast iron pan"


async def pending_idea(world: ConsoleWorld, author: Person, title: str = PAN) -> None:
    """The author proposes; the idea waits for a moderator."""
    await author.say(f"/idea {title} #kitchen")


async def test_author_is_told_of_approval_in_their_language(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, alice, remi = world.person("owner"), world.person("alice"), world.person("remi")
    await pending_idea(world, alice)
    await remi.say("/lang fr")
    await pending_idea(world, remi, "Poêle en fonte")
    await owner.say("/approve 1")
    await owner.say("/approve 2")
    await world.deliver()
    assert inbox.texts("alice") == [said("notice.approved", id=1, title=PAN)]
    assert inbox.texts("remi") == [said("notice.approved", "fr", id=2, title="Poêle en fonte")]


async def test_author_is_told_why_an_idea_was_rejected(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, alice, remi = world.person("owner"), world.person("alice"), world.person("remi")
    await pending_idea(world, alice)
    await remi.say("/lang fr")
    await pending_idea(world, remi, "Poêle")
    await owner.say("/reject 1 Already sold in every shop")
    await owner.say("/reject 2")
    await world.deliver()
    reason = "Already sold in every shop"
    assert inbox.texts("alice") == [said("notice.rejected", id=1, title=PAN, reason=reason)]
    assert inbox.texts("remi") == [said("notice.rejected_no_reason", "fr", id=2, title="Poêle")]
    assert "—" not in inbox.texts("remi")[0]


async def test_moderator_reply_to_a_reason_less_rejection_is_a_sentence(
    world: ConsoleWorld,
) -> None:
    owner, alice = world.person("owner"), world.person("alice")
    await pending_idea(world, alice)
    reply = await owner.say("/reject 1")
    assert said("mod.rejected_no_reason", id=1, title=PAN) in reply
    assert "—" not in reply


async def test_author_of_a_merged_idea_is_told_where_it_went(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, alice, bob = world.person("owner"), world.person("alice"), world.person("bob")
    await pending_idea(world, alice)
    await pending_idea(world, bob, "Iron skillet")
    await owner.say("/approve 1")
    await world.deliver()
    await owner.say("/merge 2 1")
    await world.deliver()
    merged = said("notice.merged", id=2, title="Iron skillet", into=1, into_title=PAN)
    assert inbox.texts("bob") == [merged]
    assert len(inbox.texts("alice")) == 1  # only her approval: the merge target's author is not


async def test_a_moderator_deciding_on_their_own_idea_gets_no_private_notice(
    world: ConsoleWorld,
) -> None:
    inbox = inbox_of(world)
    owner = world.person("owner")
    await pending_idea(world, owner)
    await pending_idea(world, owner, "Iron skillet")
    await owner.say("/approve 1")
    await owner.say("/merge 2 1")
    await owner.say("/idea Wok lid")
    await owner.say("/reject 3 duplicate")
    await world.deliver()
    assert inbox.texts("owner") == []


async def launch(owner: Person, tiers: str = "1:50 100:35") -> str:
    """Idea #1 launched as wave #1 with the given tiers, for a week."""
    return await owner.say(f"/launch 1 {tiers} 7d min=100")


def notice(world: ConsoleWorld, max_line: str | None, lang: str = "en") -> str:
    """The whole wanter's message for wave #1 ('Cast iron pan', opening at 50 €)."""
    now = world.clock.now()
    deadline = now + timedelta(days=7)
    head = said("notice.launched", lang, id=1, title=PAN, price=eur(50))
    closes = said("wave.closes", lang, deadline=deadline, left=until(deadline, now))
    return "\n".join(line for line in (head, max_line, closes) if line)


async def test_every_wanter_is_told_with_their_max_price_and_a_join_button(
    world: ConsoleWorld,
) -> None:
    inbox = inbox_of(world)
    owner = world.person("owner")
    within, later, never, any_price = (world.person(n) for n in ("ann", "ben", "cy", "dee"))
    await pending_idea(world, world.person("alice"))
    await owner.say("/approve 1")
    await within.say("/want 1 60")
    await later.say("/want 1 40")
    await never.say("/want 1 20")
    await any_price.say("/want 1")
    await owner.say("/want 1 45")
    await world.deliver()
    inbox.sent.clear()
    await launch(owner)
    await world.deliver()

    assert inbox.texts("ann") == [
        notice(world, said("notice.max_within", max=eur(60), price=eur(50)))
    ]
    falls = said("notice.max_later", max=eur(40), price=eur(50), target=eur(35), units=100)
    assert inbox.texts("ben") == [notice(world, falls)]
    above = said("notice.max_above_best", max=eur(20), price=eur(50), best=eur(35))
    assert inbox.texts("cy") == [notice(world, above)]
    assert inbox.texts("dee") == [notice(world, None)]
    assert inbox.actions("ann") == [["join:1", "wave:1"]]
    assert inbox.texts("owner") == []  # the launching moderator needs no notice
    assert inbox.texts("alice") == []  # the author did not say she wants it


async def test_the_join_button_of_the_notice_pledges(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, ann = world.person("owner"), world.person("ann")
    await pending_idea(world, owner)
    await owner.say("/approve 1")
    await ann.say("/want 1")
    await launch(owner)
    await world.deliver()
    [[join, view]] = inbox.actions("ann")
    answer = await ann.session.interpreter.handle_action(ann.session.actor, ann.session.chat, join)
    assert answer is not None
    ann.session.show(answer)
    assert said("pledge.joined", id=1, title=PAN, qty=1) in "\n".join(ann.lines)
    assert view == "wave:1"


async def test_a_french_wanter_reads_the_notice_in_french(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, remi = world.person("owner"), world.person("remi")
    await pending_idea(world, owner)
    await owner.say("/approve 1")
    await remi.say("/lang fr")
    await remi.say("/want 1 40")
    await launch(owner)
    await world.deliver()
    falls = said("notice.max_later", "fr", max=eur(40), price=eur(50), target=eur(35), units=100)
    assert inbox.texts("remi") == [notice(world, falls, "fr")]
    assert "100 unités" in inbox.texts("remi")[0]


async def test_wanters_of_a_merged_idea_are_told_too(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, ann, ben = world.person("owner"), world.person("ann"), world.person("ben")
    await pending_idea(world, owner)
    await pending_idea(world, owner, "Iron skillet")
    await owner.say("/approve 1")
    await owner.say("/approve 2")
    await ann.say("/want 1")
    await ben.say("/want 2 55")
    await owner.say("/merge 2 1")
    await launch(owner)
    await world.deliver()
    assert inbox.texts("ann") == [notice(world, None)]
    within = said("notice.max_within", max=eur(55), price=eur(50))
    assert inbox.texts("ben") == [notice(world, within)]


async def test_a_wanter_who_follows_the_category_gets_one_message(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, fan, follower = world.person("owner"), world.person("fan"), world.person("follower")
    await pending_idea(world, owner)
    await owner.say("/approve 1")
    await fan.say("/follow kitchen")
    await fan.say("/want 1")
    await follower.say("/follow kitchen")
    await launch(owner)
    await world.deliver()
    assert inbox.texts("fan") == [notice(world, None)]
    [alert] = inbox.texts("follower")
    assert said("announce.opened", id=1, title=PAN, category="kitchen") in alert


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_news_off_silences_idea_news_but_not_the_follow_alert(
    world: ConsoleWorld, lang: str
) -> None:
    inbox = inbox_of(world)
    owner, quiet = world.person("owner"), world.person("quiet")
    await quiet.say(f"/lang {lang}")
    assert said("settings.news_off", lang) in await quiet.say("/settings news off")
    await pending_idea(world, quiet)
    await owner.say("/approve 1")
    await pending_idea(world, quiet, "Iron skillet")
    await owner.say("/reject 2 no")
    await quiet.say("/want 1 30")
    await launch(owner)
    await world.deliver()
    assert inbox.texts("quiet") == []
    await quiet.say("/follow kitchen")
    await owner.say("/idea Wok lid #kitchen")
    await owner.say("/approve 3")
    await quiet.say("/want 3")
    await owner.say("/launch 3 1:10 7d")
    await world.deliver()
    [alert] = inbox.texts("quiet")  # the follow is an explicit opt-in of its own
    assert said("announce.opened", lang, id=2, title="Wok lid", category="kitchen") in alert


async def test_settings_show_and_switch_idea_news(world: ConsoleWorld) -> None:
    alice = world.person("alice")
    shown = await alice.say("/settings")
    assert said("settings.show_news", news=said("settings.on")) in shown
    assert said("button.news_off") in shown
    assert said("settings.news_off") in await alice.say("/settings news off")
    assert said("settings.show_news", news=said("settings.off")) in await alice.say("/settings")
    on_button = 3  # [1] milestones on [2] milestones off [3] news on [4] news off
    assert said("settings.news_on") in await alice.say(str(on_button))
    assert said("settings.show_news", news=said("settings.on")) in await alice.say("/settings")


async def test_bad_news_settings_get_the_usage_line_and_change_nothing(
    world: ConsoleWorld,
) -> None:
    alice = world.person("alice")
    usage = said("error.usage_of", usage=REGISTRY["settings"].usage)
    for typed in ("/settings news maybe", "/settings news", "/settings news on now"):
        assert usage in await alice.say(typed)
    stale = await alice.session.interpreter.handle_action(
        alice.session.actor, alice.session.chat, "news:perhaps"
    )
    assert stale is not None
    alice.session.show(stale)
    assert said("error.stale_button") in "\n".join(alice.lines)
    assert said("settings.show_news", news=said("settings.on")) in await alice.say("/settings")


async def test_wanters_merged_into_a_running_wave_hear_of_it(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, ann, ben = world.person("owner"), world.person("ann"), world.person("ben")
    await pending_idea(world, owner)
    await owner.say("/approve 1")
    await ann.say("/want 1")
    await launch(owner)
    await pending_idea(world, owner, "Iron skillet")
    await owner.say("/approve 2")
    await ann.say("/want 2")  # already told when #1 launched
    await ben.say("/want 2 55")
    await world.deliver()
    inbox.sent.clear()
    await owner.say("/merge 2 1")  # #1 is already wave #1
    await world.deliver()
    within = said("notice.max_within", max=eur(55), price=eur(50))
    assert inbox.texts("ben") == [notice(world, within)]
    assert inbox.actions("ben") == [["join:1", "wave:1"]]
    assert inbox.texts("ann") == []
