"""The supplier's order as chat transcripts: /export <wave> order is a CSV of paid units with the
names, phones and addresses collected, for moderators in private only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core.payment_records import ShippingDetails
from core.ports import ChatKind, ChatRef
from tests.adapters.closing import closed_lamp
from tests.adapters.test_console_fulfilment import completed_lamp
from tests.conftest import ConsoleWorld
from tests.texts import said

ADDRESS = "12 rue des Lilas\n75020 Paris\nFR"


async def give_shipping(world: ConsoleWorld, member_id: int, details: ShippingDetails) -> None:
    """What a checkout provider collected with this member's payment of wave #1."""
    async with world.rt.ctx.db.write() as tx:
        [payment] = await tx.live_payments(1, member_id)
        await tx.save_shipping(payment.id, details, world.clock.now())


def read_sheet(path: Path) -> tuple[dict[str, str], list[list[str]]]:
    """The CSV's summary block and its rows after the header."""
    table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    blank = table.index([])
    return dict(row for row in table[:blank] if len(row) == 2), table[blank + 2 :]  # type: ignore[misc]


async def test_the_order_lists_paid_units_and_shipping_details_in_private(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana, _, _ = await completed_lamp(world)
    owner.session.attachment_dir = tmp_path
    await give_shipping(world, 2, ShippingDetails("Ana Lima", "+33 6 12 34 56 78", ADDRESS))
    await give_shipping(world, 3, ShippingDetails("=HYPERLINK(evil)", "", ""))

    exported = await owner.say("/export 1 order")
    assert said("order.exported", id=1, title="Desk lamp", members=2, units=2) in exported
    summary, rows = read_sheet(tmp_path / "wave-1-order.csv")
    assert summary[said("order.csv_members")] == "2"
    assert summary[said("order.csv_units")] == "2"
    assert summary[said("order.csv_total")] == "70.00"
    assert rows == [
        [
            "#2",
            "Ana",
            "1",
            "35.00",
            "Ana Lima",
            "'+33 6 12 34 56 78",  # text, not a formula
            "12 rue des Lilas, 75020 Paris, FR",
        ],
        ["#3", "Bo", "1", "35.00", "'=HYPERLINK(evil)", "", ""],
    ]  # fmt: skip  (cy confirmed but never paid: not in the order)

    assert said("error.not_moderator") in await ana.say("/export 1 order")
    assert said("error.wave_not_found", id=9) in await owner.say("/export 9 order")
    owner.session.chat = ChatRef("console", "mods", ChatKind.GROUP, "Moderators")
    in_group = await owner.say("/export 1 order")
    assert said("error.order_private_only", id=1) in in_group
    assert "Ana Lima" not in in_group


async def test_the_order_in_french_and_of_a_wave_nobody_paid(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    await completed_lamp(world)
    patron = world.person("owner", "fr")
    patron.session.attachment_dir = tmp_path
    exported = await patron.say("/export 1 order")
    assert said("order.exported", "fr", id=1, title="Desk lamp", members=2, units=2) in exported
    summary, _ = read_sheet(tmp_path / "wave-1-order.csv")
    assert summary[said("order.csv_total", "fr")] == "70.00"
    assert said("error.not_moderator", "fr") in await world.person("ana", "fr").say(
        "/export 1 order"
    )
    usage = await patron.say("/export 1 everything")
    assert "/export" in usage and "order" in usage


async def test_no_order_before_the_wave_completes(world: ConsoleWorld) -> None:
    owner, _, _, _ = await closed_lamp(world, min_units=2)
    patron = world.person("owner", "fr")
    open_window = said("stats.wave_status.succeeded")
    assert said("error.order_not_completed", id=1, status=open_window) in await owner.say(
        "/export 1 order"
    )
    fenetre = said("stats.wave_status.succeeded", "fr")
    assert said("error.order_not_completed", "fr", id=1, status=fenetre) in await patron.say(
        "/export 1 order"
    )
    assert said("error.wave_not_found", "fr", id=9) in await patron.say("/export 9 order")
    patron.session.chat = ChatRef("console", "mods", ChatKind.GROUP, "Moderateurs")
    assert said("error.order_private_only", "fr", id=1) in await patron.say("/export 1 order")
