"""Reading an idea as typed ('Title | description', #tags) and which photo references pass."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.ports import Actor
from core.services.ideas import Draft, parse_draft
from core.services.photos import check_photo

TELEGRAM, DISCORD = Actor("telegram:42", "Tom"), Actor("discord:7", "Mia")


def test_title_bar_description_on_one_line() -> None:
    draft = parse_draft("Solar lamp | folds flat #garden")
    assert draft == Draft("Solar lamp", "folds flat", "garden", ("garden",))


def test_the_bar_splits_only_the_first_line_and_next_lines_add_to_the_description() -> None:
    draft = parse_draft("Solar lamp | folds flat\nCharges in 6 h | USB-C\n#garden #camping")
    assert draft.title == "Solar lamp"
    assert draft.description == "folds flat\nCharges in 6 h | USB-C"
    assert draft.tags == ("garden", "camping") and draft.category == "garden"


def test_the_first_line_and_next_lines_form_still_works() -> None:
    draft = parse_draft("Bamboo toothbrush #bathroom\nSoft bristles")
    assert draft == Draft("Bamboo toothbrush", "Soft bristles", "bathroom", ("bathroom",))


def test_tags_are_kept_in_order_lower_cased_once_each() -> None:
    draft = parse_draft("Kettle #Kitchen #coffee #kitchen #tea-time")
    assert draft.tags == ("kitchen", "coffee", "tea-time") and draft.category == "kitchen"
    assert parse_draft("Kettle").tags == () and parse_draft("Kettle").category == "general"


def test_a_tag_inside_the_description_is_kept_as_text_and_as_a_tag() -> None:
    draft = parse_draft("Kettle | great for #camping trips #outdoor")
    assert draft.description == "great for #camping trips"
    assert draft.tags == ("camping", "outdoor")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Kettle #a #b #c #d #e #f", "error.idea_too_many_tags"),
        ("Kettle #" + "x" * 33, "error.idea_tag_long"),
        ("| just a description", "error.idea_no_title"),
        ("#kitchen | tags only", "error.idea_no_title"),
    ],
)
def test_bad_drafts_get_a_specific_refusal(typed: str, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_draft(typed)
    assert refused.value.key == key


def test_five_tags_of_32_characters_are_fine() -> None:
    tags = [f"{letter}" * 32 for letter in "abcde"]
    assert parse_draft("Kettle " + " ".join(f"#{tag}" for tag in tags)).tags == tuple(tags)


@pytest.mark.parametrize(
    ("actor", "photo"),
    [
        (TELEGRAM, ""),
        (TELEGRAM, "telegram:AgACAgQAAxkBAAIB-_x"),
        (DISCORD, "discord:https://cdn.discordapp.com/attachments/1/2/brush.png?ex=1&is=2"),
        (DISCORD, "discord:https://media.discordapp.net/attachments/1/2/brush.png"),
    ],
)
def test_photos_as_the_platforms_hand_them_over(actor: Actor, photo: str) -> None:
    check_photo(actor, photo)


@pytest.mark.parametrize(
    ("actor", "photo"),
    [
        (DISCORD, "telegram:AgACAgQAAxkBAAIB"),  # another platform's reference
        (TELEGRAM, "discord:https://cdn.discordapp.com/attachments/1/2/a.png"),
        (TELEGRAM, "telegram:"),
        (TELEGRAM, "telegram:../../etc/passwd"),
        (DISCORD, "discord:"),  # a file that is not a picture
        (DISCORD, "discord:http://cdn.discordapp.com/attachments/1/2/a.png"),  # not https
        (DISCORD, "discord:https://cdn.discordapp.com.evil.example/a.png"),
        (DISCORD, "discord:https://evil.example/?cdn.discordapp.com"),
        (DISCORD, "discord:https://user@evil.example/a.png"),
        (DISCORD, "discord:javascript:alert(1)"),
        (DISCORD, "discord:https://cdn.discordapp.com/"),
        (DISCORD, "discord:https://cdn.discordapp.com/" + "a" * 1000),
        (Actor("console:you", "You"), "console:photo.png"),
    ],
)
def test_any_other_photo_reference_is_refused(actor: Actor, photo: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_photo(actor, photo)
    assert refused.value.key == "error.idea_photo_invalid"
