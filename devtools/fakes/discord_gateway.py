"""Fake Discord gateway: HELLO/IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME, zlib-stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from devtools.fakes.discord_models import new_token
from devtools.fakes.discord_state import DiscordState

try:  # discord.py asks for zstd-stream when `zstandard` is importable; mirror that.
    import zstandard
except ImportError:  # pragma: no cover - depends on the environment
    zstandard = None

INTENT_MEMBERS = 1 << 1
INTENT_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_MEMBERS | INTENT_PRESENCES | INTENT_MESSAGE_CONTENT
# Application flags that say which privileged intents are enabled.
APP_FLAG_FOR_INTENT = {
    INTENT_PRESENCES: 1 << 12,
    INTENT_MEMBERS: 1 << 14,
    INTENT_MESSAGE_CONTENT: 1 << 18,
}
# Client close codes after which Discord forgets the session.
SESSION_ENDING_CLOSES = (1000, 1001)


def dumps(payload: Any) -> str:
    """Serialise compactly, as Discord does."""
    return json.dumps(payload, separators=(",", ":"))


def guild_of(event: str, data: Any) -> int | None:
    """The guild an event belongs to (its guild_id, or the guild itself for GUILD_* events)."""
    if not isinstance(data, dict):
        return None
    if data.get("guild_id") is not None:
        return int(data["guild_id"])
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") and data.get("id"):
        return int(data["id"])
    return None


@dataclass
class GatewaySession:
    """A resumable session: its sequence counter and the events a RESUME may replay."""

    id: str
    intents: int
    seq: int = 0
    buffer: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=5000))
    conn: GatewayConnection | None = None
    shard: tuple[int, int] | None = None  # (shard id, shard count) from IDENTIFY

    def serves(self, guild_id: int | None) -> bool:
        """Discord's rule: a guild's events go to shard (guild_id >> 22) % count; events
        outside any guild (DMs) to shard 0."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return (0 if guild_id is None else (guild_id >> 22) % count) == shard_id

    def frame(self, event: str, data: Any) -> str:
        """Number one dispatch and remember it for replay."""
        self.seq += 1
        text = dumps({"op": 0, "t": event, "s": self.seq, "d": data})
        self.buffer.append((self.seq, text))
        return text


