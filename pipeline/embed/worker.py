"""An embedding worker: one process that holds the model and encodes large batches.

On a GPU the model's transformer runs in bf16 (or fp16) on large batches sorted by length,
so little of each batch is padding: through this worker multilingual-e5-small's
architecture embeds 6,769 passages/s on one H200 in bf16 at batch 1024 (the transformer
alone: 11,254/s; `bench/device`), against about 12 passages/s per CPU thread. On a CPU the worker uses the
same onnxruntime engine as a local ingest, so its vectors equal the local ones.

`pipeline.ingest.cluster` runs this class as a Ray actor; `bench.cluster --no-ray` runs the
very same class in-process, which is how the GPU figure is measured where Ray is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.embed.embedder import SentenceTransformerEncoder, resolve_model
from pipeline.embed.onnx_engine import ONNX_FILE, OnnxEncoder, cpu_threads

GPU_BATCH = 1024
"""Texts per forward pass on a GPU: 6,769 passages/s at 1024 against 3,494 at 256 through this worker (H200, bf16; bench/device)."""
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
    """The model's transformer on torch at a reduced precision, fed length-sorted large batches.

    All texts are tokenized in one call of the fast (Rust) tokenizer, sorted by length so a
    batch carries little padding, and each batch goes through the transformer and the mean
    pooling on the device. Measured on one H200 (bf16, batch 1024, corpus passages): the
    transformer alone runs at about 11,000 passages/s and tokenizing 50,000 passages takes
    2.3 s, while sentence-transformers' `encode` (tokenizing batch by batch in Python)
    reached 4,600/s.
    """

    def __init__(self, location: str, max_tokens: int, device: str, precision: str, batch: int) -> None:
        import torch

        self.base = SentenceTransformerEncoder(location, max_tokens, device)
        dtypes = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
        self.base.model.to(dtypes[precision])
        if not _mean_pooled(self.base.model):
            raise ValueError(f"{location}: the GPU worker runs mean-pooled encoders (e5); this model pools otherwise")
        first: Any = self.base.model[0]
        self.transformer: Any = first.auto_model.eval()
        self.tokenizer = self.base.model.tokenizer
        self.max_tokens = min(max_tokens, self.base.model.max_seq_length or max_tokens)
        self.device = device
        self.dimension = self.base.dimension
        self.batch = batch

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors in the order of `texts`. Batches stay on the device until the end, so the
        host prepares the next batch while the GPU works (a copy per batch made them wait)."""
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self.base._lock:
            ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
            order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
            parts = []
            for start in range(0, len(order), self.batch):
                rows = order[start : start + self.batch]
                parts.append(self._forward([ids[i] for i in rows]))
                if progress:
                    progress(len(rows))
            sorted_vectors = torch.cat(parts).cpu().numpy()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        out[order] = sorted_vectors
        return out

    def _forward(self, batch: list[list[int]]) -> Any:
        """Mean-pooled, L2-normalised vectors of one batch of token ids (float32, on the device)."""
        import torch

        width = max(len(row) for row in batch)
        ids_np = np.full((len(batch), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
        mask_np = np.zeros((len(batch), width), dtype=np.int64)
        for r, row in enumerate(batch):  # numpy rows: nested Python lists cost more than the GPU's work
            ids_np[r, : len(row)] = row
            mask_np[r, : len(row)] = 1
        ids = torch.from_numpy(ids_np).to(self.device, non_blocking=True)
        mask = torch.from_numpy(mask_np).to(self.device, non_blocking=True)
        with torch.inference_mode():
            hidden = self.transformer(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = ((hidden * weights).sum(1) / weights.sum(1)).float()
            return torch.nn.functional.normalize(pooled, dim=1)


def _mean_pooled(model: Any) -> bool:
    """True when a sentence-transformers model pools by the mean of its token vectors."""
    pooling = [module for module in model if type(module).__name__ == "Pooling"]
    if len(pooling) != 1:
        return False
    mode = getattr(pooling[0], "pooling_mode", None)  # sentence-transformers 5+: "mean", "cls", …
    if mode is not None:
        return mode == "mean"
    return bool(getattr(pooling[0], "pooling_mode_mean_tokens", False))


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
