"""Fair share in the console (issue 13): a member who floods gets one polite notice, then silence
for the penalty, then is served again; everyone else is served all along."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.commands.interpreter import Interpreter
from core.ports import Actor, ChatKind, ChatRef
from tests.conftest import ConsoleWorld, _world
from tests.texts import said

PENALTY = 15  # seconds, the default WAVEBOT_SLOW_DOWN_SECONDS


def bot(key: str, lang: str = "en", /, **params: object) -> str:
    """A one-line answer as the console prints it."""
    return "bot> " + said(key, lang, **params)


async def test_a_flooder_is_told_once_then_ignored_while_others_are_served(
    fair_world: ConsoleWorld,
) -> None:
    flood, bob = fair_world.person("flood"), fair_world.person("bob")
    answers = [await flood.say("/waves") for _ in range(25)]
    assert answers[:20] == [bot("wave.none")] * 20
    assert answers[20] == bot("fairshare.slow_down", seconds=PENALTY)
    assert answers[21:] == [""] * 4  # dropped silently: no second notice
    assert await bob.say("/waves") == bot("wave.none")


async def test_after_the_penalty_the_member_is_served_again(fair_world: ConsoleWorld) -> None:
    flood = fair_world.person("flood")
    for _ in range(21):
        await flood.say("/help")
    fair_world.clock.advance(timedelta(seconds=PENALTY - 1))
    assert await flood.say("/waves") == ""
    fair_world.clock.advance(timedelta(seconds=1))
    assert await flood.say("/waves") == bot("wave.none")


async def test_a_press_over_the_budget_gets_the_notice(fair_world: ConsoleWorld) -> None:
    presser = fair_world.person("presser")
    await presser.say("/help")  # 1 action
    for _ in range(9):  # 18 more: the settings shown, the first button pressed
        await presser.say("/settings")
        assert await presser.say("1") == bot("settings.notify_on")
    await presser.say("/settings")  # the 20th action shows the buttons
    assert await presser.say("1") == bot("fairshare.slow_down", seconds=PENALTY)


@pytest.fixture
async def french_world(tmp_path: Path) -> AsyncIterator[ConsoleWorld]:
    """A community whose penalty is one second, to hear the singular."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'french.db'}"  # beside fair_world's database
    async for world in _world(url, {"slow_down_seconds": 1}):
        yield world


async def test_the_french_notice_agrees_with_its_number(
    fair_world: ConsoleWorld, french_world: ConsoleWorld
) -> None:
    for world, seconds, word in ((fair_world, PENALTY, "15 secondes"),
                                 (french_world, 1, "1 seconde,")):  # fmt: skip
        flood = world.person("flood", locale="fr")
        answers = [await flood.say("/aide") for _ in range(21)]
        assert answers[20] == bot("fairshare.slow_down", "fr", seconds=seconds)
        assert word in answers[20]


async def test_a_dropped_update_stays_handled_after_a_restart(fair_world: ConsoleWorld) -> None:
    """A redelivered update that was dropped is not run later, even when the limiter forgot."""
    interpreter = fair_world.rt.interpreter
    ann = Actor("console:ann", "Ann")
    dm = ChatRef("console", "ann", ChatKind.PRIVATE)
    for n in range(21):
        await interpreter.text_once(f"test:{n}", ann, dm, "/waves")
    assert await interpreter.text_once("test:21", ann, dm, "/idea Kettle #kitchen") is None
    restarted = Interpreter(fair_world.rt.ctx)  # a new process: the counts in memory are empty
    assert await restarted.text_once("test:21", ann, dm, "/idea Kettle #kitchen") is None
    async with fair_world.rt.ctx.db.read() as tx:
        assert await tx.get_idea(1) is None  # never proposed
    served = await restarted.text_once("test:22", ann, dm, "/idea Kettle #kitchen")
    assert served is not None and served.replies
