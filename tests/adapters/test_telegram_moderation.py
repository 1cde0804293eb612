"""Who moderates is asked of Telegram (getChatMember in a registered moderation chat), and
button data is never trusted for rights."""

from __future__ import annotations

from pathlib import Path

from core.model import IdeaStatus
from tests.adapters.test_telegram_harness import Chatroom, buttons, chatroom
from tests.texts import said

NOT_MODERATOR = said("error.not_moderator")


async def idea_status(tg: Chatroom, idea_id: int) -> IdeaStatus:
    """What the database says about an idea."""
    async with tg.rt.ctx.db.read() as tx:
        idea = await tx.get_idea(idea_id)
    assert idea is not None
    return idea.status


async def test_admins_of_the_moderation_chat_moderate(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        staff = api.add_chat("supergroup", "Staff")
        admin, plain = api.add_user("Adele"), api.add_user("Paul")
        api.set_member_status(staff, admin, "administrator")
        api.set_member_status(staff, plain, "member")
        author = api.add_user("Ida")
        await tg.say(tg.private(author), author, "/idea Solar lamp #garden")
        await tg.say(tg.private(author), author, "/idea Rain barrel #garden")

        # Before /modchat, being a Telegram admin somewhere grants nothing.
        refused = await tg.say(tg.private(admin), admin, "/approve 1")
        assert refused.text(tg.private(admin)) == NOT_MODERATOR

        registered = await tg.say(staff, owner, "/modchat")
        assert registered.text(staff) == said("mod.modchat_added")

        approved = await tg.say(tg.private(admin), admin, "/approve 1")
        assert approved.text(tg.private(admin)) == said("mod.approved", id=1, title="Solar lamp")
        assert await idea_status(tg, 1) is IdeaStatus.APPROVED

        denied = await tg.say(tg.private(plain), plain, "/approve 2")
        assert denied.text(tg.private(plain)) == NOT_MODERATOR
        assert await idea_status(tg, 2) is IdeaStatus.PENDING

        # In the staff group itself, a member's refusal is personal: it goes to their DM.
        in_group = await tg.say(staff, plain, "/approve 2")
        assert in_group.in_(staff) == []
        assert in_group.text(tg.private(plain)) == NOT_MODERATOR


async def test_admin_status_is_cached_briefly_then_asked_again(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        staff = api.add_chat("group", "Staff")
        admin = api.add_user("Adele")
        api.set_member_status(staff, admin, "creator")
        await tg.say(staff, owner, "/modchat")
        now = [1000.0]
        tg.adapter.admin_check.clock = lambda: now[0]
        dm = tg.private(admin)

        assert (await tg.say(dm, admin, "/pending")).text(dm) == said("mod.queue_empty")
        asked = api.requests["getChatMember"]
        await tg.say(dm, admin, "/pending")
        assert api.requests["getChatMember"] == asked  # answered from the 30 s cache

        api.set_member_status(staff, admin, "member")  # demoted
        now[0] += 31
        assert (await tg.say(dm, admin, "/pending")).text(dm) == NOT_MODERATOR
        assert api.requests["getChatMember"] == asked + 1


async def test_forged_and_stale_buttons(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        mallory = api.add_user("Mallory")
        dm = tg.private(mallory)
        idea = await tg.say(dm, mallory, "/idea Free lunch #food")
        [message] = idea.in_(dm)

        # Mallory forges an approve press on a message of her own chat: the core re-checks.
        forged = await tg.press(dm, mallory, message, "approve:1")
        assert forged.toast is not None and forged.toast.text == NOT_MODERATOR
        assert forged.messages == []  # a refusal is a toast, not a message
        assert await idea_status(tg, 1) is IdeaStatus.PENDING

        garbage = await tg.press(dm, mallory, message, "x" * 64)
        assert garbage.toast is not None
        assert garbage.toast.text == said("error.stale_button")
        not_a_number = await tg.press(dm, mallory, message, "join:abc")
        assert not_a_number.toast is not None
        assert not_a_number.toast.text == said("error.stale_button")

        # The owner's real queue has real buttons, and pressing them works.
        queue = await tg.say(tg.private(owner), owner, "/pending")
        card = next(m for m in queue.messages if "Free lunch" in m.plain_text)
        assert buttons(card) == {said(f"button.{action}"): f"{action}:1"
                                 for action in ("approve", "reject", "merge")}  # fmt: skip
        pressed = await tg.press(tg.private(owner), owner, card, "approve:1")
        approved = said("mod.approved", id=1, title="Free lunch")
        assert approved in (pressed.toast.text if pressed.toast else "")
        assert await idea_status(tg, 1) is IdeaStatus.APPROVED
        assert len(api.callback_answers) == 4  # every press was answered
