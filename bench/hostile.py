"""Hostile mix for `bench.load --hostile` (loopback only, bounded in count and time).

Beside the normal searches of `bench.load` (one client per worker, 127.0.1.N) it runs, each from its own
loopback address so per-client limits apply to it alone:

- 127.0.0.2 maximal legal batches: 20 queries, as many characters and results as the batch
  bounds allow, several in flight (expects 200 or 429);
- 4 clients (127.0.3.N) sending oversize bodies: 2 MB each, chunked without Content-Length
  (expects 413 before the body ends);
- 8 clients (127.0.4.N) with slow bodies trickling in a few bytes a second (expects 408 after
  the body timeout).

It samples the server's resident memory throughout; `bench.load` compares the normal searches'
p95 with an idle run and counts 5xx over everything.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pipeline.config import MAX_BATCH, get_settings

OVERSIZE_CLIENTS = 4
SLOW_CLIENTS = 8
OVERSIZE_BYTES = 2 * 1024 * 1024
"""Each oversize body: 32 times the body limit."""
SLOW_BYTES_PER_S = 4
"""A slow client's pace."""
SLOW_FRAMES = 120
"""A slow client gives up after this many bytes (30 s) and waits for the answer."""


@dataclass
class HostileTally:
    statuses: Counter = field(default_factory=Counter)
    """(kind, status or error name) → count."""
    peak_rss_mb: float = 0.0

    def note(self, kind: str, status: int | str) -> None:
        self.statuses[f"{kind} {status}"] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for key, n in self.statuses.items() if key.split()[-1].startswith("5"))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def watch_memory(pid: int, tally: HostileTally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        tally.peak_rss_mb = max(tally.peak_rss_mb, rss_mb(pid))
        await asyncio.sleep(0.2)


def maximal_batch(queries: list[str]) -> dict:
    """The costliest batch the server's settings (`STYRDOK_MAX_BATCH_*`) accept."""
    settings = get_settings()
    per_query = min(settings.max_batch_chars // MAX_BATCH, 1000)
    texts = [(" ".join(queries[i:] + queries) * 10)[:per_query] for i in range(MAX_BATCH)]
    return {"queries": [{"q": text, "k": min(settings.max_batch_results // MAX_BATCH, 100)} for text in texts]}


async def batches(url: str, queries: list[str], tally: HostileTally, stop: asyncio.Event, in_flight: int) -> None:
    body = maximal_batch(queries)
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=url, timeout=120, transport=transport) as client:

        async def worker() -> None:
            while not stop.is_set():
                try:
                    response = await client.post("/search", json=body)
                    tally.note("batch", response.status_code)
                    if response.status_code == 429:
                        await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                except httpx.HTTPError as exc:
                    tally.note("batch", type(exc).__name__)

        await asyncio.gather(*(worker() for _ in range(in_flight)))


HEAD = b"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


def frame(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def _status(reader: asyncio.StreamReader) -> str:
    line = await reader.readline()
    return line.split()[1].decode() if line.startswith(b"HTTP/") else "closed"


async def send_until_answered(local: str, port: int, frames: int, data: bytes, pause: float) -> str:
    """POST a chunked body of `frames` frames of `data` from `local`, `pause` s apart, until the
    server answers; the status it answered (or what became of the connection)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(local, 0))
    answer = asyncio.create_task(_status(reader))
    try:
        writer.write(HEAD + frame(b'{"queries":[{"q":"'))
        for _ in range(frames):
            if answer.done():
                break
            writer.write(frame(data))
            await writer.drain()
            await asyncio.sleep(pause)
        return await asyncio.wait_for(answer, 120)
    except (TimeoutError, OSError) as exc:
        return await asyncio.wait_for(answer, 5) if answer.done() else type(exc).__name__
    finally:
        answer.cancel()
        writer.close()


async def oversize(port: int, tally: HostileTally, stop: asyncio.Event, local: str) -> None:
    chunk = b"x" * 16384
    while not stop.is_set():
        tally.note("oversize", await send_until_answered(local, port, OVERSIZE_BYTES // len(chunk), chunk, 0))


async def slow(port: int, tally: HostileTally, stop: asyncio.Event, local: str) -> None:
    while not stop.is_set():
        tally.note("slow", await send_until_answered(local, port, SLOW_FRAMES, b"x", 1 / SLOW_BYTES_PER_S))


async def hostile_mix(url: str, pid: int, queries: list[str], tally: HostileTally, stop: asyncio.Event) -> None:
    port = int(url.rsplit(":", 1)[1])
    await asyncio.gather(
        watch_memory(pid, tally, stop),
        batches(url, queries, tally, stop, in_flight=4),
        *(oversize(port, tally, stop, f"127.0.3.{n + 1}") for n in range(OVERSIZE_CLIENTS)),
        *(slow(port, tally, stop, f"127.0.4.{n + 1}") for n in range(SLOW_CLIENTS)),
    )
