"""Telegram webhook mode: Telegram (the fake Bot API, python-telegram-bot on our side) posts each
update to the bot's own HTTP server; the secret token is checked; an update posted to two
processes sharing the database has one effect and one answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bots.telegram_bot.webhook import derived_secret
from config.settings import Settings
from core.model import IdeaStatus
from devtools.fakes.telegram_api import FakeTelegramAPI
from tests.adapters.test_secrets_in_logs import debug_log
from tests.adapters.test_telegram_harness import BOT, TOKEN
from tests.adapters.webhook_support import WebhookBot, webhook_bot
from tests.texts import said

SECRET = derived_secret(TOKEN)  # what every process derives when no secret is configured


async def ideas(bot: WebhookBot) -> int:
    """Ideas in the shared database."""
    async with bot.rt.ctx.db.read() as tx:
        return await tx.count_ideas(list(IdeaStatus))


async def test_an_update_posted_by_telegram_is_answered(db_url: str) -> None:
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        async with webhook_bot(api, db_url, f"telegram:{owner.id}") as bot:
            info = await api._m_getWebhookInfo({})
            assert info["url"] == bot.url
            dm = api.private_chat(owner)
            update = api.push_message(dm, owner, "/idea Kettle #kitchen")

            await api.wait_for_confirmed(update, 10)  # Telegram got its 200
            [reply] = api.messages(dm)
            assert reply.plain_text == said("idea.proposed", id=1, title="Kettle",
                                            category="kitchen")  # fmt: skip
            assert api.requests["getUpdates"] == 0  # no polling in webhook mode
            assert api.webhook_errors == []
        assert api.requests["deleteWebhook"] == 0  # the other processes go on serving it
        assert api.webhook is not None and api.webhook["secret_token"] == SECRET


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1]])
async def test_a_post_without_the_secret_is_refused_and_nothing_recorded(
    db_url: str, secret: str | None
) -> None:
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        async with webhook_bot(api, db_url, f"telegram:{owner.id}") as bot:
            forged = {"update_id": 77, "message": {
                "message_id": 1, "date": 0, "text": "/idea Forged #x",
                "chat": {"id": owner.id, "type": "private", "first_name": "Olivia"},
                "from": {"id": owner.id, "is_bot": False, "first_name": "Olivia"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}  # fmt: skip

            assert await bot.post(forged, secret) == 403
            assert await bot.keys_recorded() == 0
            assert await ideas(bot) == 0
            assert api.messages(api.private_chat(owner)) == []

            assert await bot.post(forged, SECRET) == 200  # the same post, signed, is taken
            assert await ideas(bot) == 1


async def test_one_update_posted_to_two_processes_is_handled_once(db_url: str) -> None:
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        owners = f"telegram:{owner.id}"
        async with (
            webhook_bot(api, db_url, owners) as first,
            webhook_bot(api, db_url, owners) as second,
        ):
            api.webhook = None  # Telegram's redelivery is played by hand below
            dm = api.private_chat(owner)
            update = api.push_message(dm, owner, "/idea Kettle #kitchen")

            assert await first.post(update, SECRET) == 200
            assert await second.post(update, SECRET) == 200  # a redelivery elsewhere

            assert await ideas(first) == 1
            assert len(api.messages(dm)) == 1  # answered once


@pytest.mark.postgresql_only  # several processes share a database on PostgreSQL only
async def test_copies_posted_at_once_to_two_processes_have_one_effect_and_one_answer(
    db_url: str,
) -> None:
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        owners = f"telegram:{owner.id}"
        async with (
            webhook_bot(api, db_url, owners) as first,
            webhook_bot(api, db_url, owners) as second,
        ):
            api.webhook = None  # Telegram's redelivery is played by hand below
            dm = api.private_chat(owner)
            assert await first.post(api.push_message(dm, owner, "/start"), SECRET) == 200
            updates = [api.push_message(dm, owner, f"/idea Kettle {n} #kitchen") for n in range(5)]

            copies = [(bot, update) for update in updates for bot in (first, second)]
            statuses = await asyncio.gather(*(bot.post(update, SECRET) for bot, update in copies))
            assert set(statuses) <= {200, 503}  # 503: in hand in the other process
            assert statuses.count(200) >= len(updates)
            for (bot, update), status in zip(copies, statuses, strict=True):
                if status == 503:  # Telegram posts it again later
                    assert await bot.post(update, SECRET) == 200

            assert await ideas(first) == 5  # each update had its effect once
            assert await first.keys_recorded() == 6
            assert len(api.messages(dm)) == 6  # and was answered once


async def test_the_webhook_secret_never_reaches_the_log(tmp_path: Path) -> None:
    secret = "configured_Secret-0123456789"
    settings = Settings(telegram_bot_token=TOKEN, telegram_webhook_secret=secret)
    assert secret in settings.secret_values()
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        with debug_log(settings.secret_values()) as log:
            async with webhook_bot(api, url, f"telegram:{owner.id}", secret=secret) as bot:
                update = api.push_message(api.private_chat(owner), owner, "/help")
                await api.wait_for_confirmed(update, 10)
                assert await bot.post(update, "wrong") == 403
    assert api.webhook is not None and api.webhook["secret_token"] == secret
    assert "setWebhook" in log.getvalue()  # the call was logged, its secret was not
    assert secret not in log.getvalue()


async def test_a_stopping_process_sends_updates_back_to_telegram(db_url: str) -> None:
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        owner = api.add_user("Olivia")
        async with webhook_bot(api, db_url, f"telegram:{owner.id}") as bot:
            api.webhook = None
            bot.adapter.stop()
            await api.wait_for(lambda: not bot.adapter.connected, 10)
            update = api.push_message(api.private_chat(owner), owner, "/idea Kettle #kitchen")

            assert await bot.post(update, SECRET) == 503  # Telegram posts it elsewhere
            assert await bot.keys_recorded() == 0
