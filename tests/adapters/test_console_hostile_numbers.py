"""Numbers that only look like numbers, and text that tries to garble the messages it is shown in
(issue 12, points 6 and 7): each got "something went wrong" or was kept as typed before."""

from __future__ import annotations

import pytest

from tests.conftest import ConsoleWorld
from tests.texts import said

LOOKALIKES = ["²", "①", "١", "５", "⅕"]  # superscript, circled, Arabic-Indic, full-width, fraction


async def _open_wave(world: ConsoleWorld, per: int = 5) -> None:
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say(f"/launch 1 1:100 50:90 7d per={per}")


@pytest.mark.parametrize("digit", LOOKALIKES)
async def test_a_lookalike_quantity_is_refused_by_name(world: ConsoleWorld, digit: str) -> None:
    await _open_wave(world)
    reply = await world.person("alice").say(f"/join 1 {digit}")
    assert said("error.internal") not in reply
    assert said("error.bad_quantity", value=digit, max=1000) in reply
    assert said("error.no_pledge", id=1) in await world.person("alice").say("/leave 1")


@pytest.mark.parametrize("digit", LOOKALIKES)
async def test_a_lookalike_option_is_refused_by_name(world: ConsoleWorld, digit: str) -> None:
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    reply = await owner.say(f"/launch 1 1:100 50:90 7d min={digit}")
    assert said("error.bad_option_value", option="min", value=digit) in reply


async def test_a_member_only_hears_that_the_command_is_for_moderators(
    world: ConsoleWorld,
) -> None:
    await _open_wave(world)
    reply = await world.person("mallory").say("/launch 1 1:100 50:90 7d min=²")
    assert reply.strip() == "bot> " + said("error.not_moderator")


@pytest.mark.parametrize("digit", LOOKALIKES)
async def test_a_lookalike_rating_is_refused_by_name(world: ConsoleWorld, digit: str) -> None:
    await _open_wave(world)
    reply = await world.person("alice").say(f"/review 1 {digit}")
    assert said("error.internal") not in reply
    assert said("error.bad_rating", value=digit) in reply


@pytest.mark.parametrize("digit", ["١", "５"])
async def test_a_lookalike_id_is_not_an_id(world: ConsoleWorld, digit: str) -> None:
    await _open_wave(world)
    reply = await world.person("alice").say(f"/join {digit}")
    assert said("error.bad_id.wave", value=digit) in reply


async def test_controls_and_bidi_overrides_never_reach_a_title(world: ConsoleWorld) -> None:
    alice = world.person("alice")
    reply = await alice.say("/idea Ket\x00tle\u202e evil\u2066 #kitchen")
    assert said("idea.proposed", id=1, title="Kettle evil", category="kitchen") in reply
    await world.person("owner").say("/approve 1")
    listed = await alice.say("/ideas")
    assert "Kettle evil" in listed
    assert not any(char in listed for char in "\x00\u202e\u2066")


async def test_a_member_editing_a_deadline_hears_only_about_rights(world: ConsoleWorld) -> None:
    await _open_wave(world)
    reply = await world.person("mallory").say("/edit wave 1 deadline ²")
    assert reply.strip() == "bot> " + said("error.not_moderator")
