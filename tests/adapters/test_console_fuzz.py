"""Nothing a member types can crash the bot: random commands always get an answer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.i18n import render
from core.commands.registry import REGISTRY
from core.ports import Actor, ChatKind, ChatRef
from tests.conftest import ConsoleWorld

NAMES = [*sorted(REGISTRY), "", "x", "join@other_bot", "JOIN"]
WORDS = st.one_of(
    st.sampled_from(["1", "#1", "0", "-1", "99999999999", "1:100", "50:90", "14d", "min=5",
                     "cap=0", "per=9", "79€", "1e3", "<b>", "@everyone", "wave_1", "idea_x"]),
    st.text(max_size=12),
)  # fmt: skip
MEMBER = Actor("console:fuzzer", "Fuzzer")
OWNER = Actor("console:owner", "Owner")
CHAT = ChatRef("console", "fuzzer", ChatKind.PRIVATE)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    who=st.sampled_from([MEMBER, OWNER]),
    name=st.sampled_from(NAMES),
    words=st.lists(WORDS, max_size=5),
)
async def test_random_commands_always_get_a_rendered_answer(
    world: ConsoleWorld, who: Actor, name: str, words: list[str]
) -> None:
    answer = await world.rt.interpreter.handle_text(who, CHAT, f"/{name} {' '.join(words)}")
    assert answer is not None and answer.replies
    for reply in answer.replies:
        text = "\n".join(render(part, answer.lang) for part in reply.body)
        assert text.strip()
        assert "went wrong on our side" not in text, text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.text(max_size=80))
async def test_forged_button_payloads_are_refused_politely(world: ConsoleWorld, data: str) -> None:
    answer = await world.rt.interpreter.handle_action(MEMBER, CHAT, data)
    assert answer.replies
    text = render(answer.replies[0].body[0], answer.lang)
    assert "went wrong on our side" not in text, text
