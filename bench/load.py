"""Bounded loopback load test of the search API.

Run: `.venv/bin/python -m bench.load [--requests 2000] [--concurrency 8]`. Starts the real
server (uvicorn, separate process) on a free 127.0.0.1 port against the current index
(`STYRDOK_INDEX_DIR`, default var/index), sends a fixed number of search requests drawn
from the development queries at a fixed concurrency, stops by itself, and writes
throughput, error count and p50/p95/p99 latency to `bench/results_load.json`.

`--hostile` runs the searches twice against one server, idle and then beside the hostile mix of
`bench.hostile` (oversize chunked bodies, maximal batches, slow clients; run in a process of its
own so its senders do not slow the measuring client), and writes the two p95s, their ratio, the
server's peak resident memory, its CPU time and the load average in each phase, and every status seen to
`bench/results_load_hostile.json`. Limits come from the environment (`STYRDOK_*`), as for a
real server.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import typer

from pipeline.config import PROJECT_ROOT

QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
RESULTS = Path(__file__).resolve().parent / "results_load.json"
HOSTILE_RESULTS = Path(__file__).resolve().parent / "results_load_hostile.json"
WARM_UP = 8
"""Searches before the measured idle phase: the first ones wait for the model, which loads after
the server answers /health (about 4 s), and are no measure of an idle server."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not come up: " + (process.stderr.read().decode() if process.stderr else ""))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _load(
    url: str, queries: list[str], requests: int, concurrency: int, spread: bool = False
) -> tuple[list[float], list[str], float]:
    """`requests` searches, `concurrency` at a time; with `spread` each worker is its own client
    (loopback address 127.0.1.N), as separate users are, so per-client limits apply to each."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))

    async def worker(n: int) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=f"127.0.1.{n + 1}" if spread else "127.0.0.1")
        async with httpx.AsyncClient(base_url=url, timeout=60, transport=transport) as client:
            for i in counter:
                started = time.perf_counter()
                try:
                    response = await client.get("/search", params={"q": queries[i % len(queries)], "k": 10})
                    if response.status_code != 200:
                        errors.append(f"{response.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(latencies, 50), 1),
        "p95": round(percentile(latencies, 95), 1),
        "p99": round(percentile(latencies, 99), 1),
        "mean": round(statistics.fmean(latencies), 1),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _mix_process(url: str, pid: int, queries: list[str], ready: Any, stop: Any, out: Any) -> None:
    """The hostile mix in its own process: its senders' busy loops do not delay the measured
    searches' client (a hostile client is not in the user's process); the CPUs are shared still."""
    from bench.hostile import HostileTally, hostile_mix

    async def run() -> HostileTally:
        tally, done = HostileTally(), asyncio.Event()
        mix = asyncio.create_task(hostile_mix(url, pid, queries, tally, done))
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        done.set()
        await asyncio.wait_for(mix, 180)
        return tally

    tally = asyncio.run(run())
    out.put((dict(tally.statuses), tally.peak_rss_mb))


async def _phase(url: str, pid: int, queries: list[str], requests: int, concurrency: int) -> dict:
    """The normal searches once, with the server's CPU time and the machine's load around them."""
    cpu, load = cpu_seconds(pid), os.getloadavg()[0]
    latencies, errors, seconds = await _load(url, queries, requests, concurrency, spread=True)
    return {
        "latencies": latencies,
        "errors": errors,
        "seconds": round(seconds, 1),
        "server_cpu_s": round(cpu_seconds(pid) - cpu, 1),
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
    }


async def _idle_then_hostile(url: str, pid: int, queries: list[str], requests: int, concurrency: int) -> dict:
    from bench.hostile import HostileTally, rss_mb

    await _load(url, queries, WARM_UP, concurrency, spread=True)  # the model loads after /health answers
    idle = await _phase(url, pid, queries, requests, concurrency)
    idle_rss = rss_mb(pid)
    context = multiprocessing.get_context("spawn")
    ready, stop, out = context.Event(), context.Event(), context.Queue()
    mix = context.Process(target=_mix_process, args=(url, pid, queries, ready, stop, out))
    mix.start()
    await asyncio.to_thread(ready.wait, 60)
    await asyncio.sleep(2)  # the mix is under way before the measured searches start
    busy = await _phase(url, pid, queries, requests, concurrency)
    mix_cpu = cpu_seconds(mix.pid)
    stop.set()
    statuses, peak_rss = await asyncio.to_thread(out.get, True, 200)
    mix.join(30)
    tally = HostileTally(statuses=Counter(statuses), peak_rss_mb=peak_rss)
    for status in idle["errors"] + busy["errors"]:
        tally.note("search", status)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "idle_latency_ms": summary(idle["latencies"]),
        "hostile_latency_ms": summary(busy["latencies"]),
        "p95_ratio": round(percentile(busy["latencies"], 95) / percentile(idle["latencies"], 95), 2),
        "search_errors": len(idle["errors"]) + len(busy["errors"]),
        "server_5xx": tally.server_errors,
        "server_rss_mb": {"idle": round(idle_rss), "peak": round(max(tally.peak_rss_mb, idle_rss))},
        "seconds": {"idle": idle["seconds"], "hostile": busy["seconds"]},
        "server_cpu_s": {"idle": idle["server_cpu_s"], "hostile": busy["server_cpu_s"]},
        "hostile_clients_cpu_s": round(mix_cpu, 1),
        "load_average": {"idle": idle["load_average"], "hostile": busy["load_average"]},
        "statuses": dict(sorted(tally.statuses.items())),
    }


def hostile(queries: list[str], requests: int, concurrency: int) -> None:
    port = free_port()
    server = start_server(port)
    try:
        result = asyncio.run(_idle_then_hostile(f"http://127.0.0.1:{port}", server.pid, queries, requests, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=30)
    HOSTILE_RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    if result["server_5xx"] or result["search_errors"]:
        raise typer.Exit(1)


def main(
    requests: int = typer.Option(2000, help="Total number of search requests."),
    concurrency: int = typer.Option(8, help="Requests in flight at once."),
    hostile_mix: bool = typer.Option(False, "--hostile", help="Idle, then beside a hostile mix (bench.hostile)."),
) -> None:
    queries = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    if hostile_mix:
        hostile(queries, requests, concurrency)
        return
    port = free_port()
    server = start_server(port)
    try:
        latencies, errors, seconds = asyncio.run(_load(f"http://127.0.0.1:{port}", queries, requests, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "requests": requests,
        "concurrency": concurrency,
        "errors": len(errors),
        "seconds": round(seconds, 2),
        "throughput_rps": round(requests / seconds, 1),
        "latency_ms": summary(latencies),
    }
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    if errors:
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
