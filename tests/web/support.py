"""A console world with the public pages served, and Telegram Mini App launch data signed as
Telegram signs it: shared by the server-side tests and the real-browser tests."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from app.main import runtime
from app.site import add_public_site
from bots.console.session import PLATFORM, ConsoleMessenger
from bots.web import WebServer
from bots.web.miniapp import sign
from bots.web.pages import PublicSite
from config.settings import Settings
from core.clock import FakeClock
from tests.conftest import UNLIMITED, ConsoleWorld

TOKEN = "123456:TEST-web-app-token"
TELEGRAM_USER = 4242


@dataclass
class SiteWorld:
    """The console world, its public site and the server's address."""

    world: ConsoleWorld
    site: PublicSite
    server: WebServer
    base: str


@asynccontextmanager
async def site_world(
    db_url: str, public_url: str = "", trusted_proxies: str = ""
) -> AsyncIterator[SiteWorld]:
    """Owner console:owner; the pages on 127.0.0.1 (a free port), the Mini App with TOKEN."""
    settings = Settings(database_url=db_url, owners="console:owner", telegram_bot_token=TOKEN,
                        public_url=public_url, web_trusted_proxies=trusted_proxies,
                        **UNLIMITED)  # fmt: skip
    clock = FakeClock()
    async with runtime(settings, clock=clock) as rt:
        world = ConsoleWorld(rt, clock)
        rt.messengers[PLATFORM] = ConsoleMessenger(world.broadcasts.append, "owner")
        server = WebServer("127.0.0.1", 0)
        site = add_public_site(rt, server)
        port = await server.start()
        try:
            yield SiteWorld(world, site, server, f"http://127.0.0.1:{port}")
        finally:
            await server.shutdown()
            await server.close()


async def open_wave(world: ConsoleWorld, title: str = "Bamboo toothbrush") -> None:
    """Idea #1 approved and launched as wave #1 (tiers 100/90/80 €, minimum 50, up to 5 each)."""
    owner = world.person("owner")
    await owner.say(f"/idea {title} #bathroom")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 100:80 14d min=50 per=5")


def init_data(
    token: str = TOKEN, user_id: int = TELEGRAM_USER, age: int = 0, lang: str = "en"
) -> str:
    """Launch data as Telegram gives a Mini App, signed with the bot token, `age` seconds old."""
    user = {"id": user_id, "first_name": "Tess", "language_code": lang}
    fields = {"auth_date": str(int(time.time()) - age), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps(user, separators=(",", ":"))}  # fmt: skip
    return urlencode({**fields, "hash": sign(fields, token)})
