"""Confirmation and choice buttons on Discord: /cancel and /close ask first, merge targets."""

from __future__ import annotations

from devtools.fakes.discord_models import RecordedMessage
from tests.adapters.test_discord_commands import options
from tests.adapters.test_discord_support import (
    Server,
    answered,
    buttons_of,
    server_fixture,  # noqa: F401
    text_of,
)
from tests.texts import eur, said, said_markdown, text


async def launched(server: Server) -> None:
    """Idea 1 'Kettle' approved and launched as wave 1 (minimum 2) by the owner."""
    olga = server.owner
    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "approve", idea=1)
    await server.slash(olga, "launch", {"idea": 1, "tiers": "1:30 2:25", "duration": "7d"},
                       replies=2)  # fmt: skip


async def asked(server: Server, command: str, options: dict[str, object]) -> RecordedMessage:
    """The question a moderator's command answered with."""
    handle = await server.slash(server.owner, command, options)
    assert handle.original is not None
    return handle.original


async def test_cancel_asks_then_the_asker_confirms(server: Server) -> None:
    olga, mia, max_ = server.owner, server.mia, server.max
    await launched(server)
    question = await asked(server, "cancel", {"wave": 1, "reason": "supplier vanished"})
    ask = said_markdown("mod.cancel_ask", id=1, title="Kettle", reason="supplier vanished")
    assert ask in text_of(question)
    assert buttons_of(question) == {
        "wb:cancelyes:1": said("button.cancel_yes", id=1),
        "wb:keep:1": said("button.keep_open"),
    }
    assert await server.press(max_, question, "cancelyes:1") == said_markdown("error.not_moderator")
    assert await server.press(mia, question, "keep:1") == said_markdown("mod.kept_open", id=1)
    cancelled = said_markdown("mod.cancelled", id=1, title="Kettle")
    assert await server.press(olga, question, "cancelyes:1") == cancelled
    assert await server.press(olga, question, "cancelyes:1") == said_markdown("error.pending_used")


async def test_close_asks_and_the_press_rechecks_rights(server: Server) -> None:
    olga, max_ = server.owner, server.max
    await launched(server)
    await server.say(max_, "join", wave=1)
    await server.say(server.mia, "join", wave=1)
    question = await asked(server, "close", {"wave": 1})
    assert said_markdown("mod.close_ask", id=1, title="Kettle") in text_of(question)
    not_moderator = said_markdown("error.not_moderator")
    assert await server.press(max_, question, "closeyes:1") == not_moderator
    closed = said_markdown("mod.closed_success", id=1, units=2, price=eur(25))
    assert await server.press(olga, question, "closeyes:1") == closed


async def test_merge_targets_are_buttons(server: Server) -> None:
    olga = server.owner
    await server.say(olga, "idea", text="Kettle #kitchen")
    await server.say(olga, "idea", text="Electric kettle #kitchen")
    handle = await server.api.press_button(
        (await server.slash(olga, "pending", replies=3)).followups[0].id, "wb:merge:2",
        user_id=olga.id,
    )  # fmt: skip
    await handle.wait_response()
    assert handle.original is not None
    assert buttons_of(handle.original) == {"wb:mergeto:2:1": said("button.merge_into", id=1,
                                                                   title="Kettle")}  # fmt: skip
    merged = said_markdown("mod.merged", id=2, into=1, title="Kettle", moved=0)
    assert await server.press(olga, handle.original, "mergeto:2:1") == merged
    assert said_markdown("mod.merge_pick", id=2) in answered(handle)


async def test_edit_and_relaunch_are_slash_commands_with_typed_options(server: Server) -> None:
    INT, STR = 4, 3
    assert options(server, "edit") == [
        ("what", STR, True, False),
        ("id", INT, True, False),
        ("field", STR, True, False),
        ("value", STR, True, False),
    ]
    assert options(server, "relaunch") == [
        ("wave", INT, True, True),
        ("duration", STR, False, False),
    ]
    relaunch = server.api.command("relaunch")
    assert relaunch is not None and relaunch["name_localizations"]["fr"] == "relancer"
    edited = said_markdown("mod.edited_idea", id=1, field=text("field.title"), title="Kettle")
    await server.say(server.max, "idea", text="Ketle #kitchen")
    assert await server.say(server.max, "edit", what="idea", id=1, field="title",
                            value="Kettle") == edited  # fmt: skip
