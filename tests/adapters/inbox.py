"""A console messenger that keeps every private message whole (texts and buttons), per account."""

from __future__ import annotations

from dataclasses import dataclass, field

from bots.console.session import PLATFORM, render_reply
from core.messages import Reply
from core.ports import SendOutcome, SendResult
from tests.conftest import ConsoleWorld


@dataclass
class Inbox:
    """Stands in for the console messenger; what each console account received, as sent."""

    platform: str = PLATFORM
    sent: list[tuple[str, Reply, str]] = field(default_factory=list)

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Keep the message and its language."""
        self.sent.append((chat_id, message, lang))
        return SendResult(SendOutcome.SENT, message_id=str(len(self.sent)))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Live card edits are not what these tests read."""
        return SendResult(SendOutcome.SENT, message_id=message_id)

    def texts(self, name: str) -> list[str]:
        """Each message one account received, rendered as the console shows it."""
        return [render_reply(reply, lang) for chat, reply, lang in self.sent if chat == name]

    def actions(self, name: str) -> list[list[str]]:
        """The button actions under each message one account received."""
        return [[b.action for row in reply.buttons for b in row]
                for chat, reply, _ in self.sent if chat == name]  # fmt: skip


def inbox_of(world: ConsoleWorld) -> Inbox:
    """Replace the world's console messenger with an inbox that keeps whole messages."""
    inbox = Inbox()
    world.rt.messengers[PLATFORM] = inbox
    return inbox
