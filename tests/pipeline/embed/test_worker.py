"""The GPU worker's own batching (one tokenizer call, length-sorted batches, mean pooling on
the device) gives sentence-transformers' vectors; checked here on the CPU in fp32."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.embed.embedder import SentenceTransformerEncoder, resolve_model
from pipeline.embed.worker import TorchBatchEncoder

pytestmark = pytest.mark.slow


def test_batched_worker_equals_sentence_transformers() -> None:
    location, spec = resolve_model(None)
    texts = [
        "passage: Regionen ska ha en hållbar kompetensförsörjning.",
        "passage: " + "Norrbotten växer. " * 200,  # truncated at the model's token limit
        "passage: kort",
        "passage: Budget 2024 (Budget): 883 mnkr",
    ]
    batched = TorchBatchEncoder(location, spec.max_tokens, "cpu", "fp32", batch=2).encode(texts)
    reference = SentenceTransformerEncoder(location, spec.max_tokens, "cpu").encode(texts)
    assert batched.shape == reference.shape
    assert np.min(np.sum(batched * reference, axis=1)) >= 0.9999
