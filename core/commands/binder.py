"""Read a command's argument text against its declared parameters, before its handler runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.commands.params import Misfit, Param, Takes
from core.messages import T, t
from core.money import glue_currency

Params = Sequence[Param[Any]]


def bind(params: Params, args: str) -> dict[str, object]:
    """Typed values by parameter name; Misfit when the words do not have the declared shape."""
    words = glue_currency(args.split())
    values: dict[str, object] = {}
    position = 0
    for index, param in enumerate(params):
        if param.kind.option_only:
            continue  # joined into the text by the platform (Discord), or an upload
        taken = _take(param, params[index + 1 :], words, position, args)
        if taken is None:
            if param.required:
                raise Misfit(param.name)
            continue
        values[param.name] = param.kind.parse(taken[0])
        position = taken[1]
    if position < len(words):
        raise Misfit(" ".join(words[position:]))
    return values


def _take(
    param: Param[Any], later: Params, words: list[str], position: int, args: str
) -> tuple[list[str], int] | None:
    """The words this parameter consumes and where the next one starts; None if it is absent."""
    kind = param.kind
    if kind.takes is Takes.REST:
        rest = _rest_of_line(args, position)
        if not rest and not kind.blank_ok:
            return None
        return [rest], len(words)
    if kind.takes is Takes.ONE:
        if position >= len(words) or not kind.accepts(words[position]):
            return None
        return [words[position]], position + 1
    run = 0
    while position + run < len(words) and kind.accepts(words[position + run]):
        run += 1
    run -= sum(1 for p in later if p.required and p.kind.takes is Takes.ONE)
    if run <= 0:
        return None
    return words[position : position + run], position + run


def _rest_of_line(args: str, consumed: int) -> str:
    """The raw text after the first `consumed` words, keeping its line breaks."""
    parts = args.strip().split(maxsplit=consumed)
    return parts[consumed].strip() if len(parts) > consumed else ""


def usage_line(name: str, params: Params, hint: str = "") -> T:
    """'/join <wave> [qty] [max price]', in the reader's language, from the declaration."""
    shown: T | str = ""
    for param in params:
        if not param.kind.option_only:  # the hint shows how to type those
            shown = t("usage.next", before=shown, part=_shown(param))
    line = t("usage.line", command=name, params=shown)
    return t("usage.with_hint", usage=line, hint=t(hint)) if hint else line


def _shown(param: Param[Any]) -> T | str:
    """One parameter as the usage line shows it: <required> or [optional]."""
    label = param.kind.label(param.shown_key)
    if not param.kind.framed:
        return label
    return t("usage.required" if param.required else "usage.optional", name=label)
