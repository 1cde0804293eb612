"""A fake Stripe API on 127.0.0.1: Checkout Sessions and Refunds, form-encoded like Stripe's.

The official `stripe` client talks HTTP to it (its api base pointed here), so the bot's requests
are checked as Stripe would: secret key, parameters, idempotency keys (the same key replays the
first answer for 24 hours), a second refund of a payment refused (`charge_already_refunded`). A
driver plays the payer: `pay()` completes a session and POSTs a correctly signed
`checkout.session.completed` event (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`)
to the bot's webhook, as Stripe does.

    async with FakeStripeAPI(api_key="sk_test_x") as api:
        client = stripe_client("sk_test_x", api.base_url)
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

SESSION_MIN = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=24)
KEYS_KEPT = timedelta(hours=24)  # Stripe forgets an idempotency key after 24 hours
LEEWAY = timedelta(seconds=30)


class StripeError(Exception):
    """An error answered the way Stripe does: status, type, message, param."""

    def __init__(
        self, status: int, kind: str, message: str, param: str = "", code: str = ""
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.param = status, kind, message, param
        self.code = code


def unflatten(form: dict[str, str]) -> dict[str, Any]:
    """`line_items[0][price_data][currency]=eur` back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for flat, value in form.items():
        parts = flat.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    """Dicts keyed 0, 1, … become lists (Stripe's array encoding)."""
    if not isinstance(node, dict):
        return node
    fixed = {key: _lists(value) for key, value in node.items()}
    if fixed and all(key.isdigit() for key in fixed):
        return [fixed[key] for key in sorted(fixed, key=int)]
    return fixed


def signature(secret: str, payload: bytes, at: int) -> str:
    """Stripe's webhook signature header for a payload sent at `at` (seconds)."""
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


