"""Strict parser for Telegram's HTML parse mode, so the fake rejects what the real API rejects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Tag name → MessageEntity type (the aliases Telegram accepts map to the same entity).
TAG_ENTITY: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_SPECIAL = re.compile(r"[<&]")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]+));")


class HtmlParseError(ValueError):
    """Raised with Telegram's wording so the API layer can answer a 400 verbatim."""


@dataclass
class _Open:
    """A start tag waiting for its end tag; kept to emit the entity with the right offset."""

    tag: str
    start: int
    attrs: dict[str, str] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports error positions as UTF-8 byte offsets."""
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the character entity at text[i] ('&'); only Telegram's supported set is allowed."""
    match = _ENTITY.match(text, i)
    if match is not None:
        dec, hexa, name = match.groups()
        if name is None:
            code = int(dec) if dec is not None else int(hexa, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), match.end()
        elif name in NAMED_ENTITIES:
            return NAMED_ENTITIES[name], match.end()
    shown = match.group(0) if match else text[i : i + 8]
    raise HtmlParseError(
        f'Unsupported HTML entity "{shown}" at byte offset {_byte_offset(text, i)}'
        " (only &lt; &gt; &amp; &quot; and numeric entities are allowed)"
    )


def _decode_value(raw: str) -> str:
    """Unquote an attribute value and decode its entities."""
    if raw[:1] in "\"'":
        raw = raw[1:-1]
    out: list[str] = []
    i = 0
    while (j := raw.find("&", i)) >= 0:
        out.append(raw[i:j])
        ch, i = _decode_entity(raw, j)
        out.append(ch)
    out.append(raw[i:])
    return "".join(out)


def _parse_start_tag(text: str, i: int) -> tuple[str, dict[str, str], int]:
    """Parse '<name attr=...>' at text[i]; return name, attributes and the index after '>'."""
    match = _NAME.match(text, i + 1)
    if match is None:
        raise HtmlParseError(f"Unexpected end of name token at byte offset {_byte_offset(text, i)}")
    name = match.group(0).lower()
    if name not in TAG_ENTITY:
        end = text.find(">", i)
        shown = text[i + 1 : end if end >= 0 else len(text)]
        raise HtmlParseError(
            f'Unsupported start tag "{shown}" at byte offset {_byte_offset(text, i)}'
        )
    attrs: dict[str, str] = {}
    j = match.end()
    while True:
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        if text[j] == ">":
            return name, attrs, j + 1
        attr = _ATTR.match(text, j)
        if attr is None or attr.end() == j:
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {_byte_offset(text, j)}"
            )
        attrs[attr.group(1).lower()] = _decode_value(attr.group(2) or "")
        j = attr.end()


def _check_attrs(name: str, attrs: dict[str, str]) -> None:
    """Enforce the attributes Telegram requires (a href, span class, tg-emoji emoji-id)."""
    if name == "a" and not attrs.get("href"):
        raise HtmlParseError('Tag "a" must have attribute "href"')
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError('Tag "tg-emoji" must have attribute "emoji-id"')


def _entity(opened: _Open, end: int, stack: list[_Open]) -> dict[str, Any] | None:
    """Turn a closed tag into a MessageEntity dict (None for empty ranges, like Telegram)."""
    if end == opened.start:
        return None
    kind = TAG_ENTITY[opened.tag]
    ent: dict[str, Any] = {"type": kind, "offset": opened.start, "length": end - opened.start}
    if opened.tag == "a":
        ent["url"] = opened.attrs["href"]
    elif opened.tag == "tg-emoji":
        ent["custom_emoji_id"] = opened.attrs["emoji-id"]
    elif opened.tag == "blockquote" and "expandable" in opened.attrs:
        ent["type"] = "expandable_blockquote"
    elif opened.tag == "code" and stack and stack[-1].tag == "pre":
        language = opened.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
        return None
    elif opened.tag == "pre" and opened.attrs.get("language"):
        ent["language"] = opened.attrs["language"]
    return ent


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) like Telegram would, or raise HtmlParseError."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    pos = 0  # current length of the plain text in UTF-16 units
    i = 0
    while True:
        match = _SPECIAL.search(text, i)
        chunk = text[i : match.start() if match else len(text)]
        out.append(chunk)
        pos += utf16_len(chunk)
        if match is None:
            break
        i = match.start()
        if text[i] == "&":
            ch, i = _decode_entity(text, i)
            out.append(ch)
            pos += utf16_len(ch)
        elif text.startswith("</", i):
            end = text.find(">", i)
            if end < 0:
                raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            if name != stack[-1].tag:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{stack[-1].tag}>", found "</{name}>"'
                )
            opened = stack.pop()
            ent = _entity(opened, pos, stack)
            if ent is not None:
                entities.append(ent)
            i = end + 1
        else:
            name, attrs, i = _parse_start_tag(text, i)
            _check_attrs(name, attrs)
            stack.append(_Open(name, pos, attrs))
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
