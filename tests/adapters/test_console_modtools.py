"""Moderation without friction, as console transcripts: did-you-mean, merge targets, confirming."""

from __future__ import annotations

from datetime import timedelta

from core.services import lifecycle
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said, text

BRUSH = "Bamboo toothbrush"


async def press(person: Person, action: str) -> str:
    """Press a button by its action, as a forged or stale button would arrive."""
    person.lines.clear()
    session = person.session
    answer = await session.interpreter.handle_action(session.actor, session.chat, action)
    session.show(answer)
    return "\n".join(person.lines)


async def idea_count(world: ConsoleWorld) -> int:
    """Ideas by id until one is missing."""
    count = 0
    async with world.rt.ctx.db.read() as tx:
        while await tx.get_idea(count + 1) is not None:
            count += 1
    return count


async def test_a_close_title_asks_did_you_mean_first(world: ConsoleWorld) -> None:
    owner, alice, bob = world.person("owner"), world.person("alice"), world.person("bob")
    await alice.say("/idea Bamboo toothbrush #bathroom")
    await owner.say("/approve 1")

    asked = await bob.say("/idea bambou Toothbrushes #bathroom")
    status = text("status.approved")
    assert said("idea.did_you_mean", id=1, title=BRUSH, status=status) in asked
    assert f"[1] {said('button.want_idea', id=1)}  [2] {said('button.propose_anyway')}" in asked
    assert await idea_count(world) == 1  # nothing proposed yet

    wanted = await bob.say("1")  # Want #1
    assert said("idea.wanted", id=1, title=BRUSH, wants=1) in wanted
    assert await idea_count(world) == 1

    carol = world.person("carol")
    await carol.say("/idea Bamboo tooth-brush\nWith a travel case")
    proposed = await carol.say("2")  # Propose anyway: exactly as typed
    assert said("idea.proposed", id=2, title="Bamboo tooth-brush", category="general") in proposed
    async with world.rt.ctx.db.read() as tx:
        draft = await tx.get_idea(2)
    assert draft is not None and draft.description == "With a travel case"

    # Nothing similar: proposed at once.
    lamp = said("idea.proposed", id=3, title="Solar lamp", category="garden")
    assert lamp in await bob.say("/idea Solar lamp #garden")


async def test_the_kept_draft_is_single_use_personal_and_expires(world: ConsoleWorld) -> None:
    owner, alice, bob = world.person("owner"), world.person("alice"), world.person("bob")
    await alice.say("/idea Bamboo toothbrush")
    await owner.say("/approve 1")

    await bob.say("/idea Bamboo toothbrushes")  # draft 1
    assert said("error.pending_foreign") in await press(alice, "anyway:1")
    assert said("idea.proposed", id=2, title="Bamboo toothbrushes", category="general") in (
        await press(bob, "anyway:1")
    )
    assert said("error.pending_used") in await press(bob, "anyway:1")
    assert said("error.stale_button") in await press(bob, "anyway:99")
    assert said("error.stale_button") in await press(bob, "anyway:x")

    await alice.say("/idea Bamboo toothbrush!")  # draft 2: close to both #1 and #2
    world.clock.advance(timedelta(hours=24))
    assert said("error.pending_expired") in await press(alice, "anyway:2")
    assert await idea_count(world) == 2