class FakeStripeAPI:
    """Checkout Sessions, Refunds and a payer who completes sessions through the webhook."""

    def __init__(self, api_key: str, now: Callable[[], datetime] | None = None) -> None:
        self.api_key = api_key
        self.now = now or (lambda: datetime.now(UTC))
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []  # method, path, params
        self.idempotent: dict[str, tuple[int, dict[str, Any]]] = {}
        self.keyed_at: dict[str, datetime] = {}  # when each idempotency key was first used
        self.fail_refunds = 0  # the next n refund calls answer 500 (an outage)
        self.fail_sessions = 0  # the next n session creations answer 500
        self.refund_gate: asyncio.Event | None = None  # refund calls wait for it while set
        self.refunds_held = 0  # refund calls waiting at the gate
        self.events: list[bytes] = []  # every event body sent to the webhook
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> FakeStripeAPI:
        app = web.Application()
        app.router.add_post("/v1/checkout/sessions", self._create_session)
        app.router.add_get("/v1/checkout/sessions/{id}", self._get_session)
        app.router.add_post("/v1/refunds", self._create_refund)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    async def _call(
        self, request: web.Request, act: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> web.Response:
        """Auth, form decoding, idempotency and Stripe's error shape around one endpoint."""
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(StripeError(401, "invalid_request_error", "Invalid API Key provided"))
        params = unflatten(dict(await request.post())) if request.method == "POST" else {}
        self.requests.append((request.method, request.path, params))
        key = request.headers.get("Idempotency-Key")
        if key and key in self.keyed_at and self.now() - self.keyed_at[key] > KEYS_KEPT:
            del self.idempotent[key], self.keyed_at[key]  # pruned: the key is new again
        if key and key in self.idempotent:
            status, body = self.idempotent[key]
            return web.json_response(body, status=status, headers={"Idempotent-Replayed": "true"})
        try:
            body, status = act(params), 200
        except StripeError as error:
            return _error(error)
        if key:
            self.idempotent[key] = (status, body)
            self.keyed_at[key] = self.now()
        return web.json_response(body, status=status)

    async def _create_session(self, request: web.Request) -> web.Response:
        return await self._call(request, self.create_session)

    async def _get_session(self, request: web.Request) -> web.Response:
        def read(_: dict[str, Any]) -> dict[str, Any]:
            session = self.sessions.get(request.match_info["id"])
            if session is None:
                raise StripeError(404, "invalid_request_error", "No such checkout.session", "id")
            return session

        return await self._call(request, read)

    async def _create_refund(self, request: web.Request) -> web.Response:
        if self.refund_gate is not None:  # a slow Stripe: the test decides when it answers
            self.refunds_held += 1
            await self.refund_gate.wait()
        return await self._call(request, self.create_refund)

    def create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validate like Stripe (mode, one priced line, expiry window) and open a session."""
        if self.fail_sessions > 0:
            self.fail_sessions -= 1
            raise StripeError(500, "api_error", "An error occurred on Stripe's side")
        if params.get("mode") != "payment":
            raise StripeError(400, "invalid_request_error", "mode must be payment", "mode")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeError(400, "invalid_request_error", "line_items required", "line_items")
        total, currency = 0, ""
        for item in items:
            price = item.get("price_data") or {}
            currency = str(price.get("currency", ""))
            if len(currency) != 3 or currency != currency.lower():
                raise StripeError(400, "invalid_request_error", "bad currency", "currency")
            unit, quantity = int(price.get("unit_amount", -1)), int(item.get("quantity", 0))
            if unit < 1 or quantity < 1 or not (price.get("product_data") or {}).get("name"):
                raise StripeError(400, "invalid_request_error", "bad line item", "line_items")
            total += unit * quantity
        expires = datetime.fromtimestamp(int(params.get("expires_at", 0)), UTC)
        now = self.now()
        if not now + SESSION_MIN - LEEWAY <= expires <= now + SESSION_MAX + LEEWAY:
            raise StripeError(400, "invalid_request_error", "expires_at out of range", "expires_at")
        session_id = self._new_id("cs")
        session = {
            "id": session_id, "object": "checkout.session", "mode": "payment",
            "url": f"{self.base_url}/pay/{session_id}", "status": "open",
            "payment_status": "unpaid", "payment_intent": None,
            "amount_total": total, "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {}, "expires_at": int(expires.timestamp()),
            "shipping_address_collection": params.get("shipping_address_collection"),
            "line_items_sent": items,
        }  # fmt: skip
        self.sessions[session_id] = session
        return session

    def create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        """Refund a paid payment intent in full (once: a second refund is refused)."""
        if self.fail_refunds > 0:
            self.fail_refunds -= 1
            raise StripeError(500, "api_error", "An error occurred on Stripe's side")
        intent = params.get("payment_intent", "")
        paid = [s for s in self.sessions.values() if s["payment_intent"] == intent]
        if not paid:
            raise StripeError(
                400, "invalid_request_error", "No such payment_intent", "payment_intent"
            )
        if any(r["payment_intent"] == intent for r in self.refunds.values()):
            raise StripeError(
                400,
                "invalid_request_error",
                f"Charge for {intent} has already been refunded.",
                "payment_intent",
                "charge_already_refunded",
            )
        refund = {
            "id": self._new_id("re"), "object": "refund", "status": "succeeded",
            "payment_intent": intent, "amount": paid[0]["amount_total"],
            "currency": paid[0]["currency"], "metadata": params.get("metadata") or {},
        }  # fmt: skip
        self.refunds[refund["id"]] = refund
        return refund

    def complete(self, session_id: str, **changes: Any) -> dict[str, Any]:
        """The payer paid on the Checkout page: the session is complete, with a payment intent."""
        session = self.sessions[session_id]
        intent = session["payment_intent"] or self._new_id("pi")
        session.update(status="complete", payment_status="paid", payment_intent=intent)
        session.update(changes)
        return session

    def event(self, kind: str, session: dict[str, Any]) -> bytes:
        """An event body as Stripe sends it."""
        return json.dumps({
            "id": self._new_id("evt"), "object": "event", "type": kind, "livemode": False,
            "created": int(self.now().timestamp()), "api_version": "2025-01-27",
            "data": {"object": session},
        }).encode()  # fmt: skip

    async def send(self, url: str, body: bytes, signed_with: str | None) -> int:
        """POST an event body to the webhook, signed with `signed_with` (None: unsigned)."""
        self.events.append(body)
        headers = {"Content-Type": "application/json"}
        if signed_with is not None:
            headers["Stripe-Signature"] = signature(signed_with, body, int(time.time()))
        async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
            return r.status

    async def pay(self, session_id: str, url: str, secret: str, **changes: Any) -> int:
        """Complete the session and deliver `checkout.session.completed`; the webhook's status."""
        session = self.complete(session_id, **changes)
        return await self.send(url, self.event("checkout.session.completed", session), secret)

    def session_for(self, reference: str) -> dict[str, Any]:
        """The newest session made for a pledge reference."""
        made = [s for s in self.sessions.values() if s["client_reference_id"] == reference]
        return made[-1]


def _error(error: StripeError) -> web.Response:
    """Stripe's error body."""
    body = {"error": {"type": error.kind, "message": error.message, "param": error.param}}
    if error.code:
        body["error"]["code"] = error.code
    return web.json_response(body, status=error.status)
