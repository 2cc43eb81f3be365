"""The vectors of one index version: what is embedded for each passage, and the FAISS index.

Passage `i` (0-based) is the passage with `passages.row = i + 1` in the version's SQLite
database; it is row `i` of BM25 and id `i` in FAISS. FAISS holds one vector for the whole
passage and, for longer passages, one per window of a few sentences: a passage scores
its best vector, so one precise sentence is not drowned by the rest of its passage.

Each sentence of a text passage with more than one is also embedded on its own, as written
(no title or heading in front), and kept beside FAISS, not in it (`RowVectors`): search
scores only the sentences of its candidates, so the work per query does not grow with the
index. The answer can be one short line — the parties that sign a plan are the line
"Socialdemokraterna Vänsterpartiet Centerpartiet" at the end of a long passage — that
neither the passage vector nor a 60-word window with the document title in front ranks,
but the sentence alone does (`pipeline.search.hybrid`, measured there). Embedding the
sentences adds about their own length in tokens to what an ingest embeds.

A float16 copy of FAISS's own vectors is kept the same way, so a second query vector can be
scored against the candidates without a second search (`pipeline.search.hybrid`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from pipeline.config import EXACT_INDEX_LIMIT
from pipeline.index.store import passage_index_rows
from pipeline.text.nlp import sentences

WINDOW_WORDS = 60
"""Sentences are grouped into windows of at most this many words for extra vectors."""
IVF_MAX_LISTS = 1024
IVF_NPROBE = 64
IVF_TRAIN_PER_LIST = 64


@dataclass(frozen=True)
class IndexedPassage:
    """What the index needs of a passage: the text to embed and the terms to match."""

    text: str
    lang: str
    section_path: str
    title: str
    kind: str = "text"


def indexed_passages(conn: sqlite3.Connection) -> list[IndexedPassage]:
    """Every passage of a version's store in row order, as the index needs it."""
    return [IndexedPassage(*row) for row in passage_index_rows(conn)]


def embedding_text(title: str, section_path: str, text: str) -> str:
    """The passage as the model sees it: where it stands in the document, then its text."""
    return f"{title}. {section_path}. {text}" if section_path else f"{title}. {text}"


@dataclass(frozen=True)
class EmbeddingUnits:
    """What is embedded for an index version: FAISS's texts (each passage, then its windows)
    with the passage row of each, and the sentences kept beside FAISS with theirs."""

    texts: list[str]
    owners: list[int]
    sentences: list[str]
    sentence_owners: list[int]


def embedding_units(passages: list[IndexedPassage]) -> tuple[list[str], list[int]]:
    """Texts to embed into FAISS and the passage each belongs to: the whole passage, then its
    sentence windows when it has more than one."""
    units = all_embedding_units(passages)
    return units.texts, units.owners


def all_embedding_units(passages: list[IndexedPassage]) -> EmbeddingUnits:
    """FAISS's units (`embedding_units`) and the sentences of every text passage with more than one."""
    units = EmbeddingUnits([], [], [], [])
    for row, passage in enumerate(passages):
        units.texts.append(embedding_text(passage.title, passage.section_path, passage.text))
        units.owners.append(row)
        split = sentences(passage.text, passage.lang) if passage.kind == "text" else []
        windows = sentence_windows(passage.text, passage.lang, split=split) if split else []
        if len(windows) > 1:
            units.texts.extend(embedding_text(passage.title, passage.section_path, w) for w in windows)
            units.owners.extend([row] * len(windows))
        if len(split) > 1:
            units.sentences.extend(split)
            units.sentence_owners.extend([row] * len(split))
    return units


def sentence_windows(text: str, lang: str, max_words: int = WINDOW_WORDS, split: list[str] | None = None) -> list[str]:
    """Consecutive sentences grouped into windows of at most `max_words` words (`split`: the
    text's sentences when they are known already)."""
    windows: list[list[str]] = []
    words = 0
    for sentence in sentences(text, lang) if split is None else split:
        n = len(sentence.split())
        if windows and words + n <= max_words:
            windows[-1].append(sentence)
            words += n
        else:
            windows.append([sentence])
            words = n
    return [" ".join(w) for w in windows]


class RowVectors:
    """Vectors grouped by passage row, beside FAISS (see the module doc), memory-mapped:
    float16 vectors ordered by passage, and where each passage's start
    (passage `r` owns `offsets[r]` to `offsets[r + 1]`)."""

    def __init__(self, vectors: np.ndarray, offsets: np.ndarray) -> None:
        self.vectors = vectors
        self.offsets = offsets

    @staticmethod
    def write(vectors: np.ndarray, owners: list[int], n_passages: int, directory: Path, files: tuple[str, str]) -> None:
        """Write ``vectors`` (owned by passage rows ``owners``) as ``files`` (vectors, offsets) in ``directory``."""
        vectors_path, offsets_path = (directory / name for name in files)
        rows = np.asarray(owners, dtype=np.int64)
        order = np.argsort(rows, kind="stable")
        counts = np.bincount(rows, minlength=n_passages)
        np.save(offsets_path, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
        np.save(vectors_path, np.asarray(vectors, dtype=np.float16).reshape(len(rows), -1)[order])

    @classmethod
    def load(cls, directory: Path, files: tuple[str, str]) -> RowVectors | None:
        """The vectors stored as ``files`` (vectors, offsets), or None for a version written without them."""
        vectors_path, offsets_path = (directory / name for name in files)
        if not (vectors_path.exists() and offsets_path.exists()):
            return None
        return cls(np.load(vectors_path, mmap_mode="r"), np.load(offsets_path, mmap_mode="r"))

    def best(self, vector: np.ndarray, rows: list[int]) -> dict[int, float]:
        """Each row's best score for a query vector: the inner product with its best vector
        (rows without vectors left out)."""
        spans = [(row, int(self.offsets[row]), int(self.offsets[row + 1])) for row in rows if 0 <= row < len(self.offsets) - 1]
        spans = [(row, a, b) for row, a, b in spans if b > a]
        if not spans:
            return {}
        picked = np.concatenate([np.arange(a, b) for _, a, b in spans])
        scores = np.asarray(self.vectors[picked], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        starts = np.cumsum([0] + [b - a for _, a, b in spans[:-1]])
        return {row: float(best) for (row, _, _), best in zip(spans, np.maximum.reduceat(scores, starts))}


def build_vector_index(
    vectors: np.ndarray, exact_limit: int = EXACT_INDEX_LIMIT, ids: np.ndarray | None = None
) -> faiss.Index:
    """Exact inner-product search for small collections, IVF above `exact_limit`.

    `ids` gives each vector's passage (default: vector i belongs to passage i).
    """
    dim = vectors.shape[1]
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < exact_limit:
        inner: faiss.Index = faiss.IndexFlatIP(dim)
    else:
        lists = max(1, min(IVF_MAX_LISTS, int(4 * np.sqrt(len(vectors)))))
        inner = faiss.index_factory(dim, f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), IVF_TRAIN_PER_LIST * lists), replace=False)
        inner.train(vectors[np.sort(sample)])
        faiss.extract_index_ivf(inner).nprobe = min(IVF_NPROBE, lists)
    index = faiss.IndexIDMap2(inner)
    ids = np.arange(len(vectors), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
    index.add_with_ids(vectors, ids)
    return index


def index_type(index: faiss.Index) -> str:
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexHNSW):
        return "hnsw"  # built by bench/ only, to compare with IVF
    return "ivf" if isinstance(inner, faiss.IndexIVF) else "flat"
