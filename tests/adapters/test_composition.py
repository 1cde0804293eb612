"""The composition root as `wavebot run` runs it: app.main.run_bots with both adapters and the
real scheduler, against the fake Telegram and Discord APIs on 127.0.0.1 and a real SQLite file.

Nothing here calls the dispatcher or the card sweep by hand: broadcasts and card edits must come
from Clockwork. The only test knobs are the adapter options run_bots accepts (a short Discord
guild_ready_timeout and backoff) and the process-wide discord.py globals, restored afterwards.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from app.main import run_bots
from bots.discord_bot import WaveClient
from config.settings import Settings
from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.discord_interactions import InteractionHandle
from devtools.fakes.discord_models import FakeChannel, FakeGuild, RecordedMessage
from devtools.fakes.discord_models import FakeUser as DiscordUser
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import JSON, BotMessage, FakeChat
from devtools.fakes.telegram_models import FakeUser as TelegramUser
from tests.adapters.test_discord_support import answered, buttons_of, text_of
from tests.adapters.test_telegram_harness import buttons
from tests.texts import eur, said, said_html, said_markdown

TG_TOKEN = "424242:composition-TEST"
DC_TOKEN = "composition-discord-token"
BOT = "wavebot_composition_bot"
# Only what production cannot know: the fake sends its guilds at once, so do not wait 2 s.
OPTIONS = {"discord": {"guild_ready_timeout": 0.05, "backoff": (0.05, 0.4)}}
SETTING_VARIABLES = ("WAVEBOT_DATABASE_URL", "WAVEBOT_OWNERS", "TELEGRAM_BOT_TOKEN",
                     "TELEGRAM_API_URL", "DISCORD_BOT_TOKEN", "DISCORD_API_URL", "WAVEBOT_LANG",
                     "WAVEBOT_CURRENCY", "WAVEBOT_SQLITE_SYNCHRONOUS", "WAVEBOT_DIGEST_DAYS",
                     "WAVEBOT_RETENTION_DAYS",
                     "WAVEBOT_CONFIG")  # fmt: skip
BRUSH = "Bamboo toothbrush"
OUR_CODE = ("app", "bots", "core", "storage", "telegram", "discord", "apscheduler", "aiosqlite")


@dataclass
class Community:
    """One Telegram group and one Discord guild, both served by a single run_bots process."""

    tg: FakeTelegramAPI
    dc: FakeDiscordAPI
    settings: Settings
    olivia: TelegramUser  # Telegram owner
    olga: DiscordUser  # Discord owner
    group: FakeChat
    guild: FakeGuild
    news: FakeChannel
    bots: asyncio.Task[int] | None = None
    people: dict[str, DiscordUser] = field(default_factory=dict)

    async def start(self) -> None:
        """Start the real composition root and wait until both platforms are connected."""
        polls, identified = self.tg.requests["getUpdates"], self.dc.identify_count
        self.bots = asyncio.create_task(run_bots(self.settings, adapter_options=OPTIONS))
        await self.until(lambda: self.tg.requests["getUpdates"] > polls, "Telegram polls")
        await self.until(lambda: self.dc.identify_count > identified, "Discord identified")
        await self.until(lambda: self.dc.gateway.connections, "Discord gateway connected")

    async def stop(self) -> None:
        """Cancel run_bots like Ctrl+C does (asyncio.run cancels the main task)."""
        assert self.bots is not None and not self.bots.done(), "run_bots ended on its own"
        self.bots.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(self.bots, 10)
        self.bots = None

    async def until(self, predicate: Callable[[], Any], what: str, timeout: float = 8.0) -> Any:  # noqa: ASYNC109
        """Poll `predicate` until truthy; fail with `what` if run_bots died or time ran out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := predicate()):
            if self.bots is not None and self.bots.done():
                raise AssertionError(f"run_bots ended while waiting for {what}: {self.bots!r}")
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)
        return value

    # ----- Telegram side -------------------------------------------------------------------

    def _sent_since(self, mark: int) -> list[BotMessage]:
        """Telegram messages the bot sent after operation number `mark`."""
        return [self.tg.message(op.chat_id, op.message_id)  # type: ignore[arg-type]
                for op in self.tg.operations[mark:] if op.method == "sendMessage"]  # fmt: skip

    async def _processed(self, update: JSON) -> None:
        """An update is confirmed (next getUpdates offset) only after it was processed."""
        await self.until(lambda: self.tg.confirmed_offset > update["update_id"], "confirmation")

    async def tg_say(self, chat: FakeChat, user: TelegramUser, text: str) -> list[BotMessage]:
        """A Telegram message; returns what the bot sent meanwhile."""
        mark = len(self.tg.operations)
        await self._processed(self.tg.push_message(chat, user, text))
        return self._sent_since(mark)

    async def tg_press(self, user: TelegramUser, card: BotMessage, data: str) -> str:
        """Press a button under a group message; returns the private answer and the toast."""
        assert data in buttons(card).values(), buttons(card)
        mark = len(self.tg.operations)
        update = self.tg.push_callback(self.group, user, card.message_id, data)
        await self._processed(update)
        query_id = update["callback_query"]["id"]
        toast = next(a for a in self.tg.callback_answers if a.callback_query_id == query_id)
        return "\n".join([toast.text or "", *(m.plain_text for m in self._sent_since(mark))])

    def tg_group_text(self, needle: str) -> list[BotMessage]:
        """Group messages containing `needle`."""
        return [m for m in self.tg.messages(self.group) if needle in m.plain_text]

    # ----- Discord side --------------------------------------------------------------------

    def person(self, name: str) -> DiscordUser:
        """A plain guild member (no rights), created on first use."""
        if name not in self.people:
            user = self.dc.create_user(name)
            self.dc.add_member(self.guild.id, user.id)
            self.people[name] = user
        return self.people[name]

    async def dc_slash(self, user: DiscordUser, command: str, **options: Any) -> str:
        """A slash command in #news; returns the text of the answer."""
        handle = await self.dc.send_slash_command(
            command, options, user_id=user.id, channel_id=self.news.id
        )
        await handle.wait_response()
        return await self._final_text(handle)

    async def dc_press(self, user: DiscordUser, message: RecordedMessage, custom_id: str) -> str:
        """Click a button on a Discord message; returns the text of the answer."""
        assert custom_id in buttons_of(message), buttons_of(message)
        handle = await self.dc.press_button(message.id, custom_id, user_id=user.id)
        await handle.wait_response()
        return await self._final_text(handle)

    async def _final_text(self, handle: InteractionHandle) -> str:
        """The answer once it is no longer a deferred 'thinking…' placeholder."""
        if handle.response_type == 5:
            await handle.wait_original(lambda m: not m.flags & 128)
        return answered(handle)

    def dc_news_text(self, needle: str) -> list[RecordedMessage]:
        """#news messages containing `needle`."""
        return [m for m in self.dc.messages(self.news.id) if needle in text_of(m)]


