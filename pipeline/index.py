"""Search index files of one version: FAISS vectors, BM25 terms and a manifest.

Passage `i` (0-based) is the passage with `passages.row = i + 1` in the version's SQLite
database; it is row `i` of BM25 and id `i` in FAISS. FAISS holds one vector for the whole
passage and, for longer passages, one per window of a few sentences: a passage scores
its best vector, so one precise sentence is not drowned by the rest of its passage.
The manifest records the model, dimension, counts, index type and a SHA-256 of every
file, so a server can refuse an index built with another model or damaged on disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from pipeline.config import EXACT_INDEX_LIMIT
from pipeline.hashing import file_sha256
from pipeline.lexical import LexicalIndex, analyze
from pipeline.nlp import sentences
from pipeline.records import PATH_SEPARATOR

FAISS_NAME = "vectors.faiss"
GOAL_VECTORS_NAME = "goals.npy"
BM25_NAME = "bm25"
MANIFEST_NAME = "manifest.json"
DB_NAME = "styrdok.sqlite"
ROW_DOC_NAME = "row_doc.npy"
ROW_LANG_NAME = "row_lang.npy"
FORMAT_VERSION = 4
"""Bumped when the files change shape; an index of another format is rebuilt on ingest."""
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


def lexical_terms(passage: IndexedPassage) -> list[str]:
    """BM25 terms of a passage: its text and its section headings, analysed alike."""
    headings = passage.section_path.replace(PATH_SEPARATOR, " ")
    return analyze(f"{headings} {passage.text}", passage.lang)


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


def checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every index file under `directory` except the manifest, by relative path."""
    return {
        str(path.relative_to(directory)): file_sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


def write_row_codes(directory: Path) -> dict[str, list[str]]:
    """Each passage row's document and language as integer codes, in two ``.npy`` files.

    The server memory-maps them for filters and language masks instead of reading every
    passage row from SQLite at start (seconds at a million passages). Returns the code
    tables (``docs``, ``langs``: code ``i`` is entry ``i``) for the manifest.
    """
    with sqlite3.connect(directory / DB_NAME) as conn:
        rows = conn.execute("SELECT doc_id, lang FROM passages ORDER BY row").fetchall()
    tables = {"docs": sorted({r[0] for r in rows}), "langs": sorted({r[1] for r in rows})}
    doc_code = {doc_id: i for i, doc_id in enumerate(tables["docs"])}
    lang_code = {lang: i for i, lang in enumerate(tables["langs"])}
    np.save(directory / ROW_DOC_NAME, np.array([doc_code[r[0]] for r in rows], dtype=np.int32))
    np.save(directory / ROW_LANG_NAME, np.array([lang_code[r[1]] for r in rows], dtype=np.uint8))
    return tables


def write_search_files(
    directory: Path,
    passages: list[IndexedPassage],
    vectors: np.ndarray,
    model_id: str,
    owners: list[int] | None = None,
    extractor: int = 0,
    exact_limit: int = EXACT_INDEX_LIMIT,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> dict:
    """Write FAISS, BM25, row codes and the manifest for passages in row order; returns the manifest.

    `owners[j]` is the passage row of vector j (default: one vector per passage).
    """
    on_stage("vectors")
    index = build_vector_index(vectors, exact_limit, None if owners is None else np.asarray(owners))
    faiss.write_index(index, str(directory / FAISS_NAME))
    on_stage("bm25")
    tokens = [lexical_terms(p) for p in passages]
    if not any(tokens):
        tokens[0] = ["\u2205"]  # bm25s needs one term; an all-empty corpus matches nothing anyway
    LexicalIndex.build(tokens).save(directory / BM25_NAME)
    row_codes = write_row_codes(directory)
    manifest = {
        "format": FORMAT_VERSION,
        "extractor": extractor,
        "model": model_id,
        "dimension": int(vectors.shape[1]),
        "passages": len(passages),
        "vectors": int(index.ntotal),
        "index_type": index_type(index),
        "row_codes": row_codes,
        "files": checksums(directory),
    }
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


class CorruptIndex(RuntimeError):
    """An index file does not match its manifest; the message says which and what to do."""


def read_manifest(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def verify_files(directory: Path) -> dict:
    """Read the manifest and check every file's checksum; raises `CorruptIndex`.

    Files are hashed in parallel (hashlib releases the GIL), so the check costs about the
    largest file's read rather than the sum: ~1 s per GB at a million passages.
    """
    manifest = read_manifest(directory)
    if manifest is None:
        raise CorruptIndex(f"{directory} has no readable {MANIFEST_NAME}: re-run `styrdok ingest`")

    def intact(item: tuple[str, str]) -> bool:
        file = directory / item[0]
        return file.exists() and file_sha256(file) == item[1]

    files = sorted(manifest["files"].items())
    with ThreadPoolExecutor(max_workers=min(4, len(files) or 1)) as pool:
        for (name, _), ok in zip(files, pool.map(intact, files)):
            if not ok:
                raise CorruptIndex(
                    f"index file {directory / name} is missing or damaged (checksum mismatch): "
                    "re-run `styrdok ingest` to rebuild"
                )
    return manifest
