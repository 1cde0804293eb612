"""The Telegram Mini App's actions: genuine launch data acts for that Telegram user, exactly once
per request id; forged, stale, foreign, oversize or malformed calls change nothing."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import aiohttp
import pytest

from bots.web.miniapp import InitDataRefused, verify
from core.services import waves
from tests.texts import eur, said
from tests.web.support import TOKEN, SiteWorld, init_data, open_wave, site_world


async def post(
    site: SiteWorld, path: str, body: Any, origin: str | None = "", raw: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    """POST JSON as the wave page's script does (from the page's own origin unless told)."""
    headers = {"Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin or site.base
    data = raw if raw is not None else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as http,
        http.post(site.base + path, data=data, headers=headers) as answer,
    ):
        payload = await answer.json() if answer.content_type == "application/json" else {}
        return answer.status, payload


async def units(site: SiteWorld) -> int:
    """Wave #1's stored count."""
    return (await waves.get(site.world.rt.ctx, 1)).units


async def test_join_and_leave_from_the_mini_app_act_once_per_request(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        body = {"initData": init_data(), "request": "req-0001-join"}
        status, answer = await post(site, "/app/w/1/join", body)
        assert status == 200
        assert said("pledge.joined", id=1, title="Bamboo toothbrush", qty=1) in answer["message"]
        assert await units(site) == 1

        status, again = await post(site, "/app/w/1/join", body)  # the same request, retried
        assert status == 200 and again["repeated"] is True
        assert await units(site) == 1

        status, answer = await post(site, "/app/w/1/leave", {**body, "request": "req-0002-leave"})
        assert said("pledge.left", id=1, title="Bamboo toothbrush") in answer["message"]
        assert await units(site) == 0


async def test_forged_stale_and_foreign_calls_change_nothing(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        good = init_data()
        forged = good.replace("Tess", "Eve")  # the signature no longer matches
        cases = [
            ({"initData": init_data(token="999:other-bot"), "request": "req-forged-1"}, 401),
            ({"initData": forged, "request": "req-forged-2"}, 401),
            ({"initData": "user=%7B%22id%22%3A1%7D", "request": "req-unsigned"}, 401),
            ({"initData": init_data(age=3601), "request": "req-stale-01"}, 403),
            ({"initData": good, "request": "no"}, 400),  # request id too short
            ({"initData": 12, "request": "req-typed-01"}, 400),
            (["not", "an", "object"], 400),
        ]
        for body, expected in cases:
            status, _ = await post(site, "/app/w/1/join", body)
            assert status == expected, body
        status, _ = await post(site, "/app/w/1/join", None, raw=b"{not json")
        assert status == 400
        status, _ = await post(site, "/app/w/1/join", None, raw=b"{" + b" " * 9000 + b"}")
        assert status == 413
        body = {"initData": good, "request": "req-origin-1"}
        assert (await post(site, "/app/w/1/join", body, origin="https://evil.example"))[0] == 403
        assert (await post(site, "/app/w/1/join", body, origin=None))[0] == 403
        assert (await post(site, "/app/w/1/pay", body))[0] == 404  # only join, leave, confirm
        assert await units(site) == 0
        assert site.site.mini_app is not None and site.site.mini_app.refused == 4


def test_init_data_is_checked_as_telegram_documents_it() -> None:
    now = time.time()
    user = verify(init_data(lang="fr"), TOKEN, now)
    assert (user.user_id, user.name, user.language) == (4242, "Tess", "fr")
    assert user.actor().account == "telegram:4242"
    with pytest.raises(InitDataRefused) as stale:
        verify(init_data(age=3700), TOKEN, now)
    assert stale.value.status == 403
    with pytest.raises(InitDataRefused) as ahead:
        verify(init_data(age=-3600), TOKEN, now)  # signed "in the future"
    assert ahead.value.status == 403
    doubled = init_data() + "&auth_date=1"
    non_ascii = re.sub(r"hash=[0-9a-f]+", "hash=%C3%A9t%C3%A9", init_data())  # "été"
    for refused in (doubled, "", "%%%", init_data(token=""), non_ascii):
        with pytest.raises(InitDataRefused):
            verify(refused, TOKEN, now)
    with pytest.raises(InitDataRefused):
        verify(init_data(), "", now)  # no token: the Mini App is off


async def test_confirm_from_the_mini_app_after_a_successful_close(db_url: str) -> None:
    async with site_world(db_url) as site:
        owner = site.world.person("owner")
        for line in ("/idea Desk lamp #office", "/approve 1", "/launch 1 1:40 3:35 2d min=2"):
            await owner.say(line)
        joined = {"initData": init_data(), "request": "req-lamp-join"}
        assert (await post(site, "/app/w/1/join", joined))[0] == 200
        await site.world.person("ana").say("/join 1")
        await owner.say("/close 1")
        await owner.say("1")  # yes, close it now: 2 units, the minimum
        body = {"initData": init_data(), "request": "req-lamp-confirm"}
        status, answer = await post(site, "/app/w/1/confirm", body)
        assert status == 200
        confirmed = said("pledge.confirmed", id=1, title="Desk lamp", price=eur(40))
        assert confirmed in answer["message"]
        status, again = await post(site, "/app/w/1/confirm", body)
        assert again["repeated"] is True
