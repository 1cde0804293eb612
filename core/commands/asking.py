"""Replies that ask before acting: did-you-mean, merge targets, close and cancel confirmations."""

from __future__ import annotations

from core.commands.usage import say
from core.errors import DomainError
from core.messages import Button, Reply, T, t
from core.model import Idea, IdeaStatus, Wave
from core.services import suggest

LABEL_TITLE_MAX = 40  # a button label shows the start of a long title


def payload_ids(args: str, count: int) -> list[int]:
    """Ids a button of ours carries, 'a:b'; anything else is a stale button."""
    parts = args.split(":")
    if len(parts) != count or not all(part.isdigit() and len(part) < 10 for part in parts):
        raise DomainError("error.stale_button")
    return [int(part) for part in parts]


def short(title: str) -> str:
    """The start of a title, for a button label."""
    return title if len(title) <= LABEL_TITLE_MAX else title[: LABEL_TITLE_MAX - 1] + "…"


def did_you_mean(suggestion: suggest.Suggestion) -> list[Reply]:
    """Ask before proposing: want the existing idea, or propose the draft anyway."""
    idea = suggestion.idea
    row: list[Button] = []
    if idea.status is IdeaStatus.APPROVED:
        row.append(Button(t("button.want_idea", id=idea.id), f"want:{idea.id}"))
    row.append(Button(t("button.propose_anyway"), f"anyway:{suggestion.draft_id}"))
    body = t("idea.did_you_mean", id=idea.id, title=idea.title,
             status=t(f"status.{idea.status.value}"))  # fmt: skip
    return [Reply(body=(body,), buttons=(tuple(row),), private=True)]


def merge_button(idea_id: int, target: Idea) -> Button:
    """'→ #12 Title', which merges the idea into that target."""
    label = t("button.merge_into", id=target.id, title=short(target.title))
    return Button(label, f"mergeto:{idea_id}:{target.id}")


def merge_choices(idea_id: int, targets: list[Idea]) -> list[Reply]:
    """One button per likely target, with the command for any other."""
    how = t("mod.merge_how", id=idea_id)
    if not targets:
        return [Reply(body=(how,), private=True)]
    buttons = tuple((merge_button(idea_id, target),) for target in targets)
    return [Reply(body=(t("mod.merge_pick", id=idea_id), how), buttons=buttons, private=True)]


def confirm_buttons(wave: Wave, yes: T, yes_action: str) -> tuple[tuple[Button, ...], ...]:
    """'Yes, …' and 'Keep it open' side by side."""
    return ((Button(yes, yes_action), Button(t("button.keep_open"), f"keep:{wave.id}")),)


def closed_reply(wave: Wave) -> list[Reply]:
    """What the close cleared: the final price, or the shortfall."""
    if wave.final_price_cents is not None and wave.status.value == "succeeded":
        price = wave.money(wave.final_price_cents)
        return say("mod.closed_success", id=wave.id, units=wave.final_units or 0, price=price)
    return say("mod.closed_failed", id=wave.id, units=wave.final_units or 0, moq=wave.moq)


def close_question(wave: Wave, summary: T) -> list[Reply]:
    """'Close #5 now?' with the wave's summary and the two buttons."""
    yes = t("button.close_yes", id=wave.id)
    body = (t("mod.close_ask", id=wave.id, title=wave.title), summary)
    return [Reply(body=body, buttons=confirm_buttons(wave, yes, f"closeyes:{wave.id}"))]


def cancel_question(wave: Wave, summary: T, reason: str, request_id: int) -> list[Reply]:
    """'Cancel #5 for good?' with the reason that will be told, and the two buttons."""
    yes = t("button.cancel_yes", id=wave.id)
    ask = t("mod.cancel_ask", id=wave.id, title=wave.title, reason=reason or "—")
    return [Reply(body=(ask, summary),
                  buttons=confirm_buttons(wave, yes, f"cancelyes:{request_id}"))]  # fmt: skip
