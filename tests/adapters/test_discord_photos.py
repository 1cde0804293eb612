"""Discord: /idea with its description and photo options; the photo shown on the cards."""

from __future__ import annotations

from datetime import timedelta

import discord

from bots.discord_bot.commands import args_of, options_of
from core.commands.binder import bind
from core.commands.registry import REGISTRY
from core.services import cards, ideas, waves
from devtools.fakes.discord_models import FakeUpload
from tests.adapters.test_discord_support import (
    Server,
    answered,
    server_fixture,  # noqa: F401
    text_of,
)
from tests.texts import said, said_markdown

BRUSH = "Bamboo toothbrush"


async def test_idea_with_description_and_photo_options(server: Server) -> None:
    olga, max_ = server.owner, server.max
    options = {"text": f"{BRUSH} #bathroom #eco", "description": "Compostable handle",
               "photo": FakeUpload("brush.png")}  # fmt: skip
    proposed = await server.slash(max_, "idea", options)
    assert said_markdown("idea.proposed", id=1, title=BRUSH, category="bathroom") in answered(
        proposed
    )
    idea, _ = await ideas.get(server.rt.ctx, 1)
    assert idea.description == "Compostable handle" and idea.tags == ("bathroom", "eco")
    assert idea.photo.startswith("discord:https://cdn.discordapp.com/attachments/")
    assert idea.photo.endswith("/brush.png")

    queue = await server.slash(olga, "pending", replies=2)
    assert queue.followups[0].embeds[0]["image"]["url"] == idea.photo.removeprefix("discord:")
    await server.say(olga, "approve", idea=1)
    plan = {"idea": 1, "tiers": "1:100 3:90", "duration": "14d"}
    launch = await server.slash(olga, "launch", plan, replies=2)
    card = launch.followups[0]
    assert card.embeds[0]["image"]["url"] == idea.photo.removeprefix("discord:")
    assert (await waves.get(server.rt.ctx, 1)).photo == idea.photo
    assert said("card.photo_attached") not in text_of(card)

    # The edited live card keeps the image.
    image = idea.photo.removeprefix("discord:")
    await server.press(max_, card, "join:1")
    server.clock.advance(timedelta(seconds=10))
    assert await cards.refresh(server.rt.ctx, server.rt.messengers, throttle=timedelta(0)) == 1
    edited = server.api.message(card.id)
    assert edited.embeds[0]["image"]["url"] == image
    assert said_markdown("wave.progress", bar="▰▰▰▱▱▱▱▱▱▱", units=1, goal=3) in text_of(edited)


async def test_a_file_that_is_not_a_picture_is_refused(server: Server) -> None:
    options = {"text": BRUSH, "photo": FakeUpload("notes.pdf", "application/pdf")}
    refused = await server.slash(server.max, "idea", options)
    assert answered(refused) == said_markdown("error.idea_photo_invalid")
    assert refused.original is not None and refused.original.ephemeral
    found, _ = await ideas.browse(server.rt.ctx, (ideas.IdeaStatus.PENDING,), "new", 1)
    assert found == []  # nothing recorded


async def test_description_option_is_joined_after_the_title(server: Server) -> None:
    options = {"text": f"{BRUSH} #bathroom #eco #Eco", "description": "Soft | compostable"}
    await server.slash(server.max, "idea", options)
    idea, _ = await ideas.get(server.rt.ctx, 1)
    assert idea.title == BRUSH and idea.description == "Soft | compostable"
    assert idea.tags == ("bathroom", "eco") and idea.photo == ""


def test_options_join_a_description_after_a_bar_and_never_the_upload() -> None:
    idea = options_of(REGISTRY["idea"])
    assert [(o.name, o.kind) for o in idea] == [
        ("text", str), ("description", str), ("photo", discord.Attachment),
    ]  # fmt: skip
    upload = object.__new__(discord.Attachment)
    values = {"text": "Kettle #kitchen", "description": "1.7 l, steel", "photo": upload}
    assert args_of(idea, values) == "Kettle #kitchen | 1.7 l, steel"
    assert args_of(idea, {"text": "Kettle", "description": None, "photo": None}) == "Kettle"
    ideas_options = options_of(REGISTRY["ideas"])
    assert args_of(ideas_options, {"order": "new", "tag": "kitchen"}) == "new #kitchen"
    doubled = args_of(ideas_options, {"order": None, "tag": "#kitchen"})
    assert doubled == "##kitchen"
    assert bind(REGISTRY["ideas"].params, doubled) == {"tag": "kitchen"}  # read as #kitchen
