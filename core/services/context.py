"""What every use case shares: the database, the clock, the rules from configuration."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from core.clock import Clock, TimeTravel
from core.errors import Forbidden
from core.feature_ports import ChartRenderer
from core.messages import PlainText
from core.model import Member
from core.ports import Actor, AdminCheck, Database, Tx, Wakeup
from core.services.fairshare import FairShareRules
from core.services.health import StorageHealth
from core.services.providers import PaymentDesk
from core.services.rights import ask_admin


class _NoWakeup:
    """Used when nothing dispatches (tests of pure use cases)."""

    def deliveries_pending(self) -> None:
        """Nothing to wake."""

    def fanout_pending(self) -> None:
        """Nothing to wake."""


@dataclass
class Rules:
    """Tunable product rules, with the defaults a community expects."""

    max_pending_ideas: int = 3
    currency: str = "EUR"
    default_lang: str = "en"
    languages: tuple[str, ...] = ("en", "fr")
    timezone: str = "UTC"
    platforms: tuple[str, ...] = ("Telegram", "Discord")

    def platform_list(self) -> str:
        """The chat platforms this community runs on, for texts such as "your other platform"."""
        return " / ".join(self.platforms)

    page_size: int = 8
    fair_share: FairShareRules = field(default_factory=FairShareRules)
    creator_share_percent: int = 5  # of a completed wave's revenue, to the idea's author
    newsletter_days: int = 15  # the personal newsletter's period
    public_url: str = ""  # where the web pages are served (WAVEBOT_PUBLIC_URL), '' when none

    def page_url(self, kind: str, item_id: int) -> str:
        """The public page of a wave ('w') or an idea ('i'); '' without a public URL."""
        return f"{self.public_url.rstrip('/')}/{kind}/{item_id}" if self.public_url else ""


@dataclass
class Context:
    """The ports and rules one running bot works with."""

    db: Database
    clock: Clock
    owners: frozenset[str] = frozenset()
    admin_checks: dict[str, AdminCheck] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    wakeup: Wakeup = field(default_factory=_NoWakeup)
    charts: ChartRenderer | None = None
    plain: PlainText | None = None
    rng: random.Random = field(default_factory=random.Random)
    time_travel: TimeTravel | None = None  # only the console demo can move time (/clock)
    health: StorageHealth | None = None
    payments: PaymentDesk = field(default_factory=PaymentDesk)  # who takes the money, per account

    def __post_init__(self) -> None:
        """Every context watches its storage; the composition root adds the owners' alert."""
        if self.health is None:
            self.health = StorageHealth(self.clock)

    @property
    def storage(self) -> StorageHealth:
        """The storage watch (always set after construction)."""
        assert self.health is not None
        return self.health

    def plain_text(self) -> PlainText:
        """The renderer the composition root gave, for texts the core stores or exports."""
        if self.plain is None:
            raise RuntimeError("no plain-text renderer configured")
        return self.plain

    def timezone_for(self, member: Member | None) -> str:
        """Member's own time zone, else the community's."""
        if member is not None and member.timezone:
            return member.timezone
        return self.rules.timezone

    def lang_for(self, member: Member | None, actor: Actor | None = None) -> str:
        """Member's choice, else the platform locale, else the configured default."""
        if member is not None and member.lang in self.rules.languages:
            return member.lang
        if actor is not None and actor.locale:
            code = actor.locale.split("-")[0].split("_")[0].lower()
            if code in self.rules.languages:
                return code
        return self.rules.default_lang


async def member_of(ctx: Context, tx: Tx, actor: Actor, now: datetime | None = None) -> Member:
    """The member behind an account, created on first contact (at `now` when the use case
    already read the clock: one time for every row it writes)."""
    member = await tx.member_for_account(actor.account)
    if member is None:
        at = ctx.clock.now() if now is None else now
        return await tx.create_member(actor.account, actor.display_name[:64], None, at)
    if actor.display_name and member.display_name != actor.display_name[:64]:
        await tx.rename_member(member.id, actor.display_name[:64])
    return member


async def is_owner(ctx: Context, actor: Actor) -> bool:
    """Owners are listed in configuration, by any of the person's linked accounts."""
    if actor.account in ctx.owners:
        return True
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        accounts = await tx.accounts_of(member.id) if member else []
    return any(account in ctx.owners for account in accounts)


async def is_moderator(ctx: Context, actor: Actor) -> bool:
    """Owners, plus admins of a registered moderation chat, asked of the platform right now."""
    if await is_owner(ctx, actor):
        return True
    check = ctx.admin_checks.get(actor.platform)
    if check is None:
        return False
    async with ctx.db.read() as tx:
        chats = [chat for platform, chat in await tx.modchats() if platform == actor.platform]

    async def again() -> bool:
        """The whole question, asked outside the write when an answer is missing inside it."""
        return await is_moderator(ctx, actor)

    for chat_id in chats:  # inside an update's write, unknown answers are asked outside it
        if await ask_admin(check, actor.platform, chat_id, actor.user_id, again):
            return True
    return False


async def require_moderator(ctx: Context, actor: Actor) -> None:
    """Refuse a moderator action to anyone else, checked at the moment of the action."""
    if not await is_moderator(ctx, actor):
        raise Forbidden("error.not_moderator")


async def require_owner(ctx: Context, actor: Actor) -> None:
    """Refuse an owner-only action."""
    if not await is_owner(ctx, actor):
        raise Forbidden("error.not_owner")