@asynccontextmanager
async def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Community]:
    """Both fakes, their worlds and settings for run_bots; run_bots itself is not started."""
    for name in SETTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray wavebot.toml
    # discord.py keeps these process-wide; the adapter sets them, the test restores them.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    monkeypatch.setattr(WaveClient, "identify_pause", 0.05)
    async with (
        FakeTelegramAPI(TG_TOKEN, bot_username=BOT) as tg,
        FakeDiscordAPI(token=DC_TOKEN, heartbeat_interval=5.0) as dc,
    ):
        olivia = tg.add_user("Olivia", username="olivia")
        olga = dc.create_user("olga")
        guild = dc.create_guild("Wave makers", owner_id=olga.id)
        news = dc.create_channel(guild.id, "news")
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'wavebot.db'}",
            owners=f"telegram:{olivia.id},discord:{olga.id}",
            telegram_bot_token=tg.token,
            telegram_api_url=tg.base_url,
            discord_bot_token=DC_TOKEN,
            discord_api_url=dc.api_url,
        )
        world = Community(tg, dc, settings, olivia, olga, tg.add_chat("supergroup", "Buyers"),
                          guild, news)  # fmt: skip
        try:
            yield world
        finally:
            if world.bots is not None and not world.bots.done():
                world.bots.cancel()
                await asyncio.gather(world.bots, return_exceptions=True)


def leftover_tasks() -> list[str]:
    """Tasks still alive that run our code or a client library (the fakes' server tasks aside)."""
    found = []
    for task in asyncio.all_tasks():
        if task is asyncio.current_task() or task.done():
            continue
        coro = task.get_coro()
        code = getattr(coro, "cr_code", None)
        origin = code.co_filename if code is not None else repr(coro)
        if "/fakes/" not in origin and any(f"/{pkg}/" in origin for pkg in OUR_CODE):
            found.append(repr(task))
    return found


