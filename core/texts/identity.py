"""Texts of identity."""

TEXTS: dict[str, tuple[str, str]] = {}
