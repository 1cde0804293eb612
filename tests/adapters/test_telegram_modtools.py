"""On Telegram, /close asks first; its buttons are re-checked when pressed."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_telegram_harness import Heard, buttons, chatroom
from tests.texts import eur, said


def heard(result: Heard) -> str:
    """What the presser reads: the toast and any message."""
    toast = result.toast.text if result.toast else ""
    return "\n".join([toast, *(m.plain_text for m in result.messages)])


async def test_close_asks_then_closes_on_the_moderators_press(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        dm = tg.private(owner)
        await tg.say(dm, owner, "/idea Solar lamp #garden")
        await tg.say(dm, owner, "/approve 1")
        await tg.say(dm, owner, "/launch 1 1:30 2:25 7d")
        for name in ("Ann", "Ben"):
            user = api.add_user(name)
            await tg.say(tg.private(user), user, "/join 1")

        question = await tg.say(dm, owner, "/close 1")
        [message] = question.in_(dm)
        assert said("mod.close_ask", id=1, title="Solar lamp") in message.plain_text
        assert buttons(message) == {
            said("button.close_yes", id=1): "closeyes:1",
            said("button.keep_open"): "keep:1",
        }
        kept = await tg.press(dm, owner, message, "keep:1")
        assert said("mod.kept_open", id=1) in heard(kept)

        mallory = api.add_user("Mallory")
        forged = await tg.press(dm, mallory, message, "closeyes:1")
        assert said("error.not_moderator") in heard(forged)
        async with tg.rt.ctx.db.read() as tx:
            wave = await tx.get_wave(1)
        assert wave is not None and wave.status.value == "open"

        closed = await tg.press(dm, owner, message, "closeyes:1")
        assert said("mod.closed_success", id=1, units=2, price=eur(25)) in heard(closed)
        again = await tg.press(dm, owner, message, "closeyes:1")
        assert said("error.wave_not_open", id=1, status="succeeded") in heard(again)
