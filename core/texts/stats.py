"""Texts of stats."""

TEXTS: dict[str, tuple[str, str]] = {}
