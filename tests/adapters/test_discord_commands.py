"""The slash-command tree mirrors the core's registry: typed options, autocomplete, French."""

from __future__ import annotations

from dataclasses import replace

from bots.discord_bot.commands import args_of, options_of
from bots.i18n import command_name, option_name, template
from core.commands.registry import REGISTRY
from tests.adapters.test_discord_support import (
    Server,
    server_fixture,  # noqa: F401
)


def options(server: Server, name: str) -> list[tuple[str, int, bool, bool]]:
    """(name, type, required, autocomplete) of a synced command's options."""
    command = server.api.command(name)
    assert command is not None, name
    return [
        (o["name"], o["type"], bool(o.get("required")), bool(o.get("autocomplete")))
        for o in command.get("options") or []
    ]


async def test_every_command_is_synced_with_typed_options(server: Server) -> None:
    names = {c["name"] for c in server.api.commands()}
    assert {"idea", "ideas", "want", "waves", "wave", "join", "leave", "mine", "confirm",
            "pending", "approve", "reject", "merge", "launch", "close", "subscribe",
            "modchat", "lang", "settings", "help", "start"} <= names  # fmt: skip
    INT, STR = 4, 3
    assert options(server, "join") == [
        ("wave", INT, True, True),
        ("qty", INT, False, False),
        ("max_price", STR, False, False),
    ]
    assert options(server, "launch") == [
        ("idea", INT, True, True),
        ("tiers", STR, True, False),
        ("duration", STR, True, False),
        ("options", STR, False, False),
    ]
    assert options(server, "merge") == [("idea", INT, True, True), ("into", INT, True, True)]
    assert options(server, "waves") == []
    # Option types come from the params' kinds: /lang takes a word, /settings 'notify on|off'.
    assert options(server, "lang") == [("lang", STR, True, False)]
    assert options(server, "settings") == [("notify", STR, False, False)]


async def test_descriptions_come_from_the_catalogue_in_both_languages(server: Server) -> None:
    join = server.api.command("join")
    assert join is not None
    assert join["description"] == template("help.join", "en")
    assert join["description_localizations"]["fr"] == template("help.join", "fr")
    assert server.api.command("join")["default_member_permissions"] is None  # type: ignore[index]


async def test_wave_autocomplete_lists_open_waves(server: Server) -> None:
    olga = server.owner
    await server.say(olga, "idea", text="Bamboo toothbrush #bathroom")
    await server.say(olga, "idea", text="Linen towel #bathroom")
    await server.say(olga, "approve", idea=1)
    await server.say(olga, "approve", idea=2)
    await server.slash(
        olga, "launch", {"idea": 1, "tiers": "1:10 5:8", "duration": "3d"}, replies=2
    )
    await server.slash(
        olga, "launch", {"idea": 2, "tiers": "1:20 5:15", "duration": "2d"}, replies=2
    )

    async def choices(command: str, focused: str, typed: str) -> list[tuple[str, int]]:
        handle = await server.api.send_autocomplete(
            command, focused, {focused: typed}, user_id=server.max.id,
            channel_id=server.general.id,
        )  # fmt: skip
        assert (await handle.wait_response())["type"] == 8
        return [(c["name"], c["value"]) for c in handle.choices]

    # soonest deadline first
    assert await choices("join", "wave", "") == [("#2 Linen towel", 2), ("#1 Bamboo toothbrush", 1)]
    assert await choices("wave", "wave", "bamb") == [("#1 Bamboo toothbrush", 1)]
    assert await choices("leave", "wave", "2") == [("#2 Linen towel", 2)]
    await server.say(olga, "idea", text="Soap dish #bathroom")
    # a member sees approved ideas only; a moderator's /approve also lists pending ones
    assert await choices("want", "idea", "") == []
    owner_view = await server.api.send_autocomplete(
        "approve", "idea", {"idea": ""}, user_id=olga.id, channel_id=server.general.id
    )
    await owner_view.wait_response()
    assert [c["value"] for c in owner_view.choices] == [3]


def test_options_become_the_interpreters_argument_text() -> None:
    join = options_of(REGISTRY["join"])
    assert args_of(join, {"wave": 12, "qty": 2, "max_price": "79 €"}) == "12 2 79€"
    assert args_of(join, {"wave": 12, "qty": None, "max_price": None}) == "12"
    reject = options_of(REGISTRY["reject"])
    assert args_of(reject, {"idea": 3, "reason": " not  a product "}) == "3 not  a product"
    # A skipped option followed by a given one is filled with the Param's default, if any.
    with_default = [join[0], replace(join[1], default="1"), join[2]]
    assert args_of(with_default, {"wave": 12, "max_price": "79"}) == "12 1 79"


async def test_every_command_and_option_has_its_french_name(server: Server) -> None:
    join = server.api.command("join")
    assert join is not None
    assert join["name_localizations"]["fr"] == command_name("join", "fr") == "rejoindre"
    names = {o["name"]: o.get("name_localizations") or {} for o in join["options"]}
    assert names["wave"]["fr"] == option_name("wave", "fr") == "vague"
    assert names["max_price"]["fr"] == "prix_max"
    for spec in {spec.name: spec for spec in REGISTRY.values()}.values():
        command = server.api.command(spec.name)
        assert command is not None, spec.name
        french = command_name(spec.name, "fr")
        assert (command.get("name_localizations") or {}).get("fr", spec.name) == french
