"""Who the client is behind a reverse proxy: the rate limit's key (docs/DEPLOY.md, "Reverse
proxy"). X-Forwarded-For is believed only when the direct peer is a proxy we were told to trust
(WAVEBOT_WEB_TRUSTED_PROXIES); anyone else could write any address there to dodge its limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from aiohttp import web

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
UNKNOWN = "?"
IPV6_PREFIX = 64  # what one subscriber is given: all its addresses are one client


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    """The direct peer; behind trusted proxies, the right-most X-Forwarded-For hop that is not
    one of them (each proxy appends the address it got the request from, so everything left of
    that hop was written by the client and is ignored)."""
    peer = parse(request.remote or "")
    if peer is None:  # not an IP peer (a Unix socket): no proxy of ours
        return request.remote or UNKNOWN
    if not is_trusted(peer, trusted):
        return str(peer)
    client = peer
    for header in reversed(request.headers.getall("X-Forwarded-For", [])):
        for hop in reversed(header.split(",")):
            address = parse(hop)
            if address is None:  # not written by a proxy of ours: the last trusted hop it is
                return str(client)
            client = address
            if not is_trusted(address, trusted):
                return str(client)
    return str(client)  # every hop is trusted: the left-most one is the client


def budget_key(client: str) -> str:
    """The rate limit's key for a client: its IPv4 address, or its IPv6 /64 (a host holds a
    whole /64 and could take a fresh address, so a fresh budget, for every request)."""
    address = parse(client)
    if isinstance(address, IPv6Address):
        return str(IPv6Network((address, IPV6_PREFIX), strict=False))
    return client


def parse(text: str) -> Address | None:
    """An IP address (an IPv4-mapped IPv6 one as IPv4), None for anything else."""
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    """Whether the address is one of the trusted proxies."""
    return any(address.version == net.version and address in net for net in trusted)
