"""An embedding worker: one process that holds the model and encodes large batches.

On a GPU the encoder runs in bf16 (or fp16) through sentence-transformers with large
batches sorted by length, so little of each batch is padding: an encoder of
multilingual-e5-small's shape embeds about 12,000 passages/s on one H200 in bf16 at batch
1024, against about 12 passages/s per CPU thread (issue 18). On a CPU the worker uses the
same onnxruntime engine as a local ingest, so its vectors equal the local ones.

`pipeline.ingest.cluster` runs this class as a Ray actor; `bench.cluster --no-ray` runs the
very same class in-process, which is how the GPU figure is measured where Ray is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.embed.embedder import SentenceTransformerEncoder, resolve_model
from pipeline.embed.onnx_engine import ONNX_FILE, OnnxEncoder, cpu_threads

GPU_BATCH = 1024
"""Texts per forward pass on a GPU: 12,000 passages/s at 1024 against 4,700 at 256 (H200, bf16)."""
CPU_CHUNK = 64
"""Texts per call on a CPU worker: small enough that progress moves and a lost worker costs little."""
PRECISIONS = ("bf16", "fp16", "fp32")


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker runs on, for logs and the bench."""

    device: str
    precision: str
    engine: str
    batch: int
    host: str


class TorchBatchEncoder:
    """sentence-transformers on torch at a reduced precision, in length-sorted large batches."""

    def __init__(self, location: str, max_tokens: int, device: str, precision: str, batch: int) -> None:
        import torch

        self.base = SentenceTransformerEncoder(location, max_tokens, device)
        dtypes = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
        self.base.model.to(dtypes[precision])
        self.dimension = self.base.dimension
        self.batch = batch

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """sentence-transformers sorts the texts by length before batching and restores the order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self.base._lock:
            out = self.base.model.encode(
                list(texts), batch_size=self.batch, convert_to_tensor=True, normalize_embeddings=False
            )
        vectors = out.float().cpu().numpy()
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)  # in float32
        if progress:
            progress(len(texts))
        return vectors.astype(np.float32)


class EmbeddingWorker:
    """Holds one embedding model; `encode` takes prepared inputs (the model's prefixes applied)."""

    def __init__(self, model: str | None = None, device: str = "cpu", precision: str = "bf16", batch: int = GPU_BATCH) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
        location, spec = resolve_model(model)
        self.engine: OnnxEncoder | TorchBatchEncoder
        if device == "cpu" and (Path(location) / ONNX_FILE).is_file():
            threads = int(os.environ.get("OMP_NUM_THREADS") or cpu_threads())  # Ray sets it to the actor's CPUs
            self.engine = OnnxEncoder(Path(location), spec.max_tokens, threads=threads)
            self.info = WorkerInfo(device, "fp32", "onnxruntime", 1, os.uname().nodename)
        else:
            self.engine = TorchBatchEncoder(location, spec.max_tokens, device, precision if device != "cpu" else "fp32", batch)
            self.info = WorkerInfo(device, precision if device != "cpu" else "fp32", "sentence-transformers", batch, os.uname().nodename)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.engine.encode(texts)

    def describe(self) -> WorkerInfo:
        return self.info
