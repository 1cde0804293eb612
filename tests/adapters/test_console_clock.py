"""The demo's `/clock` as console transcripts: time moves, every due sweep runs, bad input is
refused and changes nothing, and outside the demo the command does not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.timetravel import steps
from bots.console.session import PLATFORM, ConsoleMessenger
from core.commands.demo import DEMO_COMMANDS
from core.commands.registry import REGISTRY
from core.errors import DomainError
from core.messages import t, until
from core.model import WaveStatus
from core.services import demo_time, waves
from tests.adapters.demo_world import demo_world
from tests.conftest import ConsoleWorld
from tests.texts import eur, rendered, said

WEEK = timedelta(days=7)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[ConsoleWorld]:
    """The demo's wiring, without a crowd."""
    async with demo_world(tmp_path / "d.db") as (world, _):
        yield world


async def launch_with_two_buyers(world: ConsoleWorld) -> None:
    """A kettle wave of 7 days that reaches its minimum of 2."""
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:30 2:25 7d min=2")
    await world.person("ana").say("/join 1")
    await world.person("bo").say("/join 1")
    await world.deliver()


def inbox(world: ConsoleWorld, name: str) -> list[str]:
    """Every private message delivered to this console person."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [text for chat, text in messenger.delivered if chat == name]


async def test_clock_alone_tells_the_demo_time(demo: ConsoleWorld) -> None:
    now = demo.rt.ctx.clock.now()
    assert await demo.person("owner").say("/clock") == "bot> " + said("demo.clock_now", now=now)
    french = await demo.person("zoe", "fr").say("/clock")
    assert french == "bot> " + said("demo.clock_now", "fr", now=now)


async def test_clock_plus_a_week_closes_the_wave_and_opens_the_payment_window(
    demo: ConsoleWorld,
) -> None:
    await launch_with_two_buyers(demo)
    start = demo.rt.ctx.clock.now()
    demo.broadcasts.clear()

    answer = await demo.person("owner").say("/clock +7d")

    assert answer == "bot> " + said("demo.clock_moved", now=start + WEEK, by=WEEK)
    assert demo.rt.ctx.clock.now() == start + WEEK
    shown = "\n".join(demo.broadcasts)
    reminder = said("announce.reminder", id=1, title="Kettle", units=2, price=eur(25))
    assert "📣 " + reminder in shown  # "24 hours left" came on the way
    wave = await waves.get(demo.rt.ctx, 1)
    assert wave.status is WaveStatus.SUCCEEDED
    ask = said("pay.ask", id=1, title="Kettle", price=eur(25))
    assert any(ask in text for text in inbox(demo, "ana"))  # the payment window is open


async def test_a_second_week_ends_the_payment_window(demo: ConsoleWorld) -> None:
    await launch_with_two_buyers(demo)
    owner, ana, cy = demo.person("owner"), demo.person("ana"), demo.person("cy")
    await cy.say("/join 1")
    await owner.say("/clock +7d")
    await ana.say("/confirm 1")
    await cy.say("/confirm 1")  # two confirmed: the minimum, so the wave completes
    await owner.say("/clock +2d")
    due = await _due(demo)
    reminder = said("pay.reminder", id=1, title="Kettle", price=eur(25), deadline=due,
                    left=until(due, demo.rt.ctx.clock.now()))  # fmt: skip
    assert any(reminder in text for text in inbox(demo, "bo"))  # 48 hours into the window
    assert not any(reminder in text for text in inbox(demo, "ana"))  # ana confirmed

    await owner.say("/clock +5d")

    assert (await waves.get(demo.rt.ctx, 1)).status is WaveStatus.COMPLETED
    assert any(said("pay.expired", id=1, title="Kettle") in text for text in inbox(demo, "bo"))


async def _due(world: ConsoleWorld) -> datetime:
    """When the payment window of wave 1 closes."""
    async with world.rt.ctx.db.read() as tx:
        window = await tx.payment_window(1)
    assert window is not None
    return window.due_at


@pytest.mark.parametrize(
    ("typed", "key", "params"),
    [
        ("soon", "error.clock_bad", {"value": "soon"}),
        ("+0d", "error.clock_bad", {"value": "+0d"}),
        ("+7x", "error.clock_bad", {"value": "+7x"}),
        ("+1d-2h", "error.clock_bad", {"value": "+1d-2h"}),
        ("-1d", "error.clock_backwards", {"value": "-1d"}),
        ("+400d", "error.clock_too_far", {"max": timedelta(days=366)}),
    ],
)
async def test_bad_steps_are_refused_and_time_stays(
    demo: ConsoleWorld, typed: str, key: str, params: dict[str, object]
) -> None:
    await launch_with_two_buyers(demo)
    before = demo.rt.ctx.clock.now()
    for lang, person in (("en", demo.person("owner")), ("fr", demo.person("owner", "fr"))):
        assert await person.say(f"/clock {typed}") == "bot> " + said(key, lang, **params)
    assert demo.rt.ctx.clock.now() == before
    assert (await waves.get(demo.rt.ctx, 1)).status is WaveStatus.OPEN


async def test_only_moderators_move_time(demo: ConsoleWorld) -> None:
    before = demo.rt.ctx.clock.now()
    answer = await demo.person("mallory").say("/clock +7d")
    assert answer == "bot> " + said("error.not_moderator")
    assert demo.rt.ctx.clock.now() == before


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+30m", timedelta(minutes=30)),
        ("+2h", timedelta(hours=2)),
        ("+7d", WEEK),
        ("+1d12h", timedelta(days=1, hours=12)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("+2j", timedelta(days=2)),
        ("+1w", WEEK),
    ],
)
async def test_steps_are_read_like_launch_durations(
    demo: ConsoleWorld, typed: str, expected: timedelta
) -> None:
    before = demo.rt.ctx.clock.now()
    answer = await demo.person("owner").say(f"/clock {typed}")
    assert answer == "bot> " + said("demo.clock_moved", now=before + expected, by=expected)


def test_a_jump_is_cut_into_ordered_steps() -> None:
    assert steps(timedelta(minutes=30)) == [timedelta(minutes=30)]
    assert steps(timedelta(hours=3)) == [timedelta(hours=1)] * 3
    week = steps(WEEK)
    assert len(week) == 48 and sum(week, timedelta()) == WEEK
    odd = steps(timedelta(hours=2, minutes=30))
    assert odd == [timedelta(hours=1), timedelta(hours=1), timedelta(minutes=30)]


async def test_help_lists_clock_only_in_the_demo(demo: ConsoleWorld, world: ConsoleWorld) -> None:
    row = rendered(DEMO_COMMANDS["clock"].usage)
    assert row in await demo.person("owner").say("/help")
    assert row not in await world.person("owner").say("/help")
    assert row in await demo.person("ana").say("/help")  # anyone reads the time; moving is checked


async def test_clock_is_unknown_outside_the_demo(world: ConsoleWorld) -> None:
    before = world.clock.now()
    for typed in ("/clock", "/clock +7d"):
        answer = await world.person("owner").say(typed)
        assert answer == "bot> " + said("error.unknown_command", name="clock")
    assert world.clock.now() == before
    with pytest.raises(DomainError) as refused:
        demo_time.demo_now(world.rt.ctx)
    assert refused.value.key == "error.unknown_command"


def test_clock_is_no_platform_command_and_reads_in_both_languages() -> None:
    assert "clock" not in REGISTRY  # Telegram menus and Discord slash commands come from REGISTRY
    spec = DEMO_COMMANDS["clock"]
    for lang in ("en", "fr"):
        assert rendered(spec.usage, lang).startswith("/clock ["), lang
        assert rendered(t(spec.help_key), lang)
    assert "+durée" in rendered(spec.usage, "fr")


async def test_a_french_owner_reads_the_move_in_french(demo: ConsoleWorld) -> None:
    before = demo.rt.ctx.clock.now()
    shift = timedelta(days=1, hours=12)
    answer = await demo.person("owner", "fr").say("/clock +1j12h")
    assert answer == "bot> " + said("demo.clock_moved", "fr", now=before + shift, by=shift)
    assert "1\xa0jour 12\xa0heures" in answer
