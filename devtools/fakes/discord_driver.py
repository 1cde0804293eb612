"""Test-driving side of the fake Discord API: build the world, send interactions, inspect."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from devtools.fakes.discord_gateway import INTENT_MEMBERS, GatewayHub
from devtools.fakes.discord_interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
    Interactions,
)
from devtools.fakes.discord_models import (
    GUILD_TEXT,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    RecordedMessage,
)
from devtools.fakes.discord_state import DiscordState


class DiscordDriver:
    """Methods tests call on FakeDiscordAPI; world changes are dispatched to live sessions."""

    state: DiscordState
    gateway: GatewayHub
    interactions: Interactions

    # ------------------------------------------------------------------ world building
    def create_user(
        self, username: str, *, accepts_dms: bool = True, bot: bool = False
    ) -> FakeUser:
        """Register a user (accepts_dms=False makes DMs fail with 50007)."""
        return self.state.create_user(username, bot=bot, accepts_dms=accepts_dms)

    def create_guild(self, name: str, *, owner_id: int | None = None) -> FakeGuild:
        """Create a guild the bot is in (GUILD_CREATE is dispatched to live sessions)."""
        guild = self.state.create_guild(name, owner_id=owner_id)
        self._dispatch_guild(guild.id)
        return guild

    def create_role(self, guild_id: int, name: str, *, permissions: int = 0) -> FakeRole:
        """Add a role, e.g. permissions=MANAGE_GUILD for moderators."""
        role = self.state.create_role(guild_id, name, permissions=permissions)
        data = {"guild_id": str(guild_id), "role": self.state.role_payload(role)}
        self.gateway.dispatch("GUILD_ROLE_CREATE", data)
        return role

    def add_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: list[int] | None = None,
        nick: str | None = None,
    ) -> FakeMember:
        """Put a user in a guild (GUILD_MEMBER_ADD to live sessions)."""
        member = self.state.add_member(guild_id, user_id, roles=roles, nick=nick)
        data = {"guild_id": str(guild_id), **self.state.member_payload(guild_id, user_id)}
        self.gateway.dispatch("GUILD_MEMBER_ADD", data)
        return member

    def set_member_roles(self, guild_id: int, user_id: int, roles: list[int]) -> None:
        """Change a member's roles (GUILD_MEMBER_UPDATE), e.g. to revoke Manage Server."""
        self.state.guilds[guild_id].members[user_id].roles = list(roles)
        data = {"guild_id": str(guild_id), **self.state.member_payload(guild_id, user_id)}
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", data)

    def create_channel(
        self,
        guild_id: int,
        name: str,
        *,
        type: int = GUILD_TEXT,
        bot_can_view: bool = True,
        bot_can_send: bool = True,
    ) -> FakeChannel:
        """Add a guild channel; bot_can_view/bot_can_send=False give 403 50001/50013."""
        channel = self.state.create_channel(
            guild_id, name, type=type, bot_can_view=bot_can_view, bot_can_send=bot_can_send
        )
        self.gateway.dispatch("CHANNEL_CREATE", self.state.channel_payload(channel))
        return channel

    def open_dm(self, user_id: int) -> FakeChannel:
        """The bot's DM channel with a user (what POST /users/@me/channels returns)."""
        return self.state.open_dm(user_id)

    def remove_bot(self, guild_id: int) -> None:
        """Kick the bot from a guild: GUILD_DELETE, and its channels answer 403 Missing Access."""
        self.state.remove_bot(guild_id)
        self.gateway.dispatch("GUILD_DELETE", {"id": str(guild_id)})

    def _dispatch_guild(self, guild_id: int) -> None:
        """Send GUILD_CREATE to each session with the member list its intents allow."""
        for session in self.gateway.sessions.values():
            if not session.serves(guild_id):
                continue
            members = bool(session.intents & INTENT_MEMBERS)
            payload = self.state.guild_payload(guild_id, gateway=True, members=members)
            text = session.frame("GUILD_CREATE", payload)
            if session.conn is not None:
                session.conn.send(text)

    # ------------------------------------------------------------------ gateway control
    def dispatch(self, event: str, data: Any) -> int:
        """Send any DISPATCH event to connected sessions; returns the number of sessions."""
        return self.gateway.dispatch(event, data)

    async def disconnect_clients(self, code: int = 4000) -> None:
        """Drop every gateway connection with a close code (sessions stay resumable)."""
        await self.gateway.disconnect(code)

    def fail_identify(self, times: int = 1, close_code: int = 4000) -> None:
        """Close the next `times` IDENTIFYs with `close_code` (4004 is fatal for discord.py)."""
        self.gateway.fail_identify_left = times
        self.gateway.fail_identify_code = close_code

    def fail_connect(self, times: int = 1, status: int = 503) -> None:
        """Refuse the next `times` websocket handshakes (drives discord.py's backoff)."""
        self.gateway.fail_connect_left = times
        self.gateway.fail_connect_status = status

    def send_reconnect(self) -> None:
        """Send op 7 RECONNECT to every client."""
        self.gateway.send_reconnect()

    def invalidate_sessions(self) -> None:
        """Make the next RESUME fail with INVALID_SESSION."""
        self.gateway.invalidate_sessions()

    @property
    def identify_count(self) -> int:
        """How many IDENTIFY payloads were received."""
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        """How many RESUME payloads were received."""
        return self.gateway.resume_count

    @property
    def connection_count(self) -> int:
        """How many gateway websockets were accepted."""
        return self.gateway.connection_count

    # ------------------------------------------------------------------ interactions
    async def send_interaction(
        self,
        type_: int,
        data: dict[str, Any] | None,
        *,
        user_id: int,
        channel_id: int,
        message_id: int | None = None,
    ) -> InteractionHandle:
        """Dispatch a raw INTERACTION_CREATE and return its handle."""
        handle = self.interactions.create(
            type_, data, user_id=user_id, channel_id=channel_id, message_id=message_id
        )
        self.gateway.dispatch("INTERACTION_CREATE", handle.payload)
        await asyncio.sleep(0)
        return handle

    async def send_slash_command(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user_id: int,
        channel_id: int,
    ) -> InteractionHandle:
        """Invoke a slash command ("cmd" or "group sub"); option types come from the synced tree."""
        guild_id = self.state.channels[channel_id].guild_id
        data = self.interactions.command_data(name, options, guild_id)
        return await self.send_interaction(
            APPLICATION_COMMAND, data, user_id=user_id, channel_id=channel_id
        )

    async def send_autocomplete(
        self,
        name: str,
        focused: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: int,
        channel_id: int,
    ) -> InteractionHandle:
        """Ask for autocomplete choices of option `focused` (its partial value in `options`)."""
        guild_id = self.state.channels[channel_id].guild_id
        opts = {focused: "", **(options or {})}
        data = self.interactions.command_data(name, opts, guild_id, focused=focused)
        return await self.send_interaction(
            AUTOCOMPLETE, data, user_id=user_id, channel_id=channel_id
        )

    async def press_button(
        self, message_id: int, custom_id: str, *, user_id: int
    ) -> InteractionHandle:
        """Click a button on a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 2}
        channel_id = self.state.messages[message_id].channel_id
        return await self.send_interaction(
            MESSAGE_COMPONENT, data, user_id=user_id, channel_id=channel_id, message_id=message_id
        )

    async def choose_select(
        self, message_id: int, custom_id: str, values: list[str], *, user_id: int
    ) -> InteractionHandle:
        """Pick values in a string select menu on a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        channel_id = self.state.messages[message_id].channel_id
        return await self.send_interaction(
            MESSAGE_COMPONENT, data, user_id=user_id, channel_id=channel_id, message_id=message_id
        )

    async def submit_modal(
        self, custom_id: str, values: dict[str, str], *, user_id: int, channel_id: int
    ) -> InteractionHandle:
        """Submit a modal: one action row with a text input per value."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        return await self.send_interaction(
            MODAL_SUBMIT, data, user_id=user_id, channel_id=channel_id
        )

    def interaction(self, interaction_id: int) -> InteractionHandle:
        """The handle of an interaction by id."""
        return self.interactions.by_id[interaction_id]

    @property
    def interaction_errors(self) -> list[tuple[InteractionHandle, int]]:
        """Rejected callbacks: (handle, Discord error code) for late (10062) or double (40060)."""
        return self.interactions.errors

    # ------------------------------------------------------------------ inspection
    def messages(self, channel_id: int, *, include_deleted: bool = False) -> list[RecordedMessage]:
        """Messages the bot sent to a channel, oldest first (edits applied)."""
        return self.state.channel_log(channel_id, include_deleted=include_deleted)

    def last_message(self, channel_id: int) -> RecordedMessage | None:
        """The newest non-deleted message of a channel."""
        log_ = self.state.channel_log(channel_id)
        return log_[-1] if log_ else None

    def message(self, message_id: int) -> RecordedMessage:
        """A recorded message by id."""
        return self.state.messages[message_id]

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The synced command tree of a scope (None = global), as Discord stores it."""
        return self.state.commands.get(guild_id, [])

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any] | None:
        """One synced command by name."""
        return next((c for c in self.commands(guild_id) if c["name"] == name), None)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Wait until `predicate()` is truthy (re-checked after every change); return its value."""
        return await self.state.wait_for(predicate, timeout)

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[RecordedMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RecordedMessage:
        """Wait for the first message in a channel that satisfies `predicate`."""
        check = predicate or (lambda m: True)
        return await self.wait_for(  # type: ignore[no-any-return]
            lambda: next((m for m in self.messages(channel_id) if check(m)), None), timeout
        )

    async def wait_until_identified(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until some client has identified and received READY."""
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)
