"""A card's photo on platforms that cannot show it: a short note instead of the picture."""

from __future__ import annotations

from core.messages import Reply, T, photo_on, t

PHOTO_NOTE = "card.photo_attached"


def body_with_photo_note(reply: Reply, platform: str) -> tuple[T, ...]:
    """The reply's paragraphs, plus '📷 photo attached' when its photo lives on another platform."""
    if reply.photo and not photo_on(reply, platform):
        return (*reply.body, t(PHOTO_NOTE))
    return reply.body
