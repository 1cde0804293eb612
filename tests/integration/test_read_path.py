"""Reads outside the writer (issue 13): a command without effects answers while the single writer
is held by someone else; its update key is recorded after the answer, so a redelivery is not
answered twice; an effect still commits with its key, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from core.commands.interpreter import Answer, Interpreter
from core.commands.registry import ACTIONS, REGISTRY
from core.ports import Actor, ChatKind, ChatRef, Database
from tests.conftest import ConsoleWorld

ALICE = Actor("telegram:7", "Alice")
ALICE_CHAT = ChatRef("telegram", "7", ChatKind.PRIVATE)
OWNER = Actor("console:owner", "Owner")
OWNER_CHAT = ChatRef("console", "owner", ChatKind.PRIVATE)
HELD_FOR = 3.0  # seconds a read may take before we call it blocked by the held writer

READ_COMMANDS = [  # (who, what was typed) for every command declared read-only
    (ALICE, "/help"), (ALICE, "/waves"), (ALICE, "/wave 1"), (ALICE, "/ideas"),
    (ALICE, "/ideas new"), (ALICE, "/mine"), (ALICE, "/settings"), (ALICE, "/helpers"),
    (ALICE, "/inspire"), (OWNER, "/pending"), (OWNER, "/stats"), (OWNER, "/export 1"),
    (ALICE, "/pay 2"), (OWNER, "/refunds"), (OWNER, "/payhow"), (OWNER, "/shipping 1"),
    (OWNER, "/briefs"), (OWNER, "/brief 1"), (OWNER, "/suppliers"), (OWNER, "/offers 1"),
    (ALICE, "/newsletter"),
]  # fmt: skip
READ_BUTTONS = [  # (who, button payload) for every button declared read-only
    (ALICE, "wave:1"), (ALICE, "page:ideas:top:1"), (ALICE, "inspire"), (OWNER, "keep:1"),
    (OWNER, "merge:2"),
]  # fmt: skip
EXPECTED = {  # the first key of the answer: the command did its work, no refusal
    "/help": "help.header", "/waves": "wave.list_header", "/ideas": "idea.list_header",
    "/ideas new": "idea.list_header", "/mine": "mine.header", "/settings": "settings.show",
    "/helpers": "talk.helpers_show", "/inspire": "inspire.spark", "/pending": "mod.queue_header",
    "/stats": "stats.funnel_header", "/export 1": "stats.exported", "keep:1": "mod.kept_open",
    "page:ideas:top:1": "idea.list_header", "inspire": "inspire.spark", "/pay 2": "pay.owed",
    "/refunds": "refunds.none", "/payhow": "payhow.unset", "/shipping 1": "shipping.default",
    "/briefs": "brief.none", "/brief 1": "brief.header", "/suppliers": "suppliers.none",
    "/offers 1": "offers.header", "/newsletter": "newsletter.is_on",
}  # fmt: skip


@asynccontextmanager
async def writer_held(db: Database) -> AsyncIterator[None]:
    """Another task holds the single writer open until the block ends (a slow pledge batch)."""
    started, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.write():
            started.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await started.wait()
    try:
        yield
    finally:
        release.set()
        await holder


async def _community(world: ConsoleWorld) -> Interpreter:
    """An open wave Alice joined, an approved idea, a pending one; both people known; and a
    succeeded wave #2 where Alice has to pay."""
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 7d per=3")
    await owner.say("/idea Camping hammock #garden")
    await owner.say("/idea Tent #garden")
    await owner.say("/approve 3")
    await owner.say("/launch 3 1:50 7d min=1")
    interpreter = world.rt.interpreter
    await interpreter.text_once("telegram:1", ALICE, ALICE_CHAT, "/join 1")
    await interpreter.text_once("telegram:2", ALICE, ALICE_CHAT, "/join 2")
    await owner.say("/close 2")
    await owner.say("1")  # Yes, close #2 now
    return interpreter


def _keys(answer: Answer | None) -> list[str]:
    assert answer is not None
    return [part.key for reply in answer.replies for part in reply.body]


def _where(actor: Actor) -> ChatRef:
    return OWNER_CHAT if actor == OWNER else ALICE_CHAT


def test_the_cases_cover_every_read_only_command_and_button() -> None:
    typed = {text.split()[0][1:] for _, text in READ_COMMANDS}
    declared = {spec.name for spec in REGISTRY.values() if spec.reads_only_with("")}
    assert typed == declared
    pressed = {payload.split(":")[0] for _, payload in READ_BUTTONS}
    assert pressed == {verb for verb, spec in ACTIONS.items() if spec.reads_only_with("x")}


