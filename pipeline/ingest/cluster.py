"""The same batch on a Ray cluster: extraction as tasks on CPU workers, embedding on actors.

Embedding is the dominant cost of ingest (about 22 passages/s on 2 cores: 215 s of 352 s
for 506 pages) and a GPU embeds three orders of magnitude faster; after that, extraction
spreads over cores and machines. So:

* each file is a Ray task that ships the file's bytes to a worker and extracts it there in
  the usual sandbox (`pipeline.ingest.sandbox`: its own process, time and memory limits);
  a task whose worker node is lost is retried elsewhere (`TASK_RETRIES`);
* embedding runs on `EmbeddingWorker` actors that load the model once: one per GPU
  (`num_gpus=1`, bf16, batches of 1024 sorted by length) where the cluster has GPUs, else
  one per CPU node on the onnxruntime engine; a lost actor is restarted and its call retried;
* the driver (this process) keeps everything else: the plan, the cache, the store, the
  search files and the atomic switch of `CURRENT`. A lost worker or driver never leaves a
  half version served.

Only `styrdok ingest --cluster` (or `STYRDOK_CLUSTER`) imports this module, and so Ray.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import ray

import pipeline
from pipeline.config import Limits
from pipeline.embed.embedder import Embedder, TextEncoder
from pipeline.embed.worker import CPU_CHUNK, GPU_BATCH, EmbeddingWorker
from pipeline.errors import ExtractionError, StyrdokError
from pipeline.hashing import open_regular
from pipeline.ingest.bounds import extract_within, source_of
from pipeline.ingest.events import IngestListener
from pipeline.ingest.executor import failure_reason
from pipeline.ingest.sandbox import Outcome, run_isolated
from pipeline.records import Document, DocumentMeta

log = logging.getLogger(__name__)
TASK_RETRIES = 3
"""Times Ray reruns an extraction task whose worker died (a file that kills its sandbox is not a worker death)."""
ACTOR_RESTARTS = 3
"""Times a lost embedding actor is restarted (on another node) and its pending calls retried."""
CPU_ACTOR_SHARE = 0.5
"""CPU a CPU embedding actor reserves: under a whole CPU, so that an actor restarted after a
node loss fits beside the one already on a surviving node instead of waiting forever."""
GPU_CHUNK = 8 * GPU_BATCH
"""Texts per call on a GPU actor: several full batches per round trip keep the GPU busy."""
LOCAL = "local"
"""`--cluster local`: start a Ray cluster inside this process (one machine)."""


class ClusterUnavailable(StyrdokError):
    """The Ray cluster named by --cluster cannot be reached."""


def _code_path() -> str:
    """Folder that holds the `pipeline` package this driver runs, for the workers' import path
    (an installed package on other machines is found without it)."""
    return str(Path(pipeline.__file__).resolve().parents[1])


def connect(address: str, cpus: int | None = None) -> bool:
    """Join (or, for `local`, start) a cluster; True when this call started Ray here."""
    if ray.is_initialized():
        return False
    runtime_env = {"env_vars": {"PYTHONPATH": _code_path(), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}}
    try:
        if address == LOCAL:
            ray.init(num_cpus=cpus, include_dashboard=False, runtime_env=runtime_env, log_to_driver=False)
        else:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterUnavailable(f"cannot join the Ray cluster at '{address}': {exc}") from exc
    return True


def _extract_one(name: str, content: bytes, meta: DocumentMeta | None, limits: Limits) -> Outcome:
    """One file, extracted on a worker in its own sandboxed process under `limits`."""
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="styrdok-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        run_isolated([(name, extract_within, (path, meta, limits))], 1, limits, outcomes.append)
    return outcomes[0]


_extract_task = ray.remote(num_cpus=1, max_retries=TASK_RETRIES, retry_exceptions=False)(_extract_one)


class RayExecutor:
    """Runs a batch's extraction and embedding on a Ray cluster; the driver writes the version."""

    def __init__(self, address: str, cpus: int | None = None, precision: str = "bf16") -> None:
        self.address = address
        self.precision = precision
        self._started = connect(address, cpus)
        self._encoder: RayEncoder | None = None

    def extract(
        self, files: list[Path], manifest: dict[str, DocumentMeta], listener: IngestListener, limits: Limits
    ) -> tuple[list[Document], list[tuple[str, str]]]:
        documents: dict[str, Document] = {}
        failed: list[tuple[str, str]] = []
        pending = {}
        for p in files:
            try:  # read as the local sandbox reads it: opened with O_NOFOLLOW
                with open_regular(source_of(p, limits.follow_symlinks)) as handle:
                    content = handle.read()
            except ExtractionError as exc:
                failed.append((p.name, exc.reason_with_hint))
                listener.file_done(p.name, failed[-1][1])
                continue
            pending[_extract_task.remote(p.name, ray.put(content), manifest.get(p.name), limits)] = p.name
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            name = pending.pop(done[0])
            outcome: Outcome = ray.get(done[0])
            if outcome.error is None:
                documents[name] = outcome.value
            else:
                failed.append((name, failure_reason(outcome)))
            listener.file_done(name, None if outcome.error is None else failed[-1][1])
            if outcome.error is None and outcome.value.warnings:
                listener.file_warned(name, outcome.value.warnings)
        return [documents[p.name] for p in files if p.name in documents], sorted(failed)

    def encoder(self, embedder: Embedder) -> TextEncoder:
        if self._encoder is None or self._encoder.model != embedder.location:
            self._encoder = RayEncoder(embedder.location, self.precision)
        return self._encoder

    def close(self) -> None:
        """Release the actors; leave the cluster (and stop it when this executor started it)."""
        if self._encoder is not None:
            self._encoder.close()
            self._encoder = None
        if self._started and ray.is_initialized():
            ray.shutdown()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _actor_plan() -> tuple[int, dict[str, Any]]:
    """(how many embedding actors, their options) for the cluster as it is now."""
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0))
    options: dict[str, Any] = {"max_restarts": ACTOR_RESTARTS, "max_task_retries": ACTOR_RESTARTS, "scheduling_strategy": "SPREAD"}
    if gpus:
        return gpus, {**options, "num_gpus": 1, "num_cpus": 1}
    nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) > 0]
    return max(1, len(nodes)), {**options, "num_cpus": CPU_ACTOR_SHARE}


