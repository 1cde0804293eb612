"""The broadcast-under-load crowd: members, the flooder, and the group watch (timestamps)."""

from __future__ import annotations

import asyncio
import re
import time

from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import FakeChat, FakeUser

MEMBERS = 120
BY_BUTTON = 0.4
ARRIVAL_SECONDS = 3.0  # the crowd's joins arrive over this long
FLOOD_PER_SECOND = 50
_ALREADY = re.compile(r"Already (\d+) in wave")


def people(api: FakeTelegramAPI) -> tuple[FakeChat, list[FakeUser], FakeUser]:
    """The group, the members (each has started the bot), and the flooder."""
    group = api.add_chat("supergroup", "Buyers")
    users = [api.add_user(f"Member {n}", user_id=700_000 + n) for n in range(MEMBERS)]
    flooder = api.add_user("Flood", user_id=799_999)
    for user in [*users, flooder]:
        api.private_chat(user)
    return group, users, flooder


class GroupWatch:
    """Notes the moment each milestone message lands in the group (the fake's own notify)."""

    def __init__(self, api: FakeTelegramAPI, group: FakeChat, expected: int) -> None:
        self.api, self.group = api, group
        self.seen = 0
        self.arrived: dict[int, float] = {}
        self.order: list[int] = []
        self.expected = expected

    def all_arrived(self) -> bool:
        """Called by the fake after every request: stamp new group messages."""
        messages = self.api.messages(self.group)
        for message in messages[self.seen :]:
            if match := _ALREADY.search(message.plain_text):
                count = int(match.group(1))
                self.arrived.setdefault(count, time.time())
                self.order.append(count)
        self.seen = len(messages)
        return len(self.arrived) >= self.expected


async def flood(api: FakeTelegramAPI, flooder: FakeUser, stop: asyncio.Event) -> int:
    """`/waves` 50 times a second in private until told to stop; how many were sent."""
    chat = api.private_chat(flooder)
    sent = 0
    started = time.perf_counter()
    while not stop.is_set():
        api.push_message(chat, flooder, "/waves")
        sent += 1
        ahead = started + sent / FLOOD_PER_SECOND - time.perf_counter()
        if ahead > 0:
            await asyncio.sleep(ahead)
    return sent


def typers(users: list[FakeUser]) -> list[FakeUser]:
    """The members who type /join in private (the others press the button)."""
    return [user for n, user in enumerate(users) if n % 5 >= 5 * BY_BUTTON]


async def crowd(api: FakeTelegramAPI, group: FakeChat, users: list[FakeUser], card: int,
                 wave: int) -> int:  # fmt: skip
    """Every member joins once: 2 in 5 press the card's button, the others type /join; the
    last update's id."""
    typing = set(map(id, typers(users)))
    for user in users:
        if id(user) in typing:
            update = api.push_message(api.private_chat(user), user, f"/join {wave}")
        else:
            update = api.push_callback(group, user, card, f"join:{wave}")
        await asyncio.sleep(ARRIVAL_SECONDS / len(users))
    return int(update["update_id"])
