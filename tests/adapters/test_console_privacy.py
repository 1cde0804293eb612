"""A member's own data as chat transcripts: /mydata sends everything held about them (and nothing
of anyone else), /forgetme asks, is refused while a paid order is on its way, then erases the
personal data and keeps anonymous counts; shipping details go a set time after delivery."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from core.payment_records import ShippingDetails
from core.ports import ChatKind, ChatRef
from core.services.retention import RetentionPolicy, prune
from tests.adapters.test_console_fulfilment import completed_lamp
from tests.adapters.test_console_order import ADDRESS, give_shipping
from tests.conftest import ConsoleWorld
from tests.texts import said

ANA = ShippingDetails("Ana Lima", "+33 6 12 34 56 78", ADDRESS)
BO = ShippingDetails("Bo Berg", "+46 70 123 45 67", "Storgatan 1\nStockholm")


async def shipping_rows(world: ConsoleWorld, member_id: int) -> list[dict[str, object]]:
    """The shipping details the bot still holds for this member."""
    async with world.rt.ctx.db.read() as tx:
        return (await tx.member_data(member_id))["shipping"]


async def test_mydata_is_a_file_of_ones_own_data_only(world: ConsoleWorld, tmp_path: Path) -> None:
    owner, ana, _, _ = await completed_lamp(world)
    await give_shipping(world, 2, ANA)
    await give_shipping(world, 3, BO)
    await ana.say("/review 1 4 Nice light")  # not yet delivered: refused, nothing kept
    await ana.say("/follow office")
    ana.session.attachment_dir = tmp_path

    assert said("privacy.mydata") in await ana.say("/mydata")
    data = json.loads((tmp_path / "wavebot-member-2.json").read_text("utf-8"))
    assert data["member"] == 2 and data["profile"][0]["display_name"] == "Ana"
    assert [a["account"] for a in data["accounts"]] == ["console:ana"]
    assert [(p["wave_id"], p["quantity"], p["status"]) for p in data["pledges"]] == [
        (1, 1, "confirmed")
    ]
    [paid] = data["payments"]
    assert (paid["amount_cents"], paid["currency"], paid["counted"]) == (3500, "EUR", True)
    assert data["shipping"] == [{"wave_id": 1, "name": "Ana Lima", "phone": "+33 6 12 34 56 78",
                                 "address": ADDRESS, "recorded_at": data["shipping"][0]
                                 ["recorded_at"]}]  # fmt: skip
    assert [f["category"] for f in data["follows"]] == ["office"]
    text = json.dumps(data)
    for other in ("Bo Berg", "Storgatan", "console:bo", "Cy", "Owner"):
        assert other not in text  # nobody else's data
    assert [i["title"] for i in data["ideas"]] == []  # the owner proposed the lamp

    owner.session.chat = ChatRef("console", "mods", ChatKind.GROUP, "Moderators")
    assert said("error.private_only") in await owner.say("/mydata")


async def test_forgetme_waits_for_delivery_then_erases_and_keeps_counts(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana, _, _ = await completed_lamp(world)
    await give_shipping(world, 2, ANA)
    await give_shipping(world, 3, BO)
    await ana.say("/settings tz Europe/Paris")
    await ana.say("/settings names on")  # her name beside her ratings on the public pages

    refused = await ana.say("/forgetme")
    assert said("error.forget_undelivered", waves="#1") in refused
    assert await shipping_rows(world, 2)  # still needed for the delivery

    await owner.say("/delivered 1")
    await ana.say("/review 1 4 Nice light")
    asked = await ana.say("/forgetme")
    assert said("privacy.forget_ask") in asked
    assert await shipping_rows(world, 2)  # nothing erased before the button
    [button] = ana.session.choices
    assert said("privacy.forgotten") in await ana.say("1")  # 🗑 Yes, erase my data

    async with world.rt.ctx.db.read() as tx:
        data = await tx.member_data(2)
        kept = await tx.live_payments(1)
        pledge = await tx.get_pledge(1, 2)
    profile = data["profile"][0]
    assert (profile["display_name"], profile["lang"], profile["timezone"]) == ("", None, None)
    assert profile["review_name"] is False  # her name no longer shows on the wave's page
    assert data["shipping"] == [] and data["follows"] == []
    assert [(r["rating"], r["text"]) for r in data["reviews"]] == [(4, "")]  # the count stays
    assert len(kept) == 2 and pledge is not None  # anonymous counts stay: the wave is right
    assert [s["name"] for s in await shipping_rows(world, 3)] == ["Bo Berg"]  # only hers went
    spent = await world.rt.interpreter.handle_action(ana.session.actor, ana.session.chat,
                                                     button.action)  # fmt: skip
    assert spent.replies[0].body[0].key == "error.pending_used"


async def test_forgetme_in_french_and_only_in_private(world: ConsoleWorld, tmp_path: Path) -> None:
    await completed_lamp(world)
    ana = world.person("ana", "fr")
    assert said("error.forget_undelivered", "fr", waves="#1") in await ana.say("/forgetme")
    ana.session.chat = ChatRef("console", "lobby", ChatKind.GROUP, "Lobby")
    assert said("error.private_only", "fr") in await ana.say("/forgetme")
    dan = world.person("dan", "fr")  # nothing paid, nothing on its way
    dan.session.attachment_dir = tmp_path
    assert said("privacy.mydata", "fr") in await dan.say("/mydata")
    assert said("privacy.forget_ask", "fr") in await dan.say("/forgetme")
    assert said("privacy.forgotten", "fr") in await dan.say("1")


async def test_shipping_details_go_a_set_time_after_delivery(world: ConsoleWorld) -> None:
    owner, _, _, _ = await completed_lamp(world)
    await give_shipping(world, 2, ANA)
    await give_shipping(world, 3, BO)
    policy = RetentionPolicy(None, shipping=timedelta(days=30))
    world.clock.advance(timedelta(days=90))
    assert (await prune(world.rt.ctx, policy)).shipping == 0  # never delivered: kept
    await owner.say("/delivered 1")
    world.clock.advance(timedelta(days=29))
    assert (await prune(world.rt.ctx, policy)).shipping == 0
    world.clock.advance(timedelta(days=2))
    in_ones = RetentionPolicy(None, batch=1, shipping=timedelta(days=30))  # one row a write
    assert (await prune(world.rt.ctx, in_ones)).shipping == 2
    assert await shipping_rows(world, 2) == [] and await shipping_rows(world, 3) == []
    async with world.rt.ctx.db.read() as tx:
        assert len(await tx.live_payments(1)) == 2  # the payments themselves stay
    assert world.rt.settings.shipping_retention == timedelta(days=30)  # the default


async def test_personal_data_never_reaches_the_log(
    world: ConsoleWorld, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    owner, ana, _, _ = await completed_lamp(world)
    await give_shipping(world, 2, ANA)
    owner.session.attachment_dir = ana.session.attachment_dir = tmp_path
    await owner.say("/export 1 order")
    await ana.say("/mydata")
    await owner.say("/ship 1 Colissimo 6A123")
    await owner.say("/delivered 1")
    await world.rt.dispatcher.sweep()
    world.clock.advance(timedelta(days=31))
    for job, _ in world.rt.clockwork.extra_jobs:  # the review sweep and retention, as scheduled
        await job()
    await ana.say("/forgetme")
    await ana.say("1")
    assert await shipping_rows(world, 2) == []
    for secret in ("Ana Lima", "+33 6 12 34 56 78", "rue des Lilas"):
        assert secret not in caplog.text
