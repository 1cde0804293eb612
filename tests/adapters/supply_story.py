"""Shared steps of the supplier transcripts: an approved idea with wanters, a supplier made
with a one-time code, an offer."""

from __future__ import annotations

import re

from tests.conftest import ConsoleWorld, Person

CODE = re.compile(r"/supplier redeem ([A-Z0-9]{8})")


async def supplier_code(owner: Person) -> str:
    """The code /supplier add shows the moderator."""
    shown = await owner.say("/supplier add")
    found = CODE.search(shown)
    assert found is not None, shown
    return found.group(1)


async def make_supplier(world: ConsoleWorld, owner: Person, name: str) -> Person:
    """A console account that redeemed a fresh supplier code."""
    maker = world.person(name)
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
