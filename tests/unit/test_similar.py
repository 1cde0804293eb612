"""Which titles look alike: accents, case, punctuation, plurals and word order do not matter."""

from __future__ import annotations

from datetime import UTC, datetime

from core.model import Idea, IdeaStatus
from core.services.similar import DID_YOU_MEAN, MERGE_TARGET, alike, kinship, similarity, words


def idea(idea_id: int, title: str) -> Idea:
    """An approved idea with a title."""
    return Idea(
        idea_id, title, "", "general", 1, IdeaStatus.APPROVED, datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_words_are_normalised() -> None:
    assert words("Électric  KETTLES!") == ["electric", "kettle"]
    assert words("Tooth-brush") == ["tooth", "brush"]


def test_close_titles_pass_the_did_you_mean_bar_and_others_do_not() -> None:
    assert similarity("Bamboo toothbrush", "bamboo toothbrushes") >= DID_YOU_MEAN
    assert similarity("Bamboo toothbrush", "Toothbrush, bamboo") >= DID_YOU_MEAN
    assert similarity("Gourde inox", "gourde inox") == 1.0
    assert similarity("Bamboo toothbrush", "Bamboo brush") < DID_YOU_MEAN
    assert similarity("Kettle", "Tea kettle") < DID_YOU_MEAN
    assert similarity("Solar lamp", "Kettle") < MERGE_TARGET
    assert similarity("", "Kettle") == 0.0
    assert similarity("Idea number 0", "Idea number 1") == 0.0
    assert similarity("iPhone 14 case", "Case iPhone 14") == 1.0


def test_merge_targets_are_looser_and_ranked() -> None:
    assert kinship("Kettle", "Electric kettle") >= MERGE_TARGET
    ideas = [idea(1, "Solar lamp"), idea(2, "Electric kettle"), idea(3, "Kettle")]
    found = alike("kettles", ideas, MERGE_TARGET, 5, kinship)
    assert [i.id for i in found] == [3, 2]
    assert alike("kettles", ideas, MERGE_TARGET, 1, kinship) == [ideas[2]]
    assert alike("Backpack", ideas, MERGE_TARGET, 5, kinship) == []
