"""Console transcripts of talk: ask → answer, reviews, review requests and the idea machine."""

from __future__ import annotations

import random
from datetime import timedelta

from bots.console.session import PLATFORM, ConsoleMessenger, render_reply
from core.services import talk
from tests.conftest import ConsoleWorld, Person


def private_messages(world: ConsoleWorld, name: str) -> list[str]:
    """Everything the dispatcher delivered to one console account's private chat."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [text for chat, text in messenger.delivered if chat == name]


async def succeeded_wave(world: ConsoleWorld, *buyers: Person) -> None:
    """Idea #1 'Kettle' launched as wave #1, joined by the buyers and closed successfully."""
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 2:90 1d min=2")
    for buyer in buyers:
        await buyer.say("/join 1")
    assert "closed: 2 units at 90 €" in await owner.say("/close 1")


async def test_a_question_reaches_past_buyers_and_the_answer_reaches_the_asker(
    world: ConsoleWorld,
) -> None:
    owner, alice, bob, carol = (world.person(n) for n in ("owner", "alice", "bob", "carol"))
    await owner.say("/subscribe")
    await succeeded_wave(world, alice, bob)
    await alice.say("/confirm 1")
    assert "Receive questions" in await alice.say("/helpers")
    assert "You will receive questions" in await alice.say("1")  # the button
    assert "Usage: /helpers [on|off]" in await bob.say("/helpers maybe")
    await bob.say("/helpers on")  # opted in, but never confirmed: not a past buyer

    await owner.say("/idea Teapot #kitchen")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:50 10:40 7d")
    await world.deliver()
    asked = await carol.say("/ask 2 Does the lid <b>lock</b>?")
    assert "Question #1 about wave #2 “Teapot” is on its way" in asked
    news = "\n".join(await world.deliver())  # the owner's subscribed console chat
    assert "❓ Question #1 about wave #2 “Teapot” from Carol:" in news
    assert "Does the lid <b>lock</b>?" in news  # user text, shown as typed
    assert "Send /answer 1 followed by it." in news
    assert any("Question #1" in text for text in private_messages(world, "alice"))
    assert not any("Question #1" in text for text in private_messages(world, "bob"))

    assert "Question #1 is yours" in await carol.say("/answer 1 Maybe")
    assert "Your answer to question #1 is on its way" in await alice.say(
        "/answer 1 Yes, it clicks."
    )
    assert "You already answered question #1." in await alice.say("/answer 1 Really")
    assert "There is no question #9." in await alice.say("/answer 9 Hm")
    assert "Usage: /answer <question> <text>" in await alice.say("/answer")
    assert "Write your question after the wave number" in await carol.say("/ask 2")
    assert not any("An answer" in text for text in private_messages(world, "carol"))
    await world.rt.dispatcher.sweep()
    (answer,) = [text for text in private_messages(world, "carol") if "An answer" in text]
    assert "💬 An answer to your question #1 about wave #2 “Teapot”:" in answer
    assert "Does the lid <b>lock</b>?" in answer
    assert "Alice: Yes, it clicks." in answer


async def test_only_confirmed_participants_review_and_are_asked_once(world: ConsoleWorld) -> None:
    alice, bob, dan = world.person("alice"), world.person("bob"), world.person("dan")
    await succeeded_wave(world, alice, bob)
    await alice.say("/confirm 1")
    await bob.say("/confirm 1")

    assert "Only participants who confirmed" in await dan.say("/review 1 5")
    assert "“6” is not a rating" in await alice.say("/review 1 6")
    assert "Usage: /review <wave> <1-5> [text]" in await alice.say("/review 1")
    reviewed = await alice.say("/review 1 5 Boils fast,\nquiet too")
    assert "Thanks! Your 5/5 for wave #1 “Kettle” is recorded." in reviewed
    assert "⭐ 5.0/5 (reviews: 1)" in reviewed
    assert "is updated: 4/5" in await alice.say("/review 1 4")

    world.clock.advance(talk.REVIEW_DELAY + timedelta(hours=1))
    for job, _ in world.rt.clockwork.extra_jobs:  # the runtime schedules the review sweep
        await job()
    assert await talk.ask_reviews(world.rt.ctx) == 0  # bob was asked once; alice had reviewed
    await world.rt.dispatcher.sweep()
    (request,) = [text for text in private_messages(world, "bob") if "satisfied" in text]
    assert "⭐ Wave #1 “Kettle”: are you satisfied with it?" in request

    # Bob presses the third of the 1–5 buttons the request carried.
    pressed = await world.rt.interpreter.handle_action(bob.session.actor, bob.session.chat,
                                                       "rate:1:3")  # fmt: skip
    (thanks,) = pressed.replies
    assert "Thanks! Your 3/5 for wave #1 “Kettle” is recorded." in render_reply(thanks, "en")
    card = await alice.say("/review 1 4")
    assert "⭐ 3.5/5 (reviews: 2)" in card
    stale = await world.rt.interpreter.handle_action(bob.session.actor, bob.session.chat,
                                                     "rate:1:9")  # fmt: skip
    assert stale.replies[0].body[0].key == "error.stale_button"


async def test_inspire_draws_in_the_members_language_and_the_button_proposes(
    world: ConsoleWorld,
) -> None:
    alice, lea = world.person("alice"), world.person("lea", locale="fr-FR")
    world.rt.ctx.rng = random.Random(3)
    first = await alice.say("/inspire")
    assert first.startswith("bot> 🎲 What about… Marble bowl for meditation (#kitchen)?")
    assert "[1] 💡 Propose this as an idea  [2] 🎲 Another" in first
    another = await alice.say("2")
    assert "What about… Felt kettle for grandparents (#kitchen)?" in another
    proposed = await alice.say("1")
    assert (
        "Idea #1 “Felt kettle for grandparents” (#kitchen) is waiting for a moderator" in proposed
    )

    world.rt.ctx.rng = random.Random(3)
    french = await lea.say("/inspire")
    assert "Et pourquoi pas… Bol en marbre pour la méditation (#kitchen) ?" in french
    assert "[1] 💡 Proposer cette idée  [2] 🎲 Une autre" in french
    assert "L'idée n°2 « Bol en marbre pour la méditation »" in await lea.say("1")

    for _ in range(2):  # the usual pending limit applies (3 per member)
        await alice.say("/inspire")
        await alice.say("1")
    await alice.say("/inspire")
    assert "You already have 3 ideas waiting for moderation" in await alice.say("1")
    assert "Usage: /inspire" in await alice.say("/inspire now")
