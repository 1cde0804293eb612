"""The real Telegram adapter (wired like production) on a real SQLite file, against the fake
Bot API on 127.0.0.1; helpers make the tests read like chat transcripts. No tests here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.main import Runtime, runtime
from app.wiring import build_adapter
from bots.telegram_bot import Limits, TelegramAdapter
from config.settings import Settings
from core.clock import FakeClock
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import JSON, BotMessage, CallbackAnswer, FakeChat, FakeUser
from tests.conftest import UNLIMITED

TOKEN = "123456:TEST-token"
BOT = "wavebot_test_bot"
# Tests type at machine speed; a person cannot exceed ~1 message/s per chat. The real limits
# are exercised in test_telegram_delivery.py.
FAST = Limits(chat=1000, chat_period=1.0, group=1000, group_period=1.0)
# The fake clock stands still: the fair share (20 actions per 10 s) is lifted (`UNLIMITED`)
# unless `fair`.


@dataclass
class Heard:
    """What the bot posted while one update was processed, in sending order."""

    messages: list[BotMessage]
    toast: CallbackAnswer | None = None

    def in_(self, chat: FakeChat) -> list[BotMessage]:
        """The new messages in one chat."""
        return [m for m in self.messages if m.chat_id == chat.id]

    def text(self, chat: FakeChat) -> str:
        """The new messages in one chat as users read them."""
        return "\n".join(m.plain_text for m in self.in_(chat))


def buttons(message: BotMessage) -> dict[str, str]:
    """Label → callback data (or URL) of a message's inline keyboard."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data") or b.get("url", "") for row in rows for b in row}


@dataclass
class Chatroom:
    """The fake Telegram, the running adapter and the core behind it."""

    api: FakeTelegramAPI
    rt: Runtime
    adapter: TelegramAdapter
    clock: FakeClock
    owner: FakeUser
    task: asyncio.Task[None] | None = None
    seen: int = field(default=0)

    def private(self, user: FakeUser) -> FakeChat:
        """The user's private chat (exists once the user started the bot)."""
        return self.api.private_chat(user)

    def _heard_since(self, mark: int) -> list[BotMessage]:
        """Bot messages sent after operation number `mark`."""
        ops = self.api.operations[mark:]
        return [self.api.message(op.chat_id, op.message_id) for op in ops  # type: ignore[arg-type]
                if op.method == "sendMessage"]  # fmt: skip

    async def processed(self, update: JSON, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """An update is confirmed only once processed, so confirmation is our sync point."""
        await self.api.wait_for_confirmed(update, timeout)

    async def say(self, chat: FakeChat, user: FakeUser, text: str) -> Heard:
        """`user` writes `text` in `chat`; returns what the bot posted meanwhile."""
        mark = len(self.api.operations)
        await self.processed(self.api.push_message(chat, user, text))
        return Heard(self._heard_since(mark))

    async def press(self, chat: FakeChat, user: FakeUser, message: BotMessage, data: str) -> Heard:
        """`user` presses the button carrying `data` under `message`."""
        mark = len(self.api.operations)
        update = self.api.push_callback(chat, user, message.message_id, data)
        await self.processed(update)
        query_id = update["callback_query"]["id"]
        toast = next(a for a in self.api.callback_answers if a.callback_query_id == query_id)
        return Heard(self._heard_since(mark), toast)

    async def start(self) -> None:
        """Run the adapter in the background until stop()."""
        self.task = asyncio.create_task(self.adapter.run())
        await asyncio.wait_for(self.adapter.started.wait(), 10)

    async def stop(self) -> None:
        """Stop polling cleanly (the batch in hand is confirmed)."""
        if self.task is not None:
            self.adapter.stop()
            await asyncio.wait_for(self.task, 10)
            self.task = None


@asynccontextmanager
async def chatroom(
    tmp_path: Path,
    *,
    fast: bool = True,
    start: bool = True,
    fair: bool = False,
    options: dict[str, Any] | None = None,
    **api_options: Any,
) -> AsyncIterator[Chatroom]:
    """Fake server + runtime (owner = a Telegram user) + the adapter built by app.wiring;
    `options` are settings (WAVEBOT_… names in lower case)."""
    async with FakeTelegramAPI(TOKEN, bot_username=BOT, **api_options) as api:
        owner = api.add_user("Olivia", username="olivia")
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'tg.db'}",
            owners=f"telegram:{owner.id}",
            telegram_bot_token=api.token,
            telegram_api_url=api.base_url,
            **({} if fair else UNLIMITED),
            **(options or {}),
        )
        clock = FakeClock()
        async with runtime(settings, clock=clock) as rt:
            adapter = build_adapter(rt, "telegram")
            adapter.poller.timeout = 1  # quick shutdown of a pending long poll
            if fast:
                adapter.limiter.configure(FAST)
            room = Chatroom(api, rt, adapter, clock, owner)
            if start:
                await room.start()
            try:
                yield room
            finally:
                if room.task is not None and not room.task.done():
                    room.task.cancel()
                    await asyncio.gather(room.task, return_exceptions=True)
                await room.adapter.close()
