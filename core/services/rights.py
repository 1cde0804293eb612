"""Platform answers about rights, gathered per update so none is asked while the writer is held.

An update's handling opens a scope (`gathering`). Inside it each platform answer ("is this user
an admin of that chat?") is asked once and kept for the rest of the handling, a few
milliseconds, so the check still happens at the moment of the action. While the update's own
write transaction is open (`writing`), an answer not yet known is never asked: `RightsNeeded`
rolls the write back, the interpreter asks outside it and runs the update again
(docs/ARCHITECTURE.md §7).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from core.ports import AdminCheck

Resolve = Callable[[], Awaitable[object]]


class RightsNeeded(Exception):  # a signal to the interpreter, not an error
    """A platform answer is needed inside the update's write: roll back, ask, run again."""

    def __init__(self, resolve: Resolve) -> None:
        super().__init__("a platform answer is needed outside the write")
        self.resolve = resolve


@dataclass
class Rights:
    """The platform answers of one update's handling."""

    admins: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    writing: bool = False  # the update's write transaction is open: ask nothing now


_RIGHTS: ContextVar[Rights | None] = ContextVar("wavebot_rights", default=None)


def current() -> Rights | None:
    """The scope of the update being handled, if any."""
    return _RIGHTS.get()


@contextmanager
def gathering() -> Iterator[Rights]:
    """Open a scope for one update, or join the one already open (a nested handling)."""
    rights = _RIGHTS.get()
    if rights is not None:
        yield rights
        return
    rights = Rights()
    token = _RIGHTS.set(rights)
    try:
        yield rights
    finally:
        _RIGHTS.reset(token)


@contextmanager
def writing(rights: Rights) -> Iterator[None]:
    """The update's write transaction is open: unknown answers raise RightsNeeded."""
    before, rights.writing = rights.writing, True
    try:
        yield
    finally:
        rights.writing = before


async def ask_admin(
    check: AdminCheck, platform: str, chat_id: str, user_id: str, resolve: Resolve | None = None
) -> bool:
    """Whether a user administers a chat: asked of the platform once per update, never while the
    update's write is open (then `resolve`, or this very question, is asked outside it)."""
    rights = _RIGHTS.get()
    if rights is None:
        return await check.is_admin(chat_id, user_id)
    key = (platform, chat_id, user_id)
    if key in rights.admins:
        return rights.admins[key]
    if rights.writing:
        raise RightsNeeded(resolve or (lambda: ask_admin(check, platform, chat_id, user_id)))
    answer = await check.is_admin(chat_id, user_id)
    rights.admins[key] = answer
    return answer
