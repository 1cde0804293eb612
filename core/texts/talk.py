"""Texts of talk."""

TEXTS: dict[str, tuple[str, str]] = {}
