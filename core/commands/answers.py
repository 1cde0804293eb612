"""An update's answer, and how it is kept with the update's key for a redelivery (§7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.messages import Button, Reply, from_json, to_json


@dataclass(frozen=True)
class Answer:
    """Replies and the language and time zone to render them in."""

    replies: list[Reply]
    lang: str
    timezone: str = "UTC"
    urgent: bool = False  # to be read before the answers still owed to that chat (a notice)


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """What a redelivered update needs to be answered again (files are not kept)."""
    replies = [
        {"body": [to_json(part) for part in reply.body],
         "buttons": [[[to_json(b.label), b.action] for b in row] for row in reply.buttons],
         "private": reply.private,
         "card": list(reply.card) if reply.card else None,
         "photo": reply.photo}
        for reply in answer.replies
    ]  # fmt: skip
    return {"replies": replies, "lang": answer.lang, "timezone": answer.timezone}


def answer_from_json(data: dict[str, Any]) -> Answer:
    """Rebuild a kept answer."""
    replies = [
        Reply(body=tuple(from_json(part) for part in item["body"]),
              buttons=tuple(tuple(Button(from_json(label), action) for label, action in row)
                            for row in item["buttons"]),
              private=bool(item["private"]),
              card=(str(item["card"][0]), int(item["card"][1])) if item["card"] else None,
              photo=str(item.get("photo", "")))
        for item in data["replies"]
    ]  # fmt: skip
    return Answer(replies, str(data["lang"]), str(data["timezone"]))
