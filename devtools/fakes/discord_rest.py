"""REST handlers of the fake Discord API (users, apps, commands, channels, messages, guilds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from devtools.fakes.discord_messages import (
    DiscordError,
    apply_edit,
    build_message,
    form_error,
    invalid_form,
    json_response,
    no_content,
    read_body,
    text_len,
)
from devtools.fakes.discord_models import DM, FakeChannel, RecordedMessage
from devtools.fakes.discord_state import DiscordState


class RestRoutes:
    """Handlers for the non-interaction REST routes; `register` mounts them under a prefix."""

    def __init__(self, state: DiscordState, *, gateway_url: Callable[[], str], app_flags: int):
        self.state = state
        self._gateway_url = gateway_url
        self.app_flags = app_flags

    def register(self, app: web.Application, prefix: str) -> None:
        """Add every route to the aiohttp app (static paths before parameterised ones)."""
        s = self
        table: list[tuple[str, str, Any]] = [
            ("GET", "/users/@me", s.get_me),
            ("POST", "/users/@me/channels", s.open_dm),
            ("GET", "/users/{user_id}", s.get_user),
            ("GET", "/gateway", s.get_gateway),
            ("GET", "/gateway/bot", s.get_gateway_bot),
            ("GET", "/oauth2/applications/@me", s.get_application),
            ("GET", "/applications/@me", s.get_application),
            ("GET", "/applications/{application_id}/commands", s.get_commands),
            ("PUT", "/applications/{application_id}/commands", s.put_commands),
            ("POST", "/applications/{application_id}/commands", s.post_command),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", s.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", s.put_commands),
            ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", s.post_command),
            ("GET", "/channels/{channel_id}", s.get_channel),
            ("GET", "/channels/{channel_id}/messages", s.get_messages),
            ("POST", "/channels/{channel_id}/messages", s.post_message),
            ("POST", "/channels/{channel_id}/typing", s.typing),
            ("GET", "/channels/{channel_id}/messages/{message_id}", s.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", s.patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", s.delete_message),
            ("GET", "/guilds/{guild_id}", s.get_guild),
            ("GET", "/guilds/{guild_id}/channels", s.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", s.get_roles),
            ("GET", "/guilds/{guild_id}/members/{user_id}", s.get_member),
        ]
        for method, path, handler in table:
            app.router.add_route(method, prefix + path, handler)

    # ------------------------------------------------------------------ helpers
    def channel(self, request: web.Request, *, send: bool = False) -> FakeChannel:
        """Resolve {channel_id} with Discord's 404/403 semantics for the bot."""
        channel = self.state.channels.get(_int(request.match_info["channel_id"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        if channel.type == DM:
            user = self.state.users[channel.recipient_id or 0]
            if send and not user.accepts_dms:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
            return channel
        if not channel.bot_can_view:
            raise DiscordError(403, 50001, "Missing Access")
        if send and not channel.bot_can_send:
            raise DiscordError(403, 50013, "Missing Permissions")
        return channel

    def message(self, request: web.Request, channel: FakeChannel) -> RecordedMessage:
        """Resolve {message_id} inside a channel."""
        message = self.state.messages.get(_int(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def guild_id(self, request: web.Request) -> int:
        """Resolve {guild_id} or answer 404 Unknown Guild."""
        guild_id = _int(request.match_info["guild_id"])
        if guild_id not in self.state.guilds:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild_id

    # ------------------------------------------------------------------ users / app / gateway
    async def get_me(self, request: web.Request) -> web.Response:
        """The bot user (discord.py's static_login)."""
        return json_response(self.state.me_payload())

    async def get_user(self, request: web.Request) -> web.Response:
        """Any known user."""
        user_id = _int(request.match_info["user_id"])
        if user_id not in self.state.users:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(self.state.user_payload(user_id))

    async def open_dm(self, request: web.Request) -> web.Response:
        """Open (or return) the DM channel with a user."""
        body, _ = await read_body(request)
        user_id = _int(str((body or {}).get("recipient_id", "0")))
        if user_id not in self.state.users:
            raise invalid_form({"recipient_id": form_error("NUMBER_TYPE_COERCE", "Unknown user.")})
        return json_response(self.state.channel_payload(self.state.open_dm(user_id)))

    async def get_gateway(self, request: web.Request) -> web.Response:
        """Unauthenticated gateway URL."""
        return json_response({"url": self._gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        """Gateway URL, shard count and session start limit."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return json_response(
            {"url": self._gateway_url(), "shards": 1, "session_start_limit": limit}
        )

    async def get_application(self, request: web.Request) -> web.Response:
        """The application (discord.py reads id and flags at login)."""
        state = self.state
        return json_response(
            {
                "id": str(state.application_id),
                "name": state.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": state.user_payload(state.owner_user.id),
                "team": None,
                "flags": self.app_flags,
                "bot": state.user_payload(state.bot_user.id),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
            }
        )

    # ------------------------------------------------------------------ application commands
    def _scope(self, request: web.Request) -> int | None:
        """Global (None) or guild scope of a command route; checks the application id."""
        if _int(request.match_info["application_id"]) != self.state.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        return self.guild_id(request) if "guild_id" in request.match_info else None

    def _command(
        self, scope: int | None, raw: dict[str, Any], old: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Validate one command definition and echo it back the way Discord stores it."""
        errors: dict[str, Any] = {}
        name, ctype = str(raw.get("name", "")), int(raw.get("type", 1))
        if not 1 <= len(name) <= 32 or (ctype == 1 and name != name.lower()):
            errors["name"] = form_error(
                "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}"
            )
        if ctype == 1 and not 1 <= text_len(raw.get("description")) <= 100:
            errors["description"] = form_error("BASE_TYPE_BAD_LENGTH", "Must be 1-100 in length.")
        options = raw.get("options") or []
        seen_optional = False
        for i, opt in enumerate(options):
            seen_optional |= not opt.get("required", False) and opt.get("type") not in (1, 2)
            if seen_optional and opt.get("required", False):
                errors[f"options.{i}"] = form_error(
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
            if len(opt.get("choices") or []) > 25:
                errors[f"options.{i}.choices"] = form_error(
                    "BASE_TYPE_MAX_LENGTH", "Max 25 choices."
                )
        if len(options) > 25:
            errors["options"] = form_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if errors:
            raise invalid_form(errors)
        command = {"default_member_permissions": None, "nsfw": False, "description": "", **raw}
        command.update(
            id=old["id"] if old else str(self.state.ids.next()),
            application_id=str(self.state.application_id),
            version=str(self.state.ids.next()),
            type=ctype,
        )
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    async def get_commands(self, request: web.Request) -> web.Response:
        """List the synced commands of a scope."""
        return json_response(self.state.commands.get(self._scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite (CommandTree.sync); ids survive for unchanged (name, type)."""
        scope = self._scope(request)
        body, _ = await read_body(request)
        old = {(c["name"], c["type"]): c for c in self.state.commands.get(scope, [])}
        new = [self._command(scope, c, old.get((c["name"], c.get("type", 1)))) for c in body or []]
        self.state.commands[scope] = new
        self.state.notify()
        return json_response(new)

    async def post_command(self, request: web.Request) -> web.Response:
        """Create or replace one command."""
        scope = self._scope(request)
        body, _ = await read_body(request)
        current = self.state.commands.setdefault(scope, [])
        key = (body["name"], body.get("type", 1))
        old = next((c for c in current if (c["name"], c["type"]) == key), None)
        command = self._command(scope, body, old)
        self.state.commands[scope] = [c for c in current if c is not old] + [command]
        self.state.notify()
        return json_response(command, 200 if old else 201)

    # ------------------------------------------------------------------ channels / messages
    async def get_channel(self, request: web.Request) -> web.Response:
        """One channel."""
        return json_response(self.state.channel_payload(self.channel(request)))

    async def get_messages(self, request: web.Request) -> web.Response:
        """Recent history of the bot's own messages, newest first."""
        channel = self.channel(request)
        limit = int(request.query.get("limit", "50"))
        msgs = self.state.channel_log(channel.id)[-limit:]
        return json_response([self.state.message_payload(m) for m in reversed(msgs)])

    async def post_message(self, request: web.Request) -> web.Response:
        """Send a message: record content, embeds, components, allowed_mentions, files."""
        channel = self.channel(request, send=True)
        body, files = await read_body(request)
        message = build_message(self.state, channel, body or {}, files)
        return json_response(self.state.message_payload(message))

    async def typing(self, request: web.Request) -> web.Response:
        """Typing indicator: accepted and ignored."""
        self.channel(request, send=True)
        return no_content()

    async def get_message(self, request: web.Request) -> web.Response:
        """One message."""
        channel = self.channel(request)
        return json_response(self.state.message_payload(self.message(request, channel)))

    async def patch_message(self, request: web.Request) -> web.Response:
        """Edit one of the bot's messages."""
        channel = self.channel(request)
        message = self.message(request, channel)
        if message.author_id != self.state.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body, files = await read_body(request)
        apply_edit(self.state, message, body or {}, files)
        return json_response(self.state.message_payload(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        """Delete a message (kept, marked deleted)."""
        message = self.message(request, self.channel(request))
        message.deleted = True
        self.state.notify()
        return no_content()

    # ------------------------------------------------------------------ guilds
    async def get_guild(self, request: web.Request) -> web.Response:
        """Guild object (REST shape, no channels or members)."""
        return json_response(self.state.guild_payload(self.guild_id(request)))

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        """Channels of a guild."""
        guild = self.state.guilds[self.guild_id(request)]
        chans = [self.state.channel_payload(self.state.channels[c]) for c in guild.channel_ids]
        return json_response(chans)

    async def get_roles(self, request: web.Request) -> web.Response:
        """Roles of a guild."""
        guild = self.state.guilds[self.guild_id(request)]
        return json_response([self.state.role_payload(r) for r in guild.roles.values()])

    async def get_member(self, request: web.Request) -> web.Response:
        """One member (the moderator check fetches this)."""
        guild_id = self.guild_id(request)
        user_id = _int(request.match_info["user_id"])
        if user_id not in self.state.guilds[guild_id].members:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(self.state.member_payload(guild_id, user_id))


def _int(value: str) -> int:
    """Parse a snowflake path parameter; garbage gets Discord's 404 rather than a 500."""
    try:
        return int(value)
    except ValueError:
        raise DiscordError(404, 0, "404: Not Found") from None
