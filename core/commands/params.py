"""Parameter kinds: each says how its words are read, shown in usage lines and typed on Discord."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Generic, TypeVar

from core.commands.parsing import (
    parse_duration,
    parse_id,
    parse_options,
    parse_quantity,
    parse_tier,
)
from core.errors import DomainError
from core.messages import T, t
from core.model import Tier
from core.money import has_price_marker, parse_cents
from core.services import community, talk
from core.text import whole_number

V = TypeVar("V")
WAVE = "wave"
IDEA = "idea"
QUESTION = "question"
CATEGORIES = "categories"  # /stats categories


class Takes(Enum):
    """How many words a parameter consumes."""

    ONE = "one"  # a single word
    MANY = "many"  # a run of words the kind accepts
    REST = "rest"  # the rest of the line, line breaks kept


class Misfit(Exception):
    """Words that do not have the command's shape: the caller answers with the usage line."""


def _any_word(word: str) -> bool:
    """Most kinds take whatever word comes."""
    return True


def _named(key: str) -> T | str:
    """A parameter is shown by its catalogue name (option.wave → 'wave', 'vague')."""
    return t(key)


@dataclass(frozen=True)
class Kind(Generic[V]):
    """How one parameter is read from the words typed, and how it is offered and shown."""

    parse: Callable[[list[str]], V]
    takes: Takes = Takes.ONE
    option_type: type = str  # the Discord option type: int or str
    autocomplete: str = ""  # "wave" or "idea": Discord suggests open waves / ideas
    accepts: Callable[[str], bool] = _any_word  # whether a word can be this parameter's
    label: Callable[[str], T | str] = _named  # from the param's catalogue key to its display
    framed: bool = True  # shown inside <…> or […]; False when the label frames itself
    blank_ok: bool = False  # a REST kind that parses an empty line itself
    option_only: bool = False  # its own field where options exist (Discord); never typed words
    lead: str = ""  # put before its value when an option is joined into the argument text


def _one(parse: Callable[[str], V]) -> Callable[[list[str]], V]:
    """Adapt a one-word parser to the binder's list of words."""
    return lambda words: parse(words[0])


def _literal(text: str) -> Callable[[str], T | str]:
    """A label written as is (on|off, 1-5), the same in every language."""
    return lambda key: text


def _ids(what: str) -> Kind[int]:
    """A wave, idea or question number, '12' or '#12'."""
    return Kind(_one(lambda word: parse_id(word, what)), option_type=int,
                autocomplete=what if what in (WAVE, IDEA) else "")  # fmt: skip


WaveId = _ids(WAVE)
IdeaId = _ids(IDEA)
QuestionId = _ids(QUESTION)
Quantity: Kind[int] = Kind(
    _one(parse_quantity), option_type=int, accepts=lambda word: not has_price_marker(word)
)
Price: Kind[int] = Kind(_one(parse_cents))
Duration: Kind[timedelta] = Kind(_one(parse_duration))
Word: Kind[str] = Kind(_one(str))


def _tiers(words: list[str]) -> tuple[Tier, ...]:
    """'1:100 50:90' → the price tiers, each validated."""
    return tuple(parse_tier(word) for word in words)


Tiers: Kind[tuple[Tier, ...]] = Kind(_tiers, Takes.MANY, accepts=lambda word: "=" not in word)


def Options(*names: str) -> Kind[Mapping[str, int]]:
    """Named whole numbers, 'min=50 cap=500', only among the names given."""
    shown = " ".join(f"[{name}=N]" for name in names)
    return Kind(lambda words: parse_options(words, names), Takes.MANY,
                label=_literal(shown), framed=False)  # fmt: skip


def _choose(values: tuple[str, ...]) -> Callable[[str], str]:
    """One of a fixed set of words, case-insensitive; any other word misfits."""

    def parse(word: str) -> str:
        if word.lower() not in values:
            raise Misfit(word)
        return word.lower()

    return parse


def Choice(*values: str) -> Kind[str]:
    """One word among a few, shown as 'new|top'."""
    return Kind(_one(_choose(values)), label=_literal("|".join(values)))


OnOff: Kind[bool] = Kind(_one(lambda word: _choose(("on", "off"))(word) == "on"),
                         label=_literal("on|off"))  # fmt: skip


def Switch(name: str) -> Kind[bool]:
    """'notify on' / 'notify off' typed as one option: the setting's name, then on or off."""

    def parse(words: list[str]) -> bool:
        typed = words[0].lower().split()
        if len(typed) != 2 or typed[0] != name or typed[1] not in ("on", "off"):
            raise Misfit(words[0])
        return typed[1] == "on"

    return Kind(parse, Takes.REST, label=_literal(f"{name} on|off"))


SWITCHES = ("notify", "news", "names")  # settings turned on or off


