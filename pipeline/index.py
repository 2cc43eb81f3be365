"""Search index files of one version: FAISS vectors, BM25 terms and a manifest.

Row `i` of the FAISS index and of BM25 is the passage with `passages.row = i + 1` in the
version's SQLite database. The manifest records the model, dimension, counts, index type
and a SHA-256 of every file, so a server can refuse an index that was built with another
model or damaged on disk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from pipeline.lexical import LexicalIndex, analyze
from pipeline.records import PATH_SEPARATOR

FAISS_NAME = "vectors.faiss"
BM25_NAME = "bm25"
MANIFEST_NAME = "manifest.json"
DB_NAME = "styrdok.sqlite"
FORMAT_VERSION = 1
EXACT_INDEX_LIMIT = 50_000
"""Below this many passages search is exact (flat inner product); above it HNSW."""
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


@dataclass(frozen=True)
class IndexedPassage:
    """What the index needs of a passage: the text to embed and the terms to match."""

    text: str
    lang: str
    section_path: str
    title: str


def embedding_text(title: str, section_path: str, text: str) -> str:
    """The passage as the model sees it: where it stands in the document, then its text."""
    return f"{title}. {section_path}. {text}" if section_path else f"{title}. {text}"


def lexical_terms(passage: IndexedPassage) -> list[str]:
    """BM25 terms of a passage: its text and its section headings, analysed alike."""
    headings = passage.section_path.replace(PATH_SEPARATOR, " ")
    return analyze(f"{headings} {passage.text}", passage.lang)


def build_vector_index(vectors: np.ndarray, exact_limit: int = EXACT_INDEX_LIMIT) -> faiss.Index:
    """Exact inner-product search for small collections, HNSW above `exact_limit`."""
    dim = vectors.shape[1]
    if len(vectors) < exact_limit:
        index: faiss.Index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every index file under `directory` except the manifest, by relative path."""
    return {
        str(path.relative_to(directory)): sha256_file(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


def write_search_files(
    directory: Path,
    passages: list[IndexedPassage],
    vectors: np.ndarray,
    model_id: str,
    exact_limit: int = EXACT_INDEX_LIMIT,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> dict:
    """Write FAISS, BM25 and the manifest for passages in row order; returns the manifest."""
    on_stage("vectors")
    index = build_vector_index(vectors, exact_limit)
    faiss.write_index(index, str(directory / FAISS_NAME))
    on_stage("bm25")
    tokens = [lexical_terms(p) for p in passages]
    if not any(tokens):
        tokens[0] = ["\u2205"]  # bm25s needs one term; an all-empty corpus matches nothing anyway
    LexicalIndex.build(tokens).save(directory / BM25_NAME)
    manifest = {
        "format": FORMAT_VERSION,
        "model": model_id,
        "dimension": int(vectors.shape[1]),
        "passages": len(passages),
        "index_type": "flat" if isinstance(index, faiss.IndexFlat) else "hnsw",
        "files": checksums(directory),
    }
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


class CorruptIndex(RuntimeError):
    """An index file does not match its manifest; the message says which and what to do."""


def verify_files(directory: Path) -> dict:
    """Read the manifest and check every file's checksum; raises `CorruptIndex`."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        raise CorruptIndex(f"{directory} has no {MANIFEST_NAME}: re-run `styrdok ingest`")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        file = directory / name
        if not file.exists() or sha256_file(file) != expected:
            raise CorruptIndex(
                f"index file {file} is missing or damaged (checksum mismatch): re-run `styrdok ingest` to rebuild"
            )
    return manifest
