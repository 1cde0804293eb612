"""Tags and photos stored with an idea, carried to its wave and to the wave's opening card."""

from __future__ import annotations

import json
from pathlib import Path

from core.services import ideas, waves
from core.services.announce import decode
from core.services.context import Context
from tests.integration.conftest import OWNER, person, plan, refused, rows

PHOTO = "telegram:AgACAgQAAxkBAAIB"


async def test_tags_and_photo_are_stored_and_the_wave_keeps_the_photo(
    ctx: Context, db_path: Path
) -> None:
    idea = await ideas.propose(ctx, person(1), "Kettle | 1.7 l #Kitchen #tea #kitchen", PHOTO)
    assert (idea.tags, idea.category, idea.photo) == (("kitchen", "tea"), "kitchen", PHOTO)
    assert rows(db_path, "SELECT tags, photo FROM ideas") == [('["kitchen", "tea"]', PHOTO)]

    await ideas.approve(ctx, OWNER, idea.id)
    wave = await waves.launch(ctx, OWNER, plan(idea.id, (1, 100), (3, 90)))
    assert wave.photo == PHOTO and wave.category == "kitchen"
    assert rows(db_path, "SELECT photo FROM waves WHERE id = ?", wave.id) == [(PHOTO,)]

    bodies = rows(db_path, "SELECT body FROM announcements WHERE kind = 'opened'")
    assert decode(json.loads(bodies[0][0])).photo == PHOTO  # the broadcast card shows it too


async def test_a_refused_photo_or_tag_list_records_nothing(ctx: Context, db_path: Path) -> None:
    with refused("error.idea_photo_invalid"):
        await ideas.propose(ctx, person(1), "Kettle", "discord:https://evil.example/a.png")
    with refused("error.idea_too_many_tags"):
        await ideas.propose(ctx, person(1), "Kettle #a #b #c #d #e #f")
    assert rows(db_path, "SELECT COUNT(*) FROM ideas") == [(0,)]


async def test_an_idea_without_tags_or_photo_keeps_the_defaults(
    ctx: Context, db_path: Path
) -> None:
    idea = await ideas.propose(ctx, person(1), "Kettle")
    assert (idea.tags, idea.category, idea.photo) == ((), "general", "")
    assert rows(db_path, "SELECT tags, photo FROM ideas") == [("[]", "")]
