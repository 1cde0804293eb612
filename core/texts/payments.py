"""Texts of payments."""

TEXTS: dict[str, tuple[str, str]] = {}
