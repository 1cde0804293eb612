"""The fake Discord API must fool the real discord.py: gateway, commands, interactions, errors."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.discord_models import (
    LOADING,
    MANAGE_GUILD,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
)

TOKEN = "fake-bot-token"


class GatewayFromApiClient(discord.Client):
    """Resolves the gateway from GET /gateway/bot, as the adapter must (Client never asks)."""

    identifies: list[bool]

    async def setup_hook(self) -> None:
        self.identifies = []
        _, url, _ = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s pause before a re-IDENTIFY so the tests stay fast."""
        self.identifies.append(initial)


@dataclass
class Bot:
    """A running client, its command tree and what its commands observed."""

    client: discord.Client
    tree: app_commands.CommandTree[discord.Client]
    task: asyncio.Task[None]
    errors: list[BaseException] = field(default_factory=list)


@dataclass
class World:
    """A guild with a channel, a moderator (Manage Server) and a plain member."""

    api: FakeDiscordAPI
    guild: FakeGuild
    channel: FakeChannel
    moderator: FakeUser
    member: FakeUser
    mods: FakeRole


def make_client(*, members: bool = True) -> GatewayFromApiClient:
    """A client with a short guild_ready_timeout so on_ready fires fast."""
    intents = discord.Intents.default()
    intents.members = members
    return GatewayFromApiClient(intents=intents, guild_ready_timeout=0.05)


