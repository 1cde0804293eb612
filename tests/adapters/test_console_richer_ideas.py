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


async def test_ideas_filtered_by_tag_page_by_page(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    for index in range(7):
        tag = "#kitchen #coffee" if index % 2 == 0 else "#garden"
        await owner.say(f"/idea Thing {index} {tag}")
        await owner.say(f"/approve {index + 1}")
    coffee = await owner.say("/ideas new #Coffee")
    assert "Thing 6" in coffee and "Thing 0" in coffee and "Thing 1" not in coffee
    assert said("idea.list_header", order=said("order.new"), page=1, pages=1) in coffee
    garden = await owner.say("/ideas #garden")
    assert "Thing 1 · #garden" in garden and "Thing 0" not in garden
    assert said("idea.none_tagged", tag="tea") in await owner.say("/ideas #tea")
    assert said("idea.none_tagged", "fr", tag="tea").startswith("Aucune idée approuvée avec")
    usage = await owner.say("/ideas #")
    assert "/ideas [new|top] [#tag]" in usage

    for index in range(7, 19):  # 12 more: 16 #coffee ideas, two pages of 8
        await owner.say(f"/idea Thing {index} #coffee")
        await owner.say(f"/approve {index + 1}")
    first = await owner.say("/ideas new #coffee")
    assert said("idea.list_header", order=said("order.new"), page=1, pages=2) in first
    assert "Thing 18 " in first and "Thing 10 " not in first
    second = await owner.say(first.split(f"] {said('button.next')}")[0].rsplit("[", 1)[1])
    assert said("idea.list_header", order=said("order.new"), page=2, pages=2) in second
    assert "Thing 0 · #kitchen #coffee" in second and "Thing 1 " not in second
