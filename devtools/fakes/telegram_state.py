"""The fake Telegram world: users, chats, the update queue and what tests drive and inspect."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from devtools.fakes.telegram_html import utf16_len
from devtools.fakes.telegram_models import (
    JSON,
    BotMessage,
    CallbackAnswer,
    ChatType,
    FakeChat,
    FakeUser,
    InjectedError,
    MemberStatus,
    Operation,
    RateLimiter,
    StoredFile,
    TelegramLimits,
    member_api,
)

T = TypeVar("T")
ChatRef = FakeChat | int
UserRef = FakeUser | int
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")


class TelegramWorld:
    """State of the fake Bot API and the plain-Python methods tests use to drive and inspect it."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "wavebot_test_bot",
        bot_name: str = "Wavebot",
        enforce_limits: bool = False,
        limits: TelegramLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token):
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.bot = FakeUser(int(token.split(":")[0]), bot_name, username=bot_username, is_bot=True)
        self.users: dict[int, FakeUser] = {self.bot.id: self.bot}
        self.chats: dict[int, FakeChat] = {}
        self._usernames: dict[str, int] = {}
        self.blocked_by: set[int] = set()  # users who blocked the bot
        self.clock = clock
        self.limiter = RateLimiter(limits or TelegramLimits(), clock) if enforce_limits else None
        self.operations: list[Operation] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope JSON, language) → list
        self.webhook: JSON | None = None
        self.files: dict[str, StoredFile] = {}
        self.requests: Counter[str] = Counter()  # method name → number of HTTP calls
        self.conflicts = 0  # getUpdates calls terminated by a newer one (two pollers)
        self.confirmed_offset = 0  # the highest offset any getUpdates call confirmed
        self._updates: deque[JSON] = deque()
        self._next_update_id = 1
        self._open_queries: dict[str, CallbackAnswer] = {}
        self._injected: list[InjectedError] = []
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._updates_changed = asyncio.Event()
        self._ids = itertools.count(1001)

    # ----- building the world -------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "User",
        *,
        username: str | None = None,
        user_id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """Create a human account that can write to the bot."""
        uid = user_id if user_id is not None else 100_000 + next(self._ids)
        user = FakeUser(uid, first_name, username, last_name, language_code=language_code)
        self.users[uid] = user
        return user

    def add_chat(
        self,
        chat_type: ChatType,
        title: str | None = None,
        *,
        username: str | None = None,
        chat_id: int | None = None,
        bot_status: MemberStatus | None = None,
    ) -> FakeChat:
        """Create a group, supergroup or channel with the bot in it (private: use private_chat)."""
        if chat_type == "private":
            raise ValueError("use private_chat(user) for private chats")
        if chat_id is None:
            n = next(self._ids)
            chat_id = -n if chat_type == "group" else -1_000_000_000_000 - n
        chat = FakeChat(chat_id, chat_type, title or f"{chat_type} {-chat_id}", username)
        chat.members[self.bot.id] = bot_status or (
            "administrator" if chat_type == "channel" else "member"
        )
        self._register(chat)
        return chat

    def private_chat(self, user: UserRef) -> FakeChat:
        """The user's private chat with the bot (it exists once the user started the bot)."""
        u = self._user(user)
        if (chat := self.chats.get(u.id)) is None:
            chat = FakeChat(u.id, "private", username=u.username, first_name=u.first_name)
            chat.members.update({u.id: "member", self.bot.id: "member"})
            self._register(chat)
        return chat

    def set_member_status(self, chat: ChatRef, user: UserRef, status: MemberStatus) -> None:
        """Set what getChatMember answers (use api.bot as user to remove or promote the bot)."""
        self._chat(chat).members[self._user(user).id] = status

    def block_bot(self, user: UserRef, blocked: bool = True) -> None:
        """Make sends to the user's private chat fail with 403 (or work again)."""
        uid = self._user(user).id
        (self.blocked_by.add if blocked else self.blocked_by.discard)(uid)

    def migrate_chat(self, chat: ChatRef) -> FakeChat:
        """Upgrade a group to a supergroup: the old id answers 400 with migrate_to_chat_id."""
        old = self._chat(chat)
        new = self.add_chat("supergroup", old.title, chat_id=-1_000_000_000_000 - abs(old.id))
        new.members.update(old.members)
        old.migrated_to = new.id
        for src, key, value in ((old, "migrate_to_chat_id", new.id),
                                (new, "migrate_from_chat_id", old.id)):  # fmt: skip
            msg = self._new_message(src, None, {key: value})
            self.push_update({"message": msg})
        return new

    # ----- pushing updates ----------------------------------------------------------------

    def push_update(self, payload: JSON) -> JSON:
        """Enqueue a raw update (update_id is assigned here) and wake the long poll."""
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self._updates.append(update)
        self._wake_polls()
        self._notify()
        return update

    def push_message(
        self, chat: ChatRef, user: UserRef, text: str, *, reply_to_message_id: int | None = None
    ) -> JSON:
        """A user writes `text` in `chat`; a leading /command gets its bot_command entity."""
        c, u = self._chat(chat), self._user(user)
        if c.type == "channel":
            raise ValueError("channels have posts, not messages: use push_channel_post")
        if c.is_group:
            c.members.setdefault(u.id, "member")
        extra: JSON = {"text": text}
        if match := _COMMAND.match(text):
            extra["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
            ]
        if reply_to_message_id is not None:
            extra["reply_to_message"] = self._message_api(c, reply_to_message_id)
        return self.push_update({"message": self._new_message(c, u, extra)})

    def push_photo(
        self,
        chat: ChatRef,
        user: UserRef,
        caption: str = "",
        *,
        data: bytes = b"\x89PNG fake photo",
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """A user sends a photo (Telegram lists it in three sizes) with an optional caption."""
        c, u = self._chat(chat), self._user(user)
        if c.is_group:
            c.members.setdefault(u.id, "member")
        sizes = []
        for width, height in ((90, 60), (320, 213), (1280, 853)):
            stored = StoredFile(f"AgAC{next(self._ids)}x{width}", f"photo_{width}.jpg", data,
                                "image/jpeg")  # fmt: skip
            self.files[stored.file_id] = stored
            sizes.append({"file_id": stored.file_id, "file_unique_id": stored.file_id,
                          "width": width, "height": height, "file_size": len(data)})  # fmt: skip
        extra: JSON = {"photo": sizes}
        if caption:
            extra["caption"] = caption
            if match := _COMMAND.match(caption):
                extra["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
                ]
        if reply_to_message_id is not None:
            extra["reply_to_message"] = self._message_api(c, reply_to_message_id)
        return self.push_update({"message": self._new_message(c, u, extra)})

    def push_channel_post(self, chat: ChatRef, text: str, *, signature: str | None = None) -> JSON:
        """An admin posts in a channel the bot is in."""
        c = self._chat(chat)
        extra: JSON = {"text": text, "sender_chat": c.to_api()}
        if signature:
            extra["author_signature"] = signature
        return self.push_update({"channel_post": self._new_message(c, None, extra)})

    def push_callback(self, chat: ChatRef, user: UserRef, message_id: int, data: str) -> JSON:
        """A user presses an inline button under message `message_id` (KeyError if missing)."""
        c, u = self._chat(chat), self._user(user)
        query_id = str(next(self._ids) * 7919)
        self._open_queries[query_id] = CallbackAnswer(query_id, c.id, message_id, u.id, data)
        query = {"id": query_id, "from": u.to_api(), "chat_instance": str(abs(c.id) * 31 + 7),
                 "message": self._message_api(c, message_id), "data": data}  # fmt: skip
        return self.push_update({"callback_query": query})

    def push_my_chat_member(self, chat: ChatRef, by: UserRef, new_status: MemberStatus) -> JSON:
        """Someone adds, promotes or removes the bot; the bot's status changes accordingly."""
        c, u = self._chat(chat), self._user(by)
        old = c.members.get(self.bot.id, "left")
        c.members[self.bot.id] = new_status
        change = {"chat": c.to_api(), "from": u.to_api(), "date": int(time.time()),
                  "old_chat_member": member_api(old, self.bot),
                  "new_chat_member": member_api(new_status, self.bot)}  # fmt: skip
        return self.push_update({"my_chat_member": change})

    # ----- inspecting what the bot did ----------------------------------------------------

    def messages(self, chat: ChatRef) -> list[BotMessage]:
        """The bot's messages in a chat, in sending order, current state (deleted ones flagged)."""
        return list(self._chat(chat).bot_messages.values())

    def message(self, chat: ChatRef, message_id: int) -> BotMessage:
        """One of the bot's messages, e.g. to look at its buttons after an edit."""
        return self._chat(chat).bot_messages[message_id]

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """What setMyCommands recorded for a scope (default scope when None) and language."""
        return self.commands.get((scope_key(scope), language_code), [])

    @property
    def pending_updates(self) -> int:
        """Updates pushed but not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    @property
    def limit_violations(self) -> int:
        """How many requests exceeded a platform limit (0 when limits are not enforced)."""
        return sum(self.limiter.violations.values()) if self.limiter else 0

    def inject_error(
        self,
        method: str,
        chat_id: int | str | None = None,
        *,
        times: int | None = 1,
        kind: str = "retry_after",
        retry_after: int = 1,
        delay: float = 1.0,
        description: str | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> InjectedError:
        """Answer the next `times` matching calls (method or "*", optional chat) with a fault.

        kinds: retry_after (429), blocked / kicked (403), migrated (400 + migrate_to_chat_id),
        bad_request (400), server_error (500), bad_gateway (502 HTML page), slow (answer
        normally after `delay` s — the request is applied even if the client gave up) and timeout
        (wait `delay` s, then 504 without applying). `times=None` keeps it until clear_errors().
        For a migration the new id should answer too, prefer migrate_chat() to 'migrated'.
        """
        fault = InjectedError(
            method.lower(), chat_id, InjectedError.normalize_kind(kind), times,
            retry_after, delay, description, migrate_to_chat_id,
        )  # fmt: skip
        self._injected.append(fault)
        return fault

    def clear_errors(self) -> None:
        """Drop every injected fault."""
        self._injected.clear()

    # ----- waiting ------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], T | Literal[False] | None],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> T:
        """Wait until predicate() is truthy and return its value; TimeoutError otherwise.

        Re-checked after every change of the fake (no latency) and every 20 ms, so predicates on
        state outside the fake (e.g. a list your handler fills) also resolve promptly.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        future: asyncio.Future[T] = loop.create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            while not future.done():
                if result := predicate():
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout} s")
                await asyncio.wait({future}, timeout=min(0.02, remaining))
            return future.result()
        finally:
            self._waiters.remove(entry)

    async def wait_for_messages(
        self,
        chat: ChatRef,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Wait until the bot has sent at least `n` messages to `chat`; return them all."""
        c = self._chat(chat)
        return await self.wait_for(lambda: len(c.bot_messages) >= n and self.messages(c), timeout)

    async def wait_for_confirmed(self, update: JSON, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        """Wait until a getUpdates call confirmed `update` (offset beyond its update_id)."""
        uid = update["update_id"]
        return await self.wait_for(
            lambda: self.confirmed_offset > uid and self.confirmed_offset, timeout
        )

    # ----- internals ----------------------------------------------------------------------

    def _wake_polls(self) -> None:
        """Wake every long poll; each waits on the event current when it started waiting."""
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _confirm(self, offset: int | None) -> None:
        """Forget updates below `offset` (a negative offset keeps only the last -offset ones)."""
        if offset is None:
            return
        if offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
            offset = self._updates[0]["update_id"] if self._updates else self._next_update_id
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        self.confirmed_offset = max(self.confirmed_offset, offset)

    def _notify(self) -> None:
        """Resolve the waiters whose predicate became true."""
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                if result := predicate():
                    future.set_result(result)
            except Exception as exc:  # a broken predicate should fail the test, not the server
                future.set_exception(exc)

    def _register(self, chat: FakeChat) -> None:
        """Index a chat by id and @username."""
        self.chats[chat.id] = chat
        if chat.username:
            self._usernames[chat.username.lower()] = chat.id

    def _chat(self, chat: ChatRef) -> FakeChat:
        """Accept a chat object or an id in the driving API."""
        return chat if isinstance(chat, FakeChat) else self.chats[chat]

    def _user(self, user: UserRef) -> FakeUser:
        """Accept a user object or an id in the driving API."""
        return user if isinstance(user, FakeUser) else self.users[user]

    def _new_message(self, chat: FakeChat, user: FakeUser | None, extra: JSON) -> JSON:
        """Store and return a message written by a user (or a service message)."""
        msg: JSON = {"message_id": chat.take_message_id(), "date": int(time.time()),
                     "chat": chat.to_api(), **extra}  # fmt: skip
        if user is not None:
            msg["from"] = user.to_api()
        chat.user_messages[msg["message_id"]] = msg
        return msg

    def _message_api(self, chat: FakeChat, message_id: int) -> JSON:
        """The current Message object for an id (bot or user message), for replies and buttons."""
        if (bot_msg := chat.bot_messages.get(message_id)) is not None:
            return bot_msg.to_api(chat, self.bot)
        if (user_msg := chat.user_messages.get(message_id)) is not None:
            return user_msg
        raise KeyError(f"no message {message_id} in chat {chat.id}")


def scope_key(scope: JSON | str | None) -> str:
    """A canonical key for a BotCommandScope so equal scopes share their commands."""
    if isinstance(scope, str):
        scope = json.loads(scope)
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))
