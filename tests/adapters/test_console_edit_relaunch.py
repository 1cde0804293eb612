"""/edit and /relaunch as console transcripts, with every refusal they owe."""

from __future__ import annotations

from datetime import timedelta

from core.commands.registry import REGISTRY
from core.services import lifecycle
from tests.adapters.test_console_modtools import open_wave
from tests.conftest import ConsoleWorld
from tests.texts import said, text


async def test_moderators_edit_ideas_and_authors_their_pending_wording(world: ConsoleWorld) -> None:
    owner, ana, bo = world.person("owner"), world.person("ana"), world.person("bo")
    await ana.say("/idea Solar lampp #garden")

    fixed = said("mod.edited_idea", id=1, field=text("field.title"), title="Solar lamp")
    assert fixed in await ana.say("/edit idea 1 title Solar lamp")
    assert said("error.edit_own_pending") in await ana.say("/edit idea 1 category lights")
    assert said("error.not_moderator") in await bo.say("/edit idea 1 title Mine now")
    described = said("mod.edited_idea", id=1, field=text("field.description"), title="Solar lamp")
    assert described in await ana.say("/edit idea 1 description Charges all day\nLasts all night")

    moved = said("mod.edited_idea", id=1, field=text("field.category"), title="Solar lamp")
    assert moved in await owner.say("/edit idea 1 category #Lights")
    async with world.rt.ctx.db.read() as tx:
        idea = await tx.get_idea(1)
    assert idea is not None
    assert (idea.category, idea.description) == ("lights", "Charges all day\nLasts all night")

    await owner.say("/approve 1")
    assert said("error.edit_own_pending") in await ana.say("/edit idea 1 title Solar lamp XL")
    # Same validation as creation, and a specific reply for each mistake; nothing changes.
    assert said("error.idea_no_title") in await owner.say("/edit idea 1 title #garden")
    assert said("error.idea_title_long", max=120, length=121) in await owner.say(
        "/edit idea 1 title " + "x" * 121
    )
    assert said("error.edit_one_category") in await owner.say("/edit idea 1 category a b")
    assert said("error.bad_category", value="!!") in await owner.say("/edit idea 1 category !!")
    assert said("error.edit_idea_deadline") in await owner.say("/edit idea 1 deadline 3d")
    assert said("error.idea_not_found", id=9) in await owner.say("/edit idea 9 title Lamp")
    usage = said("error.usage_of", usage=REGISTRY["edit"].usage)
    assert usage in await owner.say("/edit idea 1 colour red")
    assert usage in await owner.say("/edit plan 1 title Lamp")
    assert usage in await owner.say("/edit idea 1 title")
    async with world.rt.ctx.db.read() as tx:
        after = await tx.get_idea(1)
    assert after is not None
    assert (after.title, after.category, after.description) == (
        idea.title,
        idea.category,
        idea.description,
    )


async def test_wave_edits_mark_cards_and_deadlines_never_harm_pledges(world: ConsoleWorld) -> None:
    owner = await open_wave(world)  # wave 1: 3 days, nobody pledged yet
    async with world.rt.ctx.db.write() as tx:
        await tx.add_card("console", "room", "7", 1, "en", world.clock.now())
    renamed = said("mod.edited_wave", id=1, field=text("field.title"), title="Travel backpack")
    assert renamed in await owner.say("/edit wave 1 title Travel backpack")
    async with world.rt.ctx.db.read() as tx:
        dirty = await tx.dirty_cards(world.clock.now() + timedelta(seconds=10), 10)
    assert [card.wave_id for card in dirty] == [1]
    assert "Travel backpack" in await owner.say("/wave 1")
    assert said("error.not_moderator") in await world.person("x").say("/edit wave 1 title Mine")

    now = world.clock.now()
    later = said("mod.extended", id=1, deadline=now + timedelta(days=10))
    assert later in await owner.say("/edit wave 1 deadline 10d")
    assert said("error.duration_range", max_days=90) in await owner.say("/edit wave 1 deadline 91d")
    too_soon = said("error.deadline_too_soon", min=timedelta(hours=24))
    assert too_soon in await owner.say("/edit wave 1 deadline 12h")
    sooner = said("mod.extended", id=1, deadline=now + timedelta(days=2))
    assert sooner in await owner.say("/edit wave 1 deadline +2d")  # nobody pledged yet

    await world.person("a").say("/join 1")
    refused = said("error.deadline_earlier_pledged", id=1)
    assert refused in await owner.say("/edit wave 1 deadline 1d")
    assert said("error.bad_duration", value="soon") in await owner.say("/edit wave 1 deadline soon")
    async with world.rt.ctx.db.read() as tx:
        wave = await tx.get_wave(1)
    assert wave is not None and wave.closes_at == now + timedelta(days=2)

    await lifecycle.close(world.rt.ctx, owner.session.actor, 1)
    closed = said("error.wave_not_open", id=1, status="failed")
    assert closed in await owner.say("/edit wave 1 deadline 5d")


async def test_edit_in_french(world: ConsoleWorld) -> None:
    owner = world.person("owner", "fr")
    await owner.say("/idee Gourde inox")
    edited = said(
        "mod.edited_idea", "fr", id=1, field=text("field.title"), title="Gourde isotherme"
    )
    assert edited in await owner.say("/modifier idea 1 title Gourde isotherme")
    assert said("error.edit_idea_deadline", "fr") in await owner.say("/modifier idea 1 deadline 2d")


