"""Batch ingestion: a folder of PDF/HTML files into a new index version, incrementally.

Documents are identified by the SHA-256 of their bytes. Against the version being served,
a file whose hash is already indexed is *unchanged*: its rows are copied over, with no
extraction and (through the embedding cache) no embedding. New and changed files are
extracted in parallel worker processes; files that disappeared drop out. A file that
cannot be read is reported by name with its reason and skipped while the rest is indexed.

The new version is built in its own directory, checked (SQLite, FAISS and BM25 agree), and
only then made current (`pipeline.versions`); a crash at any point leaves the previous
version serving. One writer at a time: a lock file guards the index directory.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from pipeline.config import EXACT_INDEX_LIMIT
from pipeline.document import EXTRACTOR_VERSION, MEDIA_TYPES, extract_document
from pipeline.hashing import file_sha256
from pipeline.embed import Embedder, EmbeddingCache
from pipeline.files import FileStore
from pipeline.index import (
    BM25_NAME,
    DB_NAME,
    FAISS_NAME,
    FORMAT_VERSION,
    GOAL_VECTORS_NAME,
    IndexedPassage,
    embedding_units,
    write_search_files,
)
from pipeline.index import read_manifest as read_index_manifest
from pipeline.lexical import LexicalIndex
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.records import Document, DocumentMeta
from pipeline.goals import Goal, extract_goals
from pipeline.store import connect, copy_documents, row_to_passage, write_document, write_goals
from pipeline.sandbox import Limits, Outcome, run_isolated
from pipeline.versions import IndexVersions

log = logging.getLogger(__name__)
CACHE_NAME = "embeddings.sqlite"
LOCK_NAME = "ingest.lock"
FAULT_ENV = "STYRDOK_FAULT_AT"
"""Fault injection for the crash tests: the process kills itself (SIGKILL) at this point."""


class IngestListener:
    """Receives progress events; the CLI draws them, tests and the API count them."""

    def file_done(self, name: str, error: str | None) -> None:
        """One file was extracted (error is None) or skipped (error says why)."""

    def stage(self, name: str, total: int) -> None:
        """A new stage starts with `total` units of work."""

    def advance(self, n: int) -> None:
        """`n` units of the current stage are done."""


class InconsistentIndex(RuntimeError):
    """The freshly built files disagree with each other; the version is not switched to."""


class IngestLocked(RuntimeError):
    """Another ingest is writing to the same index directory."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) for every file that was skipped."""
    extracted: int = 0
    """Files extracted in this run (unchanged ones are not)."""
    passages: int = 0
    embedded: int = 0
    """Passages embedded in this run (the rest came from the cache)."""
    version: str | None = None
    switched: bool = False
    """False when nothing changed and the current version was kept."""
    seconds: dict[str, float] = field(default_factory=dict)


def _fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def writer_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the index directory's ingest lock (released by the OS if the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IngestLocked(
                f"another ingest ({holder}) is writing to {index_dir}: wait for it, or pass --wait"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discover(directory: Path) -> list[Path]:
    """The files of a folder to ingest, sorted; the manifest itself is not a document."""
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")
    )


