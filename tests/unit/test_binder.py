"""Command parameters: declared once, read into typed values, shown in the usage line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bots.i18n import LANGUAGES, render
from core.commands import interpreter as _interpreter  # noqa: F401  (registers the commands)
from core.commands.binder import bind, usage_line
from core.commands.params import (
    Categories,
    Choice,
    Code,
    Duration,
    IdeaId,
    Misfit,
    OnOff,
    Options,
    Param,
    Price,
    Quantity,
    Rating,
    StatsTarget,
    Switch,
    Target,
    Text,
    Tiers,
    WaveId,
)
from core.commands.registry import REGISTRY, Command, Request
from core.errors import DomainError
from core.model import Tier

JOIN = (Param("wave", WaveId), Param("qty", Quantity, required=False),
        Param("max_price", Price, required=False))  # fmt: skip
LAUNCH = (Param("idea", IdeaId), Param("tiers", Tiers), Param("duration", Duration),
          Param("options", Options("min", "cap", "per"), required=False))  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        (WaveId, "#12", 12),
        (IdeaId, "3", 3),
        (Quantity, "4", 4),
        (Price, "45,50€", 4550),
        (Duration, "14d", timedelta(days=14)),
        (Choice("new", "top"), "TOP", "top"),
        (OnOff, "off", False),
        (Rating, "5", 5),
        (Text, "two\nlines", "two\nlines"),
        (Categories, "#Kitchen garden", ["garden", "kitchen"]),
        (Code, "ABC DEF", "ABCDEF"),
        (Switch("notify"), "notify ON", True),
        (Target, "idea 3", StatsTarget("idea", 3)),
        (Target, "7", StatsTarget("wave", 7)),
    ],
)
def test_each_kind_reads_good_input_into_a_typed_value(kind: Any, typed: str, value: Any) -> None:
    assert bind((Param("x", kind),), typed) == {"x": value}


@pytest.mark.parametrize(
    ("kind", "typed", "key"),
    [
        (WaveId, "twelve", "error.bad_id.wave"),
        (Quantity, "0", "error.bad_quantity"),
        (Price, "cheap", "error.bad_price"),
        (Duration, "soon", "error.bad_duration"),
        (Rating, "6", "error.bad_rating"),
        (Categories, "a/b", "error.bad_category"),
    ],
)
def test_each_kind_refuses_bad_input_with_its_error(kind: Any, typed: str, key: str) -> None:
    with pytest.raises(DomainError) as caught:
        bind((Param("x", kind),), typed)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("kind", "typed"),
    [(Choice("new", "top"), "old"), (OnOff, "maybe"), (Switch("notify"), "notify"),
     (Target, "idea 1 2"), (Code, "A B C")],
)  # fmt: skip
def test_words_outside_a_closed_set_misfit(kind: Any, typed: str) -> None:
    with pytest.raises(Misfit):
        bind((Param("x", kind),), typed)


def test_join_tells_a_quantity_from_a_price() -> None:
    assert bind(JOIN, "1") == {"wave": 1}
    assert bind(JOIN, "1 3") == {"wave": 1, "qty": 3}
    assert bind(JOIN, "1 79€") == {"wave": 1, "max_price": 7900}
    assert bind(JOIN, "1 2 45,50 €") == {"wave": 1, "qty": 2, "max_price": 4550}
    with pytest.raises(DomainError):
        bind(JOIN, "1 0")


def test_launch_reads_tiers_duration_and_options() -> None:
    values = bind(LAUNCH, "12 1:100 50:90 14d min=50 per=2")
    assert values == {"idea": 12, "tiers": (Tier(1, 10000), Tier(50, 9000)),
                      "duration": timedelta(days=14), "options": {"min": 50, "per": 2}}  # fmt: skip
    with pytest.raises(DomainError) as caught:
        bind(LAUNCH, "12 1:100 x 14d")
    assert caught.value.key == "error.bad_tier"
    with pytest.raises(DomainError) as caught:
        bind(LAUNCH, "12 1:100 14d max=3")
    assert caught.value.key == "error.bad_option"


@pytest.mark.parametrize("typed", ["", "1 2 3 4", "12 14d"])
def test_wrong_arity_misfits(typed: str) -> None:
    params = JOIN if typed != "12 14d" else LAUNCH
    with pytest.raises(Misfit):
        bind(params, typed)


def test_a_misfit_answers_with_the_commands_usage() -> None:
    with pytest.raises(DomainError) as caught:
        REGISTRY["join"].bound(_request("1 2 3 4"))
    assert caught.value.key == "error.usage_of"
    assert render(caught.value.params["usage"], "en") == "/join <wave> [qty] [max price]"


def test_usage_lines_are_made_from_the_declaration() -> None:
    assert render(usage_line("join", JOIN), "fr") == "/join <vague> [quantite] [prix_max]"
    assert render(REGISTRY["review"].usage, "en") == "/review <wave> <1-5> [text]"
    assert render(REGISTRY["helpers"].usage, "fr") == "/helpers [on|off]"
    assert render(REGISTRY["stats"].usage, "en") == "/stats [wave | idea <idea>]"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_commands_usage_is_generated_from_its_declaration(lang: str) -> None:
    for spec in {spec.name: spec for spec in REGISTRY.values()}.values():
        assert render(spec.usage, lang).startswith(_expected_usage(spec, lang)), spec.name


def _expected_usage(spec: Command, lang: str) -> str:
    """The command, then each typed param's label in <required> or [optional] brackets."""
    parts = [f"/{spec.name}"]
    for param in (param for param in spec.params if not param.kind.option_only):
        label = param.kind.label(param.shown_key)
        text = label if isinstance(label, str) else render(label, lang)
        if param.kind.framed:
            text = f"<{text}>" if param.required else f"[{text}]"
        parts.append(text)
    return " ".join(parts)


def _request(args: str) -> Request:
    """A request with only the argument text: enough for binding."""
    return Request(None, None, None, args)  # type: ignore[arg-type]


def test_paging_buttons_always_fit_telegrams_64_bytes() -> None:
    from core.commands.usage import ACTION_MAX_BYTES, pager

    short = pager("ideas:top#garden", 2, 3)
    assert [b.action for b in short] == ["page:ideas:top#garden:1", "page:ideas:top#garden:3"]
    long_tag = "ж" * 32  # 64 bytes of Cyrillic alone
    assert pager(f"ideas:top#{long_tag}", 2, 3) == ()
    for kind in ("ideas:new", f"ideas:new#{'é' * 20}"):
        assert all(len(b.action.encode()) <= ACTION_MAX_BYTES for b in pager(kind, 5, 99))
