"""Shared helpers for handlers: refusals that show the usage, replies, paging buttons."""

from __future__ import annotations

from core.commands.params import IDEA, WAVE
from core.commands.registry import REGISTRY
from core.errors import DomainError
from core.messages import Button, Reply, T, t

__all__ = ["IDEA", "WAVE", "pager", "say", "say_private", "usage_error"]


def usage_error(name: str) -> DomainError:
    """A refusal that shows how the command is written."""
    return DomainError("error.usage_of", usage=REGISTRY[name].usage)


def say(key: str, **params: object) -> list[Reply]:
    """A single one-paragraph reply."""
    return [Reply(body=(t(key, **params),))]


def say_private(*body: T, buttons: tuple[tuple[Button, ...], ...] = ()) -> list[Reply]:
    """A reply meant only for the person who asked."""
    return [Reply(body=body, buttons=buttons, private=True)]


ACTION_MAX_BYTES = 64  # Telegram refuses a whole message whose button data is longer


def pager(kind: str, page: int, pages: int) -> tuple[Button, ...]:
    """Previous / next buttons for paged lists; none when the payload would not fit a button
    (a very long non-Latin #tag), rather than a message the platform refuses."""
    if len(f"page:{kind}:{pages + 1}".encode()) > ACTION_MAX_BYTES:
        return ()
    row = []
    if page > 1:
        row.append(Button(t("button.prev"), f"page:{kind}:{page - 1}"))
    if page < pages:
        row.append(Button(t("button.next"), f"page:{kind}:{page + 1}"))
    return tuple(row)
