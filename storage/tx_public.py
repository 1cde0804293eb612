"""core.feature_ports.PublicStore over SQL: answered questions and reviews, without member ids."""

from __future__ import annotations

from sqlalchemy import select, update

from core.model import PublicQuestion, PublicReview
from storage.schema import members
from storage.schema_people import answers, questions, reviews
from storage.sql_base import TxBase


class PublicMixin(TxBase):
    """core.feature_ports.PublicStore over SQL."""

    async def answered_questions(self, wave_id: int, limit: int) -> list[PublicQuestion]:
        """The latest answered questions of a wave (oldest answer first under each)."""
        asked = (
            select(questions.c.id, questions.c.text)
            .where(questions.c.wave_id == wave_id)
            .where(select(answers.c.id).where(answers.c.question_id == questions.c.id).exists())
            .order_by(questions.c.id.desc())
            .limit(limit)
        )
        found = [(int(row.id), str(row.text)) for row in await self._exec(asked)]
        if not found:
            return []
        replies: dict[int, list[str]] = {question_id: [] for question_id, _ in found}
        told = (
            select(answers.c.question_id, answers.c.text)
            .where(answers.c.question_id.in_(list(replies)))
            .order_by(answers.c.id)
        )
        for row in await self._exec(told):
            replies[int(row.question_id)].append(str(row.text))
        return [PublicQuestion(text, tuple(replies[question_id])) for question_id, text in found]

    async def public_reviews(self, wave_id: int, limit: int) -> list[PublicReview]:
        """The latest reviews of a wave: rating, text, date, and the name of those who opted in."""
        latest = (
            select(
                reviews.c.rating,
                reviews.c.text,
                reviews.c.updated_at,
                members.c.display_name,
                members.c.review_name,
            )
            .join(members, members.c.id == reviews.c.member_id)
            .where(reviews.c.wave_id == wave_id)
            .order_by(reviews.c.updated_at.desc())
            .limit(limit)
        )
        return [
            PublicReview(
                int(row.rating),
                str(row.text or ""),
                row.updated_at,
                str(row.display_name) if row.review_name else "",
            )
            for row in await self._exec(latest)
        ]

    async def set_review_name(self, member_id: int, on: bool) -> None:
        """Whether the member's name shows next to their reviews on public pages."""
        await self._exec(update(members).where(members.c.id == member_id).values(review_name=on))
