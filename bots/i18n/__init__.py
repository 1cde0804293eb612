"""Texts for every front end: the gettext catalogues and the CLDR formatting of their values."""

from bots.i18n.catalogue import (
    LANGUAGES,
    command_aliases,
    command_name,
    has_text,
    is_plural,
    keys,
    option_name,
    plural_param,
    template,
)
from bots.i18n.render import PLAIN, Markup, render, render_plain

__all__ = [
    "LANGUAGES",
    "PLAIN",
    "Markup",
    "command_aliases",
    "command_name",
    "has_text",
    "is_plural",
    "keys",
    "option_name",
    "plural_param",
    "render",
    "render_plain",
    "template",
]
