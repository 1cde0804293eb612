"""The live hub alone: a burst of commits costs one read, unchanged numbers send nothing, a
stalled page keeps only the latest numbers, and the hub stops when nobody watches."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bots.web.live import LiveHub
from bots.web.pages import PublicSite
from bots.web.texts import Reader
from core.clock import FakeClock
from core.model import Tier, Wave, WaveStatus
from core.services.context import Context
from core.services.public import WavePage
from core.views import CardFacts, TalkSummary

OPENED = datetime(2026, 1, 1, tzinfo=UTC)
WAVE = Wave(id=1, idea_id=None, title="Kettle", description="", category="kitchen",
            currency="EUR", tiers=(Tier(1, 100), Tier(50, 90)), moq=50, capacity=None,
            per_member_max=1, opens_at=OPENED, closes_at=OPENED + timedelta(days=7),
            status=WaveStatus.OPEN, created_by=1)  # fmt: skip


class Store:
    """The waves as committed, and every read the hub made."""

    def __init__(self) -> None:
        self.waves = {1: WAVE}
        self.reads: list[list[int]] = []

    async def read(self, ids: Iterable[int]) -> dict[int, Wave]:
        asked = list(ids)
        self.reads.append(asked)
        return {wave_id: self.waves[wave_id] for wave_id in asked if wave_id in self.waves}


async def test_a_burst_of_commits_is_read_once_and_sent_once() -> None:
    store = Store()
    hub = LiveHub(store.read, asyncio.Event(), delay=0.05, poll=60)
    page = hub.subscribe(WAVE)
    store.waves[1] = replace(WAVE, units=3, pledgers=3)
    for _ in range(100):
        hub.committed()
    assert (await asyncio.wait_for(page.get(), 10)).units == 3
    assert store.reads == [[1]]
    assert await hub.publish() == 0 and page.empty()  # the same numbers again: nothing sent
    hub.unsubscribe(1, page)
    assert hub.task is not None
    await asyncio.wait_for(hub.task, 10)  # nobody watches: the hub's loop ends
    hub.committed()  # and commits no longer wake anything
    assert not hub.changed.is_set()


async def test_a_stalled_page_keeps_only_the_latest_numbers() -> None:
    store = Store()
    hub = LiveHub(store.read, asyncio.Event(), delay=0.05, poll=60)
    page = hub.subscribe(WAVE)
    for units in range(1, 21):
        store.waves[1] = replace(WAVE, units=units, pledgers=units)
        await hub.publish()
    kept = [page.get_nowait().units for _ in range(page.qsize())]
    assert kept[-1] == 20 and len(kept) <= 8
    hub.unsubscribe(1, page)
    if hub.task is not None:
        await asyncio.wait_for(hub.task, 10)


def test_every_state_of_a_wave_renders_its_page_in_french() -> None:
    site = PublicSite(Context(db=None, clock=FakeClock()), asyncio.Event())  # type: ignore[arg-type]
    template = site.templates.get_template("wave.html")
    for status in WaveStatus:
        final = (
            (3500, 60) if status in (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED) else (None, None)
        )
        wave = replace(WAVE, status=status, units=60, pledgers=40, final_price_cents=final[0],
                       final_units=final[1])  # fmt: skip
        found = WavePage(wave, wave, CardFacts(), TalkSummary(), [], [], None)
        reader = Reader("fr", "Europe/Paris")
        page = template.render(**reader.globals(), base="https://w.example",
                               **site.wave_values(found, reader, OPENED))  # fmt: skip
        assert '<h1 id="title">Kettle</h1>' in page, status
        assert ('id="countdown"' in page) is (status is WaveStatus.OPEN), status
        starts = reader.text("wave.card_price_from", price=wave.money(100))
        assert (starts in page) is (status is WaveStatus.SCHEDULED), status
