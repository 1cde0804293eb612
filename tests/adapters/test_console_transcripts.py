"""Console conversations, read like chat transcripts: the whole loop from idea to milestones."""

from __future__ import annotations

from datetime import timedelta

from core.commands.registry import REGISTRY
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

BRUSH = "Bamboo toothbrush"


async def test_idea_moderation_wave_and_pledge(world: ConsoleWorld) -> None:
    owner, alice = world.person("owner"), world.person("alice")

    assert said("idea.proposed", id=1, title=BRUSH, category="bathroom") in await alice.say(
        "/idea Bamboo toothbrush #bathroom\nSoft bristles, compostable handle"
    )
    assert said("error.not_moderator") in await alice.say("/approve 1")
    assert said("mod.approved", id=1, title=BRUSH) in await owner.say("/approve 1")
    wanted = said("idea.wanted_price", id=1, title=BRUSH, price=eur(4.50), wants=1)
    assert wanted in await alice.say("/want 1 4.50")
    row = said("idea.list_row", id=1, title=BRUSH, category="bathroom", wants=1)
    assert row in await alice.say("/ideas")

    card = await owner.say("/launch 1 1:100 50:90 100:80 200:70 14d min=50")
    assert said("mod.launched", id=1, title=BRUSH, moq=50) in card
    assert said("wave.progress", bar="▱▱▱▱▱▱▱▱▱▱", units=0, goal=50) in card
    assert f"[1] {said('button.join')}" in card

    assert f"[1] {said('button.join')}" in await alice.say("/wave 1")
    joined = await alice.say("1")
    assert said("pledge.joined", id=1, title=BRUSH, qty=1) in joined
    assert said("pledge.now", units=1, price=eur(100)) in joined
    assert said("wave.gap_next", more=49, price=eur(90)) in joined

    assert said("pledge.left", id=1, title=BRUSH) in await alice.say("/leave 1")
    assert said("error.no_pledge", id=1) in await alice.say("/leave 1")


async def test_crowd_crossing_milestones_is_announced_once(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/subscribe")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 100:80 200:70 7d min=50")
    await world.deliver()

    for index in range(55):
        await world.person(f"m{index}").say("/join 1")
    news = "\n".join(await world.deliver())
    assert "<b>" not in news  # rendered plain in the console
    for count, price in ((10, 100), (25, 100), (50, 90)):
        milestone = said("announce.milestone", count=count, id=1, title="Kettle", price=eur(price))
        assert news.count(milestone) == 1
    assert news.count(said("announce.tier", price=eur(90))) == 1
    assert news.count(said("announce.moq", moq=50)) == 1

    leaver = world.person("m0")
    await leaver.say("/leave 1")
    await leaver.say("/join 1")
    assert await world.deliver() == []


async def test_bad_input_gets_specific_answers_and_changes_nothing(world: ConsoleWorld) -> None:
    owner, bob = world.person("owner"), world.person("bob")
    assert said("error.unknown_command", name="frobnicate") in await bob.say("/frobnicate")
    assert said("error.usage_of", usage=REGISTRY["want"].usage) in await bob.say("/want")
    assert said("error.bad_id.idea", value="abc") in await bob.say("/want abc")
    assert said("error.idea_not_found", id=7) in await bob.say("/want 7")
    assert said("error.idea_no_title") in await bob.say("/idea #tagonly")
    too_long = said("error.idea_title_long", length=121, max=120)
    assert too_long in await bob.say("/idea " + "x" * 121)
    await owner.say("/idea Lamp")
    await owner.say("/approve 1")
    assert said("error.bad_tier", value="1:x") in await owner.say("/launch 1 1:x 10d")
    bad_duration = said("error.bad_duration", value="soon")
    assert bad_duration in await owner.say("/launch 1 1:100 50:90 soon")
    rising = said("error.tiers_price_order", units=50)
    assert rising in await owner.say("/launch 1 1:100 50:120 10d")
    bad_option = said("error.bad_option", value="max=3", allowed="min, cap, per")
    assert bad_option in await owner.say("/launch 1 1:100 10d max=3")
    assert said("wave.none") in await bob.say("/waves")
    assert "Commands start with /" in await bob.say("hello?")


async def test_merge_carries_wants_without_double_votes(world: ConsoleWorld) -> None:
    owner, ann, ben = world.person("owner"), world.person("ann"), world.person("ben")
    await ann.say("/idea Solar lamp")
    await ben.say("/idea Solar lantern")
    await owner.say("/approve 1")
    await owner.say("/approve 2")
    await ann.say("/want 1")
    await ann.say("/want 2")
    await ben.say("/want 2")
    merged = said("mod.merged", id=2, into=1, title="Solar lamp", moved=1)
    assert merged in await owner.say("/merge 2 1")
    row = said("idea.list_row", id=1, title="Solar lamp", category="general", wants=2)
    assert row in await ann.say("/ideas")
    assert said("error.idea_merged", id=2, into=1) in await ben.say("/want 2")


async def test_close_clears_one_price_for_all(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/idea Backpack")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 3:90 5:80 2d min=3")
    for name in ("a", "b", "c"):
        await world.person(name).say("/join 1")
    await world.person("d").say("/join 1 80€")  # only if the price falls to 80 €
    await owner.say("/close 1")
    closed = await owner.say("1")  # Yes, close #1 now
    assert said("mod.closed_success", id=1, units=3, price=eur(90)) in closed
    dropped = said("pledge_state.priced_out", price=eur(90), max=eur(80))  # told why, not charged
    assert said("mine.pledge", id=1, title="Backpack", qty=1, status=dropped) in await world.person(
        "d"
    ).say("/mine")
    confirmed = said("pledge.confirmed", id=1, title="Backpack", price=eur(90))
    assert confirmed in await world.person("a").say("/confirm 1")


async def test_deadline_sweep_closes_the_wave(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/idea Mug")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:10 2:8 1h min=2")
    await world.person("x").say("/join 1")
    world.clock.advance(timedelta(hours=2))
    await world.rt.clockwork.sweep_waves()
    assert said("wave.status_failed") in await owner.say("/wave 1")
    not_open = said("error.wave_not_open", id=1, status="failed")
    assert not_open in await world.person("y").say("/join 1")


async def test_french_speakers_get_french(world: ConsoleWorld) -> None:
    julie = world.person("julie", locale="fr-FR")
    assert said("error.unknown_command", "fr", name="nope") in await julie.say("/nope")
    assert said("settings.lang_set", lang="en") in await julie.say("/lang en")
    assert said("error.unknown_command", name="nope") in await julie.say("/nope")


async def test_a_bad_number_is_named_in_the_readers_language(world: ConsoleWorld) -> None:
    remi = world.person("remi")
    await remi.say("/lang fr")

    reply = await remi.say("/join abc")

    assert said("error.bad_id.wave", "fr", value="abc") in reply
    assert "numéro de vague" in reply
    assert "wave" not in reply
