"""Message plumbing shared by REST and interactions: bodies, validation, recording, edits."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from devtools.fakes.discord_models import (
    EPHEMERAL,
    LOADING,
    FakeChannel,
    RecordedFile,
    RecordedMessage,
    iso_now,
)
from devtools.fakes.discord_state import DiscordState

EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256, "total": 6000}


class DiscordError(Exception):
    """An error answered with Discord's JSON body ({"message", "code"})."""

    def __init__(self, status: int, code: int, message: str, **extra: Any) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> web.Response:
        """Render as the HTTP response Discord would send."""
        return json_response(
            {"message": self.message, "code": self.code, **self.extra}, self.status
        )


def invalid_form(errors: dict[str, Any]) -> DiscordError:
    """Build the 50035 Invalid Form Body error with Discord's nested error format."""
    return DiscordError(400, 50035, "Invalid Form Body", errors=errors)


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with a bare 'application/json' type: discord.py compares the header literally."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, headers={hdrs.CONTENT_TYPE: "application/json"})


def no_content() -> web.Response:
    """The 204 answer of deletes and wait=false webhooks."""
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    """Parse a JSON body or a multipart body (payload_json + files[n])."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                data = bytes(await part.read())
                ctype = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                files.append(RecordedFile(part.name or "", part.filename or "", ctype, data))
        return payload, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []


def text_len(value: Any) -> int:
    """Length of an optional string field."""
    return len(value) if isinstance(value, str) else 0


def validate_message(payload: dict[str, Any], files: list[RecordedFile], *, edit: bool) -> None:
    """Reject what Discord rejects: empty messages, over-long content, embeds and components."""
    errors: dict[str, Any] = {}
    content = payload.get("content")
    if text_len(content) > 2000:
        errors["content"] = form_error("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = form_error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    for i, embed in enumerate(embeds):
        fields = embed.get("fields") or []
        footer = (embed.get("footer") or {}).get("text")
        author = (embed.get("author") or {}).get("name")
        sizes = {
            "title": text_len(embed.get("title")),
            "description": text_len(embed.get("description")),
            "footer": text_len(footer),
            "author": text_len(author),
        }
        total = sum(sizes.values()) + sum(
            text_len(f.get("name")) + text_len(f.get("value")) for f in fields
        )
        bad = [k for k, n in sizes.items() if n > EMBED_LIMITS[k]]
        if total > EMBED_LIMITS["total"] or len(fields) > 25 or bad:
            errors[f"embeds.{i}"] = form_error(
                "BASE_TYPE_MAX_LENGTH", f"Embed size exceeds limits {bad}"
            )
        for j, f in enumerate(fields):
            if (
                not f.get("name")
                or text_len(f.get("name")) > 256
                or text_len(f.get("value")) > 1024
            ):
                errors[f"embeds.{i}.fields.{j}"] = form_error(
                    "BASE_TYPE_BAD_LENGTH", "Bad field length."
                )
    rows = payload.get("components") or []
    if len(rows) > 5 and not payload.get("flags", 0) & (1 << 15):
        errors["components"] = form_error("BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(rows):
        for j, comp in enumerate(row.get("components") or []):
            if text_len(comp.get("custom_id")) > 100 or text_len(comp.get("label")) > 80:
                errors[f"components.{i}.components.{j}"] = form_error(
                    "BASE_TYPE_MAX_LENGTH", "custom_id/label too long."
                )
    if errors:
        raise invalid_form(errors)
    has_body = content or embeds or rows or files or payload.get("sticker_ids") or "poll" in payload
    if not edit and not has_body:
        raise DiscordError(400, 50006, "Cannot send an empty message")


def form_error(code: str, message: str) -> dict[str, Any]:
    """One entry in Discord's nested form-error format."""
    return {"_errors": [{"code": code, "message": message}]}


def attachments_for(
    state: DiscordState, channel_id: int, payload: dict[str, Any], files: list[RecordedFile]
) -> list[dict[str, Any]]:
    """Turn uploaded files[n] parts into attachment objects served by the fake's CDN route."""
    described = {str(a.get("id")): a for a in payload.get("attachments") or [] if "id" in a}
    result = []
    for file in files:
        index = file.field_name.removeprefix("files[").removesuffix("]")
        meta = described.get(index, {})
        att_id = state.ids.next()
        name = meta.get("filename") or file.filename
        url = f"{state.base_url}/attachments/{channel_id}/{att_id}/{name}"
        result.append(
            {
                "id": str(att_id),
                "filename": name,
                "description": meta.get("description"),
                "content_type": file.content_type,
                "size": len(file.data),
                "url": url,
                "proxy_url": url,
            }
        )
    return result


def build_message(
    state: DiscordState,
    channel: FakeChannel,
    payload: dict[str, Any],
    files: list[RecordedFile],
    *,
    msg_type: int = 0,
    interaction_id: int | None = None,
    webhook_id: int | None = None,
    placeholder: bool = False,
) -> RecordedMessage:
    """Validate and record a message the bot sends (REST, interaction reply or follow-up)."""
    if not placeholder:
        validate_message(payload, files, edit=False)
    if payload.get("message_reference") and msg_type == 0:
        msg_type = 19
    embeds = [{"type": "rich", **e} for e in payload.get("embeds") or []]
    flags = int(payload.get("flags") or 0)
    if placeholder:
        flags = LOADING | (flags & EPHEMERAL)
    message = RecordedMessage(
        id=state.ids.next(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author_id=state.bot_user.id,
        content=str(payload.get("content") or ""),
        embeds=embeds,
        components=list(payload.get("components") or []),
        allowed_mentions=payload.get("allowed_mentions"),
        flags=flags,
        payload=payload,
        files=files,
        attachments=attachments_for(state, channel.id, payload, files),
        type=msg_type,
        interaction_id=interaction_id,
        webhook_id=webhook_id,
    )
    return state.add_message(message)


def apply_edit(
    state: DiscordState,
    message: RecordedMessage,
    payload: dict[str, Any],
    files: list[RecordedFile],
) -> RecordedMessage:
    """Apply a PATCH body to a recorded message, keeping the body in `edits`."""
    if message.deleted:
        raise DiscordError(404, 10008, "Unknown Message")
    validate_message(payload, files, edit=True)
    if "content" in payload:
        message.content = str(payload["content"] or "")
    if "embeds" in payload:
        message.embeds = [{"type": "rich", **e} for e in payload["embeds"] or []]
    if "components" in payload:
        message.components = list(payload["components"] or [])
    if "allowed_mentions" in payload:
        message.allowed_mentions = payload["allowed_mentions"]
    if "flags" in payload and payload["flags"] is not None:
        message.flags = int(payload["flags"]) | (message.flags & EPHEMERAL)
    message.flags &= ~LOADING
    if files or "attachments" in payload:
        kept_ids = {str(a.get("id")) for a in payload.get("attachments") or []}
        kept = [a for a in message.attachments if a["id"] in kept_ids]
        message.attachments = kept + attachments_for(state, message.channel_id, payload, files)
        message.files.extend(files)
    message.edited_timestamp = iso_now()
    message.edits.append(payload)
    state.notify()
    return message
