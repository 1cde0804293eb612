"""The README's picture of a wave page: a small community typed through the console adapter,
the page served as `wavebot run` serves it, photographed by Debian's chromium (Playwright).

    .venv/bin/python -m devtools.page_shot docs/img/wave.png
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from app.main import runtime
from app.site import add_public_site
from bots.console.session import PLATFORM, ConsoleSession
from bots.web import WebServer
from config.settings import Settings
from core.ports import Actor

CHROMIUM = "/usr/bin/chromium"
STORY = [
    ("owner", "/idea Bamboo toothbrush #bathroom\nSoft bristles, compostable handle, 4 colours"),
    ("owner", "/approve 1"),
    *[(f"fan{n}", f"/want 1 {price}") for n, price in enumerate((2, 3, 3, 4, 4, 4, 5, 6))],
    ("owner", "/launch 1 1:4.50 50:3.90 100:3.40 200:2.90 14d min=50 per=5"),
    ("fan1", "/ask 1 Are the bristles vegan?"),
    ("owner", "/answer 1 Yes: plant-based nylon, no animal hair."),
    *[(f"buyer{n}", f"/join 1 {1 + n % 5}") for n in range(24)],
]


async def shoot(target: Path) -> None:
    """Type the story, serve the pages, save a phone-sized full-page screenshot of wave #1."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="wavebot-shot-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'shot.db'}"
        settings = Settings(database_url=url, owners=f"{PLATFORM}:owner", member_actions=0,
                            chat_commands=0)  # fmt: skip
        async with runtime(settings) as rt:
            for who, line in STORY:
                session = ConsoleSession(rt.interpreter, Actor(f"{PLATFORM}:{who}", who), print)
                await session.handle_line(line)
            server = WebServer("127.0.0.1", 0)
            add_public_site(rt, server)
            port = await server.start()
            try:
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(executable_path=CHROMIUM)
                    page = await browser.new_page(viewport={"width": 430, "height": 900})
                    await page.goto(f"http://127.0.0.1:{port}/w/1")
                    await page.wait_for_load_state("networkidle")
                    await page.screenshot(path=str(target), full_page=True)
                    await browser.close()
            finally:
                await server.close()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img/wave.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(out))
    print(out)
