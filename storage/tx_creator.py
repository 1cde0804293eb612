"""The creator-share ledger, makers' per-category conversions, the personal newsletter's rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update

from core.model import PledgeStatus, Target
from core.supply_records import CategoryConversion, CreatorCredit
from storage.schema import members, pledges, wants, waves
from storage.schema_supply import creator_credits, newsletter_optouts, newsletter_sends
from storage.sql_base import TxBase
from storage.tx_members import FIRST_ACCOUNT, private_targets
from storage.tx_waves import tiers_from_json

SETTLED = (PledgeStatus.CONFIRMED.value, PledgeStatus.ABANDONED.value)
IN_WAVE = tuple(s.value for s in PledgeStatus if s is not PledgeStatus.WITHDRAWN)
RATIO_PAGE = 500  # waves whose stated prices are read at once (/stats categories)


class CreatorMixin(TxBase):
    """core.supply_ports.CreatorStore and NewsletterStore over SQL."""

    async def add_creator_credit(
        self,
        wave_id: int,
        author_id: int,
        revenue_cents: int,
        amount_cents: int,
        currency: str,
        share_percent: int,
        now: datetime,
    ) -> bool:
        """Credit a wave's share once: False when this wave was already credited."""
        values = {"wave_id": wave_id, "author_id": author_id, "revenue_cents": revenue_cents,
                  "amount_cents": amount_cents, "currency": currency,
                  "share_percent": share_percent, "created_at": now}  # fmt: skip
        return await self._insert_ignore(creator_credits, values)

    async def set_creator_revenue(
        self, wave_id: int, revenue_cents: int, amount_cents: int
    ) -> bool:
        """Rewrite a credited wave's revenue and share (its money moved); False if unchanged."""
        stmt = (
            update(creator_credits)
            .where(
                creator_credits.c.wave_id == wave_id,
                (creator_credits.c.revenue_cents != revenue_cents)
                | (creator_credits.c.amount_cents != amount_cents),
            )
            .values(revenue_cents=revenue_cents, amount_cents=amount_cents)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def credits_of(self, author_id: int) -> list[CreatorCredit]:
        """An author's credits, newest first."""
        stmt = (
            select(creator_credits, waves.c.title)
            .join(waves, waves.c.id == creator_credits.c.wave_id)
            .where(creator_credits.c.author_id == author_id)
            .order_by(creator_credits.c.created_at.desc(), creator_credits.c.wave_id.desc())
        )
        return [
            CreatorCredit(r.wave_id, r.title, r.author_id, int(r.revenue_cents),
                          int(r.amount_cents), r.currency, r.share_percent)
            for r in await self._exec(stmt)
        ]  # fmt: skip

    async def credit_for_wave(self, wave_id: int) -> CreatorCredit | None:
        """The ledger row of one wave, if it was credited."""
        stmt = (
            select(creator_credits, waves.c.title)
            .join(waves, waves.c.id == creator_credits.c.wave_id)
            .where(creator_credits.c.wave_id == wave_id)
        )
        row = (await self._exec(stmt)).first()
        if row is None:
            return None
        return CreatorCredit(row.wave_id, row.title, row.author_id, int(row.revenue_cents),
                             int(row.amount_cents), row.currency, row.share_percent)  # fmt: skip

    async def credit_totals(self) -> list[tuple[str, int, int]]:
        """(currency, total credited, waves) over the whole ledger."""
        stmt = select(
            creator_credits.c.currency,
            func.sum(creator_credits.c.amount_cents).label("total"),
            func.count().label("n"),
        ).group_by(creator_credits.c.currency)
        return [(str(r.currency), int(r.total), int(r.n)) for r in await self._exec(stmt)]

    async def category_conversions(self) -> list[CategoryConversion]:
        """Per category of launched waves: stated prices against the launch price, wanters who
        pledged, settled pledgers who paid. Counted by the database; the stated prices come in
        pages of waves, each grouped by price, so memory holds distinct ratios, not history."""
        pledge = pledges.alias("pledge")
        joined = and_(pledge.c.wave_id == waves.c.id, pledge.c.member_id == wants.c.member_id,
                      pledge.c.status.in_(IN_WAVE))  # fmt: skip
        wanters = (
            select(waves.c.category, func.count().label("n"),
                   func.count(pledge.c.member_id).label("pledged"))
            .join(wants, wants.c.idea_id == waves.c.idea_id)
            .outerjoin(pledge, joined)
            .group_by(waves.c.category)
        )  # fmt: skip
        wanted = {str(r.category): (int(r.n), int(r.pledged)) for r in await self._exec(wanters)}
        settled = (
            select(waves.c.category, pledges.c.status, func.count().label("n"))
            .join(pledges, pledges.c.wave_id == waves.c.id)
            .where(pledges.c.status.in_(SETTLED))
            .group_by(waves.c.category, pledges.c.status)
        )
        paid: dict[str, dict[str, int]] = defaultdict(dict)
        for row in await self._exec(settled):
            paid[str(row.category)][str(row.status)] = int(row.n)
        ratios = await self._stated_ratios()
        return [
            CategoryConversion(
                name, tuple(sorted(ratios[name].items())), *wanted.get(name, (0, 0)),
                sum(paid[name].values()), paid[name].get(PledgeStatus.CONFIRMED.value, 0),
            )
            for name in sorted(set(wanted) | set(paid))
        ]  # fmt: skip

    async def _stated_ratios(self) -> dict[str, Counter[int]]:
        """Per category, how many wanters stated each max price as a percentage of the launch
        price (the first tier's, inside the tiers' JSON), read RATIO_PAGE waves at a time."""
        ratios: dict[str, Counter[int]] = defaultdict(Counter)
        after = 0
        while True:
            page = (
                select(waves.c.id)
                .where(waves.c.id > after, waves.c.idea_id.is_not(None))
                .order_by(waves.c.id)
                .limit(RATIO_PAGE)
            )
            ids = [int(row.id) for row in await self._exec(page)]
            if not ids:
                return ratios
            stated = (
                select(waves.c.category, waves.c.tiers, wants.c.max_price_cents,
                       func.count().label("n"))
                .join(wants, wants.c.idea_id == waves.c.idea_id)
                .where(waves.c.id.in_(ids), wants.c.max_price_cents.is_not(None))
                .group_by(waves.c.id, waves.c.category, waves.c.tiers, wants.c.max_price_cents)
            )  # fmt: skip
            for row in await self._exec(stated):
                launch = max(tiers_from_json(row.tiers)[0].unit_price, 1)
                ratios[str(row.category)][int(row.max_price_cents) * 100 // launch] += int(row.n)
            after = ids[-1]

    async def set_newsletter(self, member_id: int, on: bool, now: datetime) -> None:
        """Opt in (the default) or out of the personal newsletter."""
        if on:
            await self._exec(
                delete(newsletter_optouts).where(newsletter_optouts.c.member_id == member_id)
            )
        else:
            await self._insert_ignore(newsletter_optouts, {"member_id": member_id, "at": now})

    async def newsletter_on(self, member_id: int) -> bool:
        """Whether the member receives the personal newsletter."""
        stmt = select(newsletter_optouts.c.member_id).where(
            newsletter_optouts.c.member_id == member_id
        )
        return (await self._exec(stmt)).first() is None

    async def newsletter_due(
        self, period: int, joined_before: datetime, limit: int
    ) -> list[tuple[int, Target | None]]:
        """Members still to serve this period (members for a whole period, not opted out, not
        suspended), by id, each with their private target (None for a member left without an
        account by a merge)."""
        sent = select(newsletter_sends.c.member_id).where(
            newsletter_sends.c.member_id == members.c.id, newsletter_sends.c.period == period
        )
        out = select(newsletter_optouts.c.member_id).where(
            newsletter_optouts.c.member_id == members.c.id
        )
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .where(
                ~sent.exists(),
                ~out.exists(),
                members.c.banned_at.is_(None),
                members.c.created_at <= joined_before,
            )
            .order_by(members.c.id)
            .limit(limit)
        )
        rows = list(await self._exec(stmt))
        targets = {target.member_id: target for target in private_targets(rows)}
        return [(int(row.id), targets.get(row.id)) for row in rows]

    async def claim_newsletter(
        self, member_id: int, period: int, now: datetime, delivered: bool
    ) -> bool:
        """Mark this member served for the period; False when already served."""
        values = {"member_id": member_id, "period": period, "sent_at": now, "delivered": delivered}
        return await self._insert_ignore(newsletter_sends, values)

    async def wanted_idea_ids(self, member_id: int) -> list[int]:
        """The ideas the member said they want."""
        stmt = select(wants.c.idea_id).where(wants.c.member_id == member_id)
        return [int(row.idea_id) for row in await self._exec(stmt)]
