"""Sentence embeddings from an exported encoder (``onnx/model.onnx``) with onnxruntime.

This is the sentence-transformers recipe of the converted e5 model (tokenise with
``tokenizer.json``, truncate to the model's token limit, transformer, mean over the real
tokens, L2 normalisation) without torch: onnxruntime starts in well under a second and
encodes a query in a few milliseconds, which the server's start time and query latency
need. The vectors equal sentence-transformers' to float rounding (`tests/models`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ONNX_FILE = Path("onnx") / "model.onnx"


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """L2-normalised mean of the token vectors where ``mask`` is 1 (batch, tokens, dim → batch, dim)."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return (summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def cpu_threads() -> int:
    """Cores this process may run on (a container's limit, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class OnnxEncoder:
    """Encodes texts (prefixes already applied) with the ONNX export in a model folder."""

    def __init__(self, folder: Path, max_tokens: int, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cpu_threads()
        options.inter_op_num_threads = 1
        # idle worker threads sleep instead of spinning: the server shares two cores with FAISS and BM25
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """One text per run: on CPU a padded batch costs more than it saves (measured in bench/)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, encoding in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[i] = mean_pool(hidden, mask)[0]
            if progress:
                progress(1)
        return out

    def encode_padded(self, texts: Sequence[str]) -> np.ndarray:
        """Short texts of similar length (a question and its variant) in one padded run: two
        questions cost 21.5 ms together against 27 ms one by one on 2 cores. Passages, whose
        lengths differ, go through `encode`."""
        encodings = self.tokenizer.encode_batch(list(texts))
        if not encodings:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids = np.zeros((len(encodings), max(len(e.ids) for e in encodings)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, encoding in enumerate(encodings):
            ids[i, : len(encoding.ids)] = encoding.ids
            mask[i, : len(encoding.ids)] = 1
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return mean_pool(hidden, mask)