async def test_relaunch_a_failed_wave_invites_its_backers(world: ConsoleWorld) -> None:
    owner = await open_wave(world, "a")  # minimum 2: it will fail with one pledge
    await owner.say("/subscribe")
    assert said("error.relaunch_state", id=1, status="open") in await owner.say("/relaunch 1")
    world.clock.advance(timedelta(days=3, minutes=1))
    await world.rt.clockwork.sweep_waves()
    await world.deliver()
    assert said("error.not_moderator") in await world.person("a").say("/relaunch 1")

    answer = await owner.say("/relaunch 1")
    assert said("mod.relaunched", id=2, old=1, title="Backpack") in answer
    assert f"[1] {said('button.join')}" in answer
    async with world.rt.ctx.db.read() as tx:
        old, new = await tx.get_wave(1), await tx.get_wave(2)
        invitations = [d for d in await tx.due_deliveries(world.clock.now(), 50)
                       if d.target.chat_id == "a"]  # fmt: skip
    assert old is not None and new is not None
    assert new.relaunched_from == 1 and new.status.value == "open"
    same = ("tiers", "moq", "capacity", "per_member_max", "idea_id", "title", "category")
    assert all(getattr(new, name) == getattr(old, name) for name in same)
    assert new.closes_at - new.opens_at == old.closes_at - old.opens_at
    assert len(invitations) == 1
    assert invitations[0].body["buttons"][0][0][1] == "join:2"

    news = "\n".join(await world.deliver())
    assert said("announce.opened", id=2, title="Backpack", category="travel") in news
    invited = world.rt.messengers["console"].delivered  # type: ignore[attr-defined]
    told = said("announce.relaunched", id=2, old=1, title="Backpack", deadline=new.closes_at)
    assert ("a", told) in invited
    again = said("error.relaunched_already", id=1, again=2)
    assert again in await owner.say("/relaunch 1")
    joined = await world.person("a").say("/join 2")
    assert said("pledge.joined", id=2, title="Backpack", qty=1) in joined


async def test_relaunch_a_cancelled_wave_with_a_new_duration(world: ConsoleWorld) -> None:
    owner = await open_wave(world)
    await lifecycle.cancel(world.rt.ctx, owner.session.actor, 1, "supplier late")
    assert said("error.bad_duration", value="soon") in await owner.say("/relaunch 1 soon")
    assert said("error.duration_range", max_days=90) in await owner.say("/relaunch 1 100d")
    assert said("error.wave_not_found", id=5) in await owner.say("/relaunch 5")
    answer = await owner.say("/relaunch 1 10d")
    assert said("mod.relaunched", id=2, old=1, title="Backpack") in answer
    async with world.rt.ctx.db.read() as tx:
        new = await tx.get_wave(2)
    assert new is not None and new.closes_at - new.opens_at == timedelta(days=10)
    await owner.say("/lang fr")
    again = said("error.relaunched_already", "fr", id=1, again=2)
    assert again in await owner.say("/relancer 1")
    await lifecycle.cancel(world.rt.ctx, owner.session.actor, 2, "")
    assert said("mod.relaunched", "fr", id=3, old=2, title="Backpack") in await owner.say(
        "/relancer 2"
    )


async def test_a_new_category_replaces_the_first_tag(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await world.person("ana").say("/idea Folding chair #garden #camping")
    await owner.say("/edit idea 1 category #travel")
    async with world.rt.ctx.db.read() as tx:
        idea = await tx.get_idea(1)
    assert idea is not None and (idea.category, idea.tags) == ("travel", ("travel", "camping"))
    await owner.say("/approve 1")
    assert said("idea.none_tagged", tag="garden") in await owner.say("/ideas #garden")


async def test_a_banned_author_cannot_reword_a_pending_idea(world: ConsoleWorld) -> None:
    owner, ana = world.person("owner"), world.person("ana")
    await ana.say("/idea Solar lampp #garden")
    await owner.say("/ban ana")
    refused = said("error.banned", action=said("ban.action_idea"))
    assert refused in await ana.say("/edit idea 1 title Solar lamp")
    async with world.rt.ctx.db.read() as tx:
        idea = await tx.get_idea(1)
    assert idea is not None and idea.title == "Solar lampp"


async def test_relaunch_invites_neither_the_launcher_nor_those_who_abandoned(
    world: ConsoleWorld,
) -> None:
    owner = world.person("owner")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 2:90 3d min=3")
    for name in ("owner", "a", "b"):
        await world.person(name).say("/join 1")
    await lifecycle.close(world.rt.ctx, owner.session.actor, 1)
    await world.person("a").say("/confirm 1")
    await owner.say("/confirm 1")
    await world.person("b").say("/withdraw 1")  # abandons: 2 confirmed of 3, the wave fails
    world.clock.advance(timedelta(days=8))
    await world.rt.clockwork.sweep_payments()
    async with world.rt.ctx.db.read() as tx:
        failed = await tx.get_wave(1)
    assert failed is not None and failed.status.value == "failed"
    await world.deliver()

    await owner.say("/relaunch 1")
    async with world.rt.ctx.db.read() as tx:
        invited = [d.target.chat_id for d in await tx.due_deliveries(world.clock.now(), 50)
                   if d.body["body"][0]["$t"] == "announce.relaunched"]  # fmt: skip
    assert invited == ["a"]
