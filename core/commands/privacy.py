"""A member's own data: /mydata (a JSON file in private) and /forgetme (erase, after a button)."""

from __future__ import annotations

from core.commands.asking import payload_ids
from core.commands.registry import Request, action, command
from core.commands.usage import say_private
from core.messages import Attachment, Button, Reply, t
from core.services import privacy


@command("mydata")
async def mydata(req: Request) -> list[Reply]:
    """What the bot holds about me, as a file sent in private."""
    member, data = await privacy.my_data(req.ctx, req.actor, req.chat)
    sheet = Attachment(f"wavebot-member-{member.id}.json", data, "document")
    return [Reply(body=(t("privacy.mydata"),), private=True, attachments=(sheet,))]


@command("forgetme")
async def forgetme(req: Request) -> list[Reply]:
    """Erase my personal data (asked first: a button confirms)."""
    request_id = await privacy.ask_forget(req.ctx, req.actor, req.chat)
    yes = Button(t("button.forget_yes"), f"forgetyes:{request_id}")
    return say_private(t("privacy.forget_ask"), buttons=((yes,),))


@action("forgetyes")
async def forget_confirmed(req: Request) -> list[Reply]:
    """'Yes, erase my data': the request is re-checked at the press."""
    (request_id,) = payload_ids(req.args, 1)
    await privacy.forget(req.ctx, req.actor, request_id)
    return say_private(t("privacy.forgotten"))
