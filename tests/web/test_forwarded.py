"""The rate limit behind a reverse proxy (WAVEBOT_WEB_TRUSTED_PROXIES): each client has its own
budget when the proxy is trusted, and X-Forwarded-For changes nothing when the peer is not."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bots.web.forwarded import client_address
from bots.web.guard import RateLimit
from bots.web.pages import PublicSite
from bots.web.server import WebServer
from config.scaling import parse_networks
from config.settings import Settings
from tests.web.support import site_world

PROXIES = parse_networks("10.0.0.0/8, 2001:db8::/32")


def request_from(peer: str, *forwarded: str) -> web.Request:
    """A request whose direct peer is `peer`, with one X-Forwarded-For header per value."""
    headers = [("X-Forwarded-For", value) for value in forwarded]
    return make_mocked_request("GET", "/", headers=headers).clone(remote=peer)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.7", ("198.51.100.1",), "203.0.113.7"),  # not a proxy: header ignored
        ("10.0.0.2", (), "10.0.0.2"),  # a proxy that says nothing: the proxy
        ("10.0.0.2", ("198.51.100.1",), "198.51.100.1"),
        ("10.0.0.2", ("1.1.1.1, 198.51.100.1",), "198.51.100.1"),  # the client's own value
        ("10.0.0.2", ("1.1.1.1, 198.51.100.1, 10.0.0.9",), "198.51.100.1"),  # two proxies
        ("10.0.0.2", ("1.1.1.1", "198.51.100.1, 10.0.0.9"), "198.51.100.1"),  # two headers
        ("10.0.0.2", ("10.0.0.7, 10.0.0.9",), "10.0.0.7"),  # all trusted: the left-most
        ("10.0.0.2", ("198.51.100.1, junk",), "10.0.0.2"),  # garbage: stop at the proxy
        ("::ffff:10.0.0.2", ("198.51.100.1",), "198.51.100.1"),  # IPv4-mapped peer
        ("2001:db8::5", ("2001:db9::1",), "2001:db9::1"),
    ],
)
def test_the_client_is_the_right_most_untrusted_hop(
    peer: str, forwarded: tuple[str, ...], client: str
) -> None:
    assert client_address(request_from(peer, *forwarded), PROXIES) == client


async def test_an_ipv6_host_cannot_take_a_fresh_budget_per_address() -> None:
    """A single IPv6 host is given a whole /64 and can use any of its addresses: they share
    one budget; another /64 is another client."""
    limit = RateLimit(per_minute=2)
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
        await limit.admit(request_from(host))
    with pytest.raises(web.HTTPTooManyRequests):
        await limit.admit(request_from("2001:db8:1:2:ffff::3"))
    await limit.admit(request_from("2001:db8:1:3::1"))
    behind = RateLimit(per_minute=2, trusted=PROXIES)  # the same for an address a proxy names
    for host in ("2001:db9::1", "2001:db9::2"):
        await behind.admit(request_from("10.0.0.2", host))
    with pytest.raises(web.HTTPTooManyRequests):
        await behind.admit(request_from("10.0.0.2", "2001:db9::3"))
    assert limit.refused == behind.refused == 1


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address(request_from("10.0.0.2", "198.51.100.1"), ()) == "10.0.0.2"


def test_the_setting_takes_addresses_and_networks_and_refuses_typos() -> None:
    settings = Settings(web_trusted_proxies=" 10.0.0.5, 172.16.0.0/12 ,::1")
    assert [str(net) for net in settings.trusted_proxies] == [
        "10.0.0.5/32", "172.16.0.0/12", "::1/128"
    ]  # fmt: skip
    assert Settings().trusted_proxies == ()
    with pytest.raises(ValueError, match="WAVEBOT_WEB_TRUSTED_PROXIES"):
        Settings(web_trusted_proxies="10.0.0.300")


async def statuses(site: PublicSite, *forwarded: str) -> list[int]:
    """The answers to one GET / per X-Forwarded-For value, all from 127.0.0.1."""
    server = WebServer("127.0.0.1", 0, routes=site.routes())
    async with TestClient(TestServer(server.app())) as client:
        return [
            (await client.get("/", headers={"X-Forwarded-For": value})).status
            for value in forwarded
        ]


async def test_behind_a_trusted_proxy_each_client_has_its_own_budget(db_url: str) -> None:
    async with site_world(db_url, trusted_proxies="127.0.0.1") as site:
        assert site.site.limit.trusted == parse_networks("127.0.0.1")  # wired from the settings
        limit = RateLimit(per_minute=2, trusted=site.site.limit.trusted)
        strict = PublicSite(site.world.rt.ctx, asyncio.Event(), limit=limit)
        answers = await statuses(strict, "203.0.113.7", "203.0.113.7", "198.51.100.9",
                                 "6.6.6.6, 203.0.113.7", "198.51.100.9")  # fmt: skip
        assert answers == [200, 200, 200, 429, 200]  # a spoofed left-most hop changes nothing


async def test_an_untrusted_peer_cannot_dodge_its_limit_with_the_header(db_url: str) -> None:
    async with site_world(db_url) as site:
        assert site.site.limit.trusted == ()
        strict = PublicSite(site.world.rt.ctx, asyncio.Event(), limit=RateLimit(per_minute=2))
        answers = await statuses(strict, "203.0.113.7", "198.51.100.9", "192.0.2.1", "192.0.2.2")
        assert answers == [200, 200, 429, 429]
