"""Member and chat commands: /start, /help, /mine, /lang, /settings, /subscribe, /modchat."""

from __future__ import annotations

from core.commands import makers
from core.commands import payments as payment_commands
from core.commands.demo import demo_commands
from core.commands.ideas import idea_card
from core.commands.params import IDEA, WAVE, Categories, Channel, Param, Setting, Word
from core.commands.parsing import parse_id
from core.commands.pledge_states import pledge_state
from core.commands.registry import (
    REGISTRY,
    Request,
    action,
    command,
    visible_commands,
    without_args,
)
from core.commands.usage import say
from core.errors import DomainError
from core.messages import Button, Lines, Reply, T, t
from core.model import PledgeStatus, WaveStatus
from core.ports import ChatRef
from core.services import cards, community, ideas, public, standing, suppliers
from core.services.context import is_moderator

LANG = Param("lang", Word, label_key="usage.langs")
SETTING = Param("notify", Setting(), required=False)
CATEGORIES = Param("categories", Categories)
CHANNEL = Param("channel", Channel, required=False, label_key="usage.channel")
SOME_CATEGORIES = Param("categories", Categories, required=False)


@command("start", hidden=True, raw=True)
async def start(req: Request) -> list[Reply]:
    """Welcome, or open what a deep link points to."""
    payload = req.args.strip()
    if payload.startswith("wave_"):
        return [await cards.current_card(req.ctx, parse_id(payload[5:], WAVE))]
    if payload.startswith("idea_"):
        idea, prices = await ideas.get(req.ctx, parse_id(payload[5:], IDEA))
        return [idea_card(idea, prices, req.ctx.rules.currency)]
    if payload.startswith("link_") and len(payload) > 5:
        return await REGISTRY["link"].run(Request(req.ctx, req.actor, req.chat, payload[5:]))
    if payload:
        raise DomainError("error.bad_start", value=payload[:64])
    return [Reply(body=(t("start.welcome", name=req.actor.display_name), t("start.next")))]


@command("help", reads_only=True)
async def help_(req: Request) -> list[Reply]:
    """The commands this person may use."""
    moderator = await is_moderator(req.ctx, req.actor)
    supplier = await suppliers.is_supplier(req.ctx, req.actor)
    rows: list[T] = []
    for spec in [*visible_commands(moderator, supplier), *demo_commands(req.ctx, moderator)]:
        rows.append(t("help.row", usage=spec.usage, text=t(spec.help_key)))
    header = t("help.header_mod" if moderator else "help.header")
    return [Reply(body=(header, t("lines", lines=Lines(tuple(rows)))), private=True)]


@command("mine", reads_only=True)
async def mine(req: Request) -> list[Reply]:
    """My pledges, ideas and what I must confirm."""
    view = await community.overview(req.ctx, req.actor)
    to_confirm, buttons = await payment_commands.mine_section(req.ctx, view.pledges)
    live = await standing.standings(req.ctx, [wave for _, wave in view.pledges])
    rows: list[T] = []
    for pledge, wave in view.pledges:
        awaiting = pledge.status is PledgeStatus.AWAITING and wave.status is WaveStatus.SUCCEEDED
        key = "mine.pledge_confirm" if awaiting else "mine.pledge"
        status = pledge_state(pledge, wave, live.get(wave.id))
        rows.append(to_confirm.get(wave.id) or t(key, id=wave.id, title=wave.title,
                                                 qty=pledge.quantity, status=status))  # fmt: skip
    for idea in view.ideas:
        rows.append(t("mine.idea", id=idea.id, title=idea.title, wants=idea.wants,
                      status=t(f"status.{idea.status.value}")))  # fmt: skip
    credits = await makers.mine_lines(req, view.member.id)
    if not rows and not credits:
        return [Reply(body=(t("mine.empty"),), private=True)]
    listed = (t("mine.header"), t("lines", lines=Lines(tuple(rows)))) if rows else ()
    return [Reply(body=(*listed, *credits), buttons=buttons, private=True)]


@command("lang", LANG)
async def lang(req: Request) -> list[Reply]:
    """Choose English or French."""
    chosen = await community.set_lang(req.ctx, req.actor, req.arg(LANG))
    return say("settings.lang_set", lang=chosen)


