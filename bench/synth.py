"""Synthetic index versions of any size, built from the real corpus for the query benchmark.

Method (the numbers in `bench/results.md` depend on it):

1. **Units.** Every passage of the real corpus index (`var/index`, built by `styrdok ingest`)
   is split into sentences (text passages) or kept whole (table rows). Each unit is embedded
   once with the real model (`Embedder.encode_passages`, passage prefix) and the vectors are
   cached on disk in `bench/.cache/embeddings.sqlite`; its BM25 terms come from the real
   `pipeline.text.analysis.analyze`.
2. **Passages.** A synthetic passage picks a random anchor unit, then 3-6 distinct units
   from a window of 12 consecutive units of the same document around it, in random order.
   Its text is the units joined by spaces; it inherits document, language, kind, section and
   pages from the anchor. Its **vector is the L2-normalised mean of its units' real
   vectors** (not a model embedding of the joined text: embedding 10^5-10^6 passages with the
   model on CPU would take days); its **BM25 terms are the heading terms of its section plus
   the concatenated terms of its units** (the analyser works word by word, so this equals
   analysing the joined text up to sentence-boundary effects).
3. **Version.** The passages go through `pipeline.index.store.write_passages` into a real
   `styrdok.sqlite` (documents rows copied from the corpus index), BM25 through
   `pipeline.text.analysis.LexicalIndex`, vectors through `pipeline.index.vectors.build_vector_index`
   (flat or IVF, the product's own parameters) or an HNSW index for comparison, row codes
   through `pipeline.index.vectors.write_row_codes`, and a manifest with
   `pipeline.index.vectors.checksums`, laid out as `<root>/CURRENT` + `<root>/versions/<name>/`
   exactly like `pipeline.index.versions.IndexVersions`, so `create_app(Settings(index_dir=root))`
   serves it unchanged.

Built versions are kept under `bench/.cache/idx/` and reused when size and seed match.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from pipeline.config import PROJECT_ROOT
from pipeline.embed.embedder import Embedder
from pipeline.extract.passages import passage_id
from pipeline.index.bm25 import LexicalIndex
from pipeline.index.build import write_row_codes
from pipeline.index.manifest import (
    BM25_NAME,
    DB_NAME,
    FAISS_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SENTENCE_OFFSETS_NAME,
    SENTENCES_NAME,
    UNIT_OFFSETS_NAME,
    UNITS_NAME,
    checksums,
    read_manifest,
)
from pipeline.index.store import EmbeddingCache, connect, write_passages
from pipeline.index.vectors import build_vector_index
from pipeline.index.versions import IndexVersions
from pipeline.records import PATH_SEPARATOR, Passage
from pipeline.text.analysis import analyze

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR = 2
"""Bump when the generation method changes, so cached versions are rebuilt."""
WINDOW = 12
MIN_UNITS, MAX_UNITS = 3, 6
MIN_UNIT_CHARS = 25
VERSION_NAME = "vbench"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"«(])")


def source_version(embedder: Embedder) -> Path:
    """The corpus index version to draw from: `var/index`'s current one, else one built here."""
    current = IndexVersions(PROJECT_ROOT / "var" / "index").current()
    if current is not None and (current / DB_NAME).exists():
        return current
    from pipeline.ingest.run import ingest

    root = CACHE / "source_index"
    if IndexVersions(root).current() is None:
        ingest(PROJECT_ROOT / "corpus", root, embedder, workers=2)
    found = IndexVersions(root).current()
    assert found is not None
    return found


@dataclass
class Units:
    texts: list[str]
    tokens: list[list[str]]
    vectors: np.ndarray
    source_row: np.ndarray
    """Index into `sources` of the passage each unit comes from."""
    doc_start: np.ndarray
    doc_end: np.ndarray
    """Unit index range [start, end) of the unit's document."""
    sources: list[dict]
    heading_tokens: list[list[str]]
    documents: list[tuple]
    source_dir: Path


