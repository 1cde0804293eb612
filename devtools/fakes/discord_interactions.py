"""Interactions: INTERACTION_CREATE payloads, the callback endpoint and webhook follow-ups."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from devtools.fakes.discord_messages import (
    DiscordError,
    apply_edit,
    build_message,
    invalid_form,
    json_response,
    no_content,
    read_body,
)
from devtools.fakes.discord_models import (
    DEFAULT_PERMISSIONS,
    FakeChannel,
    FakeUpload,
    RecordedFile,
    RecordedMessage,
    new_token,
)
from devtools.fakes.discord_state import DiscordState

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
# Callback types Discord accepts for each interaction type.
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
OPTION_TYPES = {bool: 5, int: 4, float: 10, str: 3}


@dataclass
class InteractionHandle:
    """One interaction sent to the bot: what it answered, when, and its follow-ups."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    user_id: int
    created_at: float
    state: DiscordState = field(repr=False)
    message_id: int | None = None
    response: dict[str, Any] | None = None
    response_files: list[RecordedFile] = field(default_factory=list)
    responded_after: float | None = None
    original_message_id: int | None = None
    followups: list[RecordedMessage] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def response_type(self) -> int | None:
        """Callback type (4 message, 5 defer, 6 defer update, 7 update, 8 choices, 9 modal)."""
        return None if self.response is None else int(self.response["type"])

    @property
    def response_data(self) -> dict[str, Any]:
        """The callback's `data` object ({} when none)."""
        return dict((self.response or {}).get("data") or {})

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices answered with callback type 8."""
        return list(self.response_data.get("choices") or [])

    @property
    def original(self) -> RecordedMessage | None:
        """The message behind @original (reply, deferred placeholder or the clicked message)."""
        mid = self.original_message_id
        return None if mid is None else self.state.messages.get(mid)

    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait for the initial callback and return its body ({"type", "data"})."""
        return await self.state.wait_for(lambda: self.response, timeout)  # type: ignore[no-any-return]

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[RecordedMessage]:  # noqa: ASYNC109
        """Wait until `count` follow-up messages were sent and return them."""
        return await self.state.wait_for(  # type: ignore[no-any-return]
            lambda: len(self.followups) >= count and list(self.followups), timeout
        )

    async def wait_original(
        self,
        predicate: Callable[[RecordedMessage], bool] = lambda m: True,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RecordedMessage:
        """Wait until @original exists and satisfies `predicate` (e.g. edited after a defer)."""

        def check() -> RecordedMessage | None:
            msg = self.original
            return msg if msg is not None and predicate(msg) else None

        return await self.state.wait_for(check, timeout)  # type: ignore[no-any-return]


class Interactions:
    """Creates interactions and serves the endpoints that answer them."""

    def __init__(self, state: DiscordState, *, deadline: float, followup_ttl: float) -> None:
        self.state = state
        self.deadline = deadline
        self.followup_ttl = followup_ttl
        self.by_id: dict[int, InteractionHandle] = {}
        self.by_token: dict[str, InteractionHandle] = {}
        self.errors: list[tuple[InteractionHandle, int]] = []

    def register(self, app: web.Application, prefix: str) -> None:
        """Mount the callback and webhook routes (no Authorization needed, as on Discord)."""
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        r = app.router
        r.add_post(prefix + "/interactions/{interaction_id}/{interaction_token}/callback", self.cb)
        r.add_post(prefix + hook, self.execute)
        for method in ("GET", "PATCH", "DELETE"):
            r.add_route(method, prefix + hook + "/messages/{message_id}", self.webhook_message)

    # ---------------------------------------------------------------- building
    def create(
        self,
        type_: int,
        data: dict[str, Any] | None,
        *,
        user_id: int,
        channel_id: int,
        message_id: int | None = None,
    ) -> InteractionHandle:
        """Build the INTERACTION_CREATE payload and a handle to observe the bot's answer."""
        state = self.state
        channel = state.channels[channel_id]
        iid = state.ids.next()
        token = new_token(f"aW50ZXJhY3Rpb246{iid}:")
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(state.application_id),
            "type": type_,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": state.channel_payload(channel),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
        }
        if data is not None:
            payload["data"] = data
        if channel.guild_id is not None:
            gid = channel.guild_id
            guild = state.guilds[gid]
            if user_id not in guild.members:
                state.add_member(gid, user_id)
            member = state.member_payload(gid, user_id)
            member["permissions"] = str(state.permissions(gid, user_id))
            payload.update(
                guild_id=str(gid),
                guild_locale="en-US",
                guild={"id": str(gid), "locale": "en-US", "features": []},
                member=member,
                app_permissions=str(state.permissions(gid, state.bot_user.id)),
                authorizing_integration_owners={"0": str(gid)},
                context=0,
            )
        else:
            payload.update(
                user=state.user_payload(user_id),
                app_permissions=str(DEFAULT_PERMISSIONS),
                authorizing_integration_owners={"0": str(user_id)},
                context=1,
            )
        if message_id is not None:
            payload["message"] = state.message_payload(state.messages[message_id])
        loop_time = asyncio.get_running_loop().time()
        handle = InteractionHandle(
            iid, token, type_, payload, channel.id, user_id, loop_time, state, message_id
        )
        self.by_id[iid] = handle
        self.by_token[token] = handle
        return handle

    def command_data(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None,
        guild_id: int | None,
        *,
        focused: str | None = None,
    ) -> dict[str, Any]:
        """Build `data` for a slash command; "group sub" names become nested options."""
        words = name.split()
        command = self.find_command(words[0], guild_id)
        data: dict[str, Any] = {
            "id": command["id"] if command else "0",
            "name": words[0],
            "type": 1,
        }
        if command and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        defs = (command or {}).get("options") or []
        container = data
        for word in words[1:]:
            sub = next((o for o in defs if o.get("name") == word), {"type": 1})
            node: dict[str, Any] = {"name": word, "type": sub.get("type", 1), "options": []}
            container.setdefault("options", []).append(node)
            container, defs = node, sub.get("options") or []
        if isinstance(options, list):
            container["options"] = options
            return data
        opts = container.setdefault("options", [])
        for key, value in (options or {}).items():
            spec = next((o for o in defs if o.get("name") == key), None)
            kind = spec["type"] if spec else OPTION_TYPES.get(type(value), 3)
            if isinstance(value, FakeUpload):  # type 11: the id, the file in `resolved`
                value = self._upload(data, value, guild_id)
            raw = str(value) if kind in (6, 7, 8, 9, 11) else value
            opt: dict[str, Any] = {"name": key, "type": kind, "value": raw}
            if key == focused:
                opt["focused"] = True
            opts.append(opt)
            self._resolve(data, kind, raw, guild_id)
        return data

    def _upload(self, data: dict[str, Any], upload: FakeUpload, guild_id: int | None) -> int:
        """Store an attachment option's file in `resolved.attachments`; return its id."""
        attachment_id = self.state.ids.next()
        payload = upload.payload(attachment_id, guild_id or 0)
        data.setdefault("resolved", {}).setdefault("attachments", {})[str(attachment_id)] = payload
        return attachment_id

    def _resolve(self, data: dict[str, Any], kind: int, value: Any, guild_id: int | None) -> None:
        """Fill `resolved` for user/channel/role options as Discord does."""
        state, key = self.state, int(value) if kind in (6, 7, 8) else 0
        resolved = data.setdefault("resolved", {})
        if kind == 6 and key in state.users:
            resolved.setdefault("users", {})[value] = state.user_payload(key)
            if guild_id is not None and key in state.guilds[guild_id].members:
                member = state.member_payload(guild_id, key)
                member.pop("user")
                member["permissions"] = str(state.permissions(guild_id, key))
                resolved.setdefault("members", {})[value] = member
        elif kind == 7 and key in state.channels:
            channel = state.channel_payload(state.channels[key])
            channel["permissions"] = str(DEFAULT_PERMISSIONS)
            resolved.setdefault("channels", {})[value] = channel
        elif kind == 8 and guild_id is not None and key in state.guilds[guild_id].roles:
            role = state.guilds[guild_id].roles[key]
            resolved.setdefault("roles", {})[value] = state.role_payload(role)

    def find_command(self, name: str, guild_id: int | None) -> dict[str, Any] | None:
        """Look a synced command up: guild scope first, then global."""
        for scope in (guild_id, None) if guild_id is not None else (None,):
            for command in self.state.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return None

    # ---------------------------------------------------------------- endpoints
    def _fail(self, handle: InteractionHandle, err: DiscordError) -> DiscordError:
        """Record a rejected callback on the handle before raising it."""
        handle.errors.append({"status": err.status, "code": err.code, "message": err.message})
        self.errors.append((handle, err.code))
        self.state.notify()
        return err

    async def cb(self, request: web.Request) -> web.Response:
        """POST /interactions/{id}/{token}/callback: the initial response (3 s, once)."""
        handle = self.by_id.get(_snowflake(request.match_info["interaction_id"]))
        if handle is None or handle.token != request.match_info["interaction_token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        body, files = await read_body(request)
        body = body or {}
        elapsed = asyncio.get_running_loop().time() - handle.created_at
        if handle.response is not None:
            raise self._fail(
                handle, DiscordError(400, 40060, "Interaction has already been acknowledged.")
            )
        if elapsed > self.deadline:
            raise self._fail(handle, DiscordError(404, 10062, "Unknown interaction"))
        rtype, data = int(body.get("type", 0)), dict(body.get("data") or {})
        if rtype not in ALLOWED_CALLBACKS.get(handle.type, set()):
            errors = {"type": {"_errors": [{"code": "INTERACTION_TYPE_INVALID", "message": ""}]}}
            raise self._fail(handle, invalid_form(errors))
        if rtype == 8 and len(data.get("choices") or []) > 25:
            errors = {"choices": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": ""}]}}
            raise self._fail(handle, invalid_form(errors))
        channel = self.state.channels[handle.channel_id]
        message = self._apply_callback(handle, channel, rtype, data, files)
        handle.response, handle.response_files, handle.responded_after = body, files, elapsed
        self.state.notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        info: dict[str, Any] = {"id": str(handle.id), "type": handle.type}
        if message is not None:
            info.update(
                response_message_id=str(message.id),
                response_message_loading=rtype == 5,
                response_message_ephemeral=message.ephemeral,
            )
        resource: dict[str, Any] = {"type": rtype}
        if message is not None and rtype in (4, 5, 7):
            resource["message"] = self.state.message_payload(message)
        return json_response({"interaction": info, "resource": resource})

    def _apply_callback(
        self,
        handle: InteractionHandle,
        channel: FakeChannel,
        rtype: int,
        data: dict[str, Any],
        files: list[RecordedFile],
    ) -> RecordedMessage | None:
        """Create or update the message a callback implies."""
        kind = 20 if handle.type == APPLICATION_COMMAND else 0
        if rtype in (4, 5):
            msg = build_message(
                self.state,
                channel,
                data,
                files if rtype == 4 else [],
                msg_type=kind,
                interaction_id=handle.id,
                webhook_id=self.state.application_id,
                placeholder=rtype == 5,
            )
        elif rtype in (6, 7) and handle.message_id is not None:
            msg = self.state.messages[handle.message_id]
            if rtype == 7:
                apply_edit(self.state, msg, data, files)
        else:
            return None
        handle.original_message_id = msg.id
        return msg

    def _hook(self, request: web.Request) -> InteractionHandle:
        """Resolve /webhooks/{application_id}/{token} to an acknowledged, unexpired interaction."""
        handle = self.by_token.get(request.match_info["webhook_token"])
        app_ok = _snowflake(request.match_info["webhook_id"]) == self.state.application_id
        if handle is None or not app_ok or handle.response is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - handle.created_at > self.followup_ttl:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return handle

    async def execute(self, request: web.Request) -> web.Response:
        """POST /webhooks/{app}/{token}: a follow-up message."""
        handle = self._hook(request)
        body, files = await read_body(request)
        channel = self.state.channels[handle.channel_id]
        msg = build_message(
            self.state,
            channel,
            body or {},
            files,
            interaction_id=handle.id,
            webhook_id=self.state.application_id,
        )
        handle.followups.append(msg)
        self.state.notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(self.state.message_payload(msg))
        return no_content()

    async def webhook_message(self, request: web.Request) -> web.Response:
        """GET/PATCH/DELETE /webhooks/{app}/{token}/messages/{id|@original}."""
        handle = self._hook(request)
        raw = request.match_info["message_id"]
        if raw == "@original":
            msg = handle.original
        else:
            mid = _snowflake(raw)
            known = {m.id for m in handle.followups} | {handle.original_message_id}
            msg = self.state.messages.get(mid) if mid in known else None
        if msg is None or msg.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            msg.deleted = True
            self.state.notify()
            return no_content()
        if request.method == "PATCH":
            body, files = await read_body(request)
            apply_edit(self.state, msg, body or {}, files)
        return json_response(self.state.message_payload(msg))


def _snowflake(value: str) -> int:
    """Parse a snowflake path parameter; garbage means the resource is unknown."""
    try:
        return int(value)
    except ValueError:
        return -1
