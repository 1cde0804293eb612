"""The end of a wave as chat transcripts, in English and French: each audience hears the truth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.main import runtime
from bots.console.session import PLATFORM, ConsoleMessenger
from config.settings import Settings
from core.clock import FakeClock
from core.messages import until
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, lifecycle, payments
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

LANGS = ["en", "fr"]
OWNER = Actor(f"{PLATFORM}:owner", "Owner")
NAMES = ("ana", "bo", "cy", "dee", "eve")


@pytest.fixture(params=LANGS)
async def town(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ConsoleWorld]:
    """A console community whose default language (and so its moderators' chat) is en or fr."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                        owners="console:owner", lang=request.param)  # fmt: skip
    clock = FakeClock()
    async with runtime(settings, clock=clock) as rt:
        world = ConsoleWorld(rt, clock)
        rt.messengers[PLATFORM] = ConsoleMessenger(world.broadcasts.append, "owner")
        yield world


def lang_of(world: ConsoleWorld) -> str:
    """The community language this transcript runs in."""
    return world.rt.settings.lang


def inbox(world: ConsoleWorld, chat: str) -> list[str]:
    """Every message the console messenger delivered to this chat."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [text for to, text in messenger.delivered if to == chat]


async def wave_in_window(
    world: ConsoleWorld, buyers: int, moq: int, extra: str = ""
) -> tuple[Person, list[Person], datetime]:
    """Owner's chat subscribed, a "mods" moderation chat, a backpack wave closed with success."""
    lang = lang_of(world)
    owner = world.person("owner")
    await owner.say(f"/lang {lang}")
    await owner.say("/subscribe")
    await community.register_modchat(world.rt.ctx, OWNER,
                                     ChatRef(PLATFORM, "mods", ChatKind.GROUP, "mods"))  # fmt: skip
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 3:80 10:60 2d min=" + str(moq))
    people = [world.person(name) for name in NAMES[:buyers]]
    for person in people:
        await person.say(f"/lang {lang}")
        await person.say("/join 1")
    if extra:
        await world.person("zed").say(extra)
    due = world.clock.now() + payments.CONFIRM_WINDOW
    await lifecycle.close(world.rt.ctx, OWNER, 1)  # by the service: /close asks to confirm
    await world.rt.dispatcher.sweep()
    return owner, people, due


async def sweep(world: ConsoleWorld) -> None:
    """What the clock does every few minutes: the payment sweep, then the outbox."""
    await world.rt.clockwork.sweep_payments()
    await world.rt.dispatcher.sweep()


async def test_five_pledged_one_confirmed_minimum_three_fails(town: ConsoleWorld) -> None:
    lang = lang_of(town)
    owner, (ana, bo, *_), _ = await wave_in_window(town, buyers=5, moq=3)
    await ana.say("/confirm 1")
    town.clock.advance(payments.CONFIRM_WINDOW)
    await sweep(town)

    failed = dict(id=1, title="Backpack", confirmed=1, moq=3)
    assert inbox(town, "ana")[-1] == said("pay.failed", lang, **failed)
    for name in NAMES[1:]:
        assert inbox(town, name)[-1] == said("pay.expired", lang, id=1, title="Backpack")
    assert inbox(town, "owner")[-1] == said("announce.failed_confirmations", lang, **failed)
    counts = said("pay.outlook_counts", lang, confirmed=1, confirmed_units=1, awaiting=0,
                  awaiting_units=0, abandoned=4, abandoned_units=4)  # fmt: skip
    why = said("pay.mod_failed", lang, abandoned=4, **failed)
    assert inbox(town, "mods") == [f"{why}\n{counts}"]

    completed = said("pay.result_completed", lang, units=5, price=eur(80))
    heard = [text for chat in ("ana", "bo", "owner", "mods") for text in inbox(town, chat)]
    assert not [text for text in heard if completed in text]
    shown = await owner.say("/wave 1")
    assert completed not in shown
    assert said("pay.outlook_outcome_failed", lang, confirmed=1, moq=3) in shown
    assert said("pay.outlook_outcome_failed", lang, confirmed=1, moq=3) not in await bo.say(
        "/wave 1"
    )


async def test_enough_confirmations_complete_at_the_close_price(town: ConsoleWorld) -> None:
    lang = lang_of(town)
    owner, (ana, bo, _), _ = await wave_in_window(town, buyers=3, moq=2)
    await ana.say("/confirm 1")
    await bo.say("/confirm 1")
    town.clock.advance(payments.CONFIRM_WINDOW)
    await sweep(town)

    done = dict(id=1, title="Backpack", units=2, price=eur(80))  # 2 paid, still 80 € each
    assert inbox(town, "ana")[-1] == said("pay.completed", lang, **done)
    assert inbox(town, "bo")[-1] == said("pay.completed", lang, **done)
    assert inbox(town, "cy")[-1] == said("pay.expired", lang, id=1, title="Backpack")
    assert inbox(town, "owner")[-1] == said("announce.completed", lang, **done)
    why = said("pay.mod_completed", lang, id=1, title="Backpack", confirmed=2, moq=2,
               price=eur(80))  # fmt: skip
    assert inbox(town, "mods")[-1].startswith(why + "\n")
    assert said("pay.outlook_outcome_completed", lang, confirmed=2, moq=2) in await owner.say(
        "/wave 1"
    )


async def test_moderators_alerted_once_with_counts_and_a_suggestion(town: ConsoleWorld) -> None:
    lang = lang_of(town)
    _, (_, bo, cy, _), due = await wave_in_window(town, buyers=4, moq=3)
    await sweep(town)
    assert inbox(town, "mods") == []  # 3 expected of 3 needed
    await bo.say("/withdraw 1")
    await town.rt.dispatcher.sweep()
    alert = "\n".join([
        said("pay.alert", lang, id=1, title="Backpack", expected=2, moq=3),
        said("pay.outlook_counts", lang, confirmed=0, confirmed_units=0, awaiting=3,
             awaiting_units=3, abandoned=1, abandoned_units=1),
        said("pay.alert_hint", lang, deadline=due, moq=3, every=timedelta(hours=48)),
    ])  # fmt: skip
    assert inbox(town, "mods") == [alert]
    await cy.say("/withdraw 1")
    town.clock.advance(timedelta(hours=48))
    await sweep(town)
    assert inbox(town, "mods") == [alert]
    left = until(due, town.clock.now())
    reminder = said("pay.reminder", lang, id=1, title="Backpack", price=eur(80), deadline=due,
                    left=left)  # fmt: skip
    assert inbox(town, "ana")[-1] == reminder  # the sweep went on reminding, without re-alerting


async def test_moderators_read_confirmed_awaiting_and_dropped_on_the_wave(
    town: ConsoleWorld,
) -> None:
    lang = lang_of(town)
    owner, (ana, bo, cy), due = await wave_in_window(town, buyers=3, moq=3, extra="/join 1 1 70")
    await ana.say("/confirm 1")
    await bo.say("/withdraw 1")
    shown = await owner.say("/wave 1")
    expected = [
        said("pay.outlook_head", lang, id=1, units=3, price=eur(80)),
        said("pay.outlook_counts", lang, confirmed=1, confirmed_units=1, awaiting=1,
             awaiting_units=1, abandoned=1, abandoned_units=1),
        said("pay.outlook_dropped", lang, dropped=1, dropped_units=1),
        said("pay.outlook_minimum", lang, moq=3),
        said("pay.outlook_due", lang, deadline=due),
        said("pay.outlook_short", lang),
    ]  # fmt: skip
    for line in expected:
        assert line in shown
    assert said("pay.outlook_dropped", lang, dropped=1, dropped_units=1) not in await cy.say(
        "/wave 1"
    )
