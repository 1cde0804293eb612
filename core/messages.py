"""Platform-neutral replies: catalogue keys with parameters, buttons carrying actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from core.money import Money


@dataclass(frozen=True)
class T:
    """A catalogue text; string parameters are user data and always escaped when rendered."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def t(key: str, **params: Any) -> T:
    """Build a catalogue text tersely."""
    return T(key, params)


@dataclass(frozen=True)
class Relative:
    """A moment told relative to when the text was made (in 3 days); live where a platform can."""

    at: datetime
    delta: timedelta


def until(moment: datetime, now: datetime) -> Relative:
    """How far a deadline is from now, never negative."""
    return Relative(moment, max(moment - now, timedelta(0)))


@dataclass(frozen=True)
class Lines:
    """Several texts shown one per line (tier tables, lists)."""

    items: tuple[T, ...]


LINK = "link:"  # a Button whose action is LINK + url opens the page instead of acting
APP = "app:"  # like LINK, and inside the platform where it can (a Telegram Mini App in private)


@dataclass(frozen=True)
class Button:
    """A button: its label and the action re-checked on the server when pressed."""

    label: T
    action: str

    @property
    def url(self) -> str:
        """The address a link button opens (a checkout page); empty for an action button."""
        for prefix in (LINK, APP):
            if self.action.startswith(prefix):
                return self.action.removeprefix(prefix)
        return ""

    @property
    def opens_app(self) -> bool:
        """A public page the platform may open inside itself (Telegram's Web App button)."""
        return self.action.startswith(APP)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a PNG chart (kind "image") or a CSV export ("document")."""

    filename: str
    data: bytes
    kind: str = "document"


@dataclass(frozen=True)
class Reply:
    """One message to the user or the chat."""

    body: tuple[T, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    private: bool = False
    card: tuple[str, int] | None = None
    attachments: tuple[Attachment, ...] = ()
    photo: str = ""  # "<platform>:<file id or URL>": shown by that platform, noted by others


def photo_on(message: Reply, platform: str) -> str:
    """The photo's file id or URL when this platform owns it ('' otherwise: ids do not travel)."""
    owner, _, ref = message.photo.partition(":")
    return ref if owner == platform and ref else ""


def reply(*body: T, buttons: tuple[tuple[Button, ...], ...] = (), private: bool = False) -> Reply:
    """A reply with one or more paragraphs."""
    return Reply(body=body, buttons=buttons, private=private)


def to_json(value: Any) -> Any:
    """Serialise a text tree for the outbox, keeping types rendering needs."""
    if isinstance(value, T):
        return {"$t": value.key, "p": {k: to_json(v) for k, v in value.params.items()}}
    if isinstance(value, Lines):
        return {"$lines": [to_json(item) for item in value.items]}
    if isinstance(value, Money):
        return {"$money": value.cents, "c": value.currency}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, Relative):
        return {"$rel": value.at.isoformat(), "s": value.delta.total_seconds()}
    if isinstance(value, timedelta):
        return {"$td": value.total_seconds()}
    return value


def from_json(value: Any) -> Any:
    """Rebuild what to_json wrote."""
    if isinstance(value, dict):
        if "$t" in value:
            return T(value["$t"], {k: from_json(v) for k, v in value["p"].items()})
        if "$lines" in value:
            return Lines(tuple(from_json(item) for item in value["$lines"]))
        if "$money" in value:
            return Money(int(value["$money"]), str(value["c"]))
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$rel" in value:
            return Relative(datetime.fromisoformat(value["$rel"]), timedelta(seconds=value["s"]))
        if "$td" in value:
            return timedelta(seconds=value["$td"])
    return value


class PlainText(Protocol):
    """Renders a text as plain characters for the few places the core stores or exports text."""

    def __call__(self, text: T | Lines, lang: str) -> str: ...
