"""Query latency over HTTP of two source trees side by side, at one synthetic index size.

Run: ``.venv/bin/python -m bench.ab_http [--n 100000] [--rounds 3] [--before /work/main]``.

The issue asks that query p95 over HTTP at 100k passages stays within 1.2x of what the code
before a change gives. Absolute times on a shared machine move with its load, so both trees
are measured in one run against the same index: a synthetic IVF version of ``--n`` passages
(`bench/synth.py`, the product's own IVF parameters, exactly what `make bench` serves), each
tree's server (`bench.serve`, uvicorn) started once, and the development queries sent to the
two servers *interleaved* (A, B, B, A, …) at concurrency 1, so load swings hit both alike.
The load average is recorded at the start and the end. Writes ``bench/results_ab_http.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.run import CACHE, PYTHON, dev_queries, free_port
from pipeline.config import PROJECT_ROOT

RESULTS = Path(__file__).resolve().parent / "results_ab_http.json"
UNANSWERABLE = PROJECT_ROOT.parent / "shared" / "eval" / "unanswerable_dev.jsonl"
WARM_UP = 5
"""Queries each server answers before timing starts (model and analysers warm)."""


def synthetic_root(n: int, seed: int) -> Path:
    """A servable IVF index dir of `n` synthetic passages (built once, cached in bench/.cache)."""
    from bench import synth
    from pipeline.embed.embedder import Embedder

    embedder = Embedder()
    units = synth.load_units(embedder)
    built = synth.build_shared(units, n, seed, embedder.model_id)
    root = synth.cached_version(n, "ivf", built)
    if root is None:
        root = synth.write_version(built, "ivf", synth.build_vectors("ivf", built.vectors), embedder.model_id)
    return root


def start(tree: Path, root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = (CACHE / f"ab-{tree.name}.log").open("w")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(tree)}
    proc = subprocess.Popen([PYTHON, "-m", "bench.serve", str(root), str(port)], cwd=tree, stdout=log, stderr=subprocess.STDOUT, env=env)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(client, url: str, proc: subprocess.Popen, query: str) -> None:  # type: ignore[no-untyped-def]
    import httpx

    deadline = time.monotonic() + 600
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server of {url} exited with {proc.returncode}")
        try:
            if client.get(f"{url}/search", params={"q": query, "k": 10}).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def timed(client, url: str, query: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(f"{url}/search", params={"q": query, "k": 10})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed * 1000


def stats(ms: list[float]) -> dict:
    return {
        "queries": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "mean_ms": round(float(np.mean(ms)), 1),
    }


def interleaved(trees: dict[str, Path], root: Path, queries: list[str], rounds: int) -> dict[str, list[float]]:
    import httpx

    servers = {name: start(tree, root) for name, tree in trees.items()}
    times: dict[str, list[float]] = {name: [] for name in trees}
    try:
        with httpx.Client(timeout=300) as client:
            for proc, url in servers.values():
                wait_ready(client, url, proc, queries[0])
                for query in queries[:WARM_UP]:
                    timed(client, url, query)
            order = list(servers)
            for _ in range(rounds):
                for query in queries:
                    for name in order:
                        times[name].append(timed(client, servers[name][1], query))
                    order.reverse()  # A B, B A, …: neither side always goes first
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic passages")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the queries")
    parser.add_argument("--before", type=Path, default=Path("/work/main"), help="the source tree to compare against")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    root = synthetic_root(args.n, args.seed)
    if args.build_only:
        print(root)
        return
    queries = dev_queries() + [json.loads(line)["query"] for line in UNANSWERABLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    trees = {"before": args.before.resolve(), "after": PROJECT_ROOT}
    times = interleaved(trees, root, queries, args.rounds)
    result = {
        "command": "python -m bench.ab_http " + " ".join(sys.argv[1:] if argv is None else argv),
        "n": args.n,
        "index": "synthetic IVF (bench/synth.py)",
        "trees": {name: str(tree) for name, tree in trees.items()},
        "commits": {
            name: subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
            for name, tree in trees.items()
        },
        "uptime_start": uptime_before,
        "uptime_end": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        **{name: stats(ms) for name, ms in times.items()},
    }
    result["p95_ratio"] = round(result["after"]["p95_ms"] / result["before"]["p95_ms"], 3)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
