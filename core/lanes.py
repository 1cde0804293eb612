"""Priority lanes of a platform's send budget: answers first, then chat broadcasts, then DMs.

The policy is pure (no clock, no asyncio) so tests can drive it grant by grant; the adapters'
pacers (`bots/pacing.py`) decide *when* a send may go, `LaneQueue` decides *who* goes next.
See docs/ARCHITECTURE.md §6 "Priority lanes" and docs/RELIABILITY.md for the bounds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Lane(IntEnum):
    """Who is waiting for a send, most urgent first."""

    INTERACTIVE = 0  # an answer to an update: a person is looking at the chat
    BROADCAST = 1  # a delivery to a subscribed group or channel (no member)
    PRIVATE = 2  # a delivery to one member


# The lane of the send being made in this task. The dispatcher sets it around each delivery;
# anything else (an adapter answering an update) sends as INTERACTIVE.
SENDING_LANE: ContextVar[Lane] = ContextVar("sending_lane", default=Lane.INTERACTIVE)

# A waiting lower lane is served at least once every N grants, whatever waits above it.
GUARANTEED_EVERY: Mapping[Lane, int] = {Lane.BROADCAST: 4, Lane.PRIVATE: 8}


@contextmanager
def sending_in(lane: Lane) -> Iterator[None]:
    """Sends made inside this block (in this task) wait in `lane`."""
    token = SENDING_LANE.set(lane)
    try:
        yield
    finally:
        SENDING_LANE.reset(token)


def delivery_lane(member_id: int | None) -> Lane:
    """A delivery without a member goes to a chat (broadcast); with one, to a person."""
    return Lane.BROADCAST if member_id is None else Lane.PRIVATE


class LaneQueue(Generic[T]):
    """Strict priority between lanes, FIFO within one, and no starvation: a lower lane that has
    waited `every[lane]` grants without being served takes the next one."""

    def __init__(self, every: Mapping[Lane, int] = GUARANTEED_EVERY) -> None:
        """`every`: for each lower lane, the largest number of grants its head may wait."""
        self.every = dict(every)
        self._waiting: dict[Lane, deque[T]] = {lane: deque() for lane in Lane}
        self._passed_over: dict[Lane, int] = dict.fromkeys(Lane, 0)

    def __len__(self) -> int:
        """How many wait, all lanes together."""
        return sum(len(queue) for queue in self._waiting.values())

    def push(self, lane: Lane, item: T) -> None:
        """Queue an item at the back of its lane."""
        self._waiting[lane].append(item)

    def discard(self, lane: Lane, item: T) -> None:
        """Forget an item that stopped waiting (a cancelled send)."""
        queue = self._waiting[lane]
        if item in queue:
            queue.remove(item)
            if not queue:
                self._passed_over[lane] = 0

    def pop(self) -> T:
        """The item served next; IndexError when nothing waits."""
        lane = self._next_lane()
        item = self._waiting[lane].popleft()
        for other, queue in self._waiting.items():
            waited = other != lane and bool(queue)
            self._passed_over[other] = self._passed_over[other] + 1 if waited else 0
        return item

    def _next_lane(self) -> Lane:
        """An overdue lower lane (the most urgent of them), else the most urgent lane waiting."""
        waiting = [lane for lane in Lane if self._waiting[lane]]
        if not waiting:
            raise IndexError("nothing waits")
        for lane in waiting[1:]:
            if self._passed_over[lane] + 1 >= self.every.get(lane, 1):
                return lane
        return waiting[0]
