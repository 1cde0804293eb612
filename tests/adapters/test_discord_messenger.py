"""The delivery port: channels and DMs, paced under Discord's limits, every error mapped."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bots.discord_bot import DiscordMessenger
from core.messages import Attachment, Button, Lines, Reply, t
from core.ports import SendOutcome
from tests.adapters.test_discord_support import (
    Server,
    server_at,
    server_fixture,  # noqa: F401
)

NEWS = Reply(body=(t("plain", text="Already 50 in wave #1!"),))


def messenger(server: Server) -> DiscordMessenger:
    """The messenger the wiring registered for the dispatcher."""
    found = server.rt.messengers["discord"]
    assert isinstance(found, DiscordMessenger)
    return found


def posts(server: Server, path: str) -> list[int]:
    """Statuses of the requests the bot made to one REST path."""
    return [r.status for r in server.api.requests if r.path == path]


async def test_channels_and_private_targets_are_delivered(server: Server) -> None:
    port = messenger(server)
    card = Reply(body=(t("plain", text="Kettle"), t("plain", text="3 in")),
                 buttons=((Button(t("button.join"), "join:1"),),), card=("wave", 1))  # fmt: skip
    sent = await port.send(str(server.news.id), card, "en")
    assert sent.outcome is SendOutcome.SENT
    message = server.api.message(int(sent.message_id))
    assert message.embeds[0]["title"] == "Kettle" and message.allowed_mentions == {"parse": []}
    assert message.components[0]["components"][0]["custom_id"] == "wb:join:1"

    # A participant's private target is their Discord user id: the DM channel is opened once.
    for _ in range(2):
        result = await port.send(str(server.max.id), NEWS, "en")
        assert result.outcome is SendOutcome.SENT
    dm = server.api.open_dm(server.max.id)
    assert [m.content for m in server.api.messages(dm.id)] == ["Already 50 in wave #1!"] * 2
    assert posts(server, "/users/@me/channels") == [200]

    edited = await port.edit(str(server.news.id), sent.message_id, NEWS, "en")
    assert edited.outcome is SendOutcome.SENT
    assert message.content == "Already 50 in wave #1!" and message.embeds == []
    assert message.components == []


async def test_a_text_longer_than_a_message_moves_into_an_embed(server: Server) -> None:
    rows = Lines(tuple(t("plain", text=f"row {i} " + "x" * 40) for i in range(120)))
    result = await messenger(server).send(
        str(server.news.id), Reply(body=(t("lines", lines=rows),)), "en"
    )
    assert result.outcome is SendOutcome.SENT
    message = server.api.message(int(result.message_id))
    assert message.content == "" and len(message.embeds[0]["description"]) == 4096
    assert message.embeds[0]["description"].startswith("row 0 ")
    assert message.embeds[0]["description"].endswith("…")


async def test_attachments_travel_as_files(server: Server) -> None:
    export = Attachment("wave-1.csv", b"member,qty\nmax,2\n")
    chart = Attachment("demand.png", b"\x89PNG fake", kind="image")
    body = (t("plain", text="Wave #1"), t("plain", text="export"))
    result = await messenger(server).send(
        str(server.news.id), Reply(body=body, card=("wave", 1), attachments=(export, chart)), "en"
    )
    message = server.api.message(int(result.message_id))
    assert [(f.filename, f.data) for f in message.files] == [
        ("wave-1.csv", export.data),
        ("demand.png", chart.data),
    ]
    assert message.embeds[0]["image"]["url"] == "attachment://demand.png"


async def test_permanent_failures_are_gone(server: Server) -> None:
    api, port = server.api, messenger(server)
    hidden = api.create_channel(server.guild.id, "staff", bot_can_view=False)
    mute = api.create_channel(server.guild.id, "rules", bot_can_send=False)
    blocker = api.create_user("blocker", accepts_dms=False)
    api.add_member(server.guild.id, blocker.id)

    async def outcome(chat_id: int) -> tuple[SendOutcome, str]:
        result = await port.send(str(chat_id), NEWS, "en")
        return result.outcome, result.error.split(" ")[1]

    assert await outcome(hidden.id) == (SendOutcome.GONE, "50001")
    assert await outcome(mute.id) == (SendOutcome.GONE, "50013")
    assert await outcome(blocker.id) == (SendOutcome.GONE, "50007")
    assert await outcome(123456789) == (SendOutcome.GONE, "10003")  # neither channel nor user
    gone = await port.edit(str(server.general.id), "987654321", NEWS, "en")
    assert gone.outcome is SendOutcome.GONE and gone.error.startswith("404 10008")


async def test_rate_limits_and_server_errors_are_retried(server: Server) -> None:
    api, port = server.api, messenger(server)
    path = f"/channels/{server.news.id}/messages"
    api.rate_limit_next("POST", path, retry_after=0.05)
    assert (await port.send(str(server.news.id), NEWS, "en")).outcome is SendOutcome.SENT
    assert posts(server, path) == [429, 200]  # discord.py waited and retried by itself

    api.rate_limit_next("POST", path, retry_after=0.05, times=5)
    limited = await port.send(str(server.news.id), NEWS, "en")
    assert limited.outcome is SendOutcome.RETRY and limited.retry_after == pytest.approx(0.05)

    api.fail_next("POST", path, 503)
    unavailable = await port.send(str(server.news.id), NEWS, "en")
    assert unavailable.outcome is SendOutcome.RETRY and unavailable.retry_after is None

    await server.stop()
    offline = await port.send(str(server.news.id), NEWS, "en")
    assert offline.outcome is SendOutcome.RETRY and offline.retry_after == 5.0


async def test_a_removed_channel_is_unsubscribed_by_the_dispatcher(server: Server) -> None:
    await server.slash(server.owner, "subscribe", channel=server.news)
    await server.say(server.owner, "idea", text="Kettle #kitchen")
    await server.say(server.owner, "approve", idea=1)
    server.news.bot_can_view = False  # the bot lost access to #news
    await server.slash(
        server.owner, "launch", {"idea": 1, "tiers": "1:30 10:25", "duration": "7d"}, replies=2
    )
    stats = await server.rt.dispatcher.sweep()
    assert (stats.sent, stats.gone) == (0, 1)
    async with server.rt.ctx.db.read() as tx:
        assert await tx.all_subscribed_targets() == []


async def test_sends_are_paced_under_the_global_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with server_at(tmp_path, monkeypatch, rate_limits=True) as world:
        await world.start()  # the production pacing: 45 requests/s overall
        channels = [world.api.create_channel(world.guild.id, f"c{i}") for i in range(60)]
        port = messenger(world)
        started = time.monotonic()
        # The dispatcher sends in parallel; discord.py alone would trip the global 50/s.
        results = await asyncio.gather(*(port.send(str(c.id), NEWS, "en") for c in channels))
        assert all(r.outcome is SendOutcome.SENT for r in results)
        assert time.monotonic() - started >= 1.0
        assert world.api.limit_violations == 0
