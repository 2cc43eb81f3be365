"""BM25 over analysed terms (bm25s, Lucene variant), memory-mapped when served.

Rows keep corpus order, so a BM25 row is the passage row of SQLite and FAISS; the terms come
from :func:`pipeline.text.analysis.analyze`, the same analysis queries get.
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG


class LexicalIndex:
    """BM25 (bm25s, Lucene variant) over pre-analysed token lists; rows keep corpus order."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever

    @classmethod
    def build(cls, docs_tokens: list[list[str]]) -> LexicalIndex:
        """Index one token list per row; at least one row must have a token."""
        if not any(docs_tokens):
            raise ValueError("cannot build a lexical index: no document has a single term")
        retriever = bm25s.BM25()
        retriever.index(docs_tokens, show_progress=False)
        return cls(retriever)

    def __len__(self) -> int:
        return int(self._retriever.scores["num_docs"])

    def search(
        self, query_tokens: list[str], k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` best rows as (row, score), best first, only rows that score above 0.

        ``allowed`` is a boolean mask over the rows; rows where it is False never come back.
        Ties keep row order, so results are deterministic.
        """
        token_ids = self._retriever.get_tokens_ids(query_tokens)
        if not token_ids or k <= 0:
            return []
        if allowed is not None and len(allowed) != len(self):
            raise ValueError(f"allowed mask has {len(allowed)} entries, the index {len(self)} rows")
        weights = None if allowed is None else np.asarray(allowed, dtype=np.float32)
        scores = self._retriever.get_scores_from_ids(token_ids, weight_mask=weights)
        rows = np.flatnonzero(scores > 0)
        if len(rows) > k:  # keep the k best (ties at the cut included) before sorting
            cut = -np.partition(-scores[rows], k - 1)[k - 1]
            rows = rows[scores[rows] >= cut]
        best = rows[np.lexsort((rows, -scores[rows]))][:k]
        return [(int(row), float(scores[row])) for row in best]

    def document_frequencies(self, tokens: list[str]) -> dict[str, int]:
        """How many rows contain each token (0 for a token the index does not know)."""
        vocab = self._retriever.vocab_dict
        indptr = self._retriever.scores["indptr"]
        return {t: int(indptr[vocab[t] + 1] - indptr[vocab[t]]) if t in vocab else 0 for t in tokens}

    def vocabulary(self) -> dict[str, int]:
        """Every indexed term with the number of rows that contain it."""
        indptr = np.asarray(self._retriever.scores["indptr"])
        counts = np.diff(indptr)
        return {term: int(counts[i]) for term, i in self._retriever.vocab_dict.items() if i < len(counts)}

    def save(self, path: str | Path) -> None:
        self._retriever.save(str(path), show_progress=False)

    @classmethod
    def load(cls, path: str | Path, mmap: bool = True) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(path), mmap=mmap, show_progress=False))
