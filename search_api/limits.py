"""Request limits as pure ASGI middleware: a body limit that holds for every transfer
encoding, and a per-client limit on searches and cross-checks.

The body limit counts bytes as they arrive (a chunked body has no Content-Length to check:
a probe sent 300 MB that way and took the server from 1.07 to 2.5 GB) and answers 413 as soon
as the count passes `MAX_BODY_BYTES`; a body that does not arrive within `BODY_TIMEOUT_S`
gets 408. The body is read before the application runs and handed to it from memory, so no
route ever sees more than the limit.

The client limit keeps, per client address, the requests in flight and a token bucket:
past `client_concurrency` in flight, or past `client_rate_per_s` sustained (with
`client_burst` on top), the answer is 429 with `Retry-After`. A maximal search batch cost
3.8 s of server time and 16 at once pushed single searches to 2.1 s; this bounds what one
client can hold. Behind a reverse proxy run uvicorn with `--proxy-headers` so the client
address is the user's, not the proxy's.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LIMITED_PATHS = ("/search", "/compare", "/compare/matrix")
"""The endpoints whose cost depends on the request (the model and the index run for them)."""
MAX_TRACKED_CLIENTS = 10_000
"""Idle client records are dropped past this many, so the table itself stays small."""


async def send_json(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    """A complete JSON error response `{"detail": ...}`; the connection closes after it."""
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(b"connection", b"close")] + [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 past `max_bytes` of request body (counted as it arrives), 408 past `timeout_s`."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await send_json(send, 413, f"request body over {self.max_bytes} bytes")
            return
        try:
            messages = await asyncio.wait_for(self._read(receive), self.timeout_s)
        except _TooLarge:
            await send_json(send, 413, f"request body over {self.max_bytes} bytes")
            return
        except TimeoutError:
            await send_json(send, 408, f"the request body did not arrive within {self.timeout_s:g} s")
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _read(self, receive: Receive) -> list[Message]:
        """Every message of the body, up to the limit; a disconnect ends the reading."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                raise _TooLarge
            if not message.get("more_body", False):
                return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


@dataclass
class ClientBudget:
    """What one client address may do; `rate_per_s` 0 switches the rate limit off."""

    concurrency: int
    rate_per_s: float
    burst: int


@dataclass
class _Client:
    in_flight: int
    tokens: float
    stamp: float


class ClientLimits:
    """429 with Retry-After past a client's concurrency or rate on `LIMITED_PATHS`."""

    def __init__(self, app: ASGIApp, budget: ClientBudget, paths: tuple[str, ...] = LIMITED_PATHS) -> None:
        self.app = app
        self.budget = budget
        self.paths = paths
        self.clients: dict[str, _Client] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        client = self._client(address)
        refusal = self._refusal(client)
        if refusal is not None:
            detail, retry_after = refusal
            await send_json(send, 429, detail, {"retry-after": str(retry_after)})
            return
        client.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            client.in_flight -= 1

    def _client(self, address: str) -> _Client:
        now = time.monotonic()
        client = self.clients.get(address)
        if client is None:
            if len(self.clients) >= MAX_TRACKED_CLIENTS:
                self.clients = {k: c for k, c in self.clients.items() if c.in_flight}
            client = self.clients[address] = _Client(0, float(self.budget.burst), now)
        elif self.budget.rate_per_s > 0:
            refill = (now - client.stamp) * self.budget.rate_per_s
            client.tokens = min(float(self.budget.burst), client.tokens + refill)
        client.stamp = now
        return client

    def _refusal(self, client: _Client) -> tuple[str, int] | None:
        """(message, seconds to wait) when the request must wait; None lets it through."""
        if client.in_flight >= self.budget.concurrency:
            return f"too many requests in progress from this client (at most {self.budget.concurrency})", 1
        if self.budget.rate_per_s > 0:
            if client.tokens < 1:
                wait = math.ceil((1 - client.tokens) / self.budget.rate_per_s)
                return f"too many requests from this client (at most {self.budget.rate_per_s:g} per second)", wait
            client.tokens -= 1
        return None