async def test_run_bots_pools_both_platforms_and_restarts_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    gc.collect()  # earlier tests' garbage must not be blamed on this one
    async with community(tmp_path, monkeypatch) as world:
        tg, dc, olivia, olga, group = world.tg, world.dc, world.olivia, world.olga, world.group
        await world.start()

        # The Telegram owner proposes and approves in private, then subscribes the group.
        dm = tg.private_chat(olivia)
        [proposed] = await world.tg_say(dm, olivia, "/idea Bamboo toothbrush #bathroom")
        assert said("idea.proposed", id=1, title=BRUSH, category="bathroom") in proposed.plain_text
        [approved] = await world.tg_say(dm, olivia, "/approve 1")
        assert said("mod.approved", id=1, title=BRUSH) in approved.plain_text
        [subscribed] = await world.tg_say(group, olivia, "/subscribe")
        assert said("sub.subscribed_all") in subscribed.plain_text

        # The Discord owner (listed in WAVEBOT_OWNERS too) subscribes #news.
        assert said_markdown("sub.subscribed_all") in await world.dc_slash(olga, "subscribe")

        # The launch in the Telegram group; the opening reaches both platforms via the outbox.
        launch = "/launch 1 1:100 50:90 100:80 200:70 14d min=50"
        opened, launch_card = await world.tg_say(group, olivia, launch)
        assert said("mod.launched", id=1, title=BRUSH, moq=50) in opened.plain_text
        assert said("wave.progress", bar="▱" * 10, units=0, goal=50) in launch_card.plain_text
        news = dict(id=1, title=BRUSH, category="bathroom")
        [dc_opened] = await world.until(
            lambda: world.dc_news_text(said_markdown("announce.opened", **news)),
            "Discord wave-opened",
        )
        assert "wb:join:1" in buttons_of(dc_opened)
        # Telegram's per-chat limit holds this one back a few seconds (launch replies came first).
        [tg_opened] = await world.until(
            lambda: world.tg_group_text(said("announce.opened", **news)), "Telegram wave-opened"
        )
        assert buttons(tg_opened)[said("button.join")] == "join:1"  # the group's live card now

        # Ten members, alternating platforms: the running count is one pool.
        tg_members = [tg.add_user(f"Tom{i}") for i in range(5)]
        for member in tg_members:
            tg.private_chat(member)  # they started the bot: personal answers go there
        answers: list[str] = []
        for index, tg_member in enumerate(tg_members):
            answers.append(await world.tg_press(tg_member, tg_opened, "join:1"))
            dc_member = world.person(f"dana{index}")
            if index < 3:
                answers.append(await world.dc_press(dc_member, dc_opened, "wb:join:1"))
            else:
                answers.append(await world.dc_slash(dc_member, "join", wave=1))
        joined = said("pledge.joined", id=1, title=BRUSH, qty=1)
        for count, answer in enumerate(answers, start=1):
            assert joined in answer, answer
            now = said("pledge.now", units=count, price=eur(100))
            if count % 2 == 0:  # Discord answers carry the pooled count; Telegram's toast does not
                assert now in answer, (count, answer)
            else:
                assert now not in answer, answer  # a press in a group: only the toast
                assert answer == joined, answer

        # The milestone reaches both platforms with nobody sweeping by hand.
        milestone = dict(count=10, id=1, title=BRUSH, price=eur(100))
        [tg_news] = await world.until(
            lambda: world.tg_group_text(said("announce.milestone", **milestone)),
            "Telegram milestone",
            5,
        )
        [dc_news] = await world.until(
            lambda: world.dc_news_text(said_markdown("announce.milestone", **milestone)),
            "Discord milestone",
            5,
        )
        assert said_html("announce.milestone", **milestone) in tg_news.text  # sent as HTML
        assert "**10**" in text_of(dc_news)  # markdown bold on Discord

        # The live card in the group is edited in place by the card sweep (5 s throttle).
        edited = await world.until(
            lambda: "10/50" in (m := tg.message(group, tg_opened.message_id)).plain_text and m,
            "card edit",
            12,
        )
        assert edited.edit_count >= 1 and buttons(edited) == buttons(tg_opened)

        # Ctrl+C: every client disconnects, nothing of ours is left running.
        await world.stop()
        await world.until(lambda: not dc.gateway.connections, "Discord disconnect", 3)
        assert dc.gateway.close_codes[-1] == 1000  # a normal close, not a dropped socket
        assert leftover_tasks() == []
        assert tg.pending_updates == 0  # everything processed was confirmed before leaving
        operations, polls = len(tg.operations), tg.requests["getUpdates"]
        news_before = len(dc.messages(world.news.id))

        # While it is down, a member asks for the card: nobody polls, the update waits.
        asked = tg.push_message(group, tg_members[0], "/wave 1")
        await asyncio.sleep(0.3)
        assert tg.pending_updates == 1 and tg.requests["getUpdates"] == polls
        assert len(tg.operations) == operations

        # A new process on the same database: state survived, nothing is processed twice.
        await world.start()
        await world._processed(asked)
        [card] = world._sent_since(operations)  # the one answer to the one new update
        assert card.chat_id == group.id and "10/50" in card.plain_text
        late = await world.dc_slash(world.person("late"), "join", wave=1)
        assert said_markdown("pledge.now", units=11, price=eur(100)) in late
        await asyncio.sleep(2)  # a couple of dispatch ticks: nothing is sent or announced again
        assert world._sent_since(operations) == [card]
        assert len(dc.messages(world.news.id)) == news_before + 1  # just the answer to /join
        assert dc.identify_count == 2 and tg.conflicts == 0
        await world.stop()
        assert leftover_tasks() == []

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()  # unclosed sessions, sockets or never-awaited coroutines would warn here
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning | RuntimeWarning)]
    assert leaks == [], [str(w.message) for w in leaks]
    problems = [r for r in caplog.records
                if r.levelno >= logging.ERROR or "nclosed" in r.getMessage()]  # fmt: skip
    assert problems == [], [r.getMessage() for r in problems]
