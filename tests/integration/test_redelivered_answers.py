"""A pledge saved just before a crash still gets its reply (issue 12, point 1): the answer is kept
with the update key in the same commit and re-sent for a redelivered update never answered."""

from __future__ import annotations

from bots.i18n import render
from core.commands.interpreter import Answer
from core.ports import Actor, ChatRef
from tests.conftest import ConsoleWorld
from tests.texts import said

ALICE = Actor("console:alice", "Alice")
HERE = ChatRef("console", "alice")


async def _open_wave(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 7d per=3")


def _shown(answer: Answer | None) -> list[str]:
    assert answer is not None
    return [render(part, answer.lang) for reply in answer.replies for part in reply.body]


async def _pledgers(world: ConsoleWorld) -> int:
    async with world.rt.ctx.db.read() as tx:
        wave = await tx.get_wave(1)
    assert wave is not None
    return wave.pledgers


async def test_a_redelivered_update_never_answered_is_answered_again(world: ConsoleWorld) -> None:
    await _open_wave(world)
    interpreter = world.rt.interpreter
    runs = 0

    async def join() -> Answer:
        nonlocal runs
        runs += 1
        found = await interpreter.handle_text(ALICE, HERE, "/join 1 2")
        assert found is not None
        return found

    first = await interpreter.exactly_once("telegram:1001", join)
    # The process dies here: the pledge is committed, the reply never left.
    again = await interpreter.exactly_once("telegram:1001", join)
    assert runs == 1 and await _pledgers(world) == 1  # no second effect
    assert _shown(again) == _shown(first)
    assert said("pledge.joined", id=1, title="Kettle", qty=2) in _shown(again)

    await interpreter.answered("telegram:1001")
    assert await interpreter.exactly_once("telegram:1001", join) is None  # sent: nothing more
    assert runs == 1


async def test_buttons_and_languages_survive_the_keeping(world: ConsoleWorld) -> None:
    await _open_wave(world)
    async with world.rt.ctx.db.write() as tx:
        await tx.set_wave_photo(1, "telegram:AgADkettle")
    interpreter = world.rt.interpreter
    french = Actor("console:zoe", "Zoé", "fr")

    async def show() -> Answer:
        found = await interpreter.handle_text(french, ChatRef("console", "zoe"), "/wave 1")
        assert found is not None
        return found

    first = await interpreter.exactly_once("telegram:2002", show)
    kept = await interpreter.exactly_once("telegram:2002", show)
    assert kept is not None and first is not None
    assert kept.lang == "fr" == first.lang and kept.timezone == first.timezone
    assert [r.buttons for r in kept.replies] == [r.buttons for r in first.replies]
    assert [r.card for r in kept.replies] == [r.card for r in first.replies]
    assert "telegram:AgADkettle" in [r.photo for r in kept.replies]
    assert _shown(kept) == _shown(first)
