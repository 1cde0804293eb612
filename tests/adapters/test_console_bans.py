"""/ban and /unban in console transcripts: who may, who can't be, and what a banned member meets."""

from __future__ import annotations

import pytest

from bots.console.session import PLATFORM
from core.commands.registry import REGISTRY
from core.ports import ChatKind, ChatRef
from core.services import community
from tests.adapters.inbox import inbox_of
from tests.conftest import ConsoleWorld, Person
from tests.texts import said


class ConsoleAdmins:
    """The console's 'platform' says who administers the moderation chat."""

    def __init__(self, *admins: str) -> None:
        self.admins = set(admins)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """An admin of any registered chat."""
        return user_id in self.admins


async def open_wave(world: ConsoleWorld) -> Person:
    """Idea #1 approved and launched as wave #1 (up to 3 each); returns the owner."""
    owner = world.person("owner")
    await owner.say("/idea Cast iron pan #kitchen")
    await owner.say("/approve 1")
    await owner.say("/idea Wok lid #kitchen")
    await owner.say("/approve 2")
    await owner.say("/launch 1 1:50 10:40 7d per=3")
    return owner


def refused(what: str, lang: str = "en") -> str:
    """The reply a suspended member gets."""
    return said("error.banned", lang, action=said(f"ban.action_{what}", lang))


async def test_a_banned_member_is_refused_everything_new_and_keeps_pledges(
    world: ConsoleWorld,
) -> None:
    owner, alice = await open_wave(world), world.person("alice")
    await alice.say("/join 1 2")
    banned = await owner.say("/ban alice spamming the chat")
    assert said("ban.done", name="Alice", account="console:alice") in banned
    assert said("ban.pledges_stay") in banned
    assert said("ban.reason", reason="spamming the chat") in banned

    assert refused("idea") in await alice.say("/idea Bamboo toothbrush")
    assert refused("want") in await alice.say("/want 2")
    assert said("button.want_id", id=2) in await alice.say("/ideas")  # its only Want button
    assert refused("want") in await alice.say("1")
    assert refused("join") in await alice.say("/join 1 3")
    assert refused("ask") in await alice.say("/ask 1 Is it heavy?")
    card = await alice.say("/wave 1")
    assert refused("join") in await alice.say("1")  # the card's Join button
    assert refused("join") in await alice.say("/wave 1") + await alice.say("2")  # the +1 button
    assert said("wave.progress", bar="▰▰▱▱▱▱▱▱▱▱", units=2, goal=10) in card
    mine = await alice.say("/mine")
    assert "2" in mine and "Cast iron pan" in mine  # her pledge stays


async def test_the_banned_member_is_told_in_private_and_when_it_is_lifted(
    world: ConsoleWorld,
) -> None:
    inbox = inbox_of(world)
    owner, alice = await open_wave(world), world.person("alice")
    await alice.say("/lang fr")
    await owner.say("/ban alice pourriel")
    assert said("ban.lifted", name="Alice", account="console:alice") in await owner.say(
        "/unban console:alice"
    )
    await world.deliver()
    assert inbox.texts("alice") == [
        said("ban.notice_reason", "fr", reason="pourriel"),
        said("ban.notice_lifted", "fr"),
    ]
    assert said("idea.wanted", "fr", id=2, title="Wok lid", wants=1) in await alice.say("/veux 2")


async def test_a_banned_wanter_is_not_invited_to_join(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, alice, bob = world.person("owner"), world.person("alice"), world.person("bob")
    await owner.say("/idea Cast iron pan #kitchen")
    await owner.say("/approve 1")
    await alice.say("/want 1")
    await bob.say("/want 1")
    await owner.say("/ban alice")
    await owner.say("/launch 1 1:50 7d")
    await world.deliver()
    assert inbox.texts("alice") == [said("ban.notice")]  # no Join invitation she can't use
    assert len(inbox.texts("bob")) == 1


async def test_a_french_banned_member_reads_the_refusal_in_french(world: ConsoleWorld) -> None:
    owner, remi = await open_wave(world), world.person("remi")
    await remi.say("/lang fr")
    await owner.say("/ban remi")
    assert refused("join", "fr") in await remi.say("/join 1")
    assert "Vous ne pouvez pas rejoindre de vague" in await remi.say("/join 1")
    assert refused("idea", "fr") in await remi.say("/idee Poêle en fonte")


async def test_ban_refusals_are_specific_and_change_nothing(world: ConsoleWorld) -> None:
    owner, alice, bob = await open_wave(world), world.person("alice"), world.person("bob")
    await bob.say("/start")
    assert said("error.not_moderator") in await alice.say("/ban bob")
    assert said("error.ban_owner", name="Owner") in await owner.say("/ban owner")
    assert said("error.member_not_found", who="nobody") in await owner.say("/ban nobody")
    unknown = said("error.member_not_found", who="telegram:42")
    assert unknown in await owner.say("/ban telegram:42")
    assert said("error.not_banned", name="Bob") in await owner.say("/unban bob")
    assert said("error.usage_of", usage=REGISTRY["ban"].usage) in await owner.say("/ban")
    await owner.say("/ban bob")
    assert said("error.already_banned", name="Bob") in await owner.say("/ban bob")
    assert said("pledge.joined", id=1, title="Cast iron pan", qty=1) in await alice.say("/join 1")


async def test_moderators_cannot_ban_each_other_checked_at_the_moment(world: ConsoleWorld) -> None:
    owner = await open_wave(world)
    group = ChatRef(PLATFORM, "mods", ChatKind.GROUP, "Moderators")
    await community.register_modchat(world.rt.ctx, owner.session.actor, group)
    admins = ConsoleAdmins("mod", "other")
    world.rt.ctx.admin_checks["console"] = admins
    mod, other, alice = world.person("mod"), world.person("other"), world.person("alice")
    await other.say("/start")
    await alice.say("/start")
    assert said("error.ban_moderator", name="Other") in await mod.say("/ban other")
    assert said("error.ban_owner", name="Owner") in await mod.say("/ban owner")
    assert said("ban.done", name="Alice", account="console:alice") in await mod.say("/ban alice")
    admins.admins.discard("other")  # no longer an admin of the moderation chat
    assert said("ban.done", name="Other", account="console:other") in await mod.say("/ban other")
    admins.admins.discard("mod")
    assert said("error.not_moderator") in await mod.say("/unban alice")


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_moderators_and_owners_are_exempt_from_the_pending_limit(
    world: ConsoleWorld, lang: str
) -> None:
    owner, alice = world.person("owner"), world.person("alice")
    await alice.say(f"/lang {lang}")
    for n in range(5):
        assert said("error.too_many_pending", max=3) not in await owner.say(f"/idea Lamp {n}")
    for n in range(3):
        await alice.say(f"/idea Lamp {n}")
    assert said("error.too_many_pending", lang, max=3) in await alice.say("/idea Lamp 4")


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_title_needs_three_letters(world: ConsoleWorld, lang: str) -> None:
    alice = world.person("alice")
    await alice.say(f"/lang {lang}")
    rule = said("error.title_letters", lang, min=3)
    for title in ("ok", "42 !!", "A1 B2 🎉", "Z-9"):
        assert rule in await alice.say(f"/idea {title}")
    assert said("mine.empty", lang) in await alice.say("/mine")
    for title in ("Été", "日本語", "Pan"):
        assert rule not in await alice.say(f"/idea {title}")