def add_commands(bot: Bot) -> None:
    """Register the slash commands, button view and modal the tests exercise."""
    tree = bot.tree

    class JoinView(discord.ui.View):
        @discord.ui.button(label="Join", custom_id="join:12")
        async def join(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
            await interaction.response.edit_message(content=f"{interaction.user.name} joined")

        @discord.ui.button(label="Leave", custom_id="leave:12")
        async def leave(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content=f"{interaction.user.name} left")

    class Feedback(discord.ui.Modal, title="Feedback"):
        text: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Text", custom_id="text")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"thanks: {self.text.value}")

    @tree.command(description="Pledge for a wave")
    async def join(
        interaction: discord.Interaction,
        wave: int,
        qty: int = 1,
        note: str = "",
        price: float = 0.0,
    ) -> None:
        assert isinstance(interaction.user, discord.Member)
        mod = interaction.user.guild_permissions.manage_guild
        text = f"joined {wave} x{qty} note={note} price={price} mod={mod}"
        await interaction.response.send_message(text)

    @tree.command(description="Find an idea")
    async def find(interaction: discord.Interaction, query: str) -> None:
        await interaction.response.send_message(f"found {query}", ephemeral=True)

    @find.autocomplete("query")
    async def find_query(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["lamp", "ladder", "kettle"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @tree.command(description="Show a wave card")
    async def card(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Wave 12", view=JoinView(timeout=None))

    @tree.command(description="Slow answer")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.35)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as exc:
            bot.errors.append(exc)

    @tree.command(description="Deferred answer")
    async def think(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("later")
        await interaction.edit_original_response(content="done")

    @tree.command(description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())


@contextlib.asynccontextmanager
async def running(client: discord.Client) -> AsyncIterator[Bot]:
    """Start `client` against the fake, wait for on_ready, close it cleanly afterwards."""
    bot = Bot(client, app_commands.CommandTree(client), asyncio.create_task(client.start(TOKEN)))
    add_commands(bot)
    try:
        await wait_until(lambda: client.is_ready() or bot.task.done())
        if bot.task.done():
            bot.task.result()
        yield bot
    finally:
        await client.close()
        await asyncio.wait_for(bot.task, 5)


async def wait_until(predicate: Any, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Poll a condition about the client side."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def fake(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> AsyncIterator[World]:
    """A fake API with one guild, pointed at by discord.py's two global URLs."""
    kwargs.setdefault("heartbeat_interval", 0.5)
    kwargs.setdefault("response_deadline", 0.3)
    async with FakeDiscordAPI(token=TOKEN, **kwargs) as api:
        monkeypatch.setattr(discord.http.Route, "BASE", api.api_url)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
        guild = api.create_guild("Wave makers")
        channel = api.create_channel(guild.id, "general")
        mods = api.create_role(guild.id, "Moderators", permissions=MANAGE_GUILD)
        moderator = api.create_user("mia")
        api.add_member(guild.id, moderator.id, roles=[mods.id])
        member = api.create_user("max")
        api.add_member(guild.id, member.id)
        yield World(api, guild, channel, moderator, member, mods)


@pytest.fixture
async def world(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    """The default fake world (overrides the console `world` of tests/conftest.py here)."""
    async with fake(monkeypatch) as w:
        yield w


@pytest.fixture
async def bot(world: World) -> AsyncIterator[Bot]:
    """A ready client whose command tree is already synced globally."""
    async with running(make_client()) as b:
        await b.tree.sync()
        yield b


async def test_ready_caches_guild_channels_members_over_zlib(bot: Bot, world: World) -> None:
    guild = bot.client.get_guild(world.guild.id)
    assert guild is not None and guild.owner_id == world.guild.owner_id
    channel = guild.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel) and channel.name == "general"
    assert {m.name for m in guild.members} == {"Wave makers-owner", "wavebot", "mia", "max"}
    mia, max_ = guild.get_member(world.moderator.id), guild.get_member(world.member.id)
    assert mia is not None and mia.guild_permissions.manage_guild
    assert max_ is not None and not max_.guild_permissions.manage_guild
    assert bot.client.user is not None and bot.client.user.id == world.api.bot_user_id
    assert bot.client.application_id == world.api.application_id
    params = world.api.gateway.connect_params[0]
    assert params["encoding"] == "json" and params["v"] == "10"
    assert params["compress"] in ("zlib-stream", "zstd-stream")
    assert world.api.identify_count == 1
    assert any(r.route == "/gateway/bot" and r.status == 200 for r in world.api.requests)
    await wait_until(lambda: world.api.gateway.heartbeat_count >= 2)


async def test_sync_records_the_command_tree(bot: Bot, world: World) -> None:
    names = {c["name"] for c in world.api.commands()}
    assert names == {"join", "find", "card", "slow", "think", "feedback"}
    join = world.api.command("join")
    assert join is not None
    assert [(o["name"], o["type"], o.get("required")) for o in join["options"]] == [
        ("wave", 4, True),
        ("qty", 4, False),
        ("note", 3, False),
        ("price", 10, False),
    ]
    find = world.api.command("find")
    assert find is not None and find["options"][0]["autocomplete"] is True
    bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    synced = await bot.tree.sync(guild=discord.Object(world.guild.id))
    assert {c.name for c in synced} == names
    assert len(world.api.commands(world.guild.id)) == 6


async def test_slash_command_reply_is_recorded(bot: Bot, world: World) -> None:
    options = {"wave": 12, "qty": 3, "note": "blue", "price": 79.5}
    handle = await world.api.send_slash_command(
        "join", options, user_id=world.moderator.id, channel_id=world.channel.id
    )
    response = await handle.wait_response()
    assert response["type"] == 4
    assert response["data"]["content"] == "joined 12 x3 note=blue price=79.5 mod=True"
    assert handle.responded_after is not None and handle.responded_after < 3
    message = world.api.last_message(world.channel.id)
    assert message is not None and message.interaction_id == handle.id and message.type == 20
    plain = await world.api.send_slash_command(
        "join", {"wave": 7}, user_id=world.member.id, channel_id=world.channel.id
    )
    assert (await plain.wait_response())["data"]["content"].endswith("mod=False")


async def test_autocomplete_and_ephemeral_reply(bot: Bot, world: World) -> None:
    handle = await world.api.send_autocomplete(
        "find", "query", {"query": "la"}, user_id=world.member.id, channel_id=world.channel.id
    )
    assert (await handle.wait_response())["type"] == 8
    assert [c["value"] for c in handle.choices] == ["lamp", "ladder"]
    reply = await world.api.send_slash_command(
        "find", {"query": "lamp"}, user_id=world.member.id, channel_id=world.channel.id
    )
    await reply.wait_response()
    assert reply.original is not None and reply.original.ephemeral


async def test_button_press_updates_the_message(bot: Bot, world: World) -> None:
    card = await world.api.send_slash_command(
        "card", user_id=world.member.id, channel_id=world.channel.id
    )
    await card.wait_response()
    message = card.original
    assert message is not None and message.content == "Wave 12"
    button = message.components[0]["components"][0]
    assert button["custom_id"] == "join:12" and button["label"] == "Join"
    press = await world.api.press_button(message.id, "join:12", user_id=world.member.id)
    assert (await press.wait_response())["type"] == 7
    assert world.api.message(message.id).content == "max joined"
    assert len(world.api.message(message.id).edits) == 1
    leave = await world.api.press_button(message.id, "leave:12", user_id=world.member.id)
    assert (await leave.wait_response())["type"] == 6
    assert (await leave.wait_original(lambda m: m.content == "max left")).id == message.id


async def test_deferred_reply_followup_and_edit(bot: Bot, world: World) -> None:
    handle = await world.api.send_slash_command(
        "think", user_id=world.member.id, channel_id=world.channel.id
    )
    assert (await handle.wait_response())["type"] == 5
    followups = await handle.wait_followups(1)
    assert followups[0].content == "later"
    original = await handle.wait_original(lambda m: m.content == "done")
    assert not original.flags & LOADING


async def test_modal_submit_reaches_on_submit(bot: Bot, world: World) -> None:
    ask = await world.api.send_slash_command(
        "feedback", user_id=world.member.id, channel_id=world.channel.id
    )
    modal = await ask.wait_response()
    assert modal["type"] == 9 and modal["data"]["title"] == "Feedback"
    submit = await world.api.submit_modal(
        modal["data"]["custom_id"],
        {"text": "great"},
        user_id=world.member.id,
        channel_id=world.channel.id,
    )
    assert (await submit.wait_response())["data"]["content"] == "thanks: great"


async def test_late_and_double_answers_get_discord_errors(bot: Bot, world: World) -> None:
    late = await world.api.send_slash_command(
        "slow", user_id=world.member.id, channel_id=world.channel.id
    )
    await wait_until(lambda: bool(bot.errors))
    error = bot.errors[0]
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert late.response is None and late.errors[0]["code"] == 10062
    quick = await world.api.send_slash_command(
        "join", {"wave": 1}, user_id=world.member.id, channel_id=world.channel.id
    )
    await quick.wait_response()
    url = f"{world.api.api_url}/interactions/{quick.id}/{quick.token}/callback"
    async with aiohttp.ClientSession() as http, http.post(url, json={"type": 4}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060
    assert [code for _, code in world.api.interaction_errors] == [10062, 40060]


async def test_send_records_allowed_mentions_embeds_and_dms(bot: Bot, world: World) -> None:
    channel = bot.client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    embed = discord.Embed(title="Wave 12", description="50 pledged")
    sent = await channel.send(
        "@everyone 50!", embed=embed, allowed_mentions=discord.AllowedMentions.none()
    )
    recorded = world.api.message(sent.id)
    assert recorded.allowed_mentions == {"parse": []}
    assert recorded.embeds[0]["title"] == "Wave 12" and recorded.content == "@everyone 50!"
    await sent.edit(content="60!")
    assert recorded.content == "60!" and recorded.edits[0]["content"] == "60!"
    await sent.delete()
    assert world.api.messages(world.channel.id) == []
    user = await bot.client.fetch_user(world.member.id)
    dm = await user.send("your wave closed")
    assert world.api.message(dm.id).channel_id == world.api.open_dm(world.member.id).id


async def test_file_upload_is_recorded_and_served(bot: Bot, world: World) -> None:
    channel = bot.client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    data = b"member,qty\nmax,2\n"
    sent = await channel.send("export", file=discord.File(io.BytesIO(data), "wave.csv"))
    recorded = world.api.message(sent.id)
    assert recorded.files[0].data == data and recorded.attachments[0]["filename"] == "wave.csv"
    assert await sent.attachments[0].read() == data


async def test_429_is_retried_transparently(bot: Bot, world: World) -> None:
    path = f"/channels/{world.channel.id}/messages"
    world.api.rate_limit_next("POST", path, retry_after=0.2)
    channel = bot.client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    started = time.monotonic()
    await channel.send("after the limit")
    assert time.monotonic() - started >= 0.2
    assert [r.status for r in world.api.requests if r.path == path] == [429, 200]
    assert world.api.last_message(world.channel.id) is not None


async def test_forbidden_and_not_found_surface_as_discord_errors(bot: Bot, world: World) -> None:
    hidden = world.api.create_channel(world.guild.id, "staff", bot_can_view=False)
    mute = world.api.create_channel(world.guild.id, "news", bot_can_send=False)
    blocker = world.api.create_user("blocker", accepts_dms=False)
    await wait_until(lambda: bot.client.get_channel(mute.id) is not None)
    with pytest.raises(discord.Forbidden) as denied:
        await bot.client.http.send_message(hidden.id, params=_params("hi"))
    assert denied.value.code == 50001 and denied.value.text == "Missing Access"
    mute_channel = bot.client.get_channel(mute.id)
    assert isinstance(mute_channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as no_send:
        await mute_channel.send("hi")
    assert no_send.value.code == 50013
    user = await bot.client.fetch_user(blocker.id)
    with pytest.raises(discord.Forbidden) as blocked:
        await user.send("hello")
    assert blocked.value.code == 50007
    with pytest.raises(discord.NotFound) as missing:
        await bot.client.fetch_channel(123)
    assert missing.value.code == 10003


def _params(content: str) -> Any:
    """Message parameters for a raw HTTPClient.send_message call."""
    return discord.http.handle_message_parameters(content=content)


async def test_rate_limits_are_enforced_and_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    async with fake(monkeypatch, rate_limits=True, channel_limit=(5, 0.4)) as world:
        api = world.api
        other = api.create_channel(world.guild.id, "other")
        url = f"{api.api_url}/channels/{other.id}/messages"
        auth = {"Authorization": f"Bot {TOKEN}"}
        async with aiohttp.ClientSession(headers=auth) as http:
            answers = await asyncio.gather(*(_post(http, url) for _ in range(8)))
        assert sorted(status for status, _, _ in answers) == [200] * 5 + [429] * 3
        _, headers, body = next(a for a in answers if a[0] == 429)
        assert body["global"] is False and body["retry_after"] > 0
        assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Scope"] == "user"
        assert headers["Via"] and "X-RateLimit-Reset-After" in headers
        assert api.limit_violations == 3
        async with running(make_client()) as bot:
            channel = bot.client.get_channel(world.channel.id)
            assert isinstance(channel, discord.TextChannel)
            started = time.monotonic()
            await asyncio.gather(*(channel.send(f"m{i}") for i in range(7)))
            assert time.monotonic() - started >= 0.3
            assert len(api.messages(world.channel.id)) == 7
            assert api.limit_violations == 3  # discord.py waited on the headers: no new 429
        await asyncio.sleep(1.0)
        async with aiohttp.ClientSession(headers=auth) as http:
            me = f"{api.api_url}/users/@me"
            answers = await asyncio.gather(*(_get(http, me) for _ in range(60)))
        limited = [a for a in answers if a[0] == 429]
        assert limited and all(a[2]["global"] is True for a in limited)
        assert limited[0][1]["X-RateLimit-Global"] == "true"


async def _post(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, str], Any]:
    """POST a message and return status, headers and JSON body."""
    async with http.post(url, json={"content": "x"}) as resp:
        return resp.status, dict(resp.headers), await resp.json()


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, str], Any]:
    """GET and return status, headers and JSON body."""
    async with http.get(url) as resp:
        return resp.status, dict(resp.headers), await resp.json()


async def test_gateway_drop_resumes_and_replays_missed_events(bot: Bot, world: World) -> None:
    await world.api.disconnect_clients(4000)
    role = world.api.create_role(world.guild.id, "Buyers")
    await wait_until(lambda: world.api.resume_count == 1 and world.api.connection_count == 2)
    guild = bot.client.get_guild(world.guild.id)
    assert guild is not None
    await wait_until(lambda: guild.get_role(role.id) is not None)
    assert world.api.identify_count == 1
    handle = await world.api.send_slash_command(
        "join", {"wave": 3}, user_id=world.member.id, channel_id=world.channel.id
    )
    assert (await handle.wait_response())["type"] == 4


async def test_world_changes_reach_the_client_cache(bot: Bot, world: World) -> None:
    guild = bot.client.get_guild(world.guild.id)
    assert guild is not None
    world.api.set_member_roles(world.guild.id, world.moderator.id, [])
    member = guild.get_member(world.moderator.id)
    assert member is not None
    await wait_until(lambda: not member.guild_permissions.manage_guild)
    payload = {"guild_id": str(world.guild.id), "role_id": str(world.mods.id)}
    assert world.api.dispatch("GUILD_ROLE_DELETE", payload) == 1
    await wait_until(lambda: guild.get_role(world.mods.id) is None)
    fresh = world.api.create_channel(world.guild.id, "waves")
    await wait_until(lambda: bot.client.get_channel(fresh.id) is not None)
    world.api.remove_bot(world.guild.id)
    await wait_until(lambda: bot.client.get_guild(world.guild.id) is None)
    with pytest.raises(discord.Forbidden) as gone:
        await bot.client.http.send_message(world.channel.id, params=_params("still here?"))
    assert gone.value.code == 50001


async def test_refused_reconnect_backs_off_then_resumes(bot: Bot, world: World) -> None:
    world.api.fail_connect(1)
    await world.api.disconnect_clients(4000)
    await wait_until(lambda: world.api.resume_count == 1)
    assert world.api.connection_count == 2  # the refused handshake is not a connection
    assert world.api.gateway.fail_connect_left == 0 and world.api.identify_count == 1


async def test_failed_identify_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    async with fake(monkeypatch) as world:
        world.api.fail_identify(2)
        async with running(make_client()) as bot:
            assert bot.client.get_guild(world.guild.id) is not None
            assert world.api.identify_count == 3
            assert isinstance(bot.client, GatewayFromApiClient)
            assert bot.client.identifies == [True, False, False]


async def test_fatal_gateway_errors_stop_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    async with fake(monkeypatch, allowed_intents=0) as world:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await _start_and_close(make_client(members=True), TOKEN)
        world.api.fail_identify(1, close_code=4004)
        with pytest.raises(discord.ConnectionClosed) as closed:
            await _start_and_close(make_client(members=False), TOKEN)
        assert closed.value.code == 4004
        with pytest.raises(discord.LoginFailure):
            await _start_and_close(make_client(), "wrong-token")
        assert world.api.identify_count == 2


async def _start_and_close(client: discord.Client, token: str) -> None:
    """Run client.start expecting it to fail, and always release its HTTP session."""
    try:
        await asyncio.wait_for(client.start(token), 5)
    finally:
        await client.close()


async def test_unknown_route_and_missing_auth(world: World) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{world.api.api_url}/nope", headers=_auth()) as resp:
            assert resp.status == 404
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
            assert resp.headers["Content-Type"] == "application/json"
        async with http.get(f"{world.api.api_url}/users/@me") as resp:
            assert resp.status == 401 and (await resp.json())["code"] == 0


def _auth() -> dict[str, str]:
    """The bot Authorization header."""
    return {"Authorization": f"Bot {TOKEN}"}


async def test_clean_shutdown_ends_the_session(world: World) -> None:
    async with running(make_client()) as bot:
        assert world.api.gateway.sessions
    assert bot.task.done() and bot.task.exception() is None
    await wait_until(lambda: not world.api.gateway.connections)
    # discord.py's reader closes first with 4000, so the session stays resumable (as on Discord).
    assert world.api.gateway.close_codes == [4000]
    assert world.api.server_errors == []
