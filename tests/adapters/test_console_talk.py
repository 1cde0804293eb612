"""Console transcripts of talk: ask → answer, reviews, review requests and the idea machine."""

from __future__ import annotations

import random
from datetime import timedelta

from bots.console.session import PLATFORM, ConsoleMessenger, render_reply
from bots.i18n import render_plain
from core.commands.registry import REGISTRY
from core.inspire import Spark, draw
from core.messages import t
from core.services import talk
from tests.conftest import ConsoleWorld, Person
from tests.texts import console, eur, said


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
    await owner.say("/close 1")
    closed = await owner.say("1")  # Yes, close #1 now
    assert said("mod.closed_success", id=1, units=2, price=eur(90)) in closed


async def test_a_question_reaches_past_buyers_and_the_answer_reaches_the_asker(
    world: ConsoleWorld,
) -> None:
    owner, alice, bob, carol = (world.person(n) for n in ("owner", "alice", "bob", "carol"))
    await owner.say("/subscribe")
    await succeeded_wave(world, alice, bob)
    await alice.say("/confirm 1")
    helpers = await alice.say("/helpers")
    assert said("talk.helpers_show", state=t("talk.helpers_state_off")) in helpers
    assert f"[1] {said('button.helpers_on')}  [2] {said('button.helpers_off')}" in helpers
    assert said("talk.helpers_on") in await alice.say("1")  # the button
    usage = said("error.usage_of", usage=REGISTRY["helpers"].usage)
    assert usage in await bob.say("/helpers maybe")
    await bob.say("/helpers on")  # opted in, but never confirmed: not a past buyer

    await owner.say("/idea Teapot #kitchen")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:50 10:40 7d")
    await world.deliver()
    lid = "Does the lid <b>lock</b>?"  # user text, shown as typed
    asked = await carol.say(f"/ask 2 {lid}")
    assert said("talk.asked", id=1, wave=2, title="Teapot") in asked
    news = "\n".join(await world.deliver())  # the owner's subscribed console chat
    question = said("talk.question", id=1, wave=2, title="Teapot", name="Carol", text=lid)
    assert lid in question
    assert console(question) in news
    assert said("talk.answer_hint", id=1) in news
    assert any(question in text for text in private_messages(world, "alice"))
    assert not any(question in text for text in private_messages(world, "bob"))

    assert said("error.answer_own", id=1) in await carol.say("/answer 1 Maybe")
    assert said("talk.answer_sent", id=1) in await alice.say("/answer 1 Yes, it clicks.")
    assert said("error.already_answered", id=1) in await alice.say("/answer 1 Really")
    assert said("error.question_not_found", id=9) in await alice.say("/answer 9 Hm")
    usage = said("error.usage_of", usage=REGISTRY["answer"].usage)
    assert usage in await alice.say("/answer")
    assert said("error.question_empty") in await carol.say("/ask 2")
    answer = said("talk.answered", id=1, wave=2, title="Teapot", question=lid)
    answer += "\n" + said("talk.answer_body", name="Alice", text="Yes, it clicks.")
    assert lid in answer
    assert answer not in private_messages(world, "carol")
    await world.rt.dispatcher.sweep()
    assert private_messages(world, "carol").count(answer) == 1


