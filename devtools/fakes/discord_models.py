"""Data model of the fake Discord API: ids, users, guilds, channels, recorded messages."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 53) - 1
DEFAULT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
)

# Channel types.
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def iso_now() -> str:
    """Return an ISO-8601 UTC timestamp, the format Discord payloads carry."""
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Hands out increasing, time-based snowflakes so discord.utils.snowflake_time stays sane."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        """Return a fresh snowflake strictly greater than the previous one."""
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, now)
        return self._last


@dataclass
class FakeUser:
    """A Discord account; `accepts_dms=False` makes DMs fail with 50007 like a blocked bot."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    accepts_dms: bool = True


@dataclass
class FakeRole:
    """A guild role; its id equals the guild id for @everyone."""

    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0


@dataclass
class FakeChannel:
    """A guild or DM channel; the bot_can_* flags drive the real 403 errors."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    recipient_id: int | None = None
    bot_can_view: bool = True
    bot_can_send: bool = True


@dataclass
class FakeMember:
    """A user's membership in a guild."""

    user_id: int
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)


@dataclass
class FakeGuild:
    """A guild with its roles, channels and members (channels are also indexed globally)."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)


@dataclass
class RecordedFile:
    """An uploaded file part of a multipart body."""

    field_name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedMessage:
    """A message the bot created; fields reflect the latest edit, `edits` keeps each PATCH body."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    allowed_mentions: dict[str, Any] | None
    flags: int
    payload: dict[str, Any]
    files: list[RecordedFile] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    type: int = 0
    interaction_id: int | None = None
    webhook_id: int | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        """Tell whether only the invoking user sees it (interaction replies with flag 64)."""
        return bool(self.flags & EPHEMERAL)


_counter = itertools.count(1)


@dataclass(frozen=True)
class FakeUpload:
    """A file a user attaches to a slash command's attachment option."""

    filename: str
    content_type: str = "image/png"
    size: int = 2048

    def payload(self, attachment_id: int, channel_id: int) -> dict[str, Any]:
        """The resolved attachment Discord sends, with its CDN URL."""
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{self.filename}"
        return {"id": str(attachment_id), "filename": self.filename, "size": self.size,
                "url": url, "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                "content_type": self.content_type, "ephemeral": True}  # fmt: skip


def new_token(prefix: str) -> str:
    """Return a unique opaque token (interaction tokens, session ids)."""
    return f"{prefix}{next(_counter):06d}{time.monotonic_ns():x}"