class GatewayConnection:
    """One websocket; a writer task drains an ordered queue so dispatch() can stay synchronous."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.session: GatewaySession | None = None
        self.closed_by_server = False
        self._queue: asyncio.Queue[str | int] = asyncio.Queue()
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = (
            zstandard.ZstdCompressor().compressobj()
            if compress == "zstd-stream" and zstandard is not None
            else None
        )
        self._writer = asyncio.create_task(self._write_loop())

    def send(self, text: str) -> None:
        """Queue one text payload."""
        self._queue.put_nowait(text)

    def send_op(self, op: int, data: Any) -> None:
        """Queue a non-dispatch opcode."""
        self.send(dumps({"op": op, "d": data}))

    def close(self, code: int) -> None:
        """Queue a server-side close after everything already queued."""
        self.closed_by_server = True
        self._queue.put_nowait(code)

    async def wait_closed(self) -> None:
        """Wait until the writer has finished (socket closed or broken)."""
        await asyncio.shield(self._writer)

    def cancel(self) -> None:
        """Stop the writer when the socket is gone."""
        self._writer.cancel()

    async def _write_loop(self) -> None:
        """Encode (zlib-stream / zstd-stream / text) and send in order."""
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, int):
                    await self.ws.close(code=item, message=b"fake gateway close")
                    return
                if self._zlib is not None:
                    raw = self._zlib.compress(item.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(raw)
                elif self._zstd is not None:
                    flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK
                    await self.ws.send_bytes(
                        self._zstd.compress(item.encode()) + self._zstd.flush(flush)
                    )
                else:
                    await self.ws.send_str(item)
            except Exception:  # socket went away: nothing more to deliver
                return


class GatewayHub:
    """Accepts gateway connections, keeps sessions and fans dispatches out to them."""

    def __init__(
        self,
        state: DiscordState,
        *,
        token: str,
        heartbeat_interval: float,
        allowed_intents: int | None,
        url: Callable[[], str],
    ) -> None:
        self.state = state
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.allowed_intents = allowed_intents
        self._url = url
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.connection_count = 0
        self.heartbeat_count = 0
        self.close_codes: list[int | None] = []
        self.connect_params: list[dict[str, str]] = []
        self.fail_identify_left = 0
        self.fail_identify_code = 4000
        self.fail_connect_left = 0
        self.fail_connect_status = 503
        self.ready = asyncio.Event()

    @property
    def application_flags(self) -> int:
        """Flags telling discord.py which privileged intents the app has enabled."""
        allowed = PRIVILEGED_INTENTS if self.allowed_intents is None else self.allowed_intents
        return sum(flag for bit, flag in APP_FLAG_FOR_INTENT.items() if allowed & bit)

    # ---------------------------------------------------------------- test-facing
    def dispatch(self, event: str, data: Any) -> int:
        """Send a DISPATCH to every live session of the event's shard (buffered for RESUME if
        disconnected); the number of sessions it went to."""
        guild_id = guild_of(event, data)
        sessions = [s for s in self.sessions.values() if s.serves(guild_id)]
        for session in sessions:
            text = session.frame(event, data)
            if session.conn is not None:
                session.conn.send(text)
        return len(sessions)

    async def disconnect(self, code: int = 4000) -> None:
        """Drop every connection with `code`; sessions stay resumable."""
        conns = list(self.connections)
        for conn in conns:
            conn.close(code)
        for conn in conns:
            await conn.wait_closed()

    def send_reconnect(self) -> None:
        """Ask every client to reconnect and resume (op 7)."""
        for conn in self.connections:
            conn.send_op(7, None)

    def invalidate_sessions(self) -> None:
        """Forget all sessions so the next RESUME gets INVALID_SESSION."""
        self.sessions.clear()

    async def close_all(self) -> None:
        """Shut down every connection (server stop)."""
        await self.disconnect(1001)

    # ---------------------------------------------------------------- websocket
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one gateway websocket connection."""
        if self.fail_connect_left > 0:
            self.fail_connect_left -= 1
            return web.Response(status=self.fail_connect_status, text="gateway unavailable")
        compress = request.query.get("compress")
        self.connect_params.append(dict(request.query))
        ws = web.WebSocketResponse(max_msg_size=0, compress=False)
        await ws.prepare(request)
        self.connection_count += 1
        conn = GatewayConnection(ws, compress)
        self.connections.add(conn)
        if request.query.get("encoding", "json") != "json" or (
            compress == "zstd-stream" and zstandard is None
        ):
            conn.close(4002)
        else:
            interval = int(self.heartbeat_interval * 1000)
            conn.send_op(10, {"heartbeat_interval": interval, "_trace": ["fake-gateway"]})
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    conn.close(4002)
                    continue
                self._on_payload(conn, payload)
        finally:
            self.connections.discard(conn)
            self.close_codes.append(ws.close_code)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if not conn.closed_by_server and ws.close_code in SESSION_ENDING_CLOSES:
                    self.sessions.pop(session.id, None)
            if conn.closed_by_server:  # let the writer finish its close handshake
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(conn.wait_closed(), 1.0)
            conn.cancel()
        return ws

    def _on_payload(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        """Route one client opcode."""
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            self.heartbeat_count += 1
            conn.send_op(11, None)
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif conn.session is None:
            conn.close(4003)  # Not authenticated
        elif op == 8:
            self._request_members(conn, data or {})
        elif op not in (3, 4):
            conn.close(4001)  # Unknown opcode

    def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        """Answer IDENTIFY with READY then one GUILD_CREATE per guild."""
        self.identify_count += 1
        if conn.session is not None:
            conn.close(4005)  # Already authenticated
            return
        if self.fail_identify_left > 0:
            self.fail_identify_left -= 1
            conn.close(self.fail_identify_code)
            return
        if str(data.get("token", "")).removeprefix("Bot ") != self.token:
            conn.close(4004)  # Authentication failed
            return
        shard = data.get("shard")
        if shard is not None and not (
            isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]
        ):
            conn.close(4010)  # Invalid shard
            return
        intents = int(data.get("intents", 0))
        allowed = PRIVILEGED_INTENTS if self.allowed_intents is None else self.allowed_intents
        if intents & PRIVILEGED_INTENTS & ~allowed:
            conn.close(4014)  # Disallowed intent(s)
            return
        for old_id in [s.id for s in self.sessions.values() if s.conn is None]:
            del self.sessions[old_id]
        session = GatewaySession(new_token("sess"), intents, conn=conn,
                                 shard=None if shard is None else (shard[0], shard[1]))  # fmt: skip
        self.sessions[session.id] = session
        conn.session = session
        state = self.state
        guilds = [gid for gid in state.bot_guilds() if session.serves(gid)]
        ready = {
            "v": 10,
            "user": state.me_payload(),
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._url(),
            "application": {"id": str(state.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake-gateway"],
        }
        if session.shard is not None:  # READY names the shard of a sharded session
            ready["shard"] = list(session.shard)
        conn.send(session.frame("READY", ready))
        members = bool(intents & INTENT_MEMBERS)
        for gid in guilds:
            payload = state.guild_payload(gid, gateway=True, members=members)
            conn.send(session.frame("GUILD_CREATE", payload))
        self.ready.set()

    def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        """Replay missed events then RESUMED, or INVALID_SESSION when that is impossible."""
        self.resume_count += 1
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        token_ok = str(data.get("token", "")).removeprefix("Bot ") == self.token
        oldest = session.buffer[0][0] if session and session.buffer else 1
        if session is None or not token_ok or seq < oldest - 1:
            conn.send_op(9, False)
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.close(4000)
        session.conn = conn
        conn.session = session
        for s, text in session.buffer:
            if s > seq:
                conn.send(text)
        conn.send(session.frame("RESUMED", {"_trace": ["fake-gateway"]}))

    def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        """Answer REQUEST_GUILD_MEMBERS with one GUILD_MEMBERS_CHUNK."""
        assert conn.session is not None
        guild = self.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        user_ids = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0)
        chosen = []
        for uid in guild.members:
            name = self.state.users[uid].username.lower()
            if (user_ids and uid not in user_ids) or (not user_ids and not name.startswith(query)):
                continue
            chosen.append(self.state.member_payload(guild.id, uid))
            if limit and len(chosen) >= limit:
                break
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": chosen,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in user_ids if u not in guild.members],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        conn.send(conn.session.frame("GUILD_MEMBERS_CHUNK", chunk))
