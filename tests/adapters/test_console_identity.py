"""/link read like chat transcripts: a code on one platform, typed on the other, one member."""

from __future__ import annotations

import re
from datetime import timedelta

from bots.console.session import ConsoleSession
from core.commands.interpreter import Answer
from core.messages import until
from core.ports import Actor, ChatKind, ChatRef
from tests.conftest import ConsoleWorld, Person
from tests.texts import console, eur, said


def account(world: ConsoleWorld, name: str, locale: str | None = None) -> Person:
    """A participant on a real platform account (the console only carries the text)."""
    person = Person(session=None)  # type: ignore[arg-type]
    actor = Actor(name, name.split(":")[0].capitalize(), locale)
    person.session = ConsoleSession(world.rt.interpreter, actor, person.lines.append)
    return person


def code_in(text: str) -> str:
    """The code /link showed."""
    found = re.search(r"/link ([A-Z0-9]{8})", text)
    assert found, text
    return found.group(1)


async def test_link_two_platforms_into_one_member(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    tg, dc = account(world, "telegram:42"), account(world, "discord:777")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 10:90 7d per=3")
    await tg.say("/join 1 1")
    await dc.say("/join 1 2")
    assert said("pledge.now", units=3, price=eur(100)) in await dc.say("/join 1 2")

    shown = await tg.say("/link")
    code = code_in(shown)
    platforms = world.rt.ctx.rules.platform_list()
    deadline = world.clock.now() + timedelta(minutes=10)
    offer = said("link.code", code=code, minutes=10, deadline=deadline, platforms=platforms)
    assert shown == console(f"bot> {offer}\n{said('link.code_warning')}")

    assert said("error.link_own_code", platforms=platforms) in await tg.say(f"/link {code}")
    assert said("error.link_bad_format", length=8) in await dc.say("/link 12")
    linked = await dc.say(f"/link {code.lower()}")
    assert said("link.done", accounts="discord:777, telegram:42") in linked
    details = said("link.done_details", pledges=1, folded=1, wants=0, ideas=0, follows=0)
    assert details in linked
    assert said("error.link_used") in await account(world, "discord:9").say(f"/link {code}")

    card = await tg.say("/wave 1")
    assert said("wave.card_title", id=1, title="Kettle", category="kitchen") in card
    assert said("wave.card_price", price=eur(100), people=1) in card
    assert said("wave.progress", bar="▰▰▱▱▱▱▱▱▱▱", units=2, goal=10) in card
    pledged = said("mine.pledge", id=1, title="Kettle", qty=2, status=said("pledge_status.active"))
    assert pledged in await tg.say("/mine")
    assert pledged in await dc.say("/mine")


async def test_guessing_is_locked_and_codes_expire(world: ConsoleWorld) -> None:
    tg, mallory = account(world, "telegram:42"), account(world, "discord:666", "fr")
    code = code_in(await tg.say("/link"))
    first_failure = world.clock.now()
    for left in (4, 3, 2, 1, 0):
        answer = await mallory.say("/link ZZZZ2222")
        assert answer == f"bot> {said('error.link_unknown', 'fr', left=left)}"
    locked = await mallory.say(f"/link {code}")
    wait = until(first_failure + timedelta(hours=1), world.clock.now())
    assert locked == f"bot> {said('error.link_locked', 'fr', wait=wait)}"

    world.clock.advance(timedelta(minutes=11))
    assert said("error.link_expired", minutes=10) in await account(world, "discord:777").say(
        f"/link {code}"
    )
    assert said("error.link_same_platform", platform="telegram") in await account(
        world, "telegram:5"
    ).say(f"/link {code_in(await tg.say('/link'))}")


async def test_failed_guesses_count_inside_exactly_once_updates(world: ConsoleWorld) -> None:
    """Adapters handle each update in one outer transaction; refusals must still be recorded."""
    interpreter = world.rt.interpreter
    mallory = Actor("discord:666", "mallory")
    chat = ChatRef("discord", "666", ChatKind.PRIVATE)

    async def guess(n: int) -> str:
        async def handle() -> Answer:
            answer = await interpreter.handle_text(mallory, chat, "/link ZZZZ2222")
            assert answer is not None
            return answer

        answer = await interpreter.exactly_once(f"discord:update:{n}", handle)
        assert answer is not None
        return answer.replies[0].body[0].key

    assert [await guess(n) for n in range(5)] == ["error.link_unknown"] * 5
    assert await guess(5) == "error.link_locked"


async def test_start_link_deep_link_redeems_the_code(world: ConsoleWorld) -> None:
    tg = Actor("telegram:77", "Tess")
    dc = Actor("discord:88", "Tess")
    interpreter = world.rt.interpreter
    offered = await interpreter.handle_text(
        tg, ChatRef("telegram", "77", ChatKind.PRIVATE), "/link"
    )
    assert offered is not None
    code = str(offered.replies[0].body[0].params["code"])
    answer = await interpreter.handle_text(
        dc, ChatRef("discord", "88", ChatKind.PRIVATE), f"/start link_{code}"
    )
    assert answer is not None and answer.replies[0].body[0].key == "link.done"
