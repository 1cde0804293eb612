"""Shared steps of the supplier transcripts: an approved idea with wanters, a supplier made
with a one-time code, an offer."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ConsoleWorld, Person

CODE = re.compile(r"/supplier redeem ([A-Z0-9]{8})")


async def supplier_code(owner: Person) -> str:
    """The code /supplier add shows the moderator."""
    shown = await owner.say("/supplier add")
    found = CODE.search(shown)
    assert found is not None, shown
    return found.group(1)


def saving_to(person: Person, folder: Path) -> Person:
    """Charts and sheets this person receives are saved in the test's own folder."""
    person.session.attachment_dir = folder
    return person


async def make_supplier(
    world: ConsoleWorld, owner: Person, name: str, folder: Path | None = None
) -> Person:
    """A console account that redeemed a fresh supplier code (its files saved in `folder`)."""
    maker = world.person(name)
    if folder is not None:
        saving_to(maker, folder)
    await maker.say(f"/supplier redeem {await supplier_code(owner)}")
    return maker


async def wanted_lamp(world: ConsoleWorld) -> tuple[Person, ...]:
    """Owner approves ana's desk lamp (#1, #office); ana wants it up to 45 €, bo up to 38 €,
    cy at any price."""
    owner, ana, bo, cy = (world.person(n) for n in ("owner", "ana", "bo", "cy"))
    await ana.say("/idea Desk lamp #office")
    await owner.say("/approve 1")
    await ana.say("/want 1 45")
    await bo.say("/want 1 38")
    await cy.say("/want 1")
    return owner, ana, bo, cy
