"""The fake Telegram Bot API, driven by the real python-telegram-bot, behaves like Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import TelegramLimits

TOKEN = "123456:TEST-token"


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    """A fresh fake server per test, so no state leaks between tests."""
    async with FakeTelegramAPI(TOKEN) as server:
        yield server


def build_app(api: FakeTelegramAPI, read_timeout: float = 5.0) -> Application:  # type: ignore[type-arg]
    """A PTB application pointed at the fake, as the real adapter will be configured."""
    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.file_base_url)
        .read_timeout(read_timeout)
        .build()
    )


@contextlib.asynccontextmanager
async def running(api: FakeTelegramAPI, *handlers: BaseHandler) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run PTB with real long polling inside the test's loop and stop it cleanly."""
    application = build_app(api)
    for handler in handlers:
        application.add_handler(handler)
    async with application:
        await application.updater.start_polling(timeout=1)  # type: ignore[union-attr]
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()  # type: ignore[union-attr]
            await application.stop()


async def raw(api: FakeTelegramAPI, method: str, *, token: str = TOKEN, **params: Any) -> Any:
    """Call the fake over HTTP with a JSON body, returning (status, payload)."""
    url = f"http://{api.host}:{api.port}/bot{token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_echo_and_commands_over_long_polling(api: FakeTelegramAPI) -> None:
    """Messages and /cmd@botname commands reach PTB handlers; replies are recorded."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = " ".join(context.args or [])
        await update.effective_chat.send_message(f"<b>Welcome</b> {args}", parse_mode="HTML")  # type: ignore[union-attr]

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.effective_message
        await msg.reply_text(msg.text, do_quote=True)  # type: ignore[union-attr]

    ann = api.add_user("Ann", username="ann")
    group = api.add_chat("supergroup", "Buyers")
    dm = api.private_chat(ann)
    async with running(
        api, CommandHandler("start", start), MessageHandler(filters.TEXT & ~filters.COMMAND, echo)
    ):
        first = api.push_message(group, ann, "/start@wavebot_test_bot wave_7")
        api.push_message(group, ann, "/start@other_bot ignored")
        last = api.push_message(dm, ann, "hello")
        [welcome] = await api.wait_for_messages(group, 1)
        [reply] = await api.wait_for_messages(dm, 1)
        await api.wait_for_confirmed(last)
    entity = first["message"]["entities"][0]
    assert entity == {"type": "bot_command", "offset": 0, "length": 23}
    assert welcome.plain_text == "Welcome wave_7"
    assert welcome.entities == [{"type": "bold", "offset": 0, "length": 7}]
    assert welcome.text == "<b>Welcome</b> wave_7" and welcome.parse_mode == "HTML"
    assert (
        reply.plain_text == "hello" and reply.reply_to_message_id == last["message"]["message_id"]
    )
    assert len(api.messages(group)) == 1  # the command for another bot was not handled
    assert api.confirmed_offset > last["update_id"] and api.pending_updates == 0
    assert api.requests["getMe"] >= 1 and api.requests["deleteWebhook"] == 1
    assert api.conflicts == 0


async def test_callback_buttons_answers_and_edits(api: FakeTelegramAPI) -> None:
    """Inline presses arrive with their message; answers and edits are recorded."""

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer(f"joined {query.data}")
        await query.edit_message_text(f"{query.message.text} (1 pledge)")  # type: ignore[union-attr]

    bob = api.add_user("Bob")
    group = api.add_chat("group", "Makers")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Join", callback_data="join:7")]])
    async with running(api, CallbackQueryHandler(on_press)) as application:
        sent = await application.bot.send_message(group.id, "Wave #7", reply_markup=keyboard)
        assert sent.reply_markup == keyboard and sent.from_user.username == "wavebot_test_bot"  # type: ignore[union-attr]
        api.push_callback(group, bob, sent.message_id, "join:7")
        await api.wait_for(lambda: api.message(group, sent.message_id).edit_count == 1)
    [answer] = api.callback_answers
    assert (answer.user_id, answer.data, answer.text) == (bob.id, "join:7", "joined join:7")
    edited = api.message(group, sent.message_id)
    assert edited.plain_text == "Wave #7 (1 pledge)"
    assert edited.reply_markup is None  # an edit that does not repeat the keyboard drops it
    assert edited.history == [("Wave #7", keyboard.to_dict())]
    assert [op.method for op in api.operations] == ["sendMessage", "editMessageText"]


async def test_channel_posts_membership_changes_and_migration(api: FakeTelegramAPI) -> None:
    """Channel posts, the bot being removed and a group upgrade reach PTB as real updates."""
    seen: list[str] = []

    async def on_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(f"post:{update.channel_post.text}")  # type: ignore[union-attr]

    async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        seen.append(f"bot:{change.new_chat_member.status}")  # type: ignore[union-attr]

    async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(f"migrate:{update.effective_message.migrate_to_chat_id}")  # type: ignore[union-attr]

    channel = api.add_chat("channel", "News", username="news")
    owner = api.add_user("Owner")
    group = api.add_chat("group", "Old group")
    handlers = (
        MessageHandler(filters.UpdateType.CHANNEL_POST, on_post),
        ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE & filters.ChatType.GROUP, on_migrate),
    )
    async with running(api, *handlers) as application:
        api.push_channel_post(channel, "wave #7 is open", signature="Owner")
        api.push_my_chat_member(group, owner, "kicked")
        api.set_member_status(group, api.bot, "member")
        new = api.migrate_chat(group)
        await api.wait_for(lambda: len(seen) == 3)
        sent = await application.bot.send_message("@news", "<i>hello</i>", parse_mode="HTML")
    assert seen == ["post:wave #7 is open", "bot:kicked", f"migrate:{new.id}"]
    assert sent.sender_chat is not None and sent.sender_chat.id == channel.id
    assert sent.from_user is None and api.messages(channel)[0].plain_text == "hello"


async def test_chat_members_chat_info_and_commands(api: FakeTelegramAPI) -> None:
    """getChatMember returns every status as the right PTB class; commands are per scope."""
    group = api.add_chat("supergroup", "Mods", username="mods")
    people = {s: api.add_user(s) for s in ("creator", "administrator", "member", "kicked")}
    for status, user in people.items():
        api.set_member_status(group, user, status)  # type: ignore[arg-type]
    stranger = api.add_user("Stranger")
    bot = build_app(api).bot
    async with bot:
        kinds = [type(await bot.get_chat_member(group.id, u.id)) for u in people.values()]
        left = await bot.get_chat_member("@mods", stranger.id)
        info = await bot.get_chat(group.id)
        admins = await bot.get_chat_administrators(group.id)
        scope = {"type": "chat", "chat_id": group.id}
        assert await bot.set_my_commands([("pending", "Moderation queue")], scope=scope)
        assert await bot.set_my_commands([("start", "Démarrer")], language_code="fr")
        mine = await bot.get_my_commands(language_code="fr")
        assert await bot.delete_my_commands(language_code="fr")
        with pytest.raises(BadRequest, match=r"(?i)user not found"):
            await bot.get_chat_member(group.id, 999)
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([("Bad-Name", "x")])
    expected = [ChatMemberOwner, ChatMemberAdministrator, ChatMemberMember, ChatMemberBanned]
    assert kinds == expected and isinstance(left, ChatMemberLeft)
    assert isinstance(info, ChatFullInfo) and info.title == "Mods" and info.type == "supergroup"
    assert {a.user.id for a in admins} == {people["creator"].id, people["administrator"].id}
    assert [(c.command, c.description) for c in mine] == [("start", "Démarrer")]
    assert api.commands_for({"type": "chat", "chat_id": group.id}) == [
        {"command": "pending", "description": "Moderation queue"}
    ]
    assert api.commands_for(language_code="fr") == []


async def test_injected_errors_surface_as_ptb_exceptions(api: FakeTelegramAPI) -> None:
    """Each fault kind maps to the exception PTB raises against the real Telegram."""
    group = api.add_chat("group", "G")
    bot = build_app(api, read_timeout=0.3).bot
    async with bot:
        api.inject_error("sendMessage", group.id, kind="retry_after", retry_after=3)
        with pytest.raises(RetryAfter) as flood, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await bot.send_message(group.id, "x")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert flood.value.retry_after in (3, dt.timedelta(seconds=3))
        api.inject_error("sendMessage", kind="blocked")
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(group.id, "x")
        api.inject_error("sendMessage", kind="kicked")
        with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
            await bot.send_message(group.id, "x")
        api.inject_error("*", group.id, kind="migrated", migrate_to_chat_id=-100555)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(group.id, "x")
        assert migrated.value.new_chat_id == -100555
        api.inject_error("sendMessage", kind="server_error")
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_message(group.id, "x")
        api.inject_error("sendMessage", kind="502")
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.send_message(group.id, "x")
        slow = api.inject_error("sendMessage", kind="slow", delay=0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(group.id, "applied although the client gave up")
        await api.wait_for_messages(group, 1, timeout=2)
        assert await bot.send_message(group.id, "fine again")
    assert slow.hits == 1 and [m.plain_text for m in api.messages(group)] == [
        "applied although the client gave up",
        "fine again",
    ]


async def test_validation_errors_like_telegram(api: FakeTelegramAPI) -> None:
    """Bad HTML, long text, long callback data, no-op edits and lost chats are rejected."""
    ann = api.add_user("Ann")
    group = api.add_chat("supergroup", "G")
    bot = build_app(api).bot
    async with bot:
        for bad in ("a < b", "<p>x</p>", "<b>x</i>", "<b>open", "Tom &amp Jerry", "&nbsp;"):
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(group.id, bad, parse_mode="HTML")
        ok = "<b>1</b> <i>2</i> <a href='https://x.y/?a=1&amp;b=2'>l</a> <tg-spoiler>s</tg-spoiler>"
        assert await bot.send_message(group.id, ok + " &lt;&#169;&#x263A;", parse_mode="HTML")
        await bot.send_message(group.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(group.id, "x" * 4097)
        big = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]])
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(group.id, "x", reply_markup=big)
        msg = await bot.send_message(group.id, "<b>same</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "<strong>same</strong>", group.id, msg.message_id, parse_mode="HTML"
            )
        assert await bot.delete_message(group.id, msg.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("new", group.id, msg.message_id)
        with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
            await bot.send_message(ann.id, "hi")
        api.private_chat(ann)
        api.block_bot(ann)
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await bot.send_message(ann.id, "hi")
        api.set_member_status(group, api.bot, "kicked")
        with pytest.raises(Forbidden, match=r"(?i)kicked from the supergroup chat"):
            await bot.send_message(group.id, "hi")
        old = api.add_chat("group", "Old")
        new = api.migrate_chat(old)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(old.id, "hi")
        assert migrated.value.new_chat_id == new.id and new.type == "supergroup"
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(-42, "hi")
    wrong = FakeTelegramAPI("999:WRONG", port=api.port)  # same server address, other token
    with pytest.raises(InvalidToken):
        async with build_app(wrong).bot:
            pass
    assert (await raw(api, "sendPigeon")) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_documents_are_uploaded_as_multipart_and_downloadable(api: FakeTelegramAPI) -> None:
    """A CSV export sent with sendDocument keeps its name and bytes; getFile serves it back."""
    group = api.add_chat("group", "Suppliers")
    payload = b"member,quantity\nann,2\n"
    bot = build_app(api).bot
    async with bot:
        sent = await bot.send_document(
            group.id,
            InputFile(payload, filename="wave_7.csv"),
            caption="<i>export</i>",
            parse_mode="HTML",
        )
        photo = await bot.send_photo(group.id, b"\x89PNG fake", caption="card")
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()  # type: ignore[union-attr]
        await bot.send_chat_action(group.id, "typing")
    doc, pic = api.messages(group)
    assert (doc.kind, doc.file.file_name, doc.file.file_size) == (
        "document",
        "wave_7.csv",
        len(payload),
    )  # type: ignore[union-attr]
    assert sent.caption == "export" and sent.document.file_name == "wave_7.csv"  # type: ignore[union-attr]
    assert bytes(downloaded) == payload
    assert pic.kind == "photo" and photo.photo and pic.file.file_size == 9  # type: ignore[union-attr]
    assert api.chat_actions == [(group.id, "typing")]


async def test_get_updates_long_poll_offsets_and_conflicts(api: FakeTelegramAPI) -> None:
    """Raw protocol: long polls return on arrival, offsets confirm, limits cap, pollers clash."""
    ann = api.add_user("Ann")
    dm = api.private_chat(ann)
    started = time.monotonic()
    poll = asyncio.create_task(raw(api, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    api.push_message(dm, ann, "wake up")
    status, body = await poll
    assert status == 200 and [u["message"]["text"] for u in body["result"]] == ["wake up"]
    assert time.monotonic() - started < 1.0
    first_id = body["result"][0]["update_id"]
    for i in range(5):
        api.push_message(dm, ann, f"m{i}")
    _, two = await raw(api, "getUpdates", offset=first_id + 1, limit=2)
    assert [u["message"]["text"] for u in two["result"]] == ["m0", "m1"]
    assert api.confirmed_offset == first_id + 1 and api.pending_updates == 5
    _, last = await raw(api, "getUpdates", offset=-1)
    assert [u["message"]["text"] for u in last["result"]] == ["m4"] and api.pending_updates == 1
    await raw(api, "getUpdates", offset=last["result"][0]["update_id"] + 1)
    older = asyncio.create_task(raw(api, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    newer = asyncio.create_task(raw(api, "getUpdates", timeout=0))
    assert (await older)[0] == 409 and (await newer)[0] == 200 and api.conflicts == 1
    assert (await raw(api, "getMe", token="1:bad"))[0] == 401


async def test_rate_limits_are_enforced_when_enabled() -> None:
    """Per-chat burst, 20/min per group and 30/s overall answer 429 and are counted."""
    now = [1000.0]
    limits = TelegramLimits(per_chat_burst=3)
    async with FakeTelegramAPI(
        TOKEN, enforce_limits=True, limits=limits, clock=lambda: now[0]
    ) as api:
        user = api.add_user("Ann")
        dm = api.private_chat(user)
        codes = [(await raw(api, "sendMessage", chat_id=dm.id, text="x"))[0] for _ in range(4)]
        assert codes == [200, 200, 200, 429] and api.limit_violations == 1
        now[0] += 1.0  # one token refilled
        assert (await raw(api, "sendMessage", chat_id=dm.id, text="x"))[0] == 200
        group = api.add_chat("group", "G")
        group_codes = []
        for _ in range(21):
            now[0] += 1.0
            group_codes.append((await raw(api, "sendMessage", chat_id=group.id, text="x"))[0])
        status, body = await raw(api, "sendMessage", chat_id=group.id, text="x")
        assert group_codes[:20] == [200] * 20 and group_codes[20] == 429 and status == 429
        assert 1 <= body["parameters"]["retry_after"] <= 40
        now[0] += 100.0
        chats = [api.private_chat(api.add_user(f"u{i}")) for i in range(31)]
        statuses = [(await raw(api, "sendMessage", chat_id=c.id, text="x"))[0] for c in chats]
        assert statuses.count(429) == 1 and statuses[-1] == 429
        assert api.limiter is not None and dict(api.limiter.violations) == {
            "chat": 1,
            "group": 2,
            "global": 1,
        }
        assert api.limit_violations == 4


async def test_thousands_of_updates_through_ptb(api: FakeTelegramAPI) -> None:
    """1,000 updates reach PTB in order and 100 concurrent PTB sends all land."""
    handled: list[int] = []

    async def count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)

    users = [api.add_user(f"u{i}") for i in range(50)]
    group = api.add_chat("supergroup", "Crowd")
    async with running(api, MessageHandler(filters.ALL, count)) as application:
        for i in range(1000):
            api.push_message(group, users[i % 50], f"/join 7 {i}")
        await api.wait_for(lambda: len(handled) == 1000, timeout=8)
        bot = application.bot
        await asyncio.gather(*(bot.send_message(group.id, f"n{i}") for i in range(100)))
    assert handled == sorted(handled) and len(set(handled)) == 1000
    assert [m.message_id for m in api.messages(group)] == list(range(1001, 1101))
    assert api.requests["getUpdates"] <= 25  # batches of up to 100, not one call per update


async def test_bulk_raw_protocol_loses_nothing(api: FakeTelegramAPI) -> None:
    """The fake itself takes 5,000 updates and 1,000 concurrent sends in well under seconds."""
    users = [api.add_user(f"u{i}") for i in range(100)]
    chats = [api.private_chat(u) for u in users]
    for i in range(5000):
        api.push_message(chats[i % 100], users[i % 100], f"m{i}")
    url = f"{api.base_url}{api.token}"
    received: list[int] = []
    async with aiohttp.ClientSession() as session:
        offset = 0
        while len(received) < 5000:
            async with session.post(f"{url}/getUpdates", json={"offset": offset}) as resp:
                batch = (await resp.json())["result"]
            received += [u["update_id"] for u in batch]
            offset = batch[-1]["update_id"] + 1

        async def send(i: int) -> int:
            body = {"chat_id": chats[i % 100].id, "text": f"<b>{i}</b>", "parse_mode": "HTML"}
            async with session.post(f"{url}/sendMessage", json=body) as resp:
                return resp.status

        statuses = await asyncio.gather(*(send(i) for i in range(1000)))
    assert received == list(range(1, 5001)) and statuses == [200] * 1000
    assert sum(len(api.messages(c)) for c in chats) == 1000 and len(api.operations) == 1000