async def test_did_you_mean_in_french(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", "fr")
    await owner.say("/idea Gourde inox")
    await owner.say("/approve 1")
    asked = await julie.say("/idee Gourde en inox")
    status = text("status.approved")
    assert said("idea.did_you_mean", "fr", id=1, title="Gourde inox", status=status) in asked
    assert said("button.propose_anyway", "fr") in asked
    proposed = await julie.say("2")
    assert said("idea.proposed", "fr", id=2, title="Gourde en inox", category="general") in proposed


async def test_the_merge_button_offers_likely_targets(world: ConsoleWorld) -> None:
    owner, max_ = world.person("owner"), world.person("max")
    await max_.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await max_.say("/idea Solar lamp #garden")
    await max_.say("/idea Électric kettle #kitchen")  # 3: accents and case do not matter
    await max_.say("/want 1")

    queue = await owner.say("/pending")
    assert said("mod.queue_header", count=2) in queue
    # Buttons: [1..3] under #3 (newest first), [4..6] under #2.
    picked = await owner.say("3")  # Merge under #3
    assert said("mod.merge_pick", id=3) in picked
    assert said("mod.merge_how", id=3) in picked
    assert f"[1] {said('button.merge_into', id=1, title='Kettle')}" in picked
    assert "Solar lamp" not in picked

    assert said("error.not_moderator") in await press(max_, "mergeto:3:1")
    merged = said("mod.merged", id=3, into=1, title="Kettle", moved=0)
    assert merged in await owner.say("1")
    # Pressed again: the server re-reads the state.
    assert said("error.idea_state", id=3, status="merged") in await press(owner, "mergeto:3:1")
    assert said("error.stale_button") in await press(owner, "mergeto:3")

    # No look-alike: the button explains the command, as before.
    alone = await press(owner, "merge:2")
    assert said("mod.merge_how", id=2) in alone
    assert said("mod.merge_pick", id=2) not in alone
    assert said("error.not_moderator") in await press(max_, "merge:2")


async def open_wave(world: ConsoleWorld, *backers: str) -> Person:
    """An approved idea launched as wave 1 (minimum 2), with some backers; returns the owner."""
    owner = world.person("owner")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 2:90 3d min=2")
    for name in backers:
        await world.person(name).say("/join 1")
    return owner


async def test_close_asks_for_confirmation(world: ConsoleWorld) -> None:
    owner = await open_wave(world, "a", "b")
    alice = world.person("alice")
    assert said("error.not_moderator") in await alice.say("/close 1")

    asked = await owner.say("/close 1")
    assert said("mod.close_ask", id=1, title="Backpack") in asked
    assert f"[1] {said('button.close_yes', id=1)}  [2] {said('button.keep_open')}" in asked
    assert said("mod.kept_open", id=1) in await owner.say("2")
    async with world.rt.ctx.db.read() as tx:
        wave = await tx.get_wave(1)
    assert wave is not None and wave.status.value == "open"

    # The button is only a hint: rights are checked at the press.
    assert said("error.not_moderator") in await press(alice, "closeyes:1")
    await owner.say("/close 1")
    closed = said("mod.closed_success", id=1, units=2, price=eur(90))
    assert closed in await owner.say("1")
    assert said("error.wave_not_open", id=1, status="succeeded") in await press(owner, "closeyes:1")
    assert said("error.wave_not_open", id=1, status="succeeded") in await owner.say("/close 1")


async def test_cancel_keeps_its_reason_until_confirmed(world: ConsoleWorld) -> None:
    owner = await open_wave(world, "a")
    await owner.say("/subscribe")
    asked = await owner.say("/cancel 1 supplier vanished")
    assert said("mod.cancel_ask", id=1, title="Backpack", reason="supplier vanished") in asked
    assert said("button.cancel_yes", id=1) in asked
    assert said("error.not_moderator") in await press(world.person("a"), "cancelyes:1")
    assert said("mod.cancelled", id=1, title="Backpack") in await owner.say("1")
    news = "\n".join(await world.deliver())
    told = said("announce.cancelled", id=1, title="Backpack", reason="supplier vanished")
    assert told in news
    assert said("error.pending_used") in await press(owner, "cancelyes:1")


async def test_a_cancel_request_expires_and_a_refused_press_keeps_it(world: ConsoleWorld) -> None:
    owner = await open_wave(world)
    await owner.say("/cancel 1 too late")  # request 1
    await lifecycle.close(world.rt.ctx, owner.session.actor, 1)
    failed = said("error.wave_not_open", id=1, status="failed")
    assert failed in await press(owner, "cancelyes:1")
    # The refusal changed nothing: the request is still there, until it expires.
    world.clock.advance(timedelta(days=1))
    assert said("error.pending_expired") in await press(owner, "cancelyes:1")


async def test_close_and_cancel_questions_in_french(world: ConsoleWorld) -> None:
    owner = await open_wave(world)
    await owner.say("/lang fr")
    asked = await owner.say("/cloturer 1")
    assert said("mod.close_ask", "fr", id=1, title="Backpack") in asked
    assert said("button.keep_open", "fr") in asked
    assert said("mod.kept_open", "fr", id=1) in await owner.say("2")
    asked = await owner.say("/annuler 1 rupture de stock")
    ask = said("mod.cancel_ask", "fr", id=1, title="Backpack", reason="rupture de stock")
    assert ask in asked
    assert said("mod.cancelled", "fr", id=1, title="Backpack") in await owner.say("1")


async def test_other_members_pending_ideas_are_never_suggested(world: ConsoleWorld) -> None:
    alice, bob = world.person("alice"), world.person("bob")
    await alice.say("/idea Solar garden lamp #garden")
    created = said("idea.proposed", id=2, title="Solar garden lamps", category="garden")
    assert created in await bob.say("/idea Solar garden lamps #garden")  # #1 awaits moderation
    own = await alice.say("/idea Solar garden lamps #garden")  # her own pending idea: asked
    mean = said("idea.did_you_mean", id=1, title="Solar garden lamp",
                status=said("status.pending"))  # fmt: skip
    assert mean in own
