"""Vectors kept beside FAISS by passage row (sentences, FAISS's own vectors): stored grouped by
row whatever order they come in, and scored for the asked rows only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.index.vectors import RowVectors


def test_best_vector_per_row_whatever_the_order_they_were_written_in(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(7, 8)).astype(np.float32)
    owners = [2, 0, 2, 3, 0, 2, 3]  # row 1 has none, rows come unsorted
    RowVectors.write(vectors, owners, 4, tmp_path, ("v.npy", "o.npy"))
    stored = RowVectors.load(tmp_path, ("v.npy", "o.npy"))
    assert stored is not None
    query = rng.normal(size=8).astype(np.float32)
    best = stored.best(query, [3, 1, 0, 2, 9])
    expected = {row: max(float(vectors[j].astype(np.float16).astype(np.float32) @ query)
                         for j, o in enumerate(owners) if o == row) for row in (0, 2, 3)}
    assert best.keys() == expected.keys()  # no vectors for row 1, row 9 is past the end
    for row, score in expected.items():
        assert abs(best[row] - score) < 1e-4
    assert stored.best(query, [1]) == {}


def test_a_version_written_without_them_has_none(tmp_path: Path) -> None:
    assert RowVectors.load(tmp_path, ("v.npy", "o.npy")) is None