async def test_only_confirmed_participants_review_and_are_asked_once(world: ConsoleWorld) -> None:
    alice, bob, dan = world.person("alice"), world.person("bob"), world.person("dan")
    await succeeded_wave(world, alice, bob)
    await alice.say("/confirm 1")
    await bob.say("/confirm 1")

    assert said("error.review_not_participant", id=1) in await dan.say("/review 1 5")
    assert said("error.bad_rating", value="6") in await alice.say("/review 1 6")
    usage = said("error.usage_of", usage=REGISTRY["review"].usage)
    assert usage in await alice.say("/review 1")
    reviewed = await alice.say("/review 1 5 Boils fast,\nquiet too")
    assert said("talk.reviewed", id=1, title="Kettle", rating=5) in reviewed
    assert said("talk.card_rating", whole=5, tenth=0, count=1) in reviewed
    updated = said("talk.review_updated", id=1, title="Kettle", rating=4)
    assert updated in await alice.say("/review 1 4")

    owner = world.person("owner")
    await owner.say("/paid 1 #2")  # alice and bob pay by transfer
    await owner.say("/paid 1 #3")
    world.clock.advance(timedelta(days=7, hours=1))
    for job, _ in world.rt.clockwork.extra_jobs:  # the runtime schedules the review sweep
        await job()
    assert await talk.ask_reviews(world.rt.ctx) == 0  # completed, not delivered: nobody asked
    await world.rt.clockwork.sweep_payments()  # the window ends: completed
    await owner.say("/delivered 1")  # the goods arrived: the review requests go out
    for job, _ in world.rt.clockwork.extra_jobs:
        await job()
    assert await talk.ask_reviews(world.rt.ctx) == 0  # bob was asked once; alice had reviewed
    await world.rt.dispatcher.sweep()
    request = said("talk.review_ask", id=1, title="Kettle")
    assert private_messages(world, "bob").count(request) == 1
    assert request not in private_messages(world, "alice")

    # Bob presses the third of the 1–5 buttons the request carried.
    pressed = await world.rt.interpreter.handle_action(bob.session.actor, bob.session.chat,
                                                       "rate:1:3")  # fmt: skip
    (thanks,) = pressed.replies
    assert said("talk.reviewed", id=1, title="Kettle", rating=3) in render_reply(thanks, "en")
    card = await alice.say("/review 1 4")
    assert said("talk.card_rating", whole=3, tenth=5, count=2) in card
    stale = await world.rt.interpreter.handle_action(bob.session.actor, bob.session.chat,
                                                     "rate:1:9")  # fmt: skip
    assert stale.replies[0].body[0].key == "error.stale_button"


def spark_said(spark: Spark, lang: str) -> str:
    """The idea machine's suggestion as a member reads it."""
    title = talk.spark_title(render_plain, spark, lang)
    category = talk.spark_category(render_plain, spark, lang)
    return said("inspire.spark", lang, title=title, category=category)


def spark_proposed(spark: Spark, lang: str, idea: int) -> str:
    """The answer to pressing 'Propose this as an idea' under a suggestion."""
    title = talk.spark_title(render_plain, spark, lang)
    category = talk.spark_category(render_plain, spark, lang)
    return said("idea.proposed", lang, id=idea, title=title, category=category)


async def test_inspire_draws_in_the_members_language_and_the_button_proposes(
    world: ConsoleWorld,
) -> None:
    alice, lea = world.person("alice"), world.person("lea", locale="fr-FR")
    expected = random.Random(3)
    first, second = draw(expected), draw(expected)
    assert first != second
    world.rt.ctx.rng = random.Random(3)
    shown = await alice.say("/inspire")
    assert shown.startswith(f"bot> {spark_said(first, 'en')}\n     {said('inspire.hint')}")
    buttons = f"[1] {said('button.inspire_propose')}  [2] {said('button.inspire_again')}"
    assert buttons in shown
    assert spark_said(second, "en") in await alice.say("2")
    assert spark_proposed(second, "en", 1) in await alice.say("1")

    world.rt.ctx.rng = random.Random(3)
    french = await lea.say("/inspire")
    assert spark_said(first, "fr") in french
    propose, again = said("button.inspire_propose", "fr"), said("button.inspire_again", "fr")
    assert f"[1] {propose}  [2] {again}" in french
    assert spark_proposed(first, "fr", 2) in await lea.say("1")

    for _ in range(2):  # the usual pending limit applies (3 per member)
        await alice.say("/inspire")
        await alice.say("1")
    await alice.say("/inspire")
    assert said("error.too_many_pending", max=3) in await alice.say("1")
    usage = said("error.usage_of", usage=REGISTRY["inspire"].usage)
    assert usage in await alice.say("/inspire now")
