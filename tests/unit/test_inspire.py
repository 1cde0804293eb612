"""The idea machine: word lists in both languages, deterministic draws, safe button payloads."""

from __future__ import annotations

import random

import pytest

from core.inspire import MATERIALS, OBJECTS, USES, Spark, draw, parse_spark
from core.services.community import parse_categories
from core.services.ideas import parse_draft
from core.services.talk import spark_title


def test_every_list_has_at_least_25_distinct_words_in_each_language() -> None:
    for words in (OBJECTS, MATERIALS, USES):
        assert len(words) >= 25
        for column in (0, 1):
            entries = [entry[column] for entry in words]
            assert all(entry.strip() == entry and entry for entry in entries)
            assert len(set(entries)) == len(entries)
    assert parse_categories(" ".join({category for _, _, category in OBJECTS}))


def test_the_same_seed_draws_the_same_sparks() -> None:
    first = [draw(random.Random(42)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng_a, rng_b = random.Random(7), random.Random(7)
    assert [draw(rng_a) for _ in range(20)] == [draw(rng_b) for _ in range(20)]
    assert len({draw(random.Random(seed)) for seed in range(50)}) > 40  # and they do vary


def test_titles_read_naturally_in_english_and_french() -> None:
    spark = Spark(0, 0, 0)  # lamp, bamboo, camping
    assert spark_title(spark, "en") == "Bamboo lamp for camping"
    assert spark_title(spark, "fr") == "Lampe en bambou pour le camping"
    assert spark.category == "home"


def test_every_combination_makes_a_valid_idea_in_both_languages() -> None:
    longest = Spark(
        max(range(len(OBJECTS)), key=lambda i: len(OBJECTS[i][1])),
        max(range(len(MATERIALS)), key=lambda i: len(MATERIALS[i][1])),
        max(range(len(USES)), key=lambda i: len(USES[i][1])),
    )
    for spark in (longest, *(draw(random.Random(seed)) for seed in range(200))):
        for lang in ("en", "fr"):
            draft = parse_draft(f"{spark_title(spark, lang)} #{spark.category}")
            assert draft.category == spark.category
            assert draft.title == spark_title(spark, lang)


def test_button_payloads_round_trip_and_refuse_anything_else() -> None:
    spark = draw(random.Random(1))
    assert parse_spark(spark.code) == spark
    last = f"{len(OBJECTS) - 1}:{len(MATERIALS) - 1}:{len(USES) - 1}"
    assert parse_spark(last) == Spark(len(OBJECTS) - 1, len(MATERIALS) - 1, len(USES) - 1)
    for bad in ("", "1:2", "1:2:3:4", f"{len(OBJECTS)}:0:0", "0:-1:0", "a:b:c", "99999:0:0"):
        with pytest.raises(ValueError):
            parse_spark(bad)


def test_suggested_categories_are_valid_tags_in_every_language() -> None:
    from bots.i18n import LANGUAGES, render_plain
    from core.services.talk import spark_category

    for index in range(len(OBJECTS)):
        spark = Spark(index, 0, 0)
        for lang in LANGUAGES:
            tag = spark_category(render_plain, spark, lang)
            assert parse_categories(tag) == [tag]
    kettle = Spark(next(i for i, o in enumerate(OBJECTS) if o[0] == "kettle"), 0, 0)
    assert spark_category(render_plain, kettle, "fr") == "cuisine"
    assert spark_category(render_plain, kettle, "en") == "kitchen"
