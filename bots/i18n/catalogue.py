"""The gettext catalogues: one `.po` file per language, compiled with Babel when first used.

Message ids are catalogue keys (``wave.card_price``). A text that carries a count is a plural
entry whose ``msgid_plural`` names the parameter that chooses the form (``{people}``); the
``Plural-Forms`` header of each file gives that language's CLDR rule.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).with_name("locales")
# Adding a language: a new locales/<code>.po file and its code here.
LANGUAGES: tuple[str, ...] = ("en", "fr")
FALLBACK = "en"


@dataclass(frozen=True)
class Entry:
    """What the catalogue knows of a key besides its translations."""

    plural_param: str | None


@dataclass(frozen=True)
class Language:
    """One compiled catalogue and the index of its keys."""

    translations: gettext.GNUTranslations
    entries: dict[str, Entry]


@cache
def language(code: str) -> Language:
    """Read and compile one language's catalogue (cached for the life of the process)."""
    with (LOCALES / f"{code}.po").open("rb") as source:
        catalog = read_po(source, locale=code)
    entries: dict[str, Entry] = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            entries[message.id[0]] = Entry(message.id[1].strip("{}"))
        else:
            entries[message.id] = Entry(None)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Language(gettext.GNUTranslations(compiled), entries)


def lang_or_fallback(code: str) -> str:
    """A language we have, so an unknown code never breaks rendering."""
    return code if code in LANGUAGES else FALLBACK


def keys() -> frozenset[str]:
    """Every key of the reference language."""
    return frozenset(language(FALLBACK).entries)


def has_text(key: str) -> bool:
    """Whether the catalogue defines a key (optional texts such as per-parameter help)."""
    return key in language(FALLBACK).entries


def is_plural(key: str, lang: str = FALLBACK) -> bool:
    """Whether a key has plural forms in a language."""
    entry = language(lang_or_fallback(lang)).entries.get(key)
    return entry is not None and entry.plural_param is not None


def plural_param(key: str, lang: str = FALLBACK) -> str | None:
    """The parameter whose value chooses the plural form, if the key is plural."""
    entry = language(lang_or_fallback(lang)).entries.get(key)
    if entry is None:
        raise KeyError(f"no text {key!r} in the catalogue")
    return entry.plural_param


def template(key: str, lang: str, count: int | None = None) -> str:
    """The template of a key in a language, in the plural form that count calls for."""
    compiled = language(lang_or_fallback(lang))
    entry = compiled.entries.get(key)
    if entry is None:
        raise KeyError(f"no text {key!r} in the catalogue")
    if entry.plural_param is None:
        return compiled.translations.gettext(key)
    return compiled.translations.ngettext(key, key, 1 if count is None else count)


def command_name(name: str, lang: str) -> str:
    """A command's name in a language (the English name when the catalogue has none)."""
    key = f"command.{name}"
    return template(key, lang) if has_text(key) else name


def option_name(name: str, lang: str) -> str:
    """A slash-command option's name in a language."""
    key = f"option.{name}"
    return template(key, lang) if has_text(key) else name


def command_aliases() -> dict[str, str]:
    """Every localised command name → its English name, for the interpreter's lookup."""
    aliases: dict[str, str] = {}
    for key in language(FALLBACK).entries:
        if not key.startswith("command."):
            continue
        english = key.removeprefix("command.")
        for lang in LANGUAGES:
            local = command_name(english, lang)
            if local != english:
                aliases[local] = english
    return aliases
