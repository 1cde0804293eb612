"""A French member's conversation: French command names, French prices, grammar at 1, own zone."""

from __future__ import annotations

from datetime import timedelta

from bots.i18n import PLAIN, render
from core.messages import Relative, t
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

BRUSH = "Brosse à dents en bambou"


async def test_french_names_prices_and_plurals(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", "fr-FR")

    proposed = await owner.say(f"/idee {BRUSH} #salle_de_bain")
    assert said("idea.proposed", id=1, title=BRUSH, category="salle_de_bain") in proposed
    assert said("mod.approved", "fr", id=1, title=BRUSH) not in proposed  # owner reads English
    assert said("mod.approved", id=1, title=BRUSH) in await owner.say("/approuver 1")

    wanted = await julie.say("/veux 1 45,50 €")
    assert said("idea.wanted_price", "fr", id=1, title=BRUSH, price=eur(45.5), wants=1) in wanted
    assert "45,50\xa0€" in wanted and "(1 personne)" in wanted
    assert said("error.bad_price", "fr", value="45,5,0€") in await julie.say("/veux 1 45,5,0 €")

    await owner.say("/lancer 1 1:100 50:90 14d min=50 per=3")
    joined = await julie.say("/rejoindre 1 2")
    assert said("pledge.joined", "fr", id=1, title=BRUSH, qty=2) in joined
    assert said("pledge.now", "fr", units=2, price=eur(100)) in joined
    assert said("error.unknown_command", "fr", name="rejoindr") in await julie.say("/rejoindr 1")


async def test_a_member_sees_dates_in_their_own_time_zone(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", "fr-FR")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 2d min=50")
    closes = world.clock.now() + timedelta(days=2)
    left = Relative(closes, timedelta(days=2))

    assert said("wave.closes", "fr", deadline=closes, left=left) in await julie.say("/vague 1")
    assert "Clôture le 3 janv. 2026, 12:00 UTC (dans 2 jours)" in await julie.say("/vague 1")

    chosen = await julie.say("/reglages tz Europe/Paris")
    now = world.clock.now()
    assert render(t("settings.tz_set", timezone="Europe/Paris", now=now), "fr", PLAIN,
                  "Europe/Paris") in chosen  # fmt: skip
    assert "1 janv. 2026, 13:00 CET" in chosen
    assert "Clôture le 3 janv. 2026, 13:00 CET (dans 2 jours)" in await julie.say("/vague 1")
    assert "Fuseau horaire : Europe/Paris" in await julie.say("/reglages")

    refused = await julie.say("/reglages tz Mars/Olympus")
    assert said("error.bad_timezone", "fr", value="Mars/Olympus") in refused
    assert "Europe/Paris" in await julie.say("/reglages")  # nothing changed

    back = await julie.say("/reglages tz off")
    assert said("settings.tz_reset", "fr", timezone="UTC", now=world.clock.now()) in back
    assert "12:00 UTC" in await julie.say("/vague 1")