def Setting() -> Kind[tuple[str, str]]:
    """'notify on|off', 'news on|off', 'names on|off' or 'tz <Area/City>|off': which setting,
    its new value."""

    def parse(words: list[str]) -> tuple[str, str]:
        typed = words[0].split()
        if len(typed) != 2 or typed[0].lower() not in (*SWITCHES, "tz"):
            raise Misfit(words[0])
        name, value = typed[0].lower(), typed[1]
        if name in SWITCHES and value.lower() not in ("on", "off"):
            raise Misfit(words[0])
        return name, value.lower() if name in SWITCHES else value

    label = "notify on|off | news on|off | names on|off | tz <Area/City>|off"
    return Kind(parse, Takes.REST, label=_literal(label))


def parse_rating(word: str) -> int:
    """A whole number from 1 to 5."""
    rating = whole_number(word)
    if rating is None or rating not in talk.RATINGS:
        raise DomainError("error.bad_rating", value=word[:16])
    return rating


Rating: Kind[int] = Kind(_one(parse_rating), option_type=int, label=_literal("1-5"))
Channel: Kind[str] = Kind(_one(str), accepts=lambda word: word.startswith("@"))
Text: Kind[str] = Kind(lambda words: words[0], Takes.REST)


_TAG_WORD = re.compile(r"#+([\w-]{1,32})")


def _tag(word: str) -> str:
    """'#Kitchen' → 'kitchen' (Discord's field may add its own '#'); anything else misfits."""
    match = _TAG_WORD.fullmatch(word)
    if match is None:
        raise Misfit(word)
    return match.group(1).lower()


Tag: Kind[str] = Kind(_one(_tag), accepts=lambda word: word.startswith("#"), lead="#",
                      label=_literal("#tag"))  # fmt: skip


class Upload:
    """The option type of a file the member attaches (Discord offers an attachment field)."""


# "/idea Title | description": Discord gives the description its own field, joined after " | ".
Description: Kind[str] = Kind(lambda words: words[0], Takes.REST, option_only=True, lead="| ")
# The photo reaches the handler as Request.photo, from the platform's upload, never as text.
Photo: Kind[str] = Kind(lambda words: "", option_type=Upload, option_only=True)
Categories: Kind[list[str]] = Kind(
    lambda words: community.parse_categories(words[0]), Takes.REST, blank_ok=True
)


def _code(words: list[str]) -> str:
    """A link code, which some type in two halves."""
    parts = words[0].split()
    if len(parts) > 2:
        raise Misfit(words[0])
    return "".join(parts)


Code: Kind[str] = Kind(_code, Takes.REST)


@dataclass(frozen=True)
class StatsTarget:
    """What /stats looks at: a wave's chart or an idea's demand."""

    what: str
    id: int


def _stats_target(words: list[str]) -> StatsTarget:
    """'12', 'wave 12', 'idea 3' or 'categories' (makers' price sensitivity)."""
    typed = [word.lower() for word in words[0].split()]
    if typed == [CATEGORIES]:
        return StatsTarget(CATEGORIES, 0)
    if len(typed) == 2 and typed[0] in (WAVE, IDEA):
        return StatsTarget(typed[0], parse_id(typed[1], typed[0]))
    if len(typed) == 1:
        return StatsTarget(WAVE, parse_id(typed[0], WAVE))
    raise Misfit(words[0])


Target: Kind[StatsTarget] = Kind(
    _stats_target, Takes.REST,
    label=lambda key: t("usage.stats_target", wave=t("option.wave"), idea=t("option.idea")),
)  # fmt: skip


@dataclass(frozen=True)
class Param(Generic[V]):
    """A command parameter: its name (option.<name> in the catalogue) and its kind."""

    name: str
    kind: Kind[V]
    required: bool = True
    default: str = ""  # what Discord says in place of a skipped option when a later one is given
    label_key: str = field(default="")

    @property
    def shown_key(self) -> str:
        """The catalogue key of the name shown in usage lines."""
        return self.label_key or f"option.{self.name}"


@dataclass(frozen=True)
class OfferChoice:
    """'/launch 12 offer=3 14d': the wave takes an offer's terms instead of typed tiers."""

    id: int


_OFFER_WORD = re.compile(r"^offer=(.*)$", re.I)
_TIER_WORD = re.compile(r"^[0-9]{1,7}:")


def _tiers_or_offer(words: list[str]) -> tuple[Tier, ...] | OfferChoice:
    """Typed tiers, or one 'offer=<id>' word naming a supplier's offer."""
    chosen = [_OFFER_WORD.match(word) for word in words]
    if not any(chosen):
        return _tiers(words)
    if len(words) != 1 or chosen[0] is None:
        raise Misfit(" ".join(words))
    return OfferChoice(parse_id(chosen[0].group(1), "offer"))


LaunchTiers: Kind[tuple[Tier, ...] | OfferChoice] = Kind(
    _tiers_or_offer, Takes.MANY,
    accepts=lambda word: "=" not in word or word.lower().startswith("offer="),
)  # fmt: skip
# An offer's tiers: only tier-shaped words, so a note after them is never read as a tier.
OfferTiers: Kind[tuple[Tier, ...]] = Kind(
    _tiers, Takes.MANY, accepts=lambda word: _TIER_WORD.match(word) is not None
)
