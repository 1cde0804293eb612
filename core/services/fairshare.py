"""Fair share: one member or one chat cannot take more than its budget of commands and presses.

The rule (docs/ARCHITECTURE.md §7, "Fair share"): a member may make `member` actions (typed
commands and button presses) per period, and a group chat may receive `chat` typed commands per
period. The action that goes over a budget is answered once with a "slow down" notice; the
member's (or the chat's) next actions are dropped unanswered until the penalty ends, then served
normally. The counts live in this process's memory and follow the injected clock, so the demo's
`/clock` and the tests' fake clock move them like every other rule of the core.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from core.clock import Clock
from core.ports import Actor, ChatKind, ChatRef

FORGET_AT = 10_000  # keys kept before idle ones are forgotten, so memory stays bounded


@dataclass(frozen=True)
class Budget:
    """At most `actions` within any moving window of `period`."""

    actions: int
    period: timedelta


@dataclass(frozen=True)
class FairShareRules:
    """The budgets (None: no limit); a member's is the one a flooder meets, a group's must fit a
    crowd typing in it."""

    member: Budget | None = Budget(20, timedelta(seconds=10))
    chat: Budget | None = Budget(60, timedelta(seconds=10))
    penalty: timedelta = timedelta(seconds=15)


class Outcome(Enum):
    """What the interpreter does with one action."""

    SERVE = "serve"
    WARN = "warn"  # over the budget just now: answer the notice, nothing else
    DROP = "drop"  # inside a penalty: record the update as handled, answer nothing


@dataclass(frozen=True)
class Verdict:
    """The outcome; a notice carries whose budget it was and how long to wait."""

    outcome: Outcome
    notice: str = ""  # catalogue key of the notice (WARN only)
    wait: timedelta = timedelta(0)

    @property
    def seconds(self) -> int:
        """The wait in whole seconds, rounded up (never promise less than the truth)."""
        return max(1, math.ceil(self.wait.total_seconds()))


SERVED = Verdict(Outcome.SERVE)
DROPPED = Verdict(Outcome.DROP)


@dataclass
class _Log:
    """One key's admitted actions in the moving window, and the end of its penalty."""

    times: deque[datetime] = field(default_factory=deque)
    penalty_until: datetime | None = None

    def idle(self, now: datetime, period: timedelta) -> bool:
        """Nothing to remember any more."""
        self._expire(now, period)
        return not self.times and not self.penalised(now)

    def penalised(self, now: datetime) -> bool:
        """Inside the penalty window."""
        return self.penalty_until is not None and now < self.penalty_until

    def room(self, now: datetime, budget: Budget) -> bool:
        """One more action fits the moving window."""
        self._expire(now, budget.period)
        return len(self.times) < budget.actions

    def _expire(self, now: datetime, period: timedelta) -> None:
        """Forget actions older than the window."""
        while self.times and self.times[0] <= now - period:
            self.times.popleft()


class FairShare:
    """The in-memory counts of one process; `admit` is asked once per command or press."""

    def __init__(self, rules: FairShareRules, clock: Clock) -> None:
        self.rules = rules
        self.clock = clock
        self._members: dict[str, _Log] = {}
        self._chats: dict[str, _Log] = {}
        self._sweep_at = FORGET_AT

    def admit(self, actor: Actor, chat: ChatRef, *, typed: bool) -> Verdict:
        """Serve, warn once, or drop this action; only served actions are counted."""
        rules = self.rules
        if rules.member is None and rules.chat is None:
            return SERVED
        now = self.clock.now()
        logs: list[tuple[_Log, Budget, str]] = []
        if rules.member is not None:
            member = self._log(self._members, actor.account, now)
            logs.append((member, rules.member, "fairshare.slow_down"))
        if rules.chat is not None and typed and chat.kind is not ChatKind.PRIVATE:
            group = self._log(self._chats, f"{chat.platform}:{chat.chat_id}", now)
            logs.append((group, rules.chat, "fairshare.chat_slow_down"))
        if any(log.penalised(now) for log, _, _ in logs):
            return DROPPED
        for log, budget, notice in logs:
            if not log.room(now, budget):
                return self._penalise(log, now, notice)
        for log, _, _ in logs:
            log.times.append(now)
        return SERVED

    def _penalise(self, log: _Log, now: datetime, notice: str) -> Verdict:
        """Start the penalty; the window starts empty after it."""
        log.penalty_until = now + self.rules.penalty
        log.times.clear()
        return Verdict(Outcome.WARN, notice, self.rules.penalty)

    def _log(self, table: dict[str, _Log], key: str, now: datetime) -> _Log:
        """The key's log, created on first use; idle logs go once there are many."""
        found = table.get(key)
        if found is not None:
            return found
        if len(table) >= self._sweep_at:
            self._forget_idle(now)
        found = table[key] = _Log()
        return found

    def _forget_idle(self, now: datetime) -> None:
        """Drop the logs with nothing to remember; sweep again only when the tables double."""
        budgets = [budget for budget in (self.rules.member, self.rules.chat) if budget]
        period = max((budget.period for budget in budgets), default=timedelta(0))
        for table in (self._members, self._chats):
            for key in [key for key, log in table.items() if log.idle(now, period)]:
                del table[key]
        self._sweep_at = max(FORGET_AT, 2 * max(len(self._members), len(self._chats)))
