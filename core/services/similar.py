"""Which idea titles look alike: accent-, case- and word-order-insensitive, stdlib only."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

from core.model import Idea

DID_YOU_MEAN = 0.86  # close enough to ask the proposer first
MERGE_TARGET = 0.75  # kin enough to offer a moderator as a merge target


def words(title: str) -> list[str]:
    """Lowercase words without accents or punctuation; a plural 's' does not count."""
    plain = unicodedata.normalize("NFKD", title)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in cleaned.split()]


def numbers(found: list[str]) -> set[str]:
    """The words that are numbers: different numbers name different products."""
    return {word for word in found if word.isdigit()}


def similarity(first: str, second: str) -> float:
    """From 0 to 1: the better of the titles compared as written and with sorted words."""
    a, b = words(first), words(second)
    if not a or not b or numbers(a) != numbers(b):
        return 0.0  # "Idea 1" and "Idea 2", "iPhone 14 case" and "iPhone 15 case" differ
    as_written = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    any_order = SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()
    return max(as_written, any_order)


def overlap(first: str, second: str) -> float:
    """Share of the shorter title's words (3 letters or more) found in the other one."""
    a = {w for w in words(first) if len(w) >= 3}
    b = {w for w in words(second) if len(w) >= 3}
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def kinship(first: str, second: str) -> float:
    """Looser than similarity: 'Electric kettle' is kin to 'Kettle' (for merge targets); shared
    words count a little less than the same title, so the closest comes first."""
    return max(similarity(first, second), 0.9 * overlap(first, second))


def alike(
    title: str,
    ideas: Iterable[Idea],
    threshold: float,
    limit: int,
    score: Callable[[str, str], float] = similarity,
) -> list[Idea]:
    """The ideas whose titles reach the threshold, most similar first (then the older)."""
    scored = [(score(title, idea.title), idea) for idea in ideas]
    kept = [pair for pair in scored if pair[0] >= threshold]
    kept.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [idea for _, idea in kept[:limit]]
