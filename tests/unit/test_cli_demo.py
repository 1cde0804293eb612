"""`wavebot demo` wiring: the console's delivery port must satisfy the whole Messenger port.

Found by driving the demo (test_cli.py): the wave-opened broadcast reaches the console as a live
card, and once the crowd moves the wave the card sweep calls Messenger.edit, which the console
messenger lacked: the demo printed "ERROR core.services.cards: editing card 1 failed" with an
AttributeError traceback in the middle of the transcript, again after every throttle window.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bots.console.session import PLATFORM
from core.ports import Actor, ChatKind, ChatRef
from core.services import cards, community
from tests.conftest import ConsoleWorld
from tests.texts import said


async def test_the_demo_card_sweep_runs_without_errors(
    world: ConsoleWorld, caplog: pytest.LogCaptureFixture
) -> None:
    owner = world.person("owner")
    actor = Actor(f"{PLATFORM}:owner", "Owner")
    chat = ChatRef(PLATFORM, "owner", ChatKind.PRIVATE, "console")
    await community.subscribe(world.rt.ctx, actor, chat, [])  # as run_demo does
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:30 10:25 7d")
    opened = said("announce.opened", id=1, title="Kettle", category="kitchen")
    assert any(opened in text for text in await world.deliver())
    await world.person("crowd1").say("/join 1")

    caplog.set_level(logging.ERROR)
    world.clock.advance(timedelta(minutes=1))
    await cards.refresh(world.rt.ctx, world.rt.messengers)
    assert [record.getMessage() for record in caplog.records] == []
