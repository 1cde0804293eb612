"""Bot API methods of the fake Telegram server: messages, buttons, members, commands."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any, Literal, NamedTuple

from devtools.fakes.telegram_html import HtmlParseError, parse_html
from devtools.fakes.telegram_models import (
    JSON,
    ApiError,
    BotMessage,
    FakeChat,
    Operation,
    StoredFile,
    bad_request,
    member_api,
)
from devtools.fakes.telegram_state import TelegramWorld, scope_key

_BUTTON_ACTIONS = {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "pay",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "copy_text", "callback_game"}  # fmt: skip
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                 "upload_voice", "upload_document", "choose_sticker", "find_location",
                 "record_video_note", "upload_video_note"}  # fmt: skip
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
           "chat_administrators", "chat_member"}  # fmt: skip
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class UploadedFile(NamedTuple):
    """A multipart file part, kept whole so tests can read what the bot uploaded."""

    name: str
    data: bytes
    content_type: str | None


def _render(
    text: Any, parse_mode: str | None, entities: Any, limit: int, too_long: str
) -> tuple[str, list[JSON]]:
    """Apply the parse mode like Telegram and enforce the length limit on the visible text."""
    text = "" if text is None else str(text)
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, found = parse_html(text)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        plain, found = text, list(entities or [])
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    if len(plain) > limit:
        raise bad_request(too_long)
    return plain, found


def _check_markup(markup: Any) -> JSON | None:
    """Validate reply markup as Telegram does (notably callback_data of 1-64 bytes)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: field \"inline_keyboard\" must be "
                          "an Array of Arrays")  # fmt: skip
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not re.fullmatch(r"\S+", str(button["url"])):
                raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
        elif not _BUTTON_ACTIONS & button.keys():
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in "
                              "the inline keyboard")  # fmt: skip
    return markup


def _inline(markup: JSON | None) -> JSON | None:
    """Only inline keyboards stay attached to a message (and count for 'not modified')."""
    return markup if markup is not None and "inline_keyboard" in markup else None


