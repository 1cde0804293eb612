"""Rights before the write (issue 13): the platform's admin check is never asked while the asking
update holds the single writer, on the exactly-once path (Telegram) or the direct one (Discord,
console), for every moderator command and button; refusals and effects are unchanged."""

from __future__ import annotations

import asyncio

import pytest

from core.commands.interpreter import Answer, Interpreter
from core.commands.registry import REGISTRY
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from storage.database import SqlDatabase
from tests.conftest import ConsoleWorld

MODS, GROUP = "moderation-chat", "group-here"
ADMINS = {"mod": {MODS, GROUP}, "mod2": {MODS}, "member": set()}
MOD = Actor("telegram:mod", "Mo")
HERE = ChatRef("telegram", GROUP, ChatKind.GROUP, "Here")
SAMPLE_ARGS = {"approve": "2", "reject": "2 dup", "merge": "3 2", "launch": "2 1:10 5:8 3d",
               "close": "1", "cancel": "1 why", "extend": "1 2d", "export": "1", "stats": "",
               "ban": "member", "unban": "member", "relaunch": "1", "pending": "",
               "subscribe": "", "unsubscribe": "", "shipping": "1 name address",
               "paid": "1 #1", "unpaid": "1 #1", "refunds": "", "refunded": "1 #1",
               "payhow": "IBAN FR76 0000", "ship": "1 DHL 42", "delivered": "1",
               "suppliers": "", "offers": "2", "supplier": "remove member"}  # fmt: skip
# Not flagged moderator as a whole (suppliers read /stats categories, anyone redeems a supplier
# code, a wave's maker ships it): their services ask the moderator right, which must still be
# asked outside the write.
CHECKED_IN_SERVICES = {"stats", "supplier", "ship", "delivered"}
SETUP = ("/idea Kettle #kitchen", "/approve 1", "/launch 1 1:100 50:90 7d",
         "/idea Camping hammock #garden", "/idea Hammock for camping #garden")  # fmt: skip
BUTTONS = ["approve:2", "reject:2", "mergeto:3:2", "closeyes:1", "merge:3"]
REFUSED = {"error.not_moderator", "error.not_owner", "error.not_group_admin", "error.internal"}


class Platform:
    """The platform's admin answers; notes any question asked while the asker holds the writer."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        self.asked: list[tuple[str, str]] = []
        self.inside_write: list[tuple[str, str]] = []

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """ADMINS says; a real platform call yields to the loop, so this one does too."""
        self.asked.append((chat_id, user_id))
        if self.db.writing_here():
            self.inside_write.append((chat_id, user_id))
        await asyncio.sleep(0)
        return chat_id in ADMINS.get(user_id, set())


@pytest.fixture(name="platform")
async def platform_fixture(world: ConsoleWorld) -> Platform:
    """A moderation chat on Telegram, an open wave #1, pending ideas #2 and #3, a member."""
    ctx = world.rt.ctx
    ctx.owners = ctx.owners | {"telegram:owner"}
    platform = Platform(world.rt.db)
    ctx.admin_checks["telegram"] = platform
    owner = Actor("telegram:owner", "Owner")
    await community.register_modchat(ctx, owner, ChatRef("telegram", MODS, ChatKind.GROUP))
    boss = world.person("owner")
    for typed in SETUP:
        await boss.say(typed)
    chat = ChatRef("telegram", "member", ChatKind.PRIVATE)
    await world.rt.interpreter.handle_command(Actor("telegram:member", "Max"), chat, "help", "")
    platform.asked.clear()
    return platform


def _keys(answer: Answer | None) -> list[str]:
    assert answer is not None
    return [part.key for reply in answer.replies for part in reply.body]


async def _typed(interpreter: Interpreter, path: str, command: str, args: str) -> Answer | None:
    """Through the exactly-once path (one write for the update) or the direct one."""
    if path == "once":
        return await interpreter.text_once("telegram:900", MOD, HERE, f"/{command} {args}")
    return await interpreter.handle_command(MOD, HERE, command, args)


async def _pressed(interpreter: Interpreter, path: str, payload: str) -> Answer | None:
    if path == "once":
        return await interpreter.action_once("telegram:901", MOD, HERE, payload)
    return await interpreter.handle_action(MOD, HERE, payload)


def test_every_moderator_command_is_covered() -> None:
    moderator = {spec.name for spec in REGISTRY.values() if spec.moderator and not spec.owner}
    assert moderator | CHECKED_IN_SERVICES == set(SAMPLE_ARGS)


