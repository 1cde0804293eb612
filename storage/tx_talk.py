"""core.ports.TalkStore over SQL: questions, answers, reviews and the helpers' opt-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, exists, func, insert, literal, select
from sqlalchemy import update as sql_update

from core.fulfilment_ports import FulfilmentStatus
from core.model import PledgeStatus, Question, Target, WaveStatus
from core.payment_records import PaymentState
from storage.schema import announcements, members, pledges
from storage.schema import waves as waves_t
from storage.schema_payments import fulfilments, payments
from storage.schema_people import answers, helpers, questions, reviews
from storage.sql_base import TxBase, new_id
from storage.tx_members import FIRST_ACCOUNT, private_targets

FINISHED = (WaveStatus.SUCCEEDED.value, WaveStatus.COMPLETED.value)
REVIEW_ASK = "review_ask:"
DELIVERED = FulfilmentStatus.DELIVERED.value


class TalkMixin(TxBase):
    """core.ports.TalkStore over SQL."""

    async def add_question(self, wave_id: int, member_id: int, text: str, now: datetime) -> int:
        """A new question on a wave; returns its id."""
        values = {"wave_id": wave_id, "member_id": member_id, "text": text, "created_at": now}
        return new_id(await self._exec(insert(questions).values(**values)))

    async def get_question(self, question_id: int) -> Question | None:
        """A question by id."""
        row = (await self._exec(select(questions).where(questions.c.id == question_id))).first()
        if row is None:
            return None
        return Question(row.id, row.wave_id, row.member_id, row.text, row.created_at)

    async def count_questions_by(self, wave_id: int, member_id: int) -> int:
        """How many questions the member asked about the wave (anti-spam limit)."""
        stmt = (
            select(func.count())
            .select_from(questions)
            .where(questions.c.wave_id == wave_id, questions.c.member_id == member_id)
        )
        return int((await self._exec(stmt)).scalar_one())

    async def add_answer(self, question_id: int, member_id: int, text: str, now: datetime) -> bool:
        """Record an answer; False when this member already answered the question."""
        values = {
            "question_id": question_id,
            "member_id": member_id,
            "text": text,
            "created_at": now,
        }
        return await self._insert_ignore(answers, values)

    async def talk_counts(self, wave_id: int) -> tuple[int, int, int, int]:
        """(questions, answers, reviews, sum of ratings) of a wave."""
        asked = select(func.count()).where(questions.c.wave_id == wave_id).scalar_subquery()
        answered = (
            select(func.count())
            .select_from(answers.join(questions, questions.c.id == answers.c.question_id))
            .where(questions.c.wave_id == wave_id)
            .scalar_subquery()
        )
        rated = select(
            func.count().label("reviews"),
            func.coalesce(func.sum(reviews.c.rating), 0).label("total"),
            asked.label("asked"),
            answered.label("answered"),
        ).where(reviews.c.wave_id == wave_id)
        row = (await self._exec(rated)).one()
        return int(row.asked), int(row.answered), int(row.reviews), int(row.total)

    async def upsert_review(
        self, wave_id: int, member_id: int, rating: int, text: str | None, now: datetime
    ) -> bool:
        """Record or update the member's review of the wave (text None keeps the old text);
        True when it is the first."""
        where = (reviews.c.wave_id == wave_id, reviews.c.member_id == member_id)
        changes: dict[str, object] = {"rating": rating, "updated_at": now}
        if text is not None:
            changes["text"] = text
        updated = await self._exec(sql_update(reviews).where(*where).values(**changes))
        if updated.rowcount > 0:
            return False
        values = {
            "wave_id": wave_id,
            "member_id": member_id,
            "rating": rating,
            "text": text or "",
            "created_at": now,
            "updated_at": now,
        }
        await self._exec(insert(reviews).values(**values))
        return True

    async def set_helper(self, member_id: int, on: bool, now: datetime) -> None:
        """Opt in or out of receiving questions in private."""
        if on:
            await self._insert_ignore(helpers, {"member_id": member_id, "created_at": now})
        else:
            await self._exec(delete(helpers).where(helpers.c.member_id == member_id))

    async def is_helper(self, member_id: int) -> bool:
        """Whether the member opted in."""
        stmt = select(helpers.c.member_id).where(helpers.c.member_id == member_id)
        return (await self._exec(stmt)).first() is not None

    async def helper_targets(self, category: str, exclude_member: int, limit: int) -> list[Target]:
        """Opted-in members who confirmed a pledge in a finished wave of this category, most
        recent buyers first, in private."""
        bought = (
            select(func.max(pledges.c.updated_at))
            .select_from(pledges.join(waves_t, waves_t.c.id == pledges.c.wave_id))
            .where(
                pledges.c.member_id == members.c.id,
                pledges.c.status == PledgeStatus.CONFIRMED.value,
                waves_t.c.category == category,
                waves_t.c.status.in_(FINISHED),
            )
            .correlate(members)
            .scalar_subquery()
        )
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(helpers, helpers.c.member_id == members.c.id)
            .where(members.c.id != exclude_member, bought.is_not(None))
            .order_by(bought.desc(), members.c.id)
            .limit(limit)
        )
        return private_targets(await self._exec(stmt))

    async def member_target(self, member_id: int) -> Target | None:
        """The member's private chat on their first linked account."""
        stmt = select(members.c.id, members.c.lang, FIRST_ACCOUNT).where(members.c.id == member_id)
        found = private_targets(await self._exec(stmt))
        return found[0] if found else None

    async def review_candidates(self, limit: int) -> list[tuple[int, Target]]:
        """Paid members to ask for a review: of a wave marked delivered, with a counted live
        payment; not asked yet (no 'review_ask:<member>' announcement on the wave), not
        reviewed yet, and wanting private messages."""
        kind = literal(REVIEW_ASK, String) + cast(payments.c.member_id, String)
        asked = exists().where(
            announcements.c.wave_id == payments.c.wave_id, announcements.c.kind == kind
        )
        reviewed = exists().where(
            reviews.c.wave_id == payments.c.wave_id, reviews.c.member_id == payments.c.member_id
        )
        stmt = (
            select(payments.c.wave_id, members.c.id, members.c.lang, FIRST_ACCOUNT)
            .select_from(
                payments.join(members, members.c.id == payments.c.member_id).join(
                    fulfilments, fulfilments.c.wave_id == payments.c.wave_id
                )
            )
            .where(
                fulfilments.c.status == DELIVERED,
                payments.c.state == PaymentState.PAID.value,
                payments.c.counted.is_(True),
                members.c.notify_milestones.is_(True),
                ~asked,
                ~reviewed,
            )
            .distinct()
            .order_by(payments.c.wave_id, members.c.id)
            .limit(limit)
        )
        found: list[tuple[int, Target]] = []
        for row in await self._exec(stmt):
            found += [(row.wave_id, target) for target in private_targets([row])]
        return found
