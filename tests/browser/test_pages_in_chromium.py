"""The pages in a real browser: the list and a wave page, the count moving live after a pledge
typed in the console, the Mini App's Join with genuine and forged launch data, the Open Graph
tags, and a hostile title shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.async_api import Page, expect

from core.services import waves
from tests.texts import eur, said
from tests.web.support import SiteWorld, init_data, open_wave, site_world

HOSTILE = "<script>alert('pwned')</script><img src=x onerror=alert(1)> Lamp"


async def new_page(browser: Any, lang: str = "en-US") -> Page:
    """A phone-sized page (the pages are read on phones first)."""
    context = await browser.new_context(viewport={"width": 412, "height": 915}, locale=lang)
    return await context.new_page()


async def test_a_wave_page_counts_live_as_people_join_in_the_console(
    db_url: str, browser: Any, artifacts: Path
) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        page = await new_page(browser)
        await page.goto(site.base + "/")
        await expect(page.locator("h1")).to_have_text(said("web.list_title"))
        await page.click("text=Bamboo toothbrush")
        await expect(page).to_have_url(site.base + "/w/1")
        await expect(page.locator("#units")).to_have_text(said("web.units", units=0))
        await expect(page.locator("#countdown")).to_contain_text("13 d")
        await page.screenshot(path=str(artifacts / f"wave-before-{backend(site)}.png"))

        await site.world.person("alice").say("/join 1 5")  # typed in the console adapter
        await expect(page.locator("#units")).to_have_text(said("web.units", units=5))
        assert await page.locator("#bar").get_attribute("value") is not None
        assert await page.eval_on_selector("#bar", "bar => bar.value") == 10
        for name in ("bob", "carol", "dan", "erin"):
            await site.world.person(name).say("/join 1 5")
        await site.world.person("frank").say("/join 1 5")
        await site.world.person("gina").say("/join 1 5")
        await site.world.person("hal").say("/join 1 5")
        await site.world.person("ivy").say("/join 1 5")
        await site.world.person("jo").say("/join 1 5")  # 50: the 90 € tier
        await expect(page.locator("#units")).to_have_text(said("web.units", units=50))
        await expect(page.locator("#price")).to_have_text(said("web.price_now", price=eur(90)))
        await expect(page.locator("tr.current")).to_have_attribute("data-tier", "1")
        shot = artifacts / f"wave-live-{backend(site)}.png"
        await page.screenshot(path=str(shot), full_page=True)


async def test_the_mini_app_joins_with_genuine_launch_data_only(
    db_url: str, browser: Any, artifacts: Path
) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        forged = init_data().replace("Tess", "Mallory")
        page = await new_page(browser)
        await page.goto(f"{site.base}/w/1#tgWebAppData={quote(forged, safe='')}")
        await expect(page.locator("#app")).to_be_visible()
        await page.click("button[data-verb=join]")
        await expect(page.locator("#app-result")).to_have_text(said("web.app_failed"))
        assert (await waves.get(site.world.rt.ctx, 1)).units == 0
        await page.screenshot(path=str(artifacts / f"miniapp-forged-{backend(site)}.png"))

        page = await new_page(browser)
        await page.goto(f"{site.base}/w/1#tgWebAppData={quote(init_data(), safe='')}")
        await page.click("button[data-verb=join]")
        joined = said("pledge.joined", id=1, title="Bamboo toothbrush", qty=1)
        await expect(page.locator("#app-result")).to_contain_text(joined)
        await expect(page.locator("#units")).to_have_text(said("web.units", units=1))
        await page.screenshot(path=str(artifacts / f"miniapp-joined-{backend(site)}.png"))
        assert (await waves.get(site.world.rt.ctx, 1)).units == 1

        await page.click("text=" + said("web.back").removeprefix("← "))  # the list, and back
        await page.click("text=Bamboo toothbrush")
        await page.click("button[data-verb=leave]")  # still Tess, without the fragment
        await expect(page.locator("#units")).to_have_text(said("web.units", units=0))


async def test_a_plain_visit_shows_no_mini_app_and_carries_open_graph_tags(
    db_url: str, browser: Any
) -> None:
    async with site_world(db_url, public_url="https://waves.example.org") as site:
        await open_wave(site.world)
        page = await new_page(browser)
        await page.goto(site.base + "/w/1")
        await expect(page.locator("#app")).to_be_hidden()
        og = {name: await page.locator(f'meta[property="og:{name}"]').get_attribute("content")
              for name in ("title", "url", "image", "description")}  # fmt: skip
        assert og["title"] == "Bamboo toothbrush"
        assert og["url"] == "https://waves.example.org/w/1"
        assert og["image"] == "https://waves.example.org/w/1/preview.png"
        assert said("web.price_now", price=eur(100)) in (og["description"] or "")
        card = page.locator('meta[name="twitter:card"]')
        assert await card.get_attribute("content") == "summary_large_image"
        preview = await page.request.get(site.base + "/w/1/preview.png")
        assert preview.ok and preview.headers["content-type"] == "image/png"


async def test_a_hostile_title_renders_as_text(db_url: str, browser: Any, artifacts: Path) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world, HOSTILE)
        page = await new_page(browser)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        violations: list[str] = []
        page.on("console", lambda message: violations.append(message.text))
        await page.goto(site.base + "/w/1")
        await expect(page.locator("h1#title")).to_have_text(HOSTILE)
        await page.goto(site.base + "/")
        await expect(page.locator(".wave-row h2")).to_contain_text(HOSTILE)
        assert await page.locator("img[src=x]").count() == 0
        assert await page.evaluate("document.scripts.length") == 0  # the list has no script
        await page.screenshot(path=str(artifacts / f"hostile-{backend(site)}.png"))
        assert dialogs == []


def backend(site: SiteWorld) -> str:
    """'sqlite' or 'postgresql', to tell the two runs' screenshots apart."""
    return "postgresql" if "postgresql" in site.world.rt.settings.database_url else "sqlite"