def extract_all(
    files: list[Path],
    manifest: dict[str, DocumentMeta],
    workers: int,
    listener: IngestListener,
    limits: Limits = Limits(),
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Extract files in isolated child processes, `workers` at a time, each under
    `limits`; returns the documents in file order and the failures with their reasons."""
    documents: dict[str, Document] = {}
    failed: list[tuple[str, str]] = []

    def record(outcome: Outcome) -> None:
        if outcome.error is None:
            documents[outcome.key] = outcome.value
            listener.file_done(outcome.key, None)
        else:
            reason = outcome.error + (f" — {outcome.hint}" if outcome.hint else "")
            failed.append((outcome.key, reason))
            listener.file_done(outcome.key, reason)

    tasks = [(p.name, extract_document, (p, manifest.get(p.name))) for p in files]
    run_isolated(tasks, workers, limits, record)
    return [documents[p.name] for p in files if p.name in documents], sorted(failed)


def _indexed_passages(conn) -> list[IndexedPassage]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT p.text, p.lang, p.section_path, d.title, p.kind FROM passages p JOIN documents d USING (doc_id)"
        " ORDER BY p.row"
    )
    return [IndexedPassage(text=r[0], lang=r[1], section_path=r[2], title=r[3], kind=r[4]) for r in rows]


def verify_build(directory: Path, n_passages: int) -> None:
    """Counts of SQLite, FAISS and BM25 must agree before a version may become current."""
    with connect(directory / DB_NAME, readonly=True) as conn:
        n_sql = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        rows = conn.execute("SELECT MIN(row), MAX(row) FROM passages").fetchone()
    vectors = faiss.read_index(str(directory / FAISS_NAME))
    owners = set(faiss.vector_to_array(vectors.id_map).tolist())
    n_bm25 = len(LexicalIndex.load(directory / BM25_NAME))
    contiguous = n_sql == 0 or (rows[0] == 1 and rows[1] == n_sql)
    if not (n_sql == len(owners) == n_bm25 == n_passages and owners == set(range(n_sql)) and contiguous):
        raise InconsistentIndex(
            f"index check failed: {n_sql} passages in SQLite, vectors for {len(owners)}, {n_bm25} BM25 rows"
            f" (expected {n_passages}); the previous version stays current"
        )


def _served_documents(current: Path | None) -> dict[str, tuple[str, str]]:
    """doc_id → (file name, manifest signature) of the version being served."""
    if current is None:
        return {}
    with connect(current / DB_NAME, readonly=True) as conn:
        return {
            r["doc_id"]: (r["file_name"], f"{r['title']}|{r['kind']}|{r['date']}|{r['lang']}")
            for r in conn.execute("SELECT doc_id, file_name, title, kind, date, lang FROM documents")
        }


def _signature(meta: DocumentMeta | None) -> str | None:
    return None if meta is None else f"{meta.title}|{meta.kind}|{meta.date}|{meta.lang}"


def ingest(
    directory: Path,
    index_dir: Path,
    embedder: Embedder,
    workers: int = 1,
    listener: IngestListener | None = None,
    wait: bool = False,
    limits: Limits = Limits(),
    exact_limit: int = EXACT_INDEX_LIMIT,
) -> IngestReport:
    """Bring the index in line with a folder; a new version becomes current when anything changed.

    A version with fewer than `exact_limit` vectors is searched exactly, a larger one with IVF.
    """
    with writer_lock(index_dir, wait=wait):
        return _ingest(directory, index_dir, embedder, workers, listener or IngestListener(), limits, exact_limit)


def _ingest(
    directory: Path,
    index_dir: Path,
    embedder: Embedder,
    workers: int,
    listener: IngestListener,
    limits: Limits,
    exact_limit: int,
) -> IngestReport:
    report = IngestReport()
    started = time.perf_counter()
    versions = IndexVersions(index_dir)
    current = versions.current()
    served_manifest = read_index_manifest(current) if current is not None else None
    same_extractor = served_manifest is not None and served_manifest.get("extractor") == EXTRACTOR_VERSION
    in_current = _served_documents(current)
    served = in_current if same_extractor else {}  # another extractor version: re-extract all
    served_by_name = {name: doc_id for doc_id, (name, _) in in_current.items()}
    manifest = read_manifest(directory)

    keep: list[str] = []  # doc ids copied from the served version
    seen: dict[str, str] = {}  # doc id → file name, to index identical files once
    to_extract: list[Path] = []
    for path in discover(directory):
        if path.suffix.lower() not in MEDIA_TYPES:
            reason = f"unsupported file type '{path.suffix or '(none)'}' — styrdok reads .pdf and .html files"
            report.failed.append((path.name, reason))
            listener.file_done(path.name, reason)
            continue
        doc_id = file_sha256(path)
        if doc_id in seen:
            reason = f"same content as {seen[doc_id]} — indexed once"
            report.failed.append((path.name, reason))
            listener.file_done(path.name, reason)
            continue
        seen[doc_id] = path.name
        known = served.get(doc_id)
        meta_same = known is not None and _signature(manifest.get(path.name)) in (None, known[1])
        if known is not None and known[0] == path.name and meta_same:
            keep.append(doc_id)
            report.unchanged.append(path.name)
        else:
            to_extract.append(path)
    present = {p.name for p in to_extract} | set(report.unchanged) | {name for name, _ in report.failed}
    report.removed = sorted(name for name in served_by_name if name not in present)
    report.seconds["scan"] = time.perf_counter() - started

    if not to_extract and not report.removed and _reusable(served_manifest, embedder):
        report.version = current.name
        report.passages = _count_passages(current)
        return report

    started = time.perf_counter()
    listener.stage("extract", len(to_extract))
    _fault_point("extract")
    documents, failed = extract_all(to_extract, manifest, workers, listener, limits)
    report.failed = sorted(report.failed + failed)
    report.extracted = len(to_extract)
    for doc in documents:
        (report.updated if doc.file_name in served_by_name else report.added).append(doc.file_name)
    report.seconds["extract"] = time.perf_counter() - started

    with versions.build() as build_dir:
        started = time.perf_counter()
        store = FileStore(index_dir)
        with connect(build_dir / DB_NAME) as conn:
            if keep:
                copy_documents(conn, current / DB_NAME, keep)  # type: ignore[operator]
            for doc in documents:
                write_document(conn, doc)
                store.add(doc.doc_id, directory / doc.file_name)
            passages = _indexed_passages(conn)
        report.seconds["store"] = time.perf_counter() - started

        started = time.perf_counter()
        texts, owners = embedding_units(passages)
        listener.stage("embed", len(texts))
        _fault_point("embed")
        vectors, report.embedded = embedder.encode_passages(
            texts, EmbeddingCache(index_dir / CACHE_NAME), progress=listener.advance
        )
        report.seconds["embed"] = time.perf_counter() - started

        started = time.perf_counter()
        listener.stage("goals", 1)
        goals = _extract_goals(build_dir / DB_NAME)
        goal_vectors, _ = embedder.encode_passages(
            [g.text for g in goals], EmbeddingCache(index_dir / CACHE_NAME), as_queries=True
        )
        np.save(build_dir / GOAL_VECTORS_NAME, goal_vectors)
        listener.advance(1)
        report.seconds["goals"] = time.perf_counter() - started

        started = time.perf_counter()
        listener.stage("index", 1)
        write_search_files(build_dir, passages, vectors, embedder.model_id, owners, EXTRACTOR_VERSION, exact_limit)
        verify_build(build_dir, len(passages))
        listener.advance(1)
        _fault_point("swap")
        report.seconds["index"] = time.perf_counter() - started
        report.version = build_dir.name.removesuffix(versions.BUILDING_SUFFIX)
    report.switched = True
    report.passages = len(passages)
    store.prune({doc_id for version in versions.kept() for doc_id in _served_documents(version)})
    return report


def _reusable(manifest: dict | None, embedder: Embedder) -> bool:
    """True when the served version can stay as it is: same file format and same model."""
    return manifest is not None and manifest.get("format") == FORMAT_VERSION and manifest.get("model") == embedder.model_id


def _extract_goals(db: Path) -> list[Goal]:
    """Goal statements of every document, stored beside the passages for the cross-check."""
    with connect(db) as conn:
        goals: list[Goal] = []
        for (doc_id,) in conn.execute("SELECT doc_id FROM documents ORDER BY rowid").fetchall():
            rows = conn.execute("SELECT * FROM passages WHERE doc_id = ? ORDER BY row", (doc_id,))
            goals.extend(extract_goals([row_to_passage(r) for r in rows]))
        write_goals(conn, goals)
    return goals


def _count_passages(version: Path) -> int:
    with connect(version / DB_NAME, readonly=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
