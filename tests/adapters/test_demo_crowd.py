"""The demo's simulated crowd: it joins, and after a successful close confirms or abandons at the
category's abandonment rate, reproducibly for a seed; its private messages stay off the console."""

from __future__ import annotations

from pathlib import Path

from app.crowd import Phase, Tally
from bots.console.session import PLATFORM, ConsoleMessenger
from core.model import PledgeStatus, WaveStatus
from core.ports import Actor
from core.services import lifecycle, payments, waves
from tests.adapters.demo_world import demo_world
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

OWNER = Actor(f"{PLATFORM}:owner", "Owner")


async def launched(world: ConsoleWorld, moq: int = 10) -> None:
    """A lamp wave of a week that happens from `moq` units."""
    owner = world.person("owner")
    await owner.say("/idea Desk lamp #office")
    await owner.say("/approve 1")
    await owner.say(f"/launch 1 1:40 20:35 7d min={moq}")


async def tally_of(world: ConsoleWorld) -> dict[PledgeStatus, int]:
    """Pledgers of wave 1 by status, as the database has them."""
    async with world.rt.ctx.db.read() as tx:
        return {status: count for status, (count, _) in (await tx.pledge_tally(1)).items()}


async def crowd_after_close(path: Path, seed: int, size: int = 60) -> tuple[Tally, list[str]]:
    """Launch, let the crowd join, close, let it decide; what it did and what it said."""
    lines: list[str] = []
    async with demo_world(path, crowd=size, seed=seed, said=lines) as (world, crowd):
        assert crowd is not None
        await launched(world)
        await crowd.catch_up()
        await lifecycle.close(world.rt.ctx, OWNER, 1)
        await crowd.catch_up()
        assert crowd.phase is Phase.DONE
        statuses = await tally_of(world)
        assert statuses.get(PledgeStatus.CONFIRMED, 0) == crowd.tally.confirmed
        assert statuses.get(PledgeStatus.ABANDONED, 0) == crowd.tally.withdrew
        assert statuses.get(PledgeStatus.AWAITING, 0) == crowd.tally.silent
        return crowd.tally, lines


async def test_the_crowd_confirms_or_abandons_at_the_categorys_rate(tmp_path: Path) -> None:
    tally, lines = await crowd_after_close(tmp_path / "a.db", seed=7)

    assert tally.joined == 60
    assert tally.confirmed + tally.withdrew + tally.silent == 60
    abandoned = tally.withdrew + tally.silent
    assert 1 <= abandoned <= 20  # the prior rate is 15 %: about 9 of 60
    assert lines == [
        said("demo.crowd_start", size=60, id=1),
        said("demo.crowd_done", joined=60, id=1),
        said("demo.crowd_paying", asked=60, id=1, rate=15),
        said("demo.crowd_paid", id=1, confirmed=tally.confirmed, withdrew=tally.withdrew,
             silent=tally.silent),
    ]  # fmt: skip


async def test_the_same_seed_gives_the_same_choices(tmp_path: Path) -> None:
    first, _ = await crowd_after_close(tmp_path / "a.db", seed=3)
    again, _ = await crowd_after_close(tmp_path / "b.db", seed=3)
    assert first == again
    others = [(await crowd_after_close(tmp_path / f"s{seed}.db", seed=seed))[0] for seed in (4, 5)]
    assert any(other != first for other in others)  # the seed is what decides


async def test_the_silent_ones_abandon_when_the_window_ends(tmp_path: Path) -> None:
    async with demo_world(tmp_path / "w.db", crowd=40, seed=2) as (world, crowd):
        assert crowd is not None
        await launched(world)
        owner = world.person("owner")
        await owner.say("/clock +7d")  # the crowd joins first, then the wave closes
        wave = await waves.get(world.rt.ctx, 1)
        assert wave.status is WaveStatus.SUCCEEDED and wave.units == 40
        await owner.say("/clock +7d")  # the crowd decides before time moves; the window ends

        assert (await waves.get(world.rt.ctx, 1)).status is WaveStatus.COMPLETED
        statuses = await tally_of(world)
        assert statuses.get(PledgeStatus.AWAITING, 0) == 0
        abandoned = crowd.tally.withdrew + crowd.tally.silent
        assert statuses[PledgeStatus.ABANDONED] == abandoned
        assert statuses[PledgeStatus.CONFIRMED] == crowd.tally.confirmed
        outlook = await payments.outlook(world.rt.ctx, 1)
        assert outlook.decided_in_category == 40
        stats = await owner.say("/stats")
        assert "#office: 1 wave" in stats and f"({abandoned}/40)" in stats, stats


async def test_the_crowds_private_messages_stay_off_the_console(tmp_path: Path) -> None:
    async with demo_world(tmp_path / "q.db", crowd=30, seed=1) as (world, crowd):
        assert crowd is not None
        await launched(world)
        await world.person("owner").say("/clock +7d")
        await crowd.catch_up()
        await world.person("owner").say("/clock +7d")
        messenger = world.rt.messengers[PLATFORM]
        assert isinstance(messenger, ConsoleMessenger)
        private = [text for chat, text in messenger.delivered if chat.startswith("crowd-")]
        ask = said("pay.ask", id=1, title="Desk lamp", price=eur(35))
        assert any(ask in text for text in private)  # the crowd was asked, in private
        printed = "\n".join(world.broadcasts)
        assert ask not in printed and not any(text in printed for text in private)


async def test_a_failed_wave_leaves_the_crowd_nothing_to_decide(tmp_path: Path) -> None:
    async with demo_world(tmp_path / "f.db", crowd=5, seed=1) as (world, crowd):
        assert crowd is not None
        await launched(world, moq=50)
        await world.person("owner").say("/clock +7d")
        assert (await waves.get(world.rt.ctx, 1)).status is WaveStatus.FAILED
        await crowd.catch_up()
        assert crowd.phase is Phase.DONE
        assert crowd.tally == Tally(joined=5)


async def test_a_crowd_waits_for_a_wave_to_open(tmp_path: Path) -> None:
    async with demo_world(tmp_path / "o.db", crowd=5) as (world, crowd):
        assert crowd is not None
        assert await crowd.step() is False  # nothing open: nothing due
        await launched(world)
        await crowd.catch_up()
        assert crowd.tally.joined == 5 and crowd.phase is Phase.WAIT
        assert await crowd.step() is False  # open until its deadline
