"""The onnxruntime engine gives sentence-transformers' vectors for the converted model."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.embed.embedder import Embedder, SentenceTransformerEncoder
from pipeline.embed.onnx_engine import ONNX_FILE, OnnxEncoder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engines(model_dir):  # type: ignore[no-untyped-def]
    return OnnxEncoder(model_dir, max_tokens=512), SentenceTransformerEncoder(str(model_dir), max_tokens=512)


def _min_cosine(engines, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    onnx, torch = engines
    a, b = onnx.encode(texts), torch.encode(texts)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    return float((a * b).sum(axis=1).min())


def test_default_model_runs_on_onnxruntime(model_dir) -> None:  # type: ignore[no-untyped-def]
    assert (model_dir / ONNX_FILE).is_file()
    assert isinstance(Embedder().engine, OnnxEncoder)


SAMPLE_STRIDE = 8
"""Every eighth indexed passage (about fifty); `python -m bench.model_equivalence` compares all."""


def test_same_vectors_on_the_indexed_passages(engines, searcher) -> None:  # type: ignore[no-untyped-def]
    texts = ["passage: " + text for text in searcher.index.store.passage_texts()[::SAMPLE_STRIDE]]
    assert len(texts) >= 50
    assert _min_cosine(engines, texts) >= 0.9999


def test_same_vectors_on_queries_and_odd_text(engines, odd_strings) -> None:  # type: ignore[no-untyped-def]
    queries = ["vad säger planen om kompetensförsörjning?", "what is the region's vision?", "260 000 invånare 2030"]
    assert _min_cosine(engines, ["query: " + q for q in queries + odd_strings]) >= 0.9999


def test_truncates_long_text_like_sentence_transformers(engines) -> None:  # type: ignore[no-untyped-def]
    long_text = "passage: " + " ".join(f"Region Norrbotten mål {i} för hållbar tillväxt." for i in range(300))
    assert len(engines[0].tokenizer.encode(long_text).ids) == 512
    assert _min_cosine(engines, [long_text]) >= 0.9999


def test_export_keeps_word_embeddings_block_quantised(model_dir) -> None:  # type: ignore[no-untyped-def]
    """The 250 037 × 384 table stays int8 + scales in the graph: a third of the fp32 file size."""
    import onnx

    graph = onnx.load(str(model_dir / ONNX_FILE)).graph
    shapes = {(init.data_type, tuple(init.dims)) for init in graph.initializer}
    assert (onnx.TensorProto.INT8, (250037, 384)) in shapes
    assert (onnx.TensorProto.FLOAT, (250037, 12)) in shapes
    assert (onnx.TensorProto.FLOAT, (250037, 384)) not in shapes


def test_questions_padded_into_one_run_give_their_own_vectors(engines) -> None:  # type: ignore[no-untyped-def]
    """`encode_padded` (a question and its variant without the document's name) equals
    encoding each alone: padding is masked out of attention and of the mean."""
    texts = ["query: Vad säger strategiska planen om civilt försvar?", "query: civilt försvar?", "query: RUS"]
    for engine in engines:  # both engines answer `Embedder.encode_queries`
        together, alone = engine.encode_padded(texts), engine.encode(texts)
        assert together.shape == alone.shape == (3, engine.dimension)
        assert float((together * alone).sum(axis=1).min()) >= 0.9999
