"""A 429 holds back its whole channel; DM channels are kept across restarts."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bots.discord_bot import DiscordMessenger, Throttle
from core.messages import Reply, t
from core.ports import SendOutcome
from tests.adapters.test_discord_support import (
    Server,
    server_at,
    server_fixture,  # noqa: F401
)


def news(n: int) -> Reply:
    """A broadcast numbered so the test can tell them apart."""
    return Reply(body=(t("plain", text=f"Already {n} in wave #1!"),))


def messenger(server: Server) -> DiscordMessenger:
    """The delivery port of the adapter running now."""
    found = server.rt.messengers["discord"]
    assert isinstance(found, DiscordMessenger)
    return found


def statuses(server: Server, path: str) -> list[int]:
    """Statuses of the requests the bot made to one REST path."""
    return [r.status for r in server.api.requests if r.path == path]


def dm_traffic(server: Server, since: int) -> list[tuple[str, str, int]]:
    """(method, path, status) of message and DM-opening requests after a point."""
    return [
        (r.method, r.path, r.status)
        for r in server.api.requests[since:]
        if r.path.startswith(("/channels/", "/users/@me/channels"))
    ]


async def test_a_429_holds_back_the_messages_queued_for_that_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with server_at(tmp_path, monkeypatch) as world:
        await world.start(throttle=Throttle(per_channel=(2, 1.0)))  # a message per 0.5 s
        port, news_id = messenger(world), world.news.id
        assert (await port.send(str(news_id), news(0), "en")).outcome is SendOutcome.SENT
        world.api.limiter.hold_channel(news_id, 2.0)  # Discord: #news is spent for 2 s
        started = time.monotonic()
        elsewhere: list[float] = []

        async def in_general() -> None:
            sent = await port.send(str(world.general.id), news(9), "en")
            assert sent.outcome is SendOutcome.SENT
            elsewhere.append(time.monotonic() - started)

        results = await asyncio.gather(
            *(port.send(str(news_id), news(n), "en") for n in (1, 2, 3)), in_general()
        )
        assert [r.outcome for r in results[:3]] == [SendOutcome.SENT] * 3
        # Only the first message met the 429; the ones queued behind it waited for its end.
        assert statuses(world, f"/channels/{news_id}/messages") == [200, 429, 200, 200, 200]
        assert sorted(m.content for m in world.api.messages(news_id)) == [
            f"Already {n} in wave #1!" for n in (0, 1, 2, 3)
        ]
        assert elsewhere[0] < 1.0  # other channels kept going during the hold


async def test_a_long_hold_reschedules_without_asking_discord_again(server: Server) -> None:
    port, news_id = messenger(server), server.news.id
    server.api.limiter.hold_channel(news_id, 40.0)  # longer than discord.py waits in place
    first = await port.send(str(news_id), news(1), "en")
    assert first.outcome is SendOutcome.RETRY and first.retry_after == pytest.approx(40, abs=1)
    second = await port.send(str(news_id), news(2), "en")
    assert second.outcome is SendOutcome.RETRY and 35 < (second.retry_after or 0) <= 40
    assert statuses(server, f"/channels/{news_id}/messages") == [429]  # no second 429
    general = await port.send(str(server.general.id), news(3), "en")
    assert general.outcome is SendOutcome.SENT


async def test_the_first_dm_after_a_restart_goes_straight_to_the_kept_channel(
    server: Server,
) -> None:
    first = await messenger(server).send(str(server.max.id), news(1), "en")
    assert first.outcome is SendOutcome.SENT
    dm = server.api.open_dm(server.max.id)

    await server.stop()  # a restart: a new client and messenger, the same database
    await server.start()
    since = len(server.api.requests)
    result = await messenger(server).send(str(server.max.id), news(2), "en")
    assert result.outcome is SendOutcome.SENT
    # No 404 on the user id, no channel lookup: one message create in the kept DM channel.
    assert dm_traffic(server, since) == [("POST", f"/channels/{dm.id}/messages", 200)]
    assert [m.content for m in server.api.messages(dm.id)][-1] == "Already 2 in wave #1!"


async def test_a_kept_dm_channel_that_is_gone_is_opened_again(server: Server) -> None:
    async with server.rt.ctx.db.write() as tx:  # a DM channel Discord no longer knows
        await tx.save_dm_channel("discord", str(server.max.id), "424242")
    since = len(server.api.requests)
    result = await messenger(server).send(str(server.max.id), news(1), "en")
    assert result.outcome is SendOutcome.SENT
    dm = server.api.open_dm(server.max.id)
    assert dm_traffic(server, since) == [
        ("POST", "/channels/424242/messages", 404),
        ("POST", "/users/@me/channels", 200),
        ("POST", f"/channels/{dm.id}/messages", 200),
    ]
    async with server.rt.ctx.db.read() as tx:
        assert await tx.dm_channel("discord", str(server.max.id)) == str(dm.id)


async def test_a_member_who_blocks_dms_stays_gone(server: Server) -> None:
    blocker = server.api.create_user("blocker", accepts_dms=False)
    server.api.add_member(server.guild.id, blocker.id)
    port = messenger(server)
    for _ in range(2):  # the kept DM channel answers 50007 each time: not reopened
        result = await port.send(str(blocker.id), news(1), "en")
        assert result.outcome is SendOutcome.GONE and result.error.startswith("403 50007")
    assert statuses(server, "/users/@me/channels") == [200]