@command("settings", SETTING, reads_only=without_args)
async def settings(req: Request) -> list[Reply]:
    """Private milestone messages on or off, and the member's own time zone."""
    setting = req.maybe(SETTING)
    if setting is None:
        member, lang = await community.identify(req.ctx, req.actor)
        state = t("settings.on" if member.notify_milestones else "settings.off")
        zone = req.ctx.timezone_for(member)
        show = t("settings.show", lang=lang, notify=state, timezone=zone, now=req.ctx.clock.now())
        news = t(
            "settings.show_news", news=t("settings.on" if member.notify_news else "settings.off")
        )
        names = t("settings.show_names",
                  names=t("settings.on" if member.review_name else "settings.off"))  # fmt: skip
        buttons = ((Button(t("button.notify_on"), "notify:on"),
                    Button(t("button.notify_off"), "notify:off")),
                   (Button(t("button.news_on"), "news:on"),
                    Button(t("button.news_off"), "news:off")),
                   (Button(t("button.names_on"), "names:on"),
                    Button(t("button.names_off"), "names:off")))  # fmt: skip
        return [Reply(body=(show, news, names), buttons=buttons, private=True)]
    name, value = setting
    if name == "tz":
        return await set_timezone(req, value)
    if name == "news":
        return await set_news(req, value == "on")
    if name == "names":
        return await set_names(req, value == "on")
    return await set_notify(req, value == "on")


async def set_timezone(req: Request, name: str) -> list[Reply]:
    """Dates in the member's own time zone, or back to the community's."""
    zone = await community.set_timezone(req.ctx, req.actor, name)
    if zone is None:
        return say("settings.tz_reset", timezone=req.ctx.rules.timezone, now=req.ctx.clock.now())
    return say("settings.tz_set", timezone=zone, now=req.ctx.clock.now())


@action("notify")
async def notify_button(req: Request) -> list[Reply]:
    """The on/off buttons under /settings."""
    if req.args not in ("on", "off"):
        raise DomainError("error.stale_button")
    return await set_notify(req, req.args == "on")


async def set_notify(req: Request, on: bool) -> list[Reply]:
    """Apply the notification choice."""
    await community.set_notify(req.ctx, req.actor, on)
    return say("settings.notify_on" if on else "settings.notify_off")


@action("news")
async def news_button(req: Request) -> list[Reply]:
    """The idea-news on/off buttons under /settings."""
    if req.args not in ("on", "off"):
        raise DomainError("error.stale_button")
    return await set_news(req, req.args == "on")


async def set_news(req: Request, on: bool) -> list[Reply]:
    """Apply the idea-news choice."""
    await community.set_news(req.ctx, req.actor, on)
    return say("settings.news_on" if on else "settings.news_off")


@action("names")
async def names_button(req: Request) -> list[Reply]:
    """The review-name on/off buttons under /settings."""
    if req.args not in ("on", "off"):
        raise DomainError("error.stale_button")
    return await set_names(req, req.args == "on")


async def set_names(req: Request, on: bool) -> list[Reply]:
    """Apply the choice of showing one's name next to one's reviews on public pages."""
    await public.set_review_name(req.ctx, req.actor, on)
    return say("settings.names_on" if on else "settings.names_off")


@command("follow", CATEGORIES)
async def follow(req: Request) -> list[Reply]:
    """Get a private alert when a wave opens in these categories."""
    categories = req.arg(CATEGORIES)
    changed = await community.follow(req.ctx, req.actor, categories, on=True)
    return say("follow.on", categories=", ".join(categories), new=len(changed))


@command("unfollow", CATEGORIES)
async def unfollow(req: Request) -> list[Reply]:
    """Stop wave-opened alerts for these categories."""
    categories = req.arg(CATEGORIES)
    changed = await community.follow(req.ctx, req.actor, categories, on=False)
    if not changed:
        return say("follow.none", categories=", ".join(categories))
    return say("follow.off", categories=", ".join(changed))


@command("subscribe", CHANNEL, SOME_CATEGORIES, moderator=True)
async def subscribe(req: Request) -> list[Reply]:
    """This chat (or a channel named @channel, which the moderator administers) gets broadcasts."""
    chat = _chat_meant(req)
    categories = req.maybe(SOME_CATEGORIES) or []
    await community.subscribe(req.ctx, req.actor, chat, categories)
    if categories:
        return say("sub.subscribed_some", categories=", ".join(categories))
    return say("sub.subscribed_all")


@command("unsubscribe", CHANNEL, moderator=True)
async def unsubscribe(req: Request) -> list[Reply]:
    """This chat (or the named @channel) stops receiving broadcasts."""
    await community.unsubscribe(req.ctx, req.actor, _chat_meant(req))
    return say("sub.unsubscribed")


def _chat_meant(req: Request) -> ChatRef:
    """The @channel named, or else the chat the command was typed in."""
    channel = req.maybe(CHANNEL)
    target = community.channel_target(req.actor, channel) if channel else None
    return target[0] if target else req.chat


@command("modchat", moderator=True, owner=True)
async def modchat(req: Request) -> list[Reply]:
    """Owners make this group's admins moderators."""
    added = await community.register_modchat(req.ctx, req.actor, req.chat)
    return say("mod.modchat_added" if added else "mod.modchat_known")
