"""The real python-telegram-bot against the fake Telegram: with an https public URL, a card in
private opens the wave page as a Mini App (web_app), a card in a group as a plain link."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_telegram_harness import chatroom
from tests.texts import said

PUBLIC = "https://waves.example.org"


def page_button(message: object) -> dict[str, object]:
    """The inline button labelled as the page's, as Telegram received it."""
    rows = (getattr(message, "reply_markup", None) or {}).get("inline_keyboard", [])
    [found] = [b for row in rows for b in row if b["text"] == said("button.open_page")]
    return found


async def test_the_card_opens_the_page_as_a_mini_app_in_private_and_a_link_in_groups(
    tmp_path: Path,
) -> None:
    async with chatroom(tmp_path, options={"public_url": PUBLIC}) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        await tg.say(dm, owner, "/idea Lamp #home")
        await tg.say(dm, owner, "/approve 1")
        await tg.say(dm, owner, "/launch 1 1:40 20:35 7d min=5")
        [card] = (await tg.say(dm, owner, "/wave 1")).in_(dm)
        assert page_button(card) == {"text": said("button.open_page"),
                                     "web_app": {"url": f"{PUBLIC}/w/1"}}  # fmt: skip

        group = api.add_chat("supergroup", "Buyers")
        [posted] = (await tg.say(group, owner, "/wave 1")).in_(group)
        assert page_button(posted) == {"text": said("button.open_page"), "url": f"{PUBLIC}/w/1"}
