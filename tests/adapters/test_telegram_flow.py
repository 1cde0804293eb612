"""Telegram transcripts of the whole loop: idea → approval → wave in a group → joins → milestone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.services import cards, waves
from tests.adapters.test_telegram_harness import BOT, buttons, chatroom


async def test_idea_to_milestone_in_a_group(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        group = api.add_chat("supergroup", "Buyers")

        assert "Hi Olivia!" in (await tg.say(dm, owner, "/start")).text(dm)
        heard = await tg.say(dm, owner, "/idea Bamboo toothbrush #bathroom\nCompostable")
        assert "Idea #1 “Bamboo toothbrush” (#bathroom) is waiting" in heard.text(dm)
        assert "Idea #1 “Bamboo toothbrush” is approved." in (
            await tg.say(dm, owner, "/approve 1")
        ).text(dm)

        subscribed = await tg.say(group, owner, "/subscribe")
        assert "This chat will receive wave broadcasts" in subscribed.text(group)

        launched = await tg.say(group, owner, "/launch 1 1:100 50:90 100:80 200:70 14d min=50")
        opened, card = launched.in_(group)
        assert "Wave #1 “Bamboo toothbrush” is open; it happens from 50 units." in opened.plain_text
        assert "▱▱▱▱▱▱▱▱▱▱ 0/50" in card.plain_text
        assert card.parse_mode == "HTML"
        card_buttons = buttons(card)
        assert card_buttons["✋ Join"] == "join:1"
        assert card_buttons["↩️ Leave"] == "leave:1"
        assert f"https://t.me/{BOT}?start=wave_1" in card_buttons.values()

        members = [api.add_user(f"Member{i}") for i in range(10)]
        for index, member in enumerate(members, start=1):
            inbox = tg.private(member)  # they started the bot: a DM would be possible
            pressed = await tg.press(group, member, card, "join:1")
            assert pressed.toast is not None
            assert pressed.toast.text is not None and "You're in wave #1" in pressed.toast.text
            assert pressed.in_(group) == []  # the group is not flooded with personal answers
            assert pressed.in_(inbox) == []  # nor the inbox: the toast and the live card say it
            assert (await waves.get(tg.rt.ctx, 1)).units == index

        # The card posted by /launch was registered: the core's card sweep edits it in place.
        tg.clock.advance(timedelta(seconds=10))
        assert await cards.refresh(tg.rt.ctx, tg.rt.messengers, throttle=timedelta(0)) == 1
        edited = api.message(group, card.message_id)
        assert "10/50" in edited.plain_text and edited.edit_count == 1
        assert buttons(edited) == card_buttons  # keyboard and deep link survive the edit

        await tg.rt.dispatcher.sweep()
        news = [m for m in api.messages(group) if "Already 10 in wave #1" in m.plain_text]
        [milestone] = news
        assert "Already 10 in wave #1 “Bamboo toothbrush”! Everyone pays 100 € now." in (
            milestone.plain_text
        )
        assert "<b>10</b>" in milestone.text  # sent as HTML, accepted by the strict parser
        assert any(
            "Already 10 in wave #1" in m.plain_text for m in api.messages(tg.private(members[0]))
        )


async def test_personal_answers_fall_back_to_the_group(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        group = api.add_chat("group", "Neighbours")
        await tg.say(tg.private(owner), owner, "/idea Kettle #kitchen")
        await tg.say(tg.private(owner), owner, "/approve 1")
        card = (await tg.say(group, owner, "/launch 1 1:30 10:25 7d")).in_(group)[-1]

        stranger = api.add_user("Stan")  # never started the bot: no private chat possible
        pressed = await tg.press(group, stranger, card, "join:1")  # a press: the toast answers
        assert pressed.toast is not None and "You're in wave #1" in (pressed.toast.text or "")
        assert pressed.in_(group) == []

        help_in_group = await tg.say(group, stranger, "/help")  # personal: quoted in the group
        [listing] = help_in_group.in_(group)
        assert "/join" in listing.plain_text and listing.reply_to_message_id is not None


async def test_deep_link_opens_the_card_in_private(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        await tg.say(tg.private(owner), owner, "/idea Lamp #home")
        await tg.say(tg.private(owner), owner, "/approve 1")
        await tg.say(tg.private(owner), owner, "/launch 1 1:40 20:35 7d min=5")

        ann = api.add_user("Ann", language_code="fr")
        dm = tg.private(ann)
        [card] = (await tg.say(dm, ann, "/start wave_1")).in_(dm)
        assert "Lamp" in card.plain_text and "0/5" in card.plain_text
        assert buttons(card) == {"✋ Je participe": "join:1", "↩️ Me retirer": "leave:1"}

        joined = await tg.press(dm, ann, card, "join:1")
        assert joined.toast is not None and "Vous participez" in (joined.toast.text or "")
        assert "Vous participez à la vague n°1" in joined.text(dm)

        left = await tg.press(dm, ann, card, "leave:1")
        assert "vague n°1" in left.text(dm)


async def test_command_menu_is_published_per_language(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        default = {c["command"]: c["description"] for c in tg.api.commands_for()}
        french = {c["command"]: c["description"] for c in tg.api.commands_for(language_code="fr")}
        assert {"help", "idea", "ideas", "wave", "waves", "join", "leave"} <= default.keys()
        assert "approve" not in default and "start" not in default  # members' menu only
        assert default.keys() == french.keys()
        assert default["join"] != french["join"]
        assert all("<" not in text and text.strip() for text in default.values())


async def test_addressed_commands_in_groups(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        group = api.add_chat("supergroup", "Buyers")
        reply = await tg.say(group, owner, f"/waves@{BOT}")
        assert reply.text(group) == "No wave is open right now."
        assert (await tg.say(group, owner, "/waves@some_other_bot")).messages == []
        assert (await tg.say(group, owner, "/weather")).messages == []  # another bot's command
        unknown = await tg.say(group, owner, f"/weather@{BOT}")
        assert "I don't know /weather" in " ".join(m.plain_text for m in unknown.messages)
        assert (await tg.say(group, owner, "just chatting")).messages == []


async def test_chats_and_accounts_are_telegram_ids(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        group = tg.api.add_chat("supergroup", "Buyers")
        await tg.say(group, tg.owner, "/subscribe")
        async with tg.rt.ctx.db.read() as tx:
            targets = await tx.all_subscribed_targets()
        assert [(t.platform, t.chat_id) for t in targets] == [("telegram", str(group.id))]
        async with tg.rt.ctx.db.read() as tx:
            member = await tx.member_for_account(f"telegram:{tg.owner.id}")
        assert member is not None and member.display_name == "Olivia"
