"""Telegram Payments end to end, continued: the paid wave completes, the owner ships it (the
tracking text escaped in Telegram HTML) and marks it delivered, and the payer is told and asked
for a review, once: the closing story of the console and Stripe (tests/adapters/closing.py)."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.closing import TRACKING, ship_and_deliver, window_ends
from tests.adapters.telegram_pay_support import (
    TITLE,
    invoice_for,
    paying_room,
    texts,
    wave_to_pay,
)
from tests.texts import said, said_html


async def test_a_paid_wave_is_shipped_delivered_and_the_payer_asked_for_a_review(
    tmp_path: Path,
) -> None:
    async with paying_room(tmp_path) as tg:
        ann, ben = tg.api.add_user("Ann"), tg.api.add_user("Ben")
        await wave_to_pay(tg, (ann, 1), (ben, 1))
        checkout = await tg.api.pay(ann, await invoice_for(tg, ann))
        await tg.processed(checkout.update or {})
        await window_ends(tg.rt, tg.clock)  # Ann paid, Ben never did: completed on 1 unit

        owner_dm = tg.private(tg.owner)
        await ship_and_deliver(tg.rt, lambda text: tg.say(owner_dm, tg.owner, text))

        shipped = (said("fulfilment.shipped_notice", id=1, title=TITLE) + "\n"
                   + said("fulfilment.tracking", tracking=TRACKING))  # fmt: skip
        delivered = said("fulfilment.delivered_notice", id=1, title=TITLE)
        ask = said("talk.review_ask", id=1, title=TITLE)
        heard = await tg.api.wait_for(lambda: ask in texts(tg, ann) and texts(tg, ann))
        assert heard[-3:] == [shipped, delivered, ask]  # the tracking text reads as typed
        raw = [m.text for m in tg.api.messages(tg.private(ann)) if m.kind == "text"]
        assert said_html("fulfilment.tracking", tracking=TRACKING) in raw[-3]
        assert "&lt;6A123&gt; &amp; co" in raw[-3]  # escaped for Telegram HTML
        assert not any(ask in text or shipped in text for text in texts(tg, ben))

        [request] = [m for m in tg.api.messages(tg.private(ann)) if m.plain_text == ask]
        assert request.reply_markup is not None
        stars = [b["callback_data"] for b in request.reply_markup["inline_keyboard"][0]]
        assert stars == [f"rate:1:{n}" for n in range(1, 6)]
        thanks = await tg.press(tg.private(ann), ann, request, "rate:1:5")
        assert said("talk.reviewed", id=1, title=TITLE, rating=5) in thanks.text(tg.private(ann))
