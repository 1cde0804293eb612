"""Settings of several processes: Discord shards per process, the Telegram webhook URL, the
reverse proxies trusted to name the client."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from urllib.parse import urlsplit

SHARDS_SHAPE = "WAVEBOT_DISCORD_SHARDS looks like 0,1/4 (shard ids / shard count)"


def parse_shards(value: str) -> tuple[tuple[int, ...], int] | None:
    """'0,1/4' → ((0, 1), 4); '' → None; anything else raises ValueError in one line."""
    value = value.strip()
    if not value:
        return None
    ids_part, slash, count_part = value.partition("/")
    ids = [part.strip() for part in ids_part.split(",")]
    if not slash or not count_part.strip().isdigit() or not all(i.isdigit() for i in ids):
        raise ValueError(SHARDS_SHAPE)
    count, shard_ids = int(count_part), tuple(sorted({int(i) for i in ids}))
    if count < 1 or shard_ids[-1] >= count:
        raise ValueError(f"{SHARDS_SHAPE}; every id below the count {count}")
    return shard_ids, count


def check_webhook_url(value: str) -> str:
    """'' or an http(s) URL with a host and a path (the route of the webhook)."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path in ("", "/"):
        raise ValueError(
            "WAVEBOT_TELEGRAM_WEBHOOK_URL must be a full URL with a path, "
            "such as https://bot.example.com/telegram"
        )
    return value


def parse_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """'10.0.0.5, 10.1.0.0/16, ::1' → the networks (an address is a network of one); '' → ()."""
    networks = []
    for part in value.split(","):
        if part.strip():
            try:
                networks.append(ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError(
                    f"WAVEBOT_WEB_TRUSTED_PROXIES lists IP addresses or CIDR networks, "
                    f"comma-separated: {part.strip()!r} is neither"
                ) from None
    return tuple(networks)
