"""A simulated crowd for the demo: it joins the first open wave, then confirms or abandons.

The crowd is a small state machine (join → wait for the close → decide → done). `run()` paces
its steps over a few seconds so milestones can be watched; `catch_up()` does at once whatever
is due, which the demo's `/clock` calls before moving time. Decisions after a successful close
follow the category's abandonment rate (`core/services/payments.py` `abandonment_rate`), drawn
from a seeded random, so a run with the same seed and input gives the same counts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bots.i18n import render
from core.errors import DomainError
from core.messages import T, t
from core.model import PledgeStatus, WaveStatus
from core.payment_records import SIMULATED
from core.ports import Actor
from core.services import community, lifecycle, paying, payments, waves
from core.services.context import Context

PACE_SECONDS = 6.0  # the whole crowd joins in about this long, then decides in about as long
POLL_SECONDS = 0.5
WITHDRAW_SHARE = 0.5  # of those who abandon, how many say so; the others never answer


class Phase(Enum):
    """Where the crowd stands."""

    JOIN = "join"
    WAIT = "wait"
    PAY = "pay"
    DONE = "done"


@dataclass
class Tally:
    """What the crowd did."""

    joined: int = 0
    confirmed: int = 0
    withdrew: int = 0
    silent: int = 0


class Crowd:
    """N simulated console members (console:crowd-1 …) acting on the first open wave."""

    def __init__(
        self, ctx: Context, size: int, say: Callable[[str], None], seed: int = 1,
        seconds: float = PACE_SECONDS,
    ) -> None:  # fmt: skip
        self.ctx = ctx
        self.size = size
        self.say = say
        self.rng = random.Random(seed)
        self.pause = seconds / max(size, 1)
        self.phase = Phase.JOIN
        self.tally = Tally()
        self.wave_id: int | None = None
        self.rate = 0.0
        self._next = 0
        self._to_decide: list[Actor] = []
        self._lock = asyncio.Lock()

    def member(self, index: int) -> Actor:
        """The index-th simulated member."""
        return Actor(f"console:crowd-{index + 1}", f"Member {index + 1}")

    async def run(self) -> None:
        """In the background: one step at the crowd's pace, polling while nothing is due."""
        while self.phase is not Phase.DONE:
            acted = await self.step()
            await asyncio.sleep(self.pause if acted else POLL_SECONDS)

    async def settle(self) -> None:
        """At the crowd's pace until nothing is due (end of input: let it finish, visibly)."""
        while True:
            if not await self.step():
                return
            await asyncio.sleep(self.pause)

    async def catch_up(self) -> None:
        """Everything due now, at once: /clock calls this before each step of time."""
        async with self._lock:
            while await self._step():
                pass

    async def step(self) -> bool:
        """Do the next thing due now; False when nothing is due until time or the owner moves."""
        async with self._lock:
            return await self._step()

    async def _step(self) -> bool:
        """One action of the current phase."""
        if self.phase is Phase.JOIN:
            return await self._join_next()
        if self.phase is Phase.WAIT:
            return await self._watch()
        if self.phase is Phase.PAY:
            return await self._decide_next()
        return False

    async def _join_next(self) -> bool:
        """Find the first open wave, then one more member joins it."""
        if self.wave_id is None:
            found = await waves.open_waves(self.ctx, limit=1)
            if not found:
                return False
            self.wave_id = min(wave.id for wave in found)
            self._tell(t("demo.crowd_start", size=self.size, id=self.wave_id))
            return True
        if self._next >= self.size:
            return self._joined()
        actor = self.member(self._next)
        self._next += 1
        await community.set_notify(self.ctx, actor, False)  # their private messages stay quiet
        try:
            await waves.join(self.ctx, actor, self.wave_id)
        except DomainError as error:
            self._tell(t(error.key, **error.params))
            return self._joined()
        self.tally.joined += 1
        return True

    def _joined(self) -> bool:
        """Joining is over: say how many joined, then wait for the close."""
        self._tell(t("demo.crowd_done", joined=self.tally.joined, id=self.wave_id))
        self.phase = Phase.WAIT
        return True

    async def _watch(self) -> bool:
        """After the close: the members asked to confirm start deciding; otherwise the end."""
        assert self.wave_id is not None
        wave = await waves.get(self.ctx, self.wave_id)
        if wave.status in (WaveStatus.OPEN, WaveStatus.SCHEDULED, WaveStatus.CLOSED):
            return False
        if wave.status is not WaveStatus.SUCCEEDED:
            self.phase = Phase.DONE
            return False
        self._to_decide = await self._asked_to_confirm()
        self.rate = (await payments.outlook(self.ctx, wave.id)).rate
        self.phase = Phase.PAY if self._to_decide else Phase.DONE
        if self._to_decide:
            self._tell(t("demo.crowd_paying", asked=len(self._to_decide), id=wave.id,
                         rate=payments.percent(self.rate)))  # fmt: skip
        return bool(self._to_decide)

    async def _asked_to_confirm(self) -> list[Actor]:
        """The crowd members whose pledge awaits confirmation, in their order."""
        asked = []
        async with self.ctx.db.read() as tx:
            for index in range(self._next):
                actor = self.member(index)
                member = await tx.member_for_account(actor.account)
                pledge = await tx.get_pledge(self.wave_id or 0, member.id) if member else None
                if pledge is not None and pledge.status is PledgeStatus.AWAITING:
                    asked.append(actor)
        return asked

    async def _decide_next(self) -> bool:
        """One member confirms, or abandons at the category's rate (withdraws, or stays silent)."""
        assert self.wave_id is not None
        if not self._to_decide:
            self._tell(t("demo.crowd_paid", id=self.wave_id, confirmed=self.tally.confirmed,
                         withdrew=self.tally.withdrew, silent=self.tally.silent))  # fmt: skip
            self.phase = Phase.DONE
            return True
        actor = self._to_decide.pop(0)
        abandons, says_so = self.rng.random() < self.rate, self.rng.random() < WITHDRAW_SHARE
        try:
            if not abandons:
                await self._pay(actor)
                self.tally.confirmed += 1
            elif says_so:
                await payments.withdraw(self.ctx, actor, self.wave_id)
                self.tally.withdrew += 1
            else:
                self.tally.silent += 1
        except DomainError:  # the window closed before this member got round to it
            self.tally.silent += 1
        return True

    async def _pay(self, actor: Actor) -> None:
        """Pay through the simulated provider (the demo's), else confirm for a manual payment."""
        assert self.wave_id is not None
        if self.ctx.payments.for_account(actor.account).name == SIMULATED:
            await paying.simulate(self.ctx, actor, self.wave_id)
        else:
            await lifecycle.confirm(self.ctx, actor, self.wave_id)

    def _tell(self, text: T) -> None:
        """A crowd line in the console, in the community's language."""
        self.say(render(text, self.ctx.rules.default_lang))