@pytest.mark.parametrize(("who", "text"), READ_COMMANDS, ids=[t for _, t in READ_COMMANDS])
async def test_a_read_only_command_answers_while_the_writer_is_held(
    world: ConsoleWorld, who: Actor, text: str
) -> None:
    interpreter = await _community(world)
    async with writer_held(world.rt.ctx.db):
        once = interpreter.text_once("telegram:50", who, _where(who), text)
        answer = await asyncio.wait_for(once, HELD_FOR)
    keys = _keys(answer)
    assert keys and not [key for key in keys if key.startswith("error.")], keys
    assert keys[0] == EXPECTED.get(text, keys[0])


@pytest.mark.parametrize(("who", "payload"), READ_BUTTONS, ids=[p for _, p in READ_BUTTONS])
async def test_a_read_only_button_answers_while_the_writer_is_held(
    world: ConsoleWorld, who: Actor, payload: str
) -> None:
    interpreter = await _community(world)
    async with writer_held(world.rt.ctx.db):
        once = interpreter.action_once("telegram:51", who, _where(who), payload)
        answer = await asyncio.wait_for(once, HELD_FOR)
    keys = _keys(answer)
    assert keys and not [key for key in keys if key.startswith("error.")], keys
    assert keys[0] == EXPECTED.get(payload, keys[0])


@pytest.mark.sqlite_only  # one writer per SQLite file; PostgreSQL writes side by side
async def test_changing_a_setting_still_takes_the_writer(world: ConsoleWorld) -> None:
    interpreter = await _community(world)
    async with writer_held(world.rt.ctx.db):
        change = asyncio.create_task(
            interpreter.text_once("telegram:52", ALICE, ALICE_CHAT, "/settings notify off")
        )
        join = asyncio.create_task(
            interpreter.text_once("telegram:53", ALICE, ALICE_CHAT, "/join 1 2")
        )
        await asyncio.sleep(0.3)
        assert not change.done() and not join.done()  # effects wait for the writer
    assert "settings.notify_off" in _keys(await change)
    assert "pledge.changed" in _keys(await join)


async def test_a_redelivered_read_is_not_answered_again_once_sent(world: ConsoleWorld) -> None:
    interpreter = await _community(world)
    first = await interpreter.text_once("telegram:60", ALICE, ALICE_CHAT, "/waves")
    assert "wave.list_header" in _keys(first)
    # Nothing was written for it: a crash before the send record means one more answer, which
    # reads the same (a read has no effect to repeat); at most one duplicate per crash.
    again = await interpreter.text_once("telegram:60", ALICE, ALICE_CHAT, "/waves")
    assert _keys(again) == _keys(first)
    await interpreter.answered("telegram:60")  # the adapter sent it: the key is recorded now
    assert await interpreter.text_once("telegram:60", ALICE, ALICE_CHAT, "/waves") is None
    assert await interpreter.action_once("telegram:60", ALICE, ALICE_CHAT, "wave:1") is None


async def test_a_pressed_read_only_button_is_recorded_once_answered(world: ConsoleWorld) -> None:
    interpreter = await _community(world)
    assert "inspire.spark" in _keys(
        await interpreter.action_once("telegram:61", ALICE, ALICE_CHAT, "inspire")
    )
    await interpreter.answered("telegram:61")
    assert await interpreter.action_once("telegram:61", ALICE, ALICE_CHAT, "inspire") is None


async def test_an_effect_is_still_applied_and_answered_once(world: ConsoleWorld) -> None:
    interpreter = await _community(world)
    first = await interpreter.text_once("telegram:70", ALICE, ALICE_CHAT, "/join 1 3")
    kept = await interpreter.text_once("telegram:70", ALICE, ALICE_CHAT, "/join 1 3")
    assert _keys(kept) == _keys(first)  # the kept answer, not a second pledge update
    await interpreter.answered("telegram:70")
    assert await interpreter.text_once("telegram:70", ALICE, ALICE_CHAT, "/join 1 3") is None
    async with world.rt.ctx.db.read() as tx:
        series = await tx.units_series(1)
    assert [units for _, units in series] == [1, 3]  # the first join, then one update to 3


async def test_a_read_only_command_writes_nothing(world: ConsoleWorld) -> None:
    interpreter = await _community(world)
    saved: list[int] = []
    world.rt.db.on_saved = lambda: saved.append(1)
    for n, (who, text) in enumerate(READ_COMMANDS):
        await interpreter.text_once(f"telegram:8{n}", who, _where(who), text)
    assert saved == []  # no commit at all until the answers are recorded as sent
