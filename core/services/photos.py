"""Photos attached when proposing: accepted only as the platform gave them, kept by reference."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from core.errors import DomainError
from core.ports import Actor, Tx

DISCORD_HOSTS = ("cdn.discordapp.com", "media.discordapp.net")
PHOTO_MAX = 1000  # characters of a stored reference (Discord CDN URLs carry a signature)
_FILE_ID = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_photo(actor: Actor, photo: str) -> None:
    """Refuse a photo reference that is not what the actor's own platform hands over."""
    if not photo:
        return
    platform, _, ref = photo.partition(":")
    if platform != actor.platform or len(photo) > PHOTO_MAX or not _valid(platform, ref):
        raise DomainError("error.idea_photo_invalid")


def _valid(platform: str, ref: str) -> bool:
    """A Telegram file id, or an https URL on Discord's CDN (from the attachment, never typed)."""
    if platform == "telegram":
        return _FILE_ID.fullmatch(ref) is not None
    if platform == "discord":
        url = urlsplit(ref)
        return url.scheme == "https" and url.hostname in DISCORD_HOSTS and bool(url.path[1:])
    return False


async def keep_extras(tx: Tx, idea_id: int, tags: Sequence[str], photo: str) -> None:
    """Store the idea's tags and photo next to the row add_idea wrote."""
    if tags:
        await tx.set_idea_tags(idea_id, tags)
    if photo:
        await tx.set_idea_photo(idea_id, photo)
