"""In-memory world of the fake Discord API: world building, message store, payload builders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from devtools.fakes.discord_models import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_PERMISSIONS,
    DM,
    GUILD_TEXT,
    GUILD_VOICE,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    RecordedFile,
    RecordedMessage,
    Snowflakes,
)


class DiscordState:
    """Everything the fake knows; REST handlers, the gateway and tests all read and write it."""

    def __init__(self, *, bot_name: str = "wavebot") -> None:
        self.ids = Snowflakes()
        self.base_url = ""  # http://127.0.0.1:PORT once the server listens (attachment URLs)
        self.application_id = self.ids.next()
        self.bot_user = FakeUser(self.ids.next(), bot_name, bot=True)
        self.owner_user = FakeUser(self.ids.next(), "app-owner")
        self.users: dict[int, FakeUser] = {u.id: u for u in (self.bot_user, self.owner_user)}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dm_by_user: dict[int, int] = {}
        self.messages: dict[int, RecordedMessage] = {}
        self.channel_messages: dict[int, list[RecordedMessage]] = {}
        self.files_by_attachment: dict[int, RecordedFile] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []

    # ----------------------------------------------------------------- change notification
    def notify(self) -> None:
        """Re-evaluate pending wait_for predicates after any change."""
        if not self._waiters:
            return
        still: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            try:
                value = predicate()
            except Exception as exc:
                future.set_exception(exc)
                continue
            if value:
                future.set_result(value)
            else:
                still.append((predicate, future))
        self._waiters = still

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Wait until `predicate()` is truthy (re-checked on every change) and return its value."""
        value = predicate()
        if value:
            return value
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(f"fake Discord: condition not met within {timeout}s") from None

    # ----------------------------------------------------------------- world building
    def create_user(
        self,
        username: str,
        *,
        bot: bool = False,
        accepts_dms: bool = True,
        user_id: int | None = None,
    ) -> FakeUser:
        """Register a user that can join guilds and invoke interactions."""
        user = FakeUser(user_id or self.ids.next(), username, bot=bot, accepts_dms=accepts_dms)
        self.users[user.id] = user
        return user

    def create_guild(self, name: str, *, owner_id: int | None = None) -> FakeGuild:
        """Create a guild with @everyone, the owner and the bot as members."""
        owner = owner_id or self.create_user(f"{name}-owner").id
        guild = FakeGuild(self.ids.next(), name, owner)
        guild.roles[guild.id] = FakeRole(guild.id, guild.id, "@everyone", DEFAULT_PERMISSIONS)
        self.guilds[guild.id] = guild
        self.add_member(guild.id, owner)
        self.add_member(guild.id, self.bot_user.id)
        return guild

    def create_role(
        self, guild_id: int, name: str, *, permissions: int = 0, position: int | None = None
    ) -> FakeRole:
        """Add a role (e.g. permissions=MANAGE_GUILD for moderators)."""
        guild = self.guilds[guild_id]
        pos = len(guild.roles) if position is None else position
        role = FakeRole(self.ids.next(), guild_id, name, permissions, pos)
        guild.roles[role.id] = role
        return role

    def add_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: list[int] | None = None,
        nick: str | None = None,
    ) -> FakeMember:
        """Put a user into a guild with the given role ids."""
        member = FakeMember(user_id, guild_id, list(roles or []), nick)
        self.guilds[guild_id].members[user_id] = member
        return member

    def bot_guilds(self) -> list[int]:
        """Ids of the guilds the bot is in (what READY announces)."""
        return [gid for gid, g in self.guilds.items() if self.bot_user.id in g.members]

    def remove_bot(self, guild_id: int) -> None:
        """Kick the bot: it loses the member entry and every channel of the guild."""
        guild = self.guilds[guild_id]
        guild.members.pop(self.bot_user.id, None)
        for cid in guild.channel_ids:
            self.channels[cid].bot_can_view = False

    def create_channel(
        self,
        guild_id: int,
        name: str,
        *,
        type: int = GUILD_TEXT,
        bot_can_view: bool = True,
        bot_can_send: bool = True,
        parent_id: int | None = None,
        topic: str | None = None,
    ) -> FakeChannel:
        """Add a guild channel; deny view/send to the bot to get 403 Missing Access/Permissions."""
        guild = self.guilds[guild_id]
        channel = FakeChannel(
            self.ids.next(),
            type,
            name,
            guild_id,
            position=len(guild.channel_ids),
            parent_id=parent_id,
            topic=topic,
            bot_can_view=bot_can_view,
            bot_can_send=bot_can_send,
        )
        self.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        return channel

    def open_dm(self, user_id: int) -> FakeChannel:
        """Return the bot's DM channel with a user, creating it once."""
        if user_id in self.dm_by_user:
            return self.channels[self.dm_by_user[user_id]]
        channel = FakeChannel(self.ids.next(), DM, recipient_id=user_id)
        self.channels[channel.id] = channel
        self.dm_by_user[user_id] = channel.id
        return channel

    def permissions(self, guild_id: int, user_id: int) -> int:
        """Compute guild-level permissions as Discord does (owner and ADMINISTRATOR get all)."""
        guild = self.guilds[guild_id]
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        perms = guild.roles[guild.id].permissions
        member = guild.members.get(user_id)
        for role_id in member.roles if member else []:
            role = guild.roles.get(role_id)
            perms |= role.permissions if role else 0
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    # ----------------------------------------------------------------- messages
    def add_message(self, message: RecordedMessage) -> RecordedMessage:
        """Store a message the bot sent and wake waiters."""
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message)
        for attachment, file in zip(message.attachments, message.files, strict=False):
            self.files_by_attachment[int(attachment["id"])] = file
        self.notify()
        return message

    def channel_log(
        self, channel_id: int, *, include_deleted: bool = False
    ) -> list[RecordedMessage]:
        """Messages of one channel in send order."""
        msgs = self.channel_messages.get(channel_id, [])
        return list(msgs) if include_deleted else [m for m in msgs if not m.deleted]

    # ----------------------------------------------------------------- payloads
    def user_payload(self, user_id: int) -> dict[str, Any]:
        """Build a user object."""
        user = self.users[user_id]
        return {
            "id": str(user.id),
            "username": user.username,
            "discriminator": "0",
            "global_name": user.global_name,
            "avatar": None,
            "bot": user.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }

    def me_payload(self) -> dict[str, Any]:
        """Build the /users/@me object of the bot."""
        payload = self.user_payload(self.bot_user.id)
        payload.update(mfa_enabled=False, verified=True, locale="en-US", email=None)
        return payload

    def role_payload(self, role: FakeRole) -> dict[str, Any]:
        """Build a role object."""
        return {
            "id": str(role.id),
            "name": role.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": role.position,
            "permissions": str(role.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def member_payload(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Build a guild member object."""
        member = self.guilds[guild_id].members[user_id]
        return {
            "user": self.user_payload(user_id),
            "nick": member.nick,
            "avatar": None,
            "roles": [str(r) for r in member.roles],
            "joined_at": member.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def channel_payload(self, channel: FakeChannel) -> dict[str, Any]:
        """Build a channel object; bot denials become member overwrites so discord.py sees them."""
        if channel.type == DM:
            assert channel.recipient_id is not None
            return {
                "id": str(channel.id),
                "type": DM,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.user_payload(channel.recipient_id)],
            }
        deny = (0 if channel.bot_can_view else VIEW_CHANNEL) | (
            0 if channel.bot_can_send else SEND_MESSAGES
        )
        overwrites = (
            [{"id": str(self.bot_user.id), "type": 1, "allow": "0", "deny": str(deny)}]
            if deny
            else []
        )
        payload: dict[str, Any] = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": overwrites,
            "nsfw": False,
            "topic": channel.topic,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
            "flags": 0,
        }
        if channel.type == GUILD_VOICE:
            payload.update(bitrate=64000, user_limit=0, rtc_region=None)
        return payload

    def guild_payload(
        self, guild_id: int, *, gateway: bool = False, members: bool = True
    ) -> dict[str, Any]:
        """Build a guild object; `gateway=True` adds the GUILD_CREATE extras (channels, members)."""
        guild = self.guilds[guild_id]
        payload: dict[str, Any] = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [self.role_payload(r) for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
        }
        if gateway:
            shown = guild.members if members else {self.bot_user.id: None}
            payload.update(
                joined_at=guild.members[self.bot_user.id].joined_at,
                large=len(guild.members) > 250,
                unavailable=False,
                member_count=len(guild.members),
                voice_states=[],
                members=[self.member_payload(guild.id, uid) for uid in shown],
                channels=[self.channel_payload(self.channels[c]) for c in guild.channel_ids],
                threads=[],
                presences=[],
                stage_instances=[],
                guild_scheduled_events=[],
                soundboard_sounds=[],
            )
        return payload

    def message_payload(self, message: RecordedMessage) -> dict[str, Any]:
        """Build a message object from what was recorded."""
        payload: dict[str, Any] = {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "author": self.user_payload(message.author_id),
            "content": message.content,
            "timestamp": message.timestamp,
            "edited_timestamp": message.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": message.attachments,
            "embeds": message.embeds,
            "components": message.components,
            "pinned": False,
            "type": message.type,
            "flags": message.flags,
        }
        if message.guild_id is not None:
            payload["guild_id"] = str(message.guild_id)
        if message.webhook_id is not None:
            payload["webhook_id"] = str(message.webhook_id)
            payload["application_id"] = str(self.application_id)
        return payload
