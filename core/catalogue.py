"""The one catalogue of user-visible texts, in English and French."""

from __future__ import annotations

from core.texts import general, ideas, identity, members, payments, stats, talk, waves

LANGUAGES = ("en", "fr")
_SOURCES = (
    general.TEXTS,
    ideas.TEXTS,
    waves.TEXTS,
    members.TEXTS,
    identity.TEXTS,
    payments.TEXTS,
    talk.TEXTS,
    stats.TEXTS,
)


def _merge() -> dict[str, tuple[str, str]]:
    """Combine the feature modules, refusing a key defined twice."""
    merged: dict[str, tuple[str, str]] = {}
    for source in _SOURCES:
        for key, pair in source.items():
            if key in merged:
                raise ValueError(f"text {key!r} defined twice")
            merged[key] = pair
    return merged


CATALOGUE = _merge()


def template(key: str, lang: str) -> str:
    """The template of a key in a language (English when the language is unknown)."""
    pair = CATALOGUE.get(key)
    if pair is None:
        raise KeyError(f"no text {key!r} in the catalogue")
    return pair[1] if lang == "fr" else pair[0]
