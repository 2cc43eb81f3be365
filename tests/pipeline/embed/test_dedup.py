"""Identical texts are embedded once, within a run and against the cache (issue 17: a hostile
page made 33,162 passages of 2 distinct texts, embedded one by one)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.index.store import EmbeddingCache

pytestmark = pytest.mark.slow


def test_identical_texts_are_embedded_once(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["Regionen ska öka andelen förnybar energi.", "Kollektivtrafiken byggs ut.", *["Regionen ska öka andelen förnybar energi."] * 3]
    done: list[int] = []
    vectors, embedded = embedder.encode_passages(texts, progress=done.append)
    assert embedded == 2
    assert sum(done) == len(texts)  # progress still counts every text
    assert np.array_equal(vectors[0], vectors[4]) and not np.array_equal(vectors[0], vectors[1])
    alone = embedder.encode_passages(texts[:1])[0][0]
    assert np.allclose(alone, vectors[0], atol=1e-5)


def test_cached_and_repeated_texts_are_not_embedded_again(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    first, embedded = embedder.encode_passages(["Skolan får mer resurser."], cache)
    assert embedded == 1
    texts = ["Skolan får mer resurser.", "Vården ska vara jämlik.", "Vården ska vara jämlik."]
    vectors, embedded = embedder.encode_passages(texts, cache)
    assert embedded == 1
    assert np.array_equal(vectors[0], first[0]) and np.array_equal(vectors[1], vectors[2])
