"""One person chatting with the bot in a terminal; buttons become numbered choices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bots.i18n import PLAIN, render
from bots.i18n.formatting import DEFAULT_TIMEZONE
from bots.i18n.photos import body_with_photo_note
from core.commands.interpreter import Answer, Interpreter
from core.messages import Button, Reply
from core.ports import Actor, ChatKind, ChatRef, SendOutcome, SendResult

PLATFORM = "console"


def render_reply(reply: Reply, lang: str, timezone: str = DEFAULT_TIMEZONE) -> str:
    """Plain text paragraphs, dates in the reader's time zone; a photo is only mentioned."""
    body = body_with_photo_note(reply, PLATFORM)
    return "\n".join(render(part, lang, PLAIN, timezone) for part in body)


class ConsoleSession:
    """Feeds typed lines to the interpreter and prints the answers."""

    def __init__(self, interpreter: Interpreter, actor: Actor, write: Callable[[str], None]):
        self.interpreter = interpreter
        self.actor = actor
        self.chat = ChatRef(PLATFORM, actor.user_id, ChatKind.PRIVATE, "console")
        self.write = write
        self.choices: list[Button] = []
        self.attachment_dir = Path(".")  # where charts and exports are saved

    async def handle_line(self, line: str) -> None:
        """A typed line: a command, a number pressing a button, or a hint."""
        line = line.strip()
        if not line:
            return
        if line.isascii() and line.isdigit() and 1 <= int(line) <= len(self.choices):
            button = self.choices[int(line) - 1]
            answer = await self.interpreter.handle_action(self.actor, self.chat, button.action)
        else:
            found = await self.interpreter.handle_text(self.actor, self.chat, line)
            if found is None:
                self.write("bot> Commands start with /. Try /help.")
                return
            answer = found
        self.show(answer)

    def show(self, answer: Answer) -> None:
        """Print replies and number their buttons."""
        self.choices = []
        for reply in answer.replies:
            self.write(indent(render_reply(reply, answer.lang, answer.timezone)))
            labels = []
            for row in reply.buttons:
                for button in row:
                    label = render(button.label, answer.lang, PLAIN)
                    if button.url:  # a page to open, not a choice
                        labels.append(f"[{label}: {button.url}]")
                        continue
                    self.choices.append(button)
                    labels.append(f"[{len(self.choices)}] {label}")
            if labels:
                self.write("     " + "  ".join(labels))
            for attachment in reply.attachments:
                path = Path(self.attachment_dir) / Path(attachment.filename).name
                path.write_bytes(attachment.data)
                self.write(f"     📎 saved {path}")


def indent(text: str) -> str:
    """Prefix the bot's lines so the transcript reads like a chat."""
    lines = text.splitlines() or [""]
    return "\n".join(("bot> " if i == 0 else "     ") + line for i, line in enumerate(lines))


class ConsoleMessenger:
    """Delivers broadcasts to the terminal; other console accounts (a simulated crowd) are quiet."""

    platform = PLATFORM

    def __init__(
        self, write: Callable[[str], None], visible_chat: str, timezone: str = DEFAULT_TIMEZONE
    ) -> None:
        self.write = write
        self.timezone = timezone
        self.visible_chat = visible_chat
        self.delivered: list[tuple[str, str]] = []

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Print (or just count) one broadcast."""
        text = render_reply(message, lang, self.timezone)
        links = [f"[{render(button.label, lang, PLAIN)}: {button.url}]"
                 for row in message.buttons for button in row if button.url]  # fmt: skip
        if links:  # the wave's public page: a terminal can only print its address
            text += "\n" + "  ".join(links)
        self.delivered.append((chat_id, text))
        if chat_id == self.visible_chat:
            self.write(indent("📣 " + text))
        return SendResult(SendOutcome.SENT, message_id=str(len(self.delivered)))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """A terminal cannot edit what it printed: live cards stay quiet (/wave shows the card)."""
        return SendResult(SendOutcome.SENT, message_id=message_id)
