"""Scaling out: ingest on a local Ray cluster against a local ingest, and embedding on a GPU.

Two modes:

* default — `python -m bench.cluster [--cached] [--out FILE]`: ingests the corpus into a
  scratch index twice, once locally (`--workers 2`) and once on a 2-node local Ray cluster
  (head plus one worker node process, one CPU each, loopback), and reports seconds per stage
  for both. On this 2-core machine the difference is Ray's overhead, not a gain. `--cached`
  starts both from the project's embedding cache (`var/index`), so the figure is extraction
  and orchestration; without it both embed everything (minutes on 2 cores).
* `--gpu` — passages/s of the product's own embedding worker (`EmbeddingWorker`, the class
  the Ray actors run) on CUDA in bf16 at batch 1024, against the CPU engine (onnxruntime,
  one text per run, as a local ingest embeds), on the corpus's real passage texts repeated to
  `--passages`. Through a Ray actor by default; `--no-ray` runs the same class in-process,
  for a GPU machine without Ray. Without CUDA the "GPU" row is the worker on CPU and says so.

Writes JSON to `--out` (default `bench/results_cluster.json` / `bench/results_gpu.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pipeline.config import PROJECT_ROOT, get_settings

HERE = Path(__file__).resolve().parent
CPU_SAMPLE = int(os.environ.get("STYRDOK_BENCH_CPU_SAMPLE", "200"))
"""Texts the CPU engine embeds for its rate: a few dozen seconds on one core."""
WARM_UP = 64
"""Texts embedded once before timing: CUDA kernels and allocator warm-up are not throughput."""


def corpus_texts(index_dir: Path | None = None) -> list[str]:
    """The corpus's embedding inputs (passage prefix applied), from a built index, else by extracting it."""
    from pipeline.embed.embedder import Embedder
    from pipeline.index.manifest import DB_NAME
    from pipeline.index.store import connect
    from pipeline.index.vectors import embedding_units, indexed_passages
    from pipeline.index.versions import IndexVersions

    embedder = Embedder(get_settings().model)
    version = IndexVersions(index_dir or get_settings().index_dir).current()
    if version is None:
        with tempfile.TemporaryDirectory() as scratch:
            from pipeline.index.store import write_document
            from pipeline.ingest.catalog import read_catalog
            from pipeline.ingest.events import IngestListener
            from pipeline.ingest.executor import extract_all
            from pipeline.ingest.plan import discover

            corpus = get_settings().corpus_dir
            docs, _ = extract_all(discover(corpus), read_catalog(corpus), os.cpu_count() or 1, IngestListener())
            with connect(Path(scratch) / DB_NAME) as conn:
                for doc in docs:
                    write_document(conn, doc)
                passages = indexed_passages(conn)
    else:
        with connect(version / DB_NAME, readonly=True) as conn:
            passages = indexed_passages(conn)
    texts, _ = embedding_units(passages)
    return [embedder.passage_input(t) for t in texts]


def _rate(encode: Any, texts: list[str]) -> float:
    encode(texts[:WARM_UP])
    started = time.perf_counter()
    vectors = encode(texts)
    seconds = time.perf_counter() - started
    assert len(vectors) == len(texts)
    return len(texts) / seconds


