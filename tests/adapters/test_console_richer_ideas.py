"""Console: an idea typed on one line with its description and several #tags, in two languages."""

from __future__ import annotations

from core.services import ideas
from tests.conftest import ConsoleWorld
from tests.texts import said

LAMP = "Solar lamp"


async def test_title_description_and_tags_on_one_line(world: ConsoleWorld) -> None:
    owner, alice = world.person("owner"), world.person("alice")
    typed = f"/idea {LAMP} | folds flat, charges in 6 h #garden #Outdoor #camping #garden"
    assert said("idea.proposed", id=1, title=LAMP, category="garden") in await alice.say(typed)
    idea, _ = await ideas.get(world.rt.ctx, 1)
    assert idea.description == "folds flat, charges in 6 h"  # the trailing #tags are not text
    assert idea.tags == ("garden", "outdoor", "camping")  # in order, lower-cased, once each

    tags = "#garden #outdoor #camping"
    pending = await owner.say("/pending")
    assert said("idea.card_title_tags", id=1, title=LAMP, tags=tags) in pending
    assert "folds flat, charges in 6 h" in pending
    await owner.say("/approve 1")
    row = said("idea.list_row_tags", id=1, title=LAMP, tags=tags, wants=0)
    assert row == f"#1 {LAMP} · {tags} · 👍 0"
    assert row in await alice.say("/ideas")
    card = await alice.say("/start idea_1")
    assert f"💡 #1 {LAMP} · {tags}" in card
    assert said("card.photo_attached") not in card  # no photo, no note


async def test_tags_read_the_same_in_french(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", "fr-FR")
    await julie.say("/idee Lampe solaire | se plie à plat #jardin #plein-air")
    await owner.say("/approve 1")
    tags = "#jardin #plein-air"
    assert f"n°1 Lampe solaire · {tags} · 👍 0" in await julie.say("/idees")
    card = await julie.say("/start idea_1")
    assert said("idea.card_title_tags", "fr", id=1, title="Lampe solaire", tags=tags) in card
    assert "se plie à plat" in card


async def test_too_many_or_too_long_tags_and_a_bare_bar_are_refused(world: ConsoleWorld) -> None:
    alice = world.person("alice")
    six = await alice.say(f"/idea {LAMP} #a #b #c #d #e #f")
    assert said("error.idea_too_many_tags", max=5, count=6) in six
    long_tag = "x" * 33
    refused = await alice.say(f"/idea {LAMP} #{long_tag}")
    assert said("error.idea_tag_long", tag="x" * 32, max=32) in refused
    assert said("error.idea_no_title") in await alice.say("/idea | only a description #garden")
    julie = world.person("julie", "fr-FR")
    assert "au plus 5 #tags (vous en avez tapé 6)" in await julie.say(
        "/idee Lampe #a #b #c #d #e #f"
    )
    found, _ = await ideas.browse(world.rt.ctx, (ideas.IdeaStatus.PENDING,), "new", 1)
    assert found == []  # nothing was recorded


async def test_a_photo_from_another_platform_is_mentioned(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say(f"/idea {LAMP} #garden")
    async with world.rt.ctx.db.write() as tx:  # proposed on Telegram, read in the console
        await tx.set_idea_photo(1, "telegram:AgACAgQAAx0")
    assert said("card.photo_attached") in await owner.say("/start idea_1")
    assert said("card.photo_attached", "fr") == "📷 photo jointe"
