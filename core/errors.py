"""Domain errors carry a catalogue key, so every refusal reaches the user translated and safe."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user caused and can fix; never a crash."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(DomainError):
    """The id the user typed does not exist (or is not visible to them)."""


class Forbidden(DomainError):
    """The user lacks the right for this action at this moment."""


class StorageUnavailable(Exception):
    """The database cannot save right now (disk full or failing); the write was rolled back."""


class ChartUnavailable(DomainError):
    """The chart could not be drawn this time (the renderer failed or took too long)."""