def gpu_mode(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from pipeline.embed.embedder import resolve_model
    from pipeline.embed.onnx_engine import OnnxEncoder, cpu_threads
    from pipeline.embed.registry import spec_for
    from pipeline.embed.worker import EmbeddingWorker

    base = corpus_texts()
    texts = (base * (args.passages // len(base) + 1))[: args.passages]
    cuda = _cuda_available()
    device = "cuda" if cuda else "cpu"
    location, spec = resolve_model(get_settings().model)
    cpu = OnnxEncoder(Path(location), spec.max_tokens, threads=cpu_threads())
    cpu_rate = _rate(cpu.encode, base[:CPU_SAMPLE])
    if args.no_ray:
        worker = EmbeddingWorker(get_settings().model, device, args.precision, args.batch)
        info = worker.describe()
        worker_rate = _rate(worker.encode, texts if cuda else base[:CPU_SAMPLE])
        sample = worker.encode(base[:CPU_SAMPLE])
    else:
        worker_rate, info, sample = _through_ray(device, args, texts if cuda else base[:CPU_SAMPLE], base[:CPU_SAMPLE])
    reference = cpu.encode(base[:CPU_SAMPLE])
    cosine = float((np.asarray(sample) * reference).sum(axis=1).min())
    return {
        "mode": "gpu",
        "cuda": cuda,
        "gpu_name": _gpu_name() if cuda else None,
        "through_ray": not args.no_ray,
        "worker": info.__dict__,
        "worker_passages_per_s": round(worker_rate, 1),
        "worker_passages": len(texts) if cuda else CPU_SAMPLE,
        "cpu_engine_passages_per_s": round(cpu_rate, 2),
        "cpu_threads": cpu_threads(),
        "speedup": round(worker_rate / cpu_rate, 1),
        "min_cosine_worker_vs_cpu_engine": round(cosine, 5),
        "corpus_passages": len(base),
        "model": spec_for(get_settings().model).name,
        "python": platform.python_version(),
    }


def _through_ray(device: str, args: argparse.Namespace, texts: list[str], check: list[str]) -> tuple[float, Any, Any]:
    import ray

    from pipeline.embed.worker import EmbeddingWorker

    ray.init(num_cpus=2, num_gpus=1 if device == "cuda" else 0, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1"}})
    try:
        actor = ray.remote(EmbeddingWorker).options(num_gpus=1 if device == "cuda" else 0, num_cpus=1).remote(
            get_settings().model, device, args.precision, args.batch
        )
        info = ray.get(actor.describe.remote())
        rate = _rate(lambda chunk: ray.get(actor.encode.remote(chunk)), texts)
        return rate, info, ray.get(actor.encode.remote(check))
    finally:
        ray.shutdown()


def _cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:
        return False


def _gpu_name() -> str:
    import torch

    return str(torch.cuda.get_device_name(0))


def cluster_mode(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # loopback only (see tests/pipeline/ingest/test_cluster.py)
    from ray import cluster_utils

    from pipeline.embed.embedder import Embedder
    from pipeline.ingest.cluster import RayExecutor
    from pipeline.ingest.run import CACHE_NAME, ingest

    settings = get_settings()
    embedder = Embedder(settings.model)
    results: dict[str, Any] = {"mode": "ingest", "cached": args.cached, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("local", "ray_2_nodes"):
            target = Path(scratch) / name
            target.mkdir()
            if args.cached and (settings.index_dir / CACHE_NAME).exists():
                shutil.copyfile(settings.index_dir / CACHE_NAME, target / CACHE_NAME)
            started = time.perf_counter()
            if name == "local":
                report = ingest(settings.corpus_dir, target, embedder, workers=2)
                started_cluster = 0.0
            else:
                head = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "node_ip_address": "127.0.0.1", "include_dashboard": False})
                try:
                    head.add_node(num_cpus=1, node_ip_address="127.0.0.1")
                    head.wait_for_nodes()
                    started_cluster = time.perf_counter() - started
                    started = time.perf_counter()
                    with RayExecutor(head.address) as executor:
                        report = ingest(settings.corpus_dir, target, embedder, executor=executor)
                finally:
                    head.shutdown()
            results[name] = {
                "seconds": round(time.perf_counter() - started, 2),
                "cluster_start_seconds": round(started_cluster, 2),
                "stages": {k: round(v, 2) for k, v in report.seconds.items()},
                "files": report.extracted,
                "passages": report.passages,
                "embedded": report.embedded,
            }
    results["overhead_ratio"] = round(results["ray_2_nodes"]["seconds"] / results["local"]["seconds"], 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpu", action="store_true", help="measure the embedding worker on a GPU against the CPU engine")
    parser.add_argument("--no-ray", action="store_true", help="with --gpu: run the worker class in-process")
    parser.add_argument("--passages", type=int, default=50_000, help="with --gpu: texts the GPU worker embeds")
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--precision", default="bf16", choices=("bf16", "fp16", "fp32"))
    parser.add_argument("--cached", action="store_true", help="ingest mode: start from the project's embedding cache")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = gpu_mode(args) if args.gpu else cluster_mode(args)
    out = args.out or HERE / ("results_gpu.json" if args.gpu else "results_cluster.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
