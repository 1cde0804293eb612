"""Members' settings, chat subscriptions and moderation chats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import DomainError, Forbidden
from core.model import Idea, Member, Pledge, Wave
from core.ports import Actor, ChatKind, ChatRef
from core.services.context import (
    Context,
    is_owner,
    member_of,
    require_moderator,
    require_owner,
)
from core.services.rights import ask_admin

MAX_CATEGORIES = 10
_CHANNEL = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")


@dataclass(frozen=True)
class Overview:
    """What /mine shows."""

    member: Member
    pledges: list[tuple[Pledge, Wave]]
    ideas: list[Idea]


async def identify(ctx: Context, actor: Actor) -> tuple[Member, str]:
    """The member (created on first contact) and the language to answer in."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
    if member is None:
        async with ctx.db.write() as tx:
            member = await member_of(ctx, tx, actor)
    return member, ctx.lang_for(member, actor)


async def set_timezone(ctx: Context, actor: Actor, name: str) -> str | None:
    """A member's own time zone by IANA name; "off" returns to the community's."""
    zone = None if name.lower() in ("off", "default") else _checked_zone(name.strip())
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_member_timezone(member.id, zone)
    return zone


def _checked_zone(name: str) -> str:
    """An IANA zone name the system knows (Europe/Paris), refused otherwise with an example."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError("error.bad_timezone", value=name[:64]) from error
    return name


async def set_lang(ctx: Context, actor: Actor, lang: str) -> str:
    """Override the platform's locale."""
    lang = lang.strip().lower()
    if lang not in ctx.rules.languages:
        raise DomainError("error.bad_lang", value=lang, langs=", ".join(ctx.rules.languages))
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_member_lang(member.id, lang)
    return lang


async def set_notify(ctx: Context, actor: Actor, on: bool) -> None:
    """Turn private milestone messages on or off."""
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_member_notify(member.id, on)


async def set_news(ctx: Context, actor: Actor, on: bool) -> None:
    """Turn private idea news (my ideas' moderation, wanted ideas launching) on or off."""
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_member_news(member.id, on)


async def overview(ctx: Context, actor: Actor) -> Overview:
    """My pledges and my ideas, read outside the writer (only a first contact writes)."""
    member, _ = await identify(ctx, actor)
    async with ctx.db.read() as tx:
        pledges = await tx.pledges_of_member(member.id)
        ideas = await tx.ideas_by_author(member.id, 10)
    return Overview(member, pledges, ideas)


def parse_categories(text: str) -> list[str]:
    """'#kitchen garden' → ['kitchen', 'garden']."""
    names = [word.lstrip("#").lower() for word in text.replace(",", " ").split()]
    for name in names:
        if not name or len(name) > 32 or not name.replace("-", "").replace("_", "").isalnum():
            raise DomainError("error.bad_category", value=name)
    if len(names) > MAX_CATEGORIES:
        raise DomainError("error.too_many_categories", max=MAX_CATEGORIES)
    return sorted(set(names))


async def follow(ctx: Context, actor: Actor, categories: list[str], on: bool) -> list[str]:
    """Follow or unfollow categories for private wave-opened alerts; returns what changed."""
    if not categories:
        raise DomainError("error.follow_what")
    changed: list[str] = []
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        for category in categories:
            if on:
                done = await tx.follow(member.id, category, ctx.clock.now())
            else:
                done = await tx.unfollow(member.id, category)
            if done:
                changed.append(category)
    return changed


def channel_target(actor: Actor, args: str) -> tuple[ChatRef, str] | None:
    """'@channel rest…' names a channel to manage from a private chat; None when not given."""
    first, _, rest = args.strip().partition(" ")
    if not first.startswith("@"):
        return None
    if not _CHANNEL.fullmatch(first):
        raise DomainError("error.bad_channel", value=first[:40])
    return ChatRef(actor.platform, first, ChatKind.CHANNEL, first), rest


async def administers(ctx: Context, actor: Actor, chat: ChatRef) -> bool:
    """Whether the platform says, right now, that the actor administers this chat."""
    check = ctx.admin_checks.get(chat.platform)
    return check is not None and await ask_admin(check, chat.platform, chat.chat_id, actor.user_id)


async def require_channel_admin(ctx: Context, actor: Actor, chat: ChatRef) -> None:
    """A moderator may only route broadcasts to a channel they administer, asked right now."""
    if not await administers(ctx, actor, chat):
        raise Forbidden("error.not_channel_admin", channel=chat.chat_id)


async def require_subscription_rights(ctx: Context, actor: Actor, chat: ChatRef) -> None:
    """Owners anywhere; a moderator only in a group or channel they administer, asked now."""
    if chat.kind is ChatKind.PRIVATE and chat.platform != "console":
        return  # a member's own private chat
    owner = await is_owner(ctx, actor)
    if not owner:
        await require_moderator(ctx, actor)
    if chat.kind is ChatKind.CHANNEL and chat.chat_id.startswith("@"):
        await require_channel_admin(ctx, actor, chat)  # owners too: a channel named from afar
    elif chat.kind is not ChatKind.PRIVATE and not owner:
        await require_group_admin(ctx, actor, chat)


async def require_group_admin(ctx: Context, actor: Actor, chat: ChatRef) -> None:
    """Being a moderator elsewhere gives no say over a group one is a plain member of."""
    if not await administers(ctx, actor, chat):
        raise Forbidden("error.not_group_admin")


async def subscribe(ctx: Context, actor: Actor, chat: ChatRef, categories: list[str]) -> None:
    """This chat receives broadcasts (all categories when none given)."""
    await require_subscription_rights(ctx, actor, chat)
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        lang = ctx.lang_for(member, actor)
        await tx.subscribe(chat, categories, lang, ctx.clock.now())


async def unsubscribe(ctx: Context, actor: Actor, chat: ChatRef) -> None:
    """This chat stops receiving broadcasts."""
    await require_subscription_rights(ctx, actor, chat)
    async with ctx.db.write() as tx:
        if not await tx.unsubscribe(chat.platform, chat.chat_id):
            raise DomainError("error.not_subscribed")


async def register_modchat(ctx: Context, actor: Actor, chat: ChatRef) -> bool:
    """An owner makes this group's admins moderators; False when it already was."""
    await require_owner(ctx, actor)
    if chat.kind is ChatKind.PRIVATE:
        raise DomainError("error.modchat_private")
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        return await tx.add_modchat(chat.platform, chat.chat_id, member.id, ctx.clock.now())
