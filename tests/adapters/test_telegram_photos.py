"""Telegram: an idea proposed with a photo, and its cards later sent as that photo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.services import cards, ideas, waves
from devtools.fakes.telegram_models import BotMessage, FakeChat, FakeUser
from tests.adapters.test_telegram_harness import Chatroom, buttons, chatroom
from tests.texts import said

BRUSH = "Bamboo toothbrush"
SENDS = ("sendMessage", "sendPhoto")


async def _send(tg: Chatroom, update: dict[str, object]) -> list[BotMessage]:
    """Push an update; the messages and photos the bot sent while it was handled."""
    mark = len(tg.api.operations)
    await tg.processed(update)
    return [tg.api.message(op.chat_id, op.message_id)  # type: ignore[arg-type]
            for op in tg.api.operations[mark:] if op.method in SENDS]  # fmt: skip


async def _photo_idea(tg: Chatroom, chat: FakeChat, user: FakeUser, caption: str) -> str:
    """The user sends a photo captioned with /idea; returns the largest size's file id."""
    update = tg.api.push_photo(chat, user, caption)
    largest = update["message"]["photo"][-1]["file_id"]
    heard = await _send(tg, update)
    assert said("idea.proposed", id=1, title=BRUSH, category="bathroom") in heard[0].plain_text
    return str(largest)


async def test_a_captioned_photo_proposes_and_the_cards_show_it(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm, group = tg.private(owner), api.add_chat("supergroup", "Buyers")
        caption = f"/idea {BRUSH} | compostable handle #bathroom #eco"
        file_id = await _photo_idea(tg, dm, owner, caption)

        idea, _ = await ideas.get(tg.rt.ctx, 1)
        assert idea.photo == f"telegram:{file_id}"  # the largest of the three sizes
        assert idea.description == "compostable handle" and idea.tags == ("bathroom", "eco")
        await tg.say(dm, owner, "/approve 1")

        shown = await _send(tg, api.push_message(dm, owner, "/start idea_1"))
        assert [m.kind for m in shown] == ["photo"]  # one message: the photo, the card as caption
        assert shown[0].file is not None and shown[0].file.file_id == file_id
        title = said("idea.card_title_tags", id=1, title=BRUSH, tags="#bathroom #eco")
        assert title in shown[0].plain_text and "compostable handle" in shown[0].plain_text
        assert said("card.photo_attached") not in shown[0].plain_text
        assert buttons(shown[0]) == {said("button.want"): "want:1"}

        news = api.add_chat("supergroup", "News")
        await tg.say(news, owner, "/subscribe")
        launched = await _send(tg, api.push_message(group, owner, "/launch 1 1:100 3:90 14d"))
        card = next(m for m in launched if m.kind == "photo")
        assert card.file is not None and card.file.file_id == file_id
        assert (await waves.get(tg.rt.ctx, 1)).photo == f"telegram:{file_id}"
        assert said("button.join") in buttons(card)
        await tg.rt.dispatcher.sweep()  # the "wave opened" broadcast carries the photo too
        opened = api.messages(news)[-1]
        assert opened.kind == "photo" and opened.file is not None
        assert opened.file.file_id == file_id
        assert said("announce.opened", id=1, title=BRUSH, category="bathroom") in opened.plain_text

        # The live card is a captioned photo: the sweep edits its caption, not a text.
        member = api.add_user("Tom")
        await tg.press(group, member, card, "join:1")
        tg.clock.advance(timedelta(seconds=10))
        assert await cards.refresh(tg.rt.ctx, tg.rt.messengers, throttle=timedelta(0)) == 2
        progress = said("wave.progress", bar="▰▰▰▱▱▱▱▱▱▱", units=1, goal=3)
        for edited in (api.message(group, card.message_id), api.message(news, opened.message_id)):
            assert edited.edit_count == 1 and edited.kind == "photo"
            assert progress in edited.plain_text
        assert any(op.method == "editMessageCaption" for op in api.operations)
        assert said("button.join") in buttons(api.message(group, card.message_id))  # keyboard kept


async def test_a_card_too_long_for_a_caption_goes_as_photo_then_text(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        long_text = "Soft bristles, " * 80  # ~1200 characters: more than a caption holds
        await _photo_idea(tg, dm, owner, f"/idea {BRUSH} #bathroom\n{long_text}")
        shown = await _send(tg, api.push_message(dm, owner, "/start idea_1"))
        assert [m.kind for m in shown] == ["photo", "text"]
        assert shown[0].plain_text == "" and long_text.strip() in shown[1].plain_text
        assert buttons(shown[1]) == {}  # still pending: no Want button, and nothing lost

        await tg.say(dm, owner, "/approve 1")
        group = api.add_chat("supergroup", "Buyers")
        launched = await _send(tg, api.push_message(group, owner, "/launch 1 1:100 3:90 14d"))
        photo, card = launched[-2:]
        assert (photo.kind, card.kind) == ("photo", "text") and said("button.join") in buttons(card)
        await tg.press(group, api.add_user("Tom"), card, "join:1")
        tg.clock.advance(timedelta(seconds=10))
        assert await cards.refresh(tg.rt.ctx, tg.rt.messengers, throttle=timedelta(0)) == 1
        edited = api.message(group, card.message_id)  # the text after the photo is the live card
        assert edited.edit_count == 1
        assert said("wave.progress", bar="▰▰▰▱▱▱▱▱▱▱", units=1, goal=3) in edited.plain_text


async def test_idea_replying_to_a_photo_takes_that_photo(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        photo = api.push_photo(dm, owner)  # a photo without a caption: not a command
        assert await _send(tg, photo) == []
        largest = photo["message"]["photo"][-1]["file_id"]
        reply = api.push_message(dm, owner, f"/idea {BRUSH} #bathroom",
                                 reply_to_message_id=photo["message"]["message_id"])  # fmt: skip
        heard = await _send(tg, reply)
        assert said("idea.proposed", id=1, title=BRUSH, category="bathroom") in heard[0].plain_text
        assert (await ideas.get(tg.rt.ctx, 1))[0].photo == f"telegram:{largest}"


async def test_a_discord_photo_is_only_mentioned_on_telegram(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        await tg.say(dm, owner, f"/idea {BRUSH} #bathroom")
        async with tg.rt.ctx.db.write() as tx:  # as if proposed from Discord
            await tx.set_idea_photo(1, "discord:https://cdn.discordapp.com/attachments/1/2/a.png")
        shown = await _send(tg, api.push_message(dm, owner, "/start idea_1"))
        assert [m.kind for m in shown] == ["text"]
        assert said("card.photo_attached") in shown[0].plain_text
