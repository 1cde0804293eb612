"""`wavebot demo` serves the pages and says where; Discord shows the page as a link button; the
wave page shows answered questions without saying who asked or answered."""

from __future__ import annotations

import re
from pathlib import Path

import discord

from bots.discord_bot.buttons import build_view
from core.messages import APP, Button, t
from tests.texts import said
from tests.unit.test_cli_demo_runs import LAUNCH, demo
from tests.web.support import open_wave, site_world
from tests.web.test_pages import get, shown


def test_the_demo_prints_where_its_wave_pages_are_and_cards_link_there(tmp_path: Path) -> None:
    out, _, code = demo(tmp_path, LAUNCH + "/wave 1\n")
    assert code == 0
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", out)
    assert found is not None
    base = found.group(0).rstrip("/")
    assert said("cli.demo_web", url=base + "/") in out
    assert f"[{said('button.open_page')}: {base}/w/1]" in out


def test_discord_shows_the_page_as_a_link_button() -> None:
    url = "https://waves.example.org/w/7"
    view = build_view(((Button(t("button.open_page"), APP + url),),), "en")
    assert view is not None
    [item] = view.children
    assert isinstance(item, discord.ui.Button)
    assert item.style is discord.ButtonStyle.link and item.url == url


async def test_answered_questions_show_without_names(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        await site.world.person("alice").say("/ask 1 Are the bristles <b>vegan</b>?")
        await site.world.person("bob").say("/ask 1 Unanswered question")
        await site.world.person("owner").say("/answer 1 Yes, plant-based nylon.")
        _, page, _ = await get(site.base, "/w/1")
        assert "<dt>Are the bristles &lt;b&gt;vegan&lt;/b&gt;?</dt>" in page
        assert "<dd>Yes, plant-based nylon.</dd>" in page
        assert "Unanswered question" not in page
        assert shown("talk.card_questions", questions=2, answers=1) in page
        for name in ("Alice", "Bob", "Owner", "console:"):
            assert name not in page


async def test_reviews_show_rating_text_and_date_without_names(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        for name in ("alice", "bob"):
            await site.world.person(name).say("/join 1")
        ctx = site.world.rt.ctx
        async with ctx.db.write() as tx:  # as /review records them once the wave completed
            for name, rating, text in (("alice", 5, "Great <i>brush</i>"), ("bob", 3, "")):
                member = await tx.member_for_account(f"console:{name}")
                assert member is not None
                await tx.upsert_review(1, member.id, rating, text, ctx.clock.now())
        async with ctx.db.read() as tx:
            reviews = await tx.public_reviews(1, 10)
        assert sorted((r.rating, r.text) for r in reviews) == [(3, ""), (5, "Great <i>brush</i>")]
        _, page, _ = await get(site.base, "/w/1")
        assert "★★★★★" in page and "★★★☆☆" in page
        assert "<q>Great &lt;i&gt;brush&lt;/i&gt;</q>" in page
        assert shown("talk.card_rating", whole=4, tenth=0, count=2) in page
        assert "Alice" not in page and "Bob" not in page


async def test_a_member_may_show_their_name_next_to_their_reviews(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        alice, bob = site.world.person("alice"), site.world.person("bob")
        for person in (alice, bob):
            await person.say("/join 1")
        shown_settings = await alice.say("/settings")
        assert said("settings.show_names", names=said("settings.off")) in shown_settings
        assert said("settings.names_on") in await alice.say("/settings names on")
        ctx = site.world.rt.ctx
        async with ctx.db.write() as tx:  # as /review records them once the wave completed
            for name, rating in (("alice", 5), ("bob", 4)):
                member = await tx.member_for_account(f"console:{name}")
                assert member is not None
                await tx.upsert_review(1, member.id, rating, f"by {name}", ctx.clock.now())
        _, page, _ = await get(site.base, "/w/1")
        assert "<cite>Alice</cite>" in page and "Bob" not in page
        assert said("settings.names_off") in await alice.say("/settings names off")
        _, page, _ = await get(site.base, "/w/1")
        assert "Alice" not in page
