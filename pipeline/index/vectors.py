"""The vectors of one index version: what is embedded for each passage, and the FAISS index.

Passage `i` (0-based) is the passage with `passages.row = i + 1` in the version's SQLite
database; it is row `i` of BM25 and id `i` in FAISS. FAISS holds one vector for the whole
passage and, for longer passages, one per window of a few sentences: a passage scores
its best vector, so one precise sentence is not drowned by the rest of its passage.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

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


def embedding_units(passages: list[IndexedPassage]) -> tuple[list[str], list[int]]:
    """Texts to embed and the passage each belongs to: the whole passage, then its
    sentence windows when it has more than one."""
    texts: list[str] = []
    owners: list[int] = []
    for row, passage in enumerate(passages):
        texts.append(embedding_text(passage.title, passage.section_path, passage.text))
        owners.append(row)
        windows = sentence_windows(passage.text, passage.lang) if passage.kind == "text" else []
        if len(windows) > 1:
            texts.extend(embedding_text(passage.title, passage.section_path, w) for w in windows)
            owners.extend([row] * len(windows))
    return texts, owners


def sentence_windows(text: str, lang: str, max_words: int = WINDOW_WORDS) -> list[str]:
    """Consecutive sentences grouped into windows of at most `max_words` words."""
    windows: list[list[str]] = []
    words = 0
    for sentence in sentences(text, lang):
        n = len(sentence.split())
        if windows and words + n <= max_words:
            windows[-1].append(sentence)
            words += n
        else:
            windows.append([sentence])
            words = n
    return [" ".join(w) for w in windows]


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