def load_units(embedder: Embedder) -> Units:
    source = source_version(embedder)
    conn = sqlite3.connect(f"file:{source / DB_NAME}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    documents = [tuple(r) for r in conn.execute("SELECT * FROM documents")]
    passages = [dict(r) for r in conn.execute("SELECT * FROM passages ORDER BY doc_id, ordinal")]
    conn.close()
    texts: list[str] = []
    source_row: list[int] = []
    seen: set[str] = set()
    for i, p in enumerate(passages):
        pieces = [p["text"]] if p["kind"] == "table" else _SENTENCE_END.split(p["text"])
        for piece in pieces:
            piece = " ".join(piece.split())
            if len(piece) < MIN_UNIT_CHARS or piece in seen:
                continue
            seen.add(piece)
            texts.append(piece)
            source_row.append(i)
    rows = np.array(source_row)
    docs = [passages[r]["doc_id"] for r in rows]
    doc_start = np.zeros(len(rows), dtype=np.int64)
    doc_end = np.zeros(len(rows), dtype=np.int64)
    start = 0
    for u in range(1, len(rows) + 1):
        if u == len(rows) or docs[u] != docs[start]:
            doc_start[start:u], doc_end[start:u] = start, u
            start = u
    vectors, _ = embedder.encode_passages(texts, EmbeddingCache(CACHE / "embeddings.sqlite"))
    tokens = [analyze(t, passages[r]["lang"]) for t, r in zip(texts, rows)]
    heading_tokens = [
        analyze(p["section_path"].replace(PATH_SEPARATOR, " "), p["lang"]) if p["section_path"] else []
        for p in passages
    ]
    return Units(texts, tokens, vectors.astype(np.float32), rows, doc_start, doc_end, passages, heading_tokens, documents, source)


def synthesize(units: Units, n: int, seed: int) -> list[np.ndarray]:
    """Member units of each of `n` synthetic passages (see the module docstring)."""
    rng = np.random.default_rng(seed)
    anchors = rng.integers(0, len(units.texts), n)
    lo = np.maximum(units.doc_start[anchors], anchors - WINDOW // 2)
    hi = np.minimum(units.doc_end[anchors], lo + WINDOW)
    lo = np.maximum(units.doc_start[anchors], hi - WINDOW)
    size = hi - lo
    k = np.minimum(rng.integers(MIN_UNITS, MAX_UNITS + 1, n), size)
    order = np.argsort(rng.random((n, WINDOW)), axis=1)
    members = []
    for i in range(n):
        picked = order[i][order[i] < size[i]][: k[i]] + lo[i]
        if anchors[i] not in picked:
            picked[0] = anchors[i]
        members.append(picked)
    return members


def passage_vectors(units: Units, members: list[np.ndarray], chunk: int = 50_000) -> np.ndarray:
    """Normalised mean of the members' real vectors, per passage."""
    dim = units.vectors.shape[1]
    padded_vectors = np.vstack([units.vectors, np.zeros((1, dim), dtype=np.float32)])
    out = np.empty((len(members), dim), dtype=np.float32)
    pad = len(units.texts)
    for start in range(0, len(members), chunk):
        block = members[start : start + chunk]
        idx = np.full((len(block), MAX_UNITS), pad, dtype=np.int64)
        for j, m in enumerate(block):
            idx[j, : len(m)] = m
        summed = padded_vectors[idx].sum(axis=1)
        out[start : start + len(block)] = summed / np.linalg.norm(summed, axis=1, keepdims=True)
    return out


@dataclass
class BuiltSize:
    n: int
    shared: Path
    """Holds styrdok.sqlite and bm25/ shared (hard-linked) by every index type of this size."""
    vectors: np.ndarray
    seconds: dict[str, float]


def build_shared(units: Units, n: int, seed: int, model_id: str) -> BuiltSize:
    """SQLite + BM25 for `n` synthetic passages, plus their vectors (cached on disk)."""
    base = CACHE / "idx" / f"{n}"
    shared = base / "shared"
    stamp = {"n": n, "seed": seed, "generator": GENERATOR, "units": len(units.texts), "model": model_id}
    stamp_path = base / "stamp.json"
    vec_path = base / "vectors.npy"
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp and vec_path.exists():
        vectors = np.load(vec_path, mmap_mode="r")
        if not (shared / SENTENCES_NAME).exists():  # built before the search kept sentence vectors
            write_row_vectors(units, synthesize(units, n, seed), vectors, shared)
        return BuiltSize(n, shared, vectors, {})
    shutil.rmtree(base, ignore_errors=True)
    shared.mkdir(parents=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    members = synthesize(units, n, seed)
    vectors = passage_vectors(units, members)
    seconds["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    tokens: list[list[str]] = []
    with connect(shared / DB_NAME) as conn:
        conn.executemany(f"INSERT INTO documents VALUES ({','.join('?' * len(units.documents[0]))})", units.documents)
        chunk: list[Passage] = []
        for row, picked in enumerate(members):
            anchor = units.sources[units.source_row[picked[0]]]
            text = " ".join(units.texts[u] for u in picked)
            terms = [t for u in picked for t in units.tokens[u]]
            tokens.append(units.heading_tokens[units.source_row[picked[0]]] + terms)
            section = tuple(anchor["section_path"].split(PATH_SEPARATOR)) if anchor["section_path"] else ()
            chunk.append(
                Passage(
                    passage_id=passage_id(anchor["doc_id"], section, f"{row}\x1f{text}"),
                    doc_id=anchor["doc_id"],
                    text=text,
                    section_path=section,
                    pages=tuple(json.loads(anchor["pages_json"])),
                    page_labels=tuple(json.loads(anchor["labels_json"])),
                    bbox=None,
                    lang=anchor["lang"],
                    kind=anchor["kind"],
                    lemmas=" ".join(terms),
                    ordinal=row,
                )
            )
            if len(chunk) == 50_000:
                write_passages(conn, chunk)
                chunk = []
        write_passages(conn, chunk)
    seconds["sqlite"] = time.perf_counter() - started

    started = time.perf_counter()
    LexicalIndex.build(tokens).save(shared / BM25_NAME)
    seconds["bm25"] = time.perf_counter() - started
    del tokens
    write_row_vectors(units, members, vectors, shared)
    del members
    np.save(vec_path, vectors)
    stamp_path.write_text(json.dumps(stamp))
    return BuiltSize(n, shared, vectors, seconds)


def write_row_vectors(units: Units, members: list[np.ndarray], vectors: np.ndarray, shared: Path, chunk: int = 50_000) -> None:
    """The vectors search keeps beside FAISS (`pipeline.index.vectors.RowVectors`), so the
    benchmark pays for scoring them: each passage's members as its sentences, its own vector
    as FAISS's. Written in chunks: at 10^6 passages the sentences are ~3.5 GB in float16."""
    counts = np.array([len(m) for m in members], dtype=np.int64)
    np.save(shared / SENTENCE_OFFSETS_NAME, np.concatenate([[0], np.cumsum(counts)]))
    dim = units.vectors.shape[1]
    out = np.lib.format.open_memmap(shared / SENTENCES_NAME, mode="w+", dtype=np.float16, shape=(int(counts.sum()), dim))
    at = 0
    for start in range(0, len(members), chunk):
        block = np.concatenate(members[start : start + chunk])
        out[at : at + len(block)] = units.vectors[block].astype(np.float16)
        at += len(block)
    out.flush()
    del out
    np.save(shared / UNIT_OFFSETS_NAME, np.arange(len(members) + 1, dtype=np.int64))
    units_out = np.lib.format.open_memmap(shared / UNITS_NAME, mode="w+", dtype=np.float16, shape=(len(members), dim))
    for start in range(0, len(members), chunk):
        units_out[start : start + chunk] = np.asarray(vectors[start : start + chunk], dtype=np.float16)
    units_out.flush()


HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
"""HNSW, built here only to compare it with the product's IVF (`pipeline.index.vectors` builds flat or IVF)."""


def build_vectors(kind: str, vectors: np.ndarray) -> faiss.Index:
    """flat and ivf exactly as `pipeline.index.vectors.build_vector_index` builds them; hnsw for comparison."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "flat":
        return build_vector_index(vectors, exact_limit=len(vectors) + 1)
    if kind == "ivf":
        return build_vector_index(vectors, exact_limit=0)
    if kind == "hnsw":
        inner = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = HNSW_EF_SEARCH  # stored in the file, so the server searches with it
        index = faiss.IndexIDMap2(inner)  # the same wrapper as build_vector_index
        index.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
        return index
    raise ValueError(kind)


def inner_index(index: faiss.Index) -> faiss.Index:
    """The flat / HNSW / IVF index inside the IndexIDMap wrapper (if there is one)."""
    return faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index


def version_root(n: int, kind: str) -> Path:
    return CACHE / "idx" / f"{n}" / kind


def write_version(built: BuiltSize, kind: str, index: faiss.Index, model_id: str) -> Path:
    """A servable index dir (CURRENT + versions/vbench) with shared files hard-linked in."""
    root = version_root(built.n, kind)
    shutil.rmtree(root, ignore_errors=True)
    directory = root / "versions" / VERSION_NAME
    (directory / BM25_NAME).mkdir(parents=True)
    os.link(built.shared / DB_NAME, directory / DB_NAME)
    for name in (SENTENCES_NAME, SENTENCE_OFFSETS_NAME, UNITS_NAME, UNIT_OFFSETS_NAME):
        os.link(built.shared / name, directory / name)
    for file in (built.shared / BM25_NAME).iterdir():
        os.link(file, directory / BM25_NAME / file.name)
    faiss.write_index(index, str(directory / FAISS_NAME))
    row_codes = write_row_codes(directory)
    manifest = {
        "format": FORMAT_VERSION,
        "model": model_id,
        "dimension": int(index.d),
        "passages": built.n,
        "vectors": int(index.ntotal),
        "index_type": kind,
        "row_codes": row_codes,
        "files": checksums(directory),
    }
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (root / "CURRENT").write_text(VERSION_NAME + "\n", encoding="utf-8")
    return root


def cached_version(n: int, kind: str, built: BuiltSize) -> Path | None:
    """A version dir from an earlier run over the same shared files, if there is one."""
    root = version_root(n, kind)
    directory = root / "versions" / VERSION_NAME
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("format") != FORMAT_VERSION or not (directory / FAISS_NAME).exists():
        return None
    same = os.stat(directory / DB_NAME).st_ino == os.stat(built.shared / DB_NAME).st_ino
    return root if same else None
