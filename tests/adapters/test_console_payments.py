"""Pay at the end as chat transcripts: close, confirm or withdraw, reminders, abandonment."""

from __future__ import annotations

from datetime import timedelta

from bots.console.session import PLATFORM, ConsoleMessenger
from tests.conftest import ConsoleWorld


def inbox(world: ConsoleWorld, name: str) -> list[str]:
    """Every private message the console messenger delivered to this person."""
    messenger = world.rt.messengers[PLATFORM]
    assert isinstance(messenger, ConsoleMessenger)
    return [text for chat, text in messenger.delivered if chat == name]


async def sweep(world: ConsoleWorld) -> None:
    """What the clock does every few minutes: the payment sweep, then the outbox."""
    await world.rt.clockwork.sweep_payments()
    await world.rt.dispatcher.sweep()


async def test_close_confirm_withdraw_reminders_and_abandonment(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    ana, bo, cy = world.person("ana"), world.person("bo"), world.person("cy")
    await owner.say("/idea Backpack #travel")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 3:90 2d min=3")
    for buyer in (ana, bo, cy):
        await buyer.say("/join 1")
    assert "Wave #1 closed: 3 units at 90 €" in await owner.say("/close 1")
    await world.rt.dispatcher.sweep()

    ask = inbox(world, "ana")[-1]
    assert "Wave #1 “Backpack” succeeded! Final price: 90 € each" in ask
    assert "Please confirm (and pay) before 2026-01-08 12:00 UTC, or withdraw" in ask

    mine = await ana.say("/mine")
    assert "#1 Backpack: 1 × 90 € = 90 € to confirm before 2026-01-08 12:00 UTC" in mine
    assert "[1] 💳 Confirm #1  [2] ↩️ Withdraw #1" in mine
    assert "Confirmed: wave #1 “Backpack” at 90 € each. Thank you!" in await ana.say("1")
    assert "You already confirmed wave #1." in await ana.say("/confirm 1")
    assert "(confirmed)" in await ana.say("/mine")

    assert "You withdrew from wave #1 “Backpack”" in await bo.say("/withdraw 1")
    assert "released" in await bo.say("/confirm 1")

    world.clock.advance(timedelta(hours=47))
    await sweep(world)
    assert not any("Reminder" in text for text in inbox(world, "cy"))
    world.clock.advance(timedelta(hours=1))
    await sweep(world)
    await sweep(world)  # a second sweep in the same period sends nothing more
    reminders = [text for text in inbox(world, "cy") if "Reminder" in text]
    assert reminders == [
        "⏰ Reminder: wave #1 “Backpack” succeeded at 90 € each. Please confirm before "
        "2026-01-08 12:00 UTC (5 d 0 h left), or withdraw."
    ]
    assert not any("Reminder" in text for text in inbox(world, "ana") + inbox(world, "bo"))

    outlook = await owner.say("/wave 1")
    assert "For moderators: payments of wave #1, 3 units sold at 90 €." in outlook
    assert "Confirmed: 1 (1 units) · awaiting: 1 (1 units) · abandoned: 1 (1 units)" in outlook
    assert "Abandonment rate in #travel: 18% (prior 15% weighing 20 pledges, plus 2" in outlook
    assert "Expected to be paid: ≈ 2 of 3 units." in outlook
    assert "For moderators" not in await cy.say("/wave 1")

    world.clock.advance(timedelta(hours=48 * 2))  # 144 h: third period
    await sweep(world)
    assert len([text for text in inbox(world, "cy") if "Reminder" in text]) == 2
    world.clock.advance(timedelta(hours=24))  # 168 h: the window closes
    await sweep(world)
    assert "your place was released" in inbox(world, "cy")[-1]
    assert "Completed: 3 units at 90 € each; confirmations are closed." in await cy.say("/wave 1")
    assert "(abandoned)" in await cy.say("/mine")
    assert "Your place in wave #1 was released" in await cy.say("/confirm 1")
    final = await owner.say("/wave 1")
    assert "Confirmed: 1 (1 units) · awaiting: 0 (0 units) · abandoned: 2 (2 units)" in final
    assert "Expected to be paid: ≈ 1 of 3 units." in final
    assert "Confirmation is closed." in final


async def test_payment_words_in_french_and_bad_input(world: ConsoleWorld) -> None:
    owner, julie = world.person("owner"), world.person("julie", locale="fr-FR")
    await owner.say("/idea Gourde #sport")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:20 1h min=1")
    await julie.say("/join 1")
    assert "encore ouverte : utilisez /leave 1" in await julie.say("/withdraw 1")
    await owner.say("/close 1")
    mine = await julie.say("/mine")
    assert "1 × 20 € = 20 € à confirmer avant le 08/01/2026 12:00 UTC" in mine
    assert "[1] 💳 Confirmer n°1  [2] ↩️ Me retirer n°1" in mine
    assert "Vous vous êtes retiré de la vague n°1" in await julie.say("2")
    assert "Utilisation : /withdraw <vague>" in await julie.say("/withdraw")