class TelegramMethods(TelegramWorld):
    """The Bot API methods that touch chats and messages (each _m_<name> answers <name>)."""

    # ----- shared checks ------------------------------------------------------------------

    def _target(self, p: JSON, *, send: bool = False) -> FakeChat:
        """Resolve chat_id and raise what Telegram raises for missing, migrated or lost chats."""
        ref = p.get("chat_id")
        cid = (
            self._usernames.get(ref[1:].lower()) if isinstance(ref, str) and ref[:1] == "@" else ref
        )
        if (chat := self.chats.get(cid)) is None:  # type: ignore[arg-type]
            if isinstance(cid, int) and cid > 0 and cid in self.users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found" if ref not in (None, "") else "chat_id is empty")
        if chat.migrated_to is not None:
            desc = "Bad Request: group chat was upgraded to a supergroup chat"
            raise ApiError(400, desc, {"migrate_to_chat_id": chat.migrated_to})
        status = chat.members.get(self.bot.id, "left")
        if chat.type == "private":
            if send and chat.id in self.blocked_by:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        elif status in ("kicked", "left"):
            verb = "was kicked from" if status == "kicked" else "is not a member of"
            raise ApiError(403, f"Forbidden: bot {verb} the {chat.type} chat")
        elif send and chat.type == "channel" and status not in ("administrator", "creator"):
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _editable(self, p: JSON) -> tuple[FakeChat, BotMessage]:
        """Find the bot message an edit targets, with Telegram's error for each failure."""
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by this fake")
        chat = self._target(p, send=True)
        mid = p.get("message_id")
        if mid is None:
            raise bad_request("message identifier is not specified")
        msg = chat.bot_messages.get(mid)
        if msg is None or msg.deleted:
            raise bad_request("message can't be edited" if mid in chat.user_messages else
                              "message to edit not found")  # fmt: skip
        return chat, msg

    def _store(self, chat: FakeChat, method: str, msg: BotMessage) -> JSON:
        """Log an accepted send or edit and return the Message object."""
        chat.bot_messages[msg.message_id] = msg
        self.operations.append(
            Operation(
                method,
                chat.id,
                msg.message_id,
                msg.text,
                msg.parse_mode,
                msg.reply_markup,
                self.clock(),
            )
        )
        return msg.to_api(chat, self.bot)

    def _reply_to(self, chat: FakeChat, p: JSON) -> int | None:
        """Validate reply_parameters / reply_to_message_id like Telegram."""
        params = p.get("reply_parameters") or {}
        mid = params.get("message_id", p.get("reply_to_message_id"))
        if mid is None or mid in chat.user_messages or mid in chat.bot_messages:
            return mid
        if params.get("allow_sending_without_reply", p.get("allow_sending_without_reply")):
            return None
        raise bad_request("message to be replied not found")

    def _file(self, p: JSON, field: str) -> StoredFile:
        """Accept a multipart upload, attach://name, a known file_id or an HTTP URL."""
        value = p.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            stored = StoredFile(f"F{next(self._ids)}", value.name, value.data, value.content_type)
        elif isinstance(value, str) and value in self.files:
            return self.files[value]
        elif isinstance(value, str) and re.match(r"https?://\S+$", value):
            stored = StoredFile(f"F{next(self._ids)}", value.rsplit("/", 1)[-1] or field, b"")
        elif value is None:
            raise bad_request(f"there is no {field} in the request")
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        self.files[stored.file_id] = stored
        return stored

    def _command_key(self, p: JSON) -> tuple[str, str]:
        """Commands are stored per (scope, language_code), as Telegram does."""
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise bad_request("can't parse BotCommandScope")
        return scope_key(scope), str(p.get("language_code") or "")

    # ----- Bot API methods (the part after _m_ is the method name) ------------------------

    async def _m_setMyCommands(self, p: JSON) -> bool:
        """Record the command menu per scope and language, validated like Telegram."""
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands must be an Array")
        for cmd in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(cmd.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _m_deleteMyCommands(self, p: JSON) -> bool:
        """Forget the menu of one scope and language."""
        self.commands.pop(self._command_key(p), None)
        return True

    async def _m_getMyCommands(self, p: JSON) -> list[JSON]:
        """Return exactly what was set for that scope and language."""
        return self.commands.get(self._command_key(p), [])

    async def _m_sendMessage(self, p: JSON) -> JSON:
        """Validate text, parse mode and markup, then store and return the Message."""
        chat = self._target(p, send=True)
        markup = _check_markup(p.get("reply_markup"))
        mode = p.get("parse_mode")
        plain, ents = _render(p.get("text"), mode, p.get("entities"), 4096, "message is too long")
        if not plain.strip():
            raise bad_request("message text is empty")
        msg = BotMessage(chat.id, chat.take_message_id(), "text", p["text"], plain, mode, ents,
                         markup, int(time.time()), self._reply_to(chat, p))  # fmt: skip
        return self._store(chat, "sendMessage", msg)

    async def _send_media(self, p: JSON, kind: Literal["photo", "document"]) -> JSON:
        """sendPhoto / sendDocument: the upload is kept whole (name, bytes) for inspection."""
        chat = self._target(p, send=True)
        markup = _check_markup(p.get("reply_markup"))
        caption, mode = p.get("caption") or "", p.get("parse_mode")
        plain, ents = _render(caption, mode, p.get("caption_entities"), 1024,
                              "message caption is too long")  # fmt: skip
        stored = self._file(p, kind)
        msg = BotMessage(chat.id, chat.take_message_id(), kind, caption, plain, mode, ents,
                         markup, int(time.time()), self._reply_to(chat, p), stored)  # fmt: skip
        return self._store(chat, "send" + kind.title(), msg)

    async def _m_sendPhoto(self, p: JSON) -> JSON:
        """Photos are stored like documents (the bytes are kept for inspection)."""
        return await self._send_media(p, "photo")

    async def _m_sendDocument(self, p: JSON) -> JSON:
        """Exports (CSV) are sent this way; keep name and bytes so tests can read them."""
        return await self._send_media(p, "document")

    async def _m_getFile(self, p: JSON) -> JSON:
        """Lets PTB download what the bot uploaded through file_base_url."""
        if (stored := self.files.get(str(p.get("file_id")))) is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id,
            "file_size": stored.file_size,
            "file_path": f"documents/{stored.file_id}",
        }

    async def _m_editMessageText(self, p: JSON) -> JSON:
        """Edit text (and keyboard: omitted means removed), refusing no-op edits."""
        chat, msg = self._editable(p)
        if msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        mode = p.get("parse_mode")
        plain, ents = _render(p.get("text"), mode, p.get("entities"), 4096, "MESSAGE_TOO_LONG")
        if not plain.strip():
            raise bad_request("message text is empty")
        markup = _inline(_check_markup(p.get("reply_markup")))
        if (plain, ents, markup) == (msg.plain_text, msg.entities, _inline(msg.reply_markup)):
            raise bad_request(_NOT_MODIFIED)
        msg.history.append((msg.text, msg.reply_markup))
        msg.text, msg.plain_text, msg.parse_mode, msg.entities = p["text"], plain, mode, ents
        return self._edited(chat, msg, markup, "editMessageText")

    async def _m_editMessageCaption(self, p: JSON) -> JSON:
        """Edit a photo's or document's caption (and keyboard), refusing no-op edits."""
        chat, msg = self._editable(p)
        if msg.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        mode = p.get("parse_mode")
        caption = p.get("caption") or ""
        plain, ents = _render(caption, mode, p.get("caption_entities"), 1024,
                              "message caption is too long")  # fmt: skip
        markup = _inline(_check_markup(p.get("reply_markup")))
        if (plain, ents, markup) == (msg.plain_text, msg.entities, _inline(msg.reply_markup)):
            raise bad_request(_NOT_MODIFIED)
        msg.history.append((msg.text, msg.reply_markup))
        msg.text, msg.plain_text, msg.parse_mode, msg.entities = caption, plain, mode, ents
        return self._edited(chat, msg, markup, "editMessageCaption")

    async def _m_editMessageReplyMarkup(self, p: JSON) -> JSON:
        """Swap or remove the inline keyboard, refusing no-op edits."""
        chat, msg = self._editable(p)
        markup = _inline(_check_markup(p.get("reply_markup")))
        if markup == _inline(msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        msg.history.append((msg.text, msg.reply_markup))
        return self._edited(chat, msg, markup, "editMessageReplyMarkup")

    def _edited(self, chat: FakeChat, msg: BotMessage, markup: JSON | None, method: str) -> JSON:
        """Finish an edit: Telegram drops the keyboard when an edit does not repeat it."""
        msg.reply_markup = markup
        msg.edit_count += 1
        msg.edit_date = int(time.time())
        return self._store(chat, method, msg)

    async def _m_deleteMessage(self, p: JSON) -> bool:
        """Bot messages are flagged deleted (kept for inspection); user ones vanish."""
        chat, mid = self._target(p), p.get("message_id")
        if (msg := chat.bot_messages.get(mid)) is not None and not msg.deleted:  # type: ignore[arg-type]
            msg.deleted = True
        elif mid in chat.user_messages:
            if chat.is_group and chat.members.get(self.bot.id) not in ("administrator", "creator"):
                raise bad_request("message can't be deleted")
            del chat.user_messages[mid]
        else:
            raise bad_request("message to delete not found")
        self.operations.append(Operation("deleteMessage", chat.id, mid, at=self.clock()))
        return True

    async def _m_answerCallbackQuery(self, p: JSON) -> bool:
        """Each press may be answered once, as on Telegram."""
        answer = self._open_queries.pop(str(p.get("callback_query_id")), None)
        if answer is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(p.get("text") or "") > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer.text, answer.url = p.get("text"), p.get("url")
        answer.show_alert = bool(p.get("show_alert"))
        self.callback_answers.append(answer)
        return True

    async def _m_getChat(self, p: JSON) -> JSON:
        """The ChatFullInfo PTB expects."""
        return self._target(p).full_info()

    async def _m_getChatMember(self, p: JSON) -> JSON:
        """Moderator checks rely on this status (unknown members are "left")."""
        chat = self._target(p)
        if (user := self.users.get(p.get("user_id"))) is None:  # type: ignore[arg-type]
            raise bad_request("user not found")
        return member_api(chat.members.get(user.id, "left"), user)

    async def _m_getChatAdministrators(self, p: JSON) -> list[JSON]:
        """Creator and administrators, for moderator lists."""
        chat = self._target(p)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [member_api(status, self.users[uid]) for uid, status in chat.members.items()
                if status in ("creator", "administrator")]  # fmt: skip

    async def _m_sendChatAction(self, p: JSON) -> bool:
        """Recorded so tests can see "typing" indicators."""
        chat = self._target(p, send=True)
        if p.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, p["action"]))
        return True
