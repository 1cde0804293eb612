"""Console conversations, read like chat transcripts: the whole loop from idea to milestones."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ConsoleWorld


async def test_idea_moderation_wave_and_pledge(world: ConsoleWorld) -> None:
    owner, alice = world.person("owner"), world.person("alice")

    assert "Idea #1 “Bamboo toothbrush” (#bathroom) is waiting" in await alice.say(
        "/idea Bamboo toothbrush #bathroom\nSoft bristles, compostable handle"
    )
    assert "Only moderators can do that." in await alice.say("/approve 1")
    assert "Idea #1 “Bamboo toothbrush” is approved." in await owner.say("/approve 1")
    assert "you want #1" in await alice.say("/want 1 4.50")
    assert "Bamboo toothbrush · #bathroom · 👍 1" in await alice.say("/ideas")

    card = await owner.say("/launch 1 1:100 50:90 100:80 200:70 14d min=50")
    assert "Wave #1 “Bamboo toothbrush” is open; it happens from 50 units." in card
    assert "▱▱▱▱▱▱▱▱▱▱ 0/50" in card
    assert "[1] ✋ Join" in card

    assert "[1] ✋ Join" in await alice.say("/wave 1")
    joined = await alice.say("1")
    assert "You're in wave #1" in joined
    assert "Now 1 in, everyone pays 100 €." in joined
    assert "49 more and everyone pays 90 €" in joined

    assert "You left wave #1" in await alice.say("/leave 1")
    assert "You have no pledge in wave #1." in await alice.say("/leave 1")


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
    assert "Already <b>10</b>" not in news  # rendered plain in the console
    assert "Already 10 in wave #1" in news
    assert "Already 25 in wave #1" in news
    assert "Already 50 in wave #1 “Kettle”! Everyone pays 90 € now." in news
    assert "New tier: the price drops to 90 € for everyone." in news
    assert "The minimum of 50 is reached: it will happen!" in news

    leaver = world.person("m0")
    await leaver.say("/leave 1")
    await leaver.say("/join 1")
    assert await world.deliver() == []


async def test_bad_input_gets_specific_answers_and_changes_nothing(world: ConsoleWorld) -> None:
    owner, bob = world.person("owner"), world.person("bob")
    assert "I don't know /frobnicate" in await bob.say("/frobnicate")
    assert "Usage: /want <idea> [max price]" in await bob.say("/want")
    assert "“abc” is not a valid idea number" in await bob.say("/want abc")
    assert "There is no idea #7." in await bob.say("/want 7")
    assert "Give your idea a title" in await bob.say("/idea #tagonly")
    assert "keep it to 120" in await bob.say("/idea " + "x" * 121)
    await owner.say("/idea Lamp")
    await owner.say("/approve 1")
    assert "“1:x” is not a tier" in await owner.say("/launch 1 1:x 10d")
    assert "“soon” is not a duration" in await owner.say("/launch 1 1:100 50:90 soon")
    assert "Prices must fall" in await owner.say("/launch 1 1:100 50:120 10d")
    assert "Unknown option “max=3”" in await owner.say("/launch 1 1:100 10d max=3")
    assert "No wave is open right now." in await bob.say("/waves")
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
    assert "1 supporters carried over" in await owner.say("/merge 2 1")
    assert "Solar lamp · #general · 👍 2" in await ann.say("/ideas")
    assert "was merged into #1" in await ben.say("/want 2")


async def test_close_clears_one_price_for_all(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/idea Backpack")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 3:90 5:80 2d min=3")
    for name in ("a", "b", "c"):
        await world.person(name).say("/join 1")
    await world.person("d").say("/join 1 80€")  # only if the price falls to 80 €
    assert "Wave #1 closed: 3 units at 90 €" in await owner.say("/close 1")
    assert "dropped out" in await world.person("d").say("/mine")
    assert "Confirmed: wave #1" in await world.person("a").say("/confirm 1")


async def test_deadline_sweep_closes_the_wave(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/idea Mug")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:10 2:8 1h min=2")
    await world.person("x").say("/join 1")
    world.clock.advance(timedelta(hours=2))
    await world.rt.clockwork.sweep_waves()
    assert "Closed without reaching its minimum" in await owner.say("/wave 1")
    assert "is not open" in await world.person("y").say("/join 1")


async def test_french_speakers_get_french(world: ConsoleWorld) -> None:
    julie = world.person("julie", locale="fr-FR")
    assert "Je ne connais pas /nope" in await julie.say("/nope")
    assert "Language set: en." in await julie.say("/lang en")
    assert "I don't know /nope" in await julie.say("/nope")
