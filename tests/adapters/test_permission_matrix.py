"""Who may run each moderator command (issue 12, point 5), asked of the platform at the moment of
the action: every moderator command × six kinds of person × two platforms.

A moderator is an admin of the registered moderation chat; being one gives no say over a group
where one is a plain member (subscriptions need admin rights in that very chat, or an owner).
"""

from __future__ import annotations

import pytest

from core.commands.registry import REGISTRY
from core.ports import Actor, ChatKind, ChatRef
from core.services import community
from tests.conftest import ConsoleWorld

PLATFORMS = ("telegram", "discord")
GROUP, MODS, ELSEWHERE = "group-here", "moderation-chat", "some-other-group"
ROLES = {  # user id → the chats that person administers
    "owner": set(),
    "moderator": {MODS},
    "moderator-and-admin-here": {MODS, GROUP},
    "admin-here-only": {GROUP},
    "admin-of-an-unregistered-chat": {ELSEWHERE},
    "member": set(),
}
SAMPLE_ARGS = {"approve": "1", "reject": "1 dup", "merge": "1 2", "launch": "1 1:10 5:8 3d",
               "close": "1", "cancel": "1 why", "extend": "1 2d", "export": "1", "stats": "",
               "ban": "someone", "unban": "someone", "relaunch": "1", "pending": "",
               "subscribe": "", "unsubscribe": "", "modchat": "", "paid": "1 #1",
               "unpaid": "1 #1", "refunds": "", "refunded": "1 #1",
               "payhow": "IBAN FR76 0000, reference: wave and member number",
               "shipping": "1 name address", "ship": "1 Colissimo 6A123",
               "delivered": "1", "suppliers": "", "offers": "1"}  # fmt: skip
# /stats is open to suppliers for its categories view: its other views check in their services;
# /ship and /delivered are also the wave's maker's (suppliers), decided in the service.
CHECKED_IN_SERVICES = {"stats", "ship", "delivered"}
MODERATOR_COMMANDS = sorted(
    {spec.name for spec in REGISTRY.values() if spec.moderator} | CHECKED_IN_SERVICES
)
REFUSALS = {"error.not_moderator", "error.not_owner", "error.not_group_admin"}


class ChatAdmins:
    """The platform's answer to 'is this user an admin of that chat?', per chat."""

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Whatever ROLES says, right now."""
        return chat_id in ROLES.get(user_id, set())


def expected(command: str, role: str) -> str | None:
    """The refusal this person gets, or None when the command is theirs to run."""
    if role == "owner":
        return None
    if command == "modchat":
        return "error.not_owner"
    if not role.startswith("moderator"):
        return "error.not_moderator"
    if command in ("subscribe", "unsubscribe") and role == "moderator":
        return "error.not_group_admin"
    return None


@pytest.fixture(name="community_of")
async def community_fixture(world: ConsoleWorld) -> ConsoleWorld:
    """Owners on both platforms, a registered moderation chat on each, an idea to act on."""
    ctx = world.rt.ctx
    ctx.owners = ctx.owners | {f"{platform}:owner" for platform in PLATFORMS}
    for platform in PLATFORMS:
        ctx.admin_checks[platform] = ChatAdmins()
        owner = Actor(f"{platform}:owner", "Owner")
        await community.register_modchat(ctx, owner, ChatRef(platform, MODS, ChatKind.GROUP))
    await world.person("owner").say("/idea Camping hammock #garden")
    return world


def test_the_matrix_covers_every_moderator_command() -> None:
    assert set(MODERATOR_COMMANDS) == set(SAMPLE_ARGS)
    assert len(MODERATOR_COMMANDS) * len(ROLES) * len(PLATFORMS) >= 190


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("command", MODERATOR_COMMANDS)
async def test_who_may_run_what(
    community_of: ConsoleWorld, platform: str, role: str, command: str
) -> None:
    interpreter = community_of.rt.interpreter
    actor = Actor(f"{platform}:{role}", role.capitalize())
    here = ChatRef(platform, GROUP, ChatKind.GROUP, "Here")
    answer = await interpreter.handle_command(actor, here, command, SAMPLE_ARGS[command])
    keys = [part.key for reply in answer.replies for part in reply.body]
    refusal = expected(command, role)
    if refusal is None:
        assert keys and "error.internal" not in keys, keys
        assert not REFUSALS & set(keys), keys
    else:
        assert keys == [refusal]  # nothing else ran: no usage, no state, no partial effect


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_plain_member_moderator_cannot_route_broadcasts_to_a_group(
    community_of: ConsoleWorld, platform: str
) -> None:
    interpreter = community_of.rt.interpreter
    here = ChatRef(platform, GROUP, ChatKind.GROUP, "Here")
    moderator = Actor(f"{platform}:moderator", "Mo")
    await interpreter.handle_command(moderator, here, "subscribe", "")
    async with community_of.rt.ctx.db.read() as tx:
        assert not [t for t in await tx.all_subscribed_targets() if t.chat_id == GROUP]
    admin_moderator = Actor(f"{platform}:moderator-and-admin-here", "Ada")
    await interpreter.handle_command(admin_moderator, here, "subscribe", "")
    async with community_of.rt.ctx.db.read() as tx:
        assert [t for t in await tx.all_subscribed_targets() if t.chat_id == GROUP]