class RayEncoder:
    """Embeds on `EmbeddingWorker` actors: one per GPU, or one per CPU node where there is none."""

    def __init__(self, model: str, precision: str) -> None:
        self.model = model
        self.precision = precision
        self.gpu = False
        self.actors: list[Any] = []

    def _start(self) -> None:
        """Start the actors on first use (a batch served from the cache needs none), sized to
        the cluster as it is then (after a node loss: the nodes left)."""
        count, options = _actor_plan()
        self.gpu = "num_gpus" in options
        device = "cuda" if self.gpu else "cpu"
        worker = ray.remote(EmbeddingWorker).options(**options)
        self.actors = [worker.remote(self.model, device, self.precision) for _ in range(count)]
        log.info("%d embedding actors on %s", count, device)

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Chunks of `texts` go round the actors; the vectors come back in the order given."""
        if not self.actors:
            self._start()
        chunk = GPU_CHUNK if self.gpu else CPU_CHUNK
        starts = list(range(0, len(texts), chunk))
        pending = {
            self.actors[i % len(self.actors)].encode.remote(list(texts[s : s + chunk])): s for i, s in enumerate(starts)
        }
        parts: dict[int, np.ndarray] = {}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            start = pending.pop(done[0])
            parts[start] = ray.get(done[0])
            if progress:
                progress(len(parts[start]))
        if not parts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate([parts[s] for s in starts]).astype(np.float32)

    def close(self) -> None:
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
