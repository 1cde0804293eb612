"""Records, errors, injected faults and rate limits shared by the fake Telegram Bot API."""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]
ErrorKind = Literal[
    "retry_after", "blocked", "kicked", "migrated", "bad_request",
    "server_error", "bad_gateway", "slow", "timeout",
]  # fmt: skip
JSON = dict[str, Any]

_KIND_ALIASES: dict[str, ErrorKind] = {
    "429": "retry_after", "flood": "retry_after", "403": "blocked", "400": "bad_request",
    "500": "server_error", "502": "bad_gateway", "migrate": "migrated",
}  # fmt: skip
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_post_messages", "can_edit_messages", "can_pin_messages", "can_manage_topics",
)  # fmt: skip
_RESTRICTED_RIGHTS = (
    "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages",
    "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
    "can_manage_topics", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_edit_tag",
    "can_react_to_messages",
)  # fmt: skip


class ApiError(Exception):
    """Raised by method handlers so a single place renders the Bot API error shape."""

    def __init__(
        self, code: int, description: str, parameters: JSON | None = None, *, html: bool = False
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.html = html  # answer an nginx-style HTML page, like Telegram's front-end does on 502

    def body(self) -> JSON:
        """The JSON error payload exactly as the real API shapes it."""
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(detail: str) -> ApiError:
    """Most validation failures are 400 with a 'Bad Request: ' prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def retry_after_error(seconds: int) -> ApiError:
    """A flood-control answer as Telegram sends it."""
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


@dataclass
class FakeUser:
    """A Telegram account (a person or the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    language_code: str | None = None

    def to_api(self) -> JSON:
        """The User object as it appears in updates and results."""
        out: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out


@dataclass
class FakeChat:
    """A chat with its members, its message-id sequence and its messages."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    members: dict[int, MemberStatus] = field(default_factory=dict)
    migrated_to: int | None = None
    next_message_id: int = 1
    user_messages: dict[int, JSON] = field(default_factory=dict, repr=False)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict, repr=False)

    @property
    def is_group(self) -> bool:
        """Groups and supergroups share the per-group limit and membership rules."""
        return self.type in ("group", "supergroup")

    def take_message_id(self) -> int:
        """Message ids grow per chat and are shared by users' and the bot's messages."""
        self.next_message_id += 1
        return self.next_message_id - 1

    def to_api(self) -> JSON:
        """The short Chat object embedded in messages."""
        out: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out

    def full_info(self) -> JSON:
        """The ChatFullInfo object returned by getChat (with the fields PTB requires)."""
        flags = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        gifts = dict.fromkeys((*flags, "gifts_from_channels"), False)
        return {**self.to_api(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}  # fmt: skip


def member_api(status: MemberStatus, user: FakeUser) -> JSON:
    """A ChatMember object with every field PTB requires for that status."""
    out: JSON = {"status": status, "user": user.to_api()}
    if status == "creator":
        out["is_anonymous"] = False
    elif status == "administrator":
        out.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
    elif status == "restricted":
        out.update(dict.fromkeys(_RESTRICTED_RIGHTS, False), is_member=True, until_date=0)
    elif status == "kicked":
        out["until_date"] = 0
    return out


def invoice_api(sent: JSON) -> JSON:
    """The Invoice object a user sees in the message: no payload, no provider token."""
    total = sum(int(price["amount"]) for price in sent["prices"])
    return {"title": sent["title"], "description": sent["description"],
            "start_parameter": sent.get("start_parameter") or "", "currency": sent["currency"],
            "total_amount": total}  # fmt: skip


@dataclass
class StoredFile:
    """An uploaded (or referenced) file, downloadable through getFile and the file URL."""

    file_id: str
    file_name: str
    data: bytes
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        """Size in bytes, as the API reports it."""
        return len(self.data)


@dataclass
class BotMessage:
    """One message the bot sent, in its current state (edits update it in place)."""

    chat_id: int
    message_id: int
    kind: Literal["text", "photo", "document", "invoice"]
    text: str  # the raw text (or caption) as sent, markup included
    plain_text: str  # the text after entity parsing, as users see it
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    date: int
    reply_to_message_id: int | None = None
    file: StoredFile | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False
    history: list[tuple[str, JSON | None]] = field(default_factory=list)  # (text, markup) before
    invoice: JSON | None = None  # sendInvoice's fields as sent (payload, prices, need_* flags)

    def to_api(self, chat: FakeChat, bot: FakeUser) -> JSON:
        """The Message object returned by send/edit methods and embedded in callback queries."""
        out: JSON = {"message_id": self.message_id, "date": self.date, "chat": chat.to_api()}
        if chat.type == "channel":
            out["sender_chat"] = chat.to_api()
        else:
            out["from"] = bot.to_api()
        key, ent_key = (
            ("text", "entities") if self.kind == "text" else ("caption", "caption_entities")
        )
        if self.plain_text:
            out[key] = self.plain_text
        if self.entities:
            out[ent_key] = self.entities
        if self.file is not None and self.kind == "document":
            out["document"] = {
                "file_id": self.file.file_id,
                "file_unique_id": self.file.file_id,
                "file_name": self.file.file_name,
                "file_size": self.file.file_size,
                "mime_type": self.file.mime_type or "application/octet-stream",
            }
        elif self.file is not None:
            out["photo"] = [
                {
                    "file_id": self.file.file_id,
                    "file_unique_id": self.file.file_id,
                    "width": 320,
                    "height": 240,
                    "file_size": self.file.file_size,
                }
            ]
        if self.invoice is not None:
            out["invoice"] = invoice_api(self.invoice)
        if self.reply_markup is not None:
            out["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.reply_to_message_id is not None:
            replied = chat.user_messages.get(self.reply_to_message_id)
            out["reply_to_message"] = replied or {
                "message_id": self.reply_to_message_id,
                "date": self.date,
                "chat": chat.to_api(),
            }
        return out


@dataclass
class Operation:
    """One accepted bot action, in arrival order, for timelines and benchmarks."""

    method: str
    chat_id: int | None
    message_id: int | None = None
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    at: float = 0.0


@dataclass
class CallbackAnswer:
    """How the bot answered one inline-button press."""

    callback_query_id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class InjectedError:
    """A fault to answer instead of (or, for 'slow', before) the real handling of a request."""

    method: str  # lower-case method name, or "*" for any
    chat_id: int | str | None
    kind: ErrorKind
    times: int | None = 1  # remaining matches; None = until cleared
    retry_after: int = 1
    delay: float = 1.0
    description: str | None = None
    migrate_to_chat_id: int | None = None
    hits: int = 0

    @staticmethod
    def normalize_kind(kind: str) -> ErrorKind:
        """Accept both names ('retry_after') and codes ('429') for convenience in tests."""
        value = _KIND_ALIASES.get(str(kind), kind)
        if value not in get_args(ErrorKind):
            raise ValueError(f"unknown error kind {kind!r}; choose from {get_args(ErrorKind)}")
        return cast(ErrorKind, value)

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        """Whether this fault applies to a request (and still has uses left)."""
        if self.times is not None and self.times <= 0:
            return False
        if self.method not in ("*", method.lower()):
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def to_error(self, chat: FakeChat | None) -> ApiError:
        """The error this fault produces (not used for 'slow')."""
        kind_word = chat.type if chat is not None and chat.type != "private" else "group"
        if self.kind == "retry_after":
            return retry_after_error(self.retry_after)
        if self.kind == "blocked":
            return ApiError(403, self.description or "Forbidden: bot was blocked by the user")
        if self.kind == "kicked":
            desc = self.description or f"Forbidden: bot was kicked from the {kind_word} chat"
            return ApiError(403, desc)
        if self.kind == "migrated":
            target = self.migrate_to_chat_id or (chat.migrated_to if chat else None)
            if target is None:
                chat_id = chat.id if chat else 1
                target = -1_000_000_000_000 - abs(chat_id)
            desc = "Bad Request: group chat was upgraded to a supergroup chat"
            return ApiError(400, desc, {"migrate_to_chat_id": target})
        if self.kind == "bad_request":
            return ApiError(400, self.description or "Bad Request: injected error")
        if self.kind == "server_error":
            return ApiError(500, self.description or "Internal Server Error")
        if self.kind == "timeout":
            return ApiError(504, "Gateway Timeout", html=True)
        return ApiError(502, "Bad Gateway", html=True)


@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's documented broadcast limits (bots FAQ); all configurable for experiments."""

    per_chat_per_second: float = 1.0  # token-bucket refill rate for one chat
    per_chat_burst: int = 3  # token-bucket capacity: short bursts to one chat are tolerated
    per_group_per_minute: int = 20  # sliding 60 s window, groups and supergroups only
    global_per_second: int = 30  # sliding 1 s window over all chats
    counted_methods: frozenset[str] = frozenset(
        {
            "sendmessage",
            "sendphoto",
            "senddocument",
            "editmessagetext",
            "editmessagecaption",
            "editmessagereplymarkup",
        }
    )


class RateLimiter:
    """Decides whether a send fits Telegram's limits; rejected requests consume no quota.

    Windows: per chat, a token bucket (capacity `per_chat_burst`, refilled at
    `per_chat_per_second`); per group, the sends accepted in the last 60 s (sliding log);
    globally, the sends accepted in the last 1 s (sliding log). Logs are deques trimmed from the
    left, so each check is amortised O(1).
    """

    def __init__(self, limits: TelegramLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # chat id → (tokens, last refill)
        self._group_log: dict[int, deque[float]] = {}
        self._global_log: deque[float] = deque()
        self.violations: Counter[str] = Counter()  # "chat" / "group" / "global" → count

    @staticmethod
    def _trim(log: deque[float], horizon: float) -> None:
        """Forget timestamps that left the window."""
        while log and log[0] <= horizon:
            log.popleft()

    def check(self, chat_id: int, is_group: bool) -> int | None:
        """Return None and record the send if allowed, else the retry_after seconds."""
        lim, now = self.limits, self._clock()
        tokens, last = self._buckets.get(chat_id, (float(lim.per_chat_burst), now))
        tokens = min(float(lim.per_chat_burst), tokens + (now - last) * lim.per_chat_per_second)
        waits: list[tuple[str, float]] = []
        if tokens < 1.0:
            waits.append(("chat", (1.0 - tokens) / lim.per_chat_per_second))
        group_log = self._group_log.setdefault(chat_id, deque()) if is_group else None
        if group_log is not None:
            self._trim(group_log, now - 60.0)
            if len(group_log) >= lim.per_group_per_minute:
                waits.append(("group", group_log[0] + 60.0 - now))
        self._trim(self._global_log, now - 1.0)
        if len(self._global_log) >= lim.global_per_second:
            waits.append(("global", self._global_log[0] + 1.0 - now))
        if waits:
            self.violations[waits[0][0]] += 1
            return max(1, math.ceil(max(wait for _, wait in waits)))
        self._buckets[chat_id] = (tokens - 1.0, now)
        if group_log is not None:
            group_log.append(now)
        self._global_log.append(now)
        return None