@pytest.mark.parametrize("path", ["once", "direct"])
@pytest.mark.parametrize("command", sorted(SAMPLE_ARGS))
async def test_no_admin_check_while_the_writer_is_held(
    world: ConsoleWorld, platform: Platform, path: str, command: str
) -> None:
    answer = await _typed(world.rt.interpreter, path, command, SAMPLE_ARGS[command])
    keys = _keys(answer)
    assert keys and not REFUSED & set(keys), keys
    assert platform.asked  # the platform was asked, at the moment of the action
    assert platform.inside_write == []


@pytest.mark.parametrize("path", ["once", "direct"])
@pytest.mark.parametrize("payload", BUTTONS)
async def test_no_admin_check_under_a_button_while_the_writer_is_held(
    world: ConsoleWorld, platform: Platform, path: str, payload: str
) -> None:
    keys = _keys(await _pressed(world.rt.interpreter, path, payload))
    assert keys and not REFUSED & set(keys), keys
    assert platform.asked and platform.inside_write == []


@pytest.mark.parametrize("path", ["once", "direct"])
async def test_confirming_a_cancellation_asks_the_platform_outside_the_write(
    world: ConsoleWorld, platform: Platform, path: str
) -> None:
    interpreter = world.rt.interpreter
    asked = await interpreter.handle_command(MOD, HERE, "cancel", "1 supplier gone")
    (button,) = [b.action for reply in asked.replies for row in reply.buttons for b in row
                 if b.action.startswith("cancelyes:")]  # fmt: skip
    platform.asked.clear()
    keys = _keys(await _pressed(interpreter, path, button))
    assert "mod.cancelled" in keys  # lifecycle.cancel checks rights again inside its write
    assert platform.asked and platform.inside_write == []


async def test_a_moderator_cannot_be_banned_and_nothing_is_asked_inside(
    world: ConsoleWorld, platform: Platform
) -> None:
    interpreter = world.rt.interpreter
    await interpreter.handle_command(Actor("telegram:mod2", "Mia"), HERE, "help", "")
    platform.asked.clear()
    answer = await interpreter.text_once("telegram:902", MOD, HERE, "/ban mod2 rude")
    assert _keys(answer) == ["error.ban_moderator"]  # asked about Mia, outside the write
    assert ("moderation-chat", "mod2") in platform.asked
    assert platform.inside_write == []
    async with world.rt.ctx.db.read() as tx:
        mia = await tx.member_for_account("telegram:mod2")
    assert mia is not None and not mia.banned


async def test_a_ban_asked_in_rounds_is_applied_and_kept_once(
    world: ConsoleWorld, platform: Platform
) -> None:
    interpreter = world.rt.interpreter
    first = await interpreter.text_once("telegram:903", MOD, HERE, "/ban member spam")
    assert "ban.done" in _keys(first)
    assert platform.inside_write == []
    again = await interpreter.text_once("telegram:903", MOD, HERE, "/ban member spam")
    assert _keys(again) == _keys(first)  # the kept answer: no "already banned", no 2nd notice
    async with world.rt.ctx.db.read() as tx:
        max_ = await tx.member_for_account("telegram:member")
        notices = [d for d in await tx.due_deliveries(world.clock.now(), 100)
                   if max_ is not None and d.target.member_id == max_.id]  # fmt: skip
    assert max_ is not None and max_.banned and len(notices) == 1


@pytest.mark.parametrize("path", ["once", "direct"])
async def test_a_plain_member_is_still_refused_first(
    world: ConsoleWorld, platform: Platform, path: str
) -> None:
    member = Actor("telegram:member", "Max")
    interpreter = world.rt.interpreter
    if path == "once":
        answer = await interpreter.text_once("telegram:904", member, HERE, "/approve 2")
    else:
        answer = await interpreter.handle_command(member, HERE, "approve", "2")
    assert _keys(answer) == ["error.not_moderator"]
    assert platform.asked == [(MODS, "member")] and platform.inside_write == []


class Unreachable:
    """A platform that fails every admin question (network down)."""

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Always fails."""
        raise ConnectionError("platform unreachable")


async def test_an_unreachable_platform_is_apologised_for_once(
    world: ConsoleWorld, platform: Platform
) -> None:
    world.rt.ctx.admin_checks["telegram"] = Unreachable()
    interpreter = world.rt.interpreter
    answer = await interpreter.text_once("telegram:905", MOD, HERE, "/approve 2")
    assert _keys(answer) == ["error.internal"]  # as before: no endless asking, no approval
    await interpreter.answered("telegram:905")
    assert await interpreter.text_once("telegram:905", MOD, HERE, "/approve 2") is None
    async with world.rt.ctx.db.read() as tx:
        idea = await tx.get_idea(2)
    assert idea is not None and idea.status.value == "pending"
