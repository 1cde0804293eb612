"""Telegram transcripts of the whole loop: idea → approval → wave in a group → joins → milestone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bots.i18n import command_name
from core.services import cards, fanout, waves
from tests.adapters.test_telegram_harness import BOT, buttons, chatroom
from tests.texts import eur, said, said_html

BRUSH = "Bamboo toothbrush"


async def test_idea_to_milestone_in_a_group(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        group = api.add_chat("supergroup", "Buyers")

        assert said("start.welcome", name="Olivia") in (await tg.say(dm, owner, "/start")).text(dm)
        heard = await tg.say(dm, owner, "/idea Bamboo toothbrush #bathroom\nCompostable")
        assert said("idea.proposed", id=1, title=BRUSH, category="bathroom") in heard.text(dm)
        assert said("mod.approved", id=1, title=BRUSH) in (
            await tg.say(dm, owner, "/approve 1")
        ).text(dm)

        subscribed = await tg.say(group, owner, "/subscribe")
        assert said("sub.subscribed_all") in subscribed.text(group)

        launched = await tg.say(group, owner, "/launch 1 1:100 50:90 100:80 200:70 14d min=50")
        opened, card = launched.in_(group)
        assert said("mod.launched", id=1, title=BRUSH, moq=50) in opened.plain_text
        assert said("wave.progress", bar="▱▱▱▱▱▱▱▱▱▱", units=0, goal=50) in card.plain_text
        assert card.parse_mode == "HTML"
        card_buttons = buttons(card)
        assert card_buttons[said("button.join")] == "join:1"
        assert card_buttons[said("button.leave")] == "leave:1"
        assert f"https://t.me/{BOT}?start=wave_1" in card_buttons.values()

        members = [api.add_user(f"Member{i}") for i in range(10)]
        for index, member in enumerate(members, start=1):
            inbox = tg.private(member)  # they started the bot: a DM would be possible
            pressed = await tg.press(group, member, card, "join:1")
            assert pressed.toast is not None
            joined = said("pledge.joined", id=1, title=BRUSH, qty=1)
            assert pressed.toast.text is not None and joined in pressed.toast.text
            assert pressed.in_(group) == []  # the group is not flooded with personal answers
            assert pressed.in_(inbox) == []  # nor the inbox: the toast and the live card say it
            assert (await waves.get(tg.rt.ctx, 1)).units == index

        # The card posted by /launch was registered: the core's card sweep edits it in place.
        tg.clock.advance(timedelta(seconds=10))
        assert await cards.refresh(tg.rt.ctx, tg.rt.messengers, throttle=timedelta(0)) == 1
        edited = api.message(group, card.message_id)
        progress = said("wave.progress", bar="▰▰▱▱▱▱▱▱▱▱", units=10, goal=50)
        assert progress in edited.plain_text and edited.edit_count == 1
        assert buttons(edited) == card_buttons  # keyboard and deep link survive the edit

        await fanout.expand(tg.rt.ctx)  # the clock's expander: the pledgers' DMs
        await tg.rt.dispatcher.sweep()
        ten = dict(count=10, id=1, title=BRUSH, price=eur(100))
        news = [m for m in api.messages(group) if said("announce.milestone", **ten) in m.plain_text]
        [milestone] = news
        # Sent as HTML, accepted by the strict parser.
        html = said_html("announce.milestone", **ten)
        assert "<b>10</b>" in html and html in milestone.text
        assert any(
            said("announce.milestone", **ten) in m.plain_text
            for m in api.messages(tg.private(members[0]))
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
        joined = said("pledge.joined", id=1, title="Kettle", qty=1)
        assert pressed.toast is not None and joined in (pressed.toast.text or "")
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
        title = said("wave.card_title", "fr", id=1, title="Lamp", category="home")
        assert title in card.plain_text
        assert said("wave.progress", "fr", bar="▱" * 10, units=0, goal=5) in card.plain_text
        assert buttons(card) == {
            said("button.join", "fr"): "join:1",
            said("button.leave", "fr"): "leave:1",
        }

        joined = await tg.press(dm, ann, card, "join:1")
        you_are_in = said("pledge.joined", "fr", id=1, title="Lamp", qty=1)
        assert joined.toast is not None and you_are_in in (joined.toast.text or "")
        assert you_are_in in joined.text(dm)

        left = await tg.press(dm, ann, card, "leave:1")
        assert said("pledge.left", "fr", id=1, title="Lamp") in left.text(dm)


async def test_command_menu_is_published_per_language(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        default = {c["command"]: c["description"] for c in tg.api.commands_for()}
        french = {c["command"]: c["description"] for c in tg.api.commands_for(language_code="fr")}
        assert {"help", "idea", "ideas", "wave", "waves", "join", "leave"} <= default.keys()
        assert "approve" not in default and "start" not in default  # members' menu only
        # French readers get the French command names, one for each English one.
        assert {command_name(name, "fr") for name in default} == french.keys()
        assert french[command_name("join", "fr")] != default["join"]
        assert all("<" not in text and text.strip() for text in default.values())


async def test_addressed_commands_in_groups(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        group = api.add_chat("supergroup", "Buyers")
        reply = await tg.say(group, owner, f"/waves@{BOT}")
        assert reply.text(group) == said("wave.none")
        assert (await tg.say(group, owner, "/waves@some_other_bot")).messages == []
        assert (await tg.say(group, owner, "/weather")).messages == []  # another bot's command
        unknown = await tg.say(group, owner, f"/weather@{BOT}")
        unknown_text = " ".join(m.plain_text for m in unknown.messages)
        assert said("error.unknown_command", name="weather") in unknown_text
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
