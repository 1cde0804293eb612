"""Hostile and odd input: markup in titles, oversized text, unknown commands, floods, splitting."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bots.telegram_bot.rendering import split_html
from core.messages import Button, Lines, Reply, t
from core.model import IdeaStatus
from devtools.fakes.telegram_html import parse_html
from tests.adapters.test_telegram_harness import buttons, chatroom
from tests.texts import said

NASTY = "<b>x</b> & <script>alert(1)</script> &amp;"


async def test_markup_in_titles_arrives_escaped_everywhere(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bots.telegram_bot")
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        dm, group = tg.private(owner), api.add_chat("supergroup", "Buyers")
        await tg.say(group, owner, "/subscribe")

        proposed = (await tg.say(dm, owner, f"/idea {NASTY} #tools")).in_(dm)[0]
        assert f"“{NASTY}”" in proposed.plain_text  # users see exactly what was typed
        assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in proposed.text
        assert "&amp;amp;" in proposed.text
        assert proposed.entities  # our own <b> around the title is still bold

        await tg.say(dm, owner, "/approve 1")
        listed = await tg.say(dm, owner, "/ideas")
        assert NASTY in listed.text(dm)
        launched = await tg.say(group, owner, "/launch 1 1:10 5:8 3d")
        assert all(NASTY in m.plain_text for m in launched.in_(group))
        await tg.rt.dispatcher.sweep()
        assert any(NASTY in m.plain_text for m in api.messages(group)[len(launched.messages) :])

        evil_name = api.add_user("<i>Eve</i> & co")
        hello = await tg.say(tg.private(evil_name), evil_name, "/start")
        welcome = said("start.welcome", name="<i>Eve</i> & co")
        assert "<i>Eve</i> & co" in welcome  # shown as typed, not as markup
        assert welcome in hello.text(tg.private(evil_name))
    assert [r.getMessage() for r in caplog.records] == []  # the strict parser refused nothing


async def test_oversized_unknown_and_foreign_input(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        dm = tg.private(owner)

        huge = await tg.say(dm, owner, "/idea " + "a" * 5000)
        assert huge.text(dm) == said("error.too_long", max=4000)
        long_title = await tg.say(dm, owner, "/idea " + "b" * 300)
        assert long_title.text(dm) == said("error.idea_title_long", length=300, max=120)

        unknown = said("error.unknown_command", name="frobnicate")
        assert (await tg.say(dm, owner, "/frobnicate now")).text(dm) == unknown
        assert (await tg.say(dm, owner, "hello there")).messages == []

        channel = api.add_chat("channel", "News")
        post = api.push_channel_post(channel, "/help")
        await tg.processed(post)  # confirmed, ignored: a channel post has no member behind it
        assert api.messages(channel) == []

        async with tg.rt.ctx.db.read() as tx:
            assert await tx.count_ideas(list(IdeaStatus)) == 0  # nothing oversized got in


async def test_a_flood_429_on_a_reply_is_waited_out(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        dm = tg.private(tg.owner)
        fault = tg.api.inject_error("sendMessage", dm.id, kind="retry_after", retry_after=1)
        heard = await tg.say(dm, tg.owner, "/waves")
        assert fault.hits == 1
        assert heard.text(dm) == said("wave.none")


async def test_long_replies_are_split_into_valid_messages(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        dm = tg.private(tg.owner)
        rows = Lines(tuple(t("plain", text=f"{i:04} <b>&amp; {'é' * 40}") for i in range(150)))
        reply = Reply(body=(t("wave.card_tiers", table=rows),),
                      buttons=((Button(t("button.join"), "join:1"),),))  # fmt: skip
        result = await tg.adapter.messenger.send(str(dm.id), reply, "en")
        assert result.outcome.value == "sent"
        parts = tg.api.messages(dm)
        assert len(parts) == 3  # 150 lines of 55 visible characters
        assert all(len(p.plain_text) <= 4096 for p in parts)
        assert [p.reply_markup for p in parts[:2]] == [None, None]
        assert buttons(parts[2]) == {"✋ Join": "join:1"}
        joined = "\n".join(p.plain_text for p in parts)
        assert joined.count("<b>&amp;") == 150 and joined.startswith("Tiers\n0000")
        assert str(parts[2].message_id) == result.message_id


@pytest.mark.parametrize(
    "text",
    [
        "<b>" + "word " * 2000 + "</b>",  # one huge bold line: cut mid-line, tags reopened
        "\n".join(f"<i>line {i} &lt;&amp;&gt;</i> <code>x</code>" for i in range(600)),
        "<b>title</b>\n" + "😀" * 5000,  # astral characters count twice (UTF-16)
        "&amp;" * 5000,
    ],
)
def test_split_html_never_breaks_markup(text: str) -> None:
    parts = split_html(text)
    assert len(parts) >= 2
    visible = []
    for part in parts:
        plain, _ = parse_html(part)  # the fake's strict parser: raises on broken markup
        assert len(plain.encode("utf-16-le")) // 2 <= 4096
        visible.append(plain)
    whole, _ = parse_html(text)
    assert "".join(visible).replace("\n", "") == whole.replace("\n", "")


def test_short_text_is_one_part_and_blank_is_none() -> None:
    assert split_html("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]
    assert split_html(" \n ") == []
