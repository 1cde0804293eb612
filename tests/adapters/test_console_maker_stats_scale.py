"""/stats categories at scale: the database counts, so the store never reads one row per wanter
however many wanted a launched idea, and the table is what counting every wanter gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from sqlalchemy.engine import Result
from sqlalchemy.sql import Executable

from storage import tx_creator
from storage.sql_base import TxBase
from tests.adapters.test_console_maker_stats import _row
from tests.conftest import ConsoleWorld

WANTERS = 24


async def test_categories_never_read_a_row_per_wanter(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = world.person("owner")
    await owner.say("/idea Desk lamp #office")
    await owner.say("/approve 1")
    await owner.say("/idea Garden hose #garden")
    await owner.say("/approve 2")
    for n in range(WANTERS):  # half at most 45 €, half at most 38 €; the hose: any price
        await world.person(f"fan{n}").say(f"/want 1 {45 if n % 2 else 38}")
        await world.person(f"fan{n}").say("/want 2")
    await owner.say("/launch 1 1:40 3:35 2d min=1")
    await owner.say("/launch 2 1:20 2d min=1")
    for n in range(6):
        await world.person(f"fan{n}").say("/join 1")
    monkeypatch.setattr(tx_creator, "RATIO_PAGE", 1)  # one wave a page: the paging is used

    read: list[int] = []
    original = TxBase._exec

    async def counted(
        self: TxBase, statement: Executable, params: Sequence[Mapping[str, Any]] | None = None
    ) -> Result[Any]:
        result = await original(self, statement, params)
        if not result.returns_rows:
            return result
        frozen = result.freeze()
        read.append(len(frozen.data))
        return frozen()

    monkeypatch.setattr(TxBase, "_exec", counted)
    shown = await owner.say("/stats categories")
    monkeypatch.undo()

    office = _row(
        category="office",
        median=104,
        stated=WANTERS,
        wanters=WANTERS,
        pledged=25,
        pledgers=0,
        paid=None,
        abandonment=None,
    )  # 95 % and 112 %: 103.5 rounds to 104
    garden = _row(category="garden", median=None, stated=0, wanters=WANTERS, pledged=0,
                  pledgers=0, paid=None, abandonment=None)  # fmt: skip
    assert office in shown and garden in shown, shown
    assert read and max(read) < WANTERS // 2, read  # grouped: a few rows per query
