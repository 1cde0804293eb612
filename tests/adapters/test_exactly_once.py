"""A redelivered platform update has no second effect; a failed one leaves no trace."""

from __future__ import annotations

from core.commands.interpreter import Answer
from core.model import IdeaStatus
from core.ports import Actor, ChatKind, ChatRef
from core.services import ideas
from tests.conftest import ConsoleWorld

ALICE = Actor("telegram:7", "Alice")
CHAT = ChatRef("telegram", "7", ChatKind.PRIVATE)


async def _propose(world: ConsoleWorld) -> Answer | None:
    interpreter = world.rt.interpreter

    async def handle() -> Answer:
        answer = await interpreter.handle_text(ALICE, CHAT, "/idea Hammock #garden")
        assert answer is not None
        return answer

    return await interpreter.exactly_once("telegram:update:41", handle)


async def test_same_update_twice_proposes_one_idea(world: ConsoleWorld) -> None:
    first = await _propose(world)
    await world.rt.interpreter.answered("telegram:update:41")
    second = await _propose(world)
    assert first is not None and "idea.proposed" in first.replies[0].body[0].key
    assert second is None
    found, _ = await ideas.browse(world.rt.ctx, (IdeaStatus.PENDING,), "new", 1)
    assert [idea.title for idea in found] == ["Hammock"]


async def test_refused_command_still_claims_its_update(world: ConsoleWorld) -> None:
    interpreter = world.rt.interpreter

    async def handle() -> Answer:
        answer = await interpreter.handle_text(ALICE, CHAT, "/approve 1")
        assert answer is not None
        return answer

    answer = await interpreter.exactly_once("telegram:update:42", handle)
    assert answer is not None and answer.replies[0].body[0].key == "error.not_moderator"
    await interpreter.answered("telegram:update:42")
    assert await interpreter.exactly_once("telegram:update:42", handle) is None
