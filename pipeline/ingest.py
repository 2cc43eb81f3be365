"""Batch ingestion: every supported file of a folder into a new index version.

Files are extracted in parallel worker processes; a file that cannot be read is reported
by name with its reason and skipped while the rest is indexed. Passages are embedded
(reusing cached vectors), FAISS and BM25 are built beside the SQLite store, and the new
version becomes current only when complete and consistent (see `pipeline.versions`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import faiss

from pipeline.document import MEDIA_TYPES, extract_document
from pipeline.embed import Embedder, EmbeddingCache
from pipeline.errors import ExtractionError
from pipeline.files import FileStore
from pipeline.index import BM25_NAME, DB_NAME, FAISS_NAME, IndexedPassage, embedding_text, write_search_files
from pipeline.lexical import LexicalIndex
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.records import Document, DocumentMeta
from pipeline.store import connect, write_document
from pipeline.versions import IndexVersions

log = logging.getLogger(__name__)
CACHE_NAME = "embeddings.sqlite"


class IngestListener:
    """Receives progress events; the CLI draws them, tests and the API ignore or count them."""

    def file_done(self, name: str, error: str | None) -> None:
        """One file was extracted (error is None) or skipped (error says why)."""

    def stage(self, name: str, total: int) -> None:
        """A new stage starts with `total` units of work."""

    def advance(self, n: int) -> None:
        """`n` units of the current stage are done."""


class InconsistentIndex(RuntimeError):
    """The freshly built files disagree with each other; the version is not switched to."""


@dataclass
class IngestReport:
    indexed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) for every file that was skipped."""
    passages: int = 0
    embedded: int = 0
    """Passages embedded in this run (the rest came from the cache)."""
    version: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def discover(directory: Path) -> list[Path]:
    """The files of a folder to ingest, sorted; the manifest itself is not a document."""
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")
    )


def _extract(path: Path, meta: DocumentMeta | None) -> Document:
    return extract_document(path, meta)


def extract_all(
    files: list[Path],
    manifest: dict[str, DocumentMeta],
    workers: int,
    listener: IngestListener,
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Extract files in parallel; returns documents in file order and the failures."""
    documents: dict[str, Document] = {}
    failed: list[tuple[str, str]] = []

    def record(path: Path, result: Callable[[], Document]) -> None:
        try:
            documents[path.name] = result()
            listener.file_done(path.name, None)
        except ExtractionError as exc:
            reason = exc.reason + (f" — {exc.hint}" if exc.hint else "")
            failed.append((path.name, reason))
            listener.file_done(path.name, reason)
        except Exception as exc:  # a bug or a hostile file must not stop the batch
            log.exception("unexpected error while reading %s", path.name)
            reason = f"unexpected error ({type(exc).__name__}: {exc})"
            failed.append((path.name, reason))
            listener.file_done(path.name, reason)

    supported = []
    for path in files:
        if path.suffix.lower() in MEDIA_TYPES:
            supported.append(path)
        else:
            reason = f"unsupported file type '{path.suffix or '(none)'}' — styrdok reads .pdf and .html files"
            failed.append((path.name, reason))
            listener.file_done(path.name, reason)

    if workers <= 1 or len(supported) <= 1:
        for path in supported:
            record(path, lambda p=path: _extract(p, manifest.get(p.name)))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_extract, p, manifest.get(p.name)): p for p in supported}
            for future in as_completed(futures):
                record(futures[future], future.result)
    ordered = [documents[p.name] for p in supported if p.name in documents]
    return ordered, sorted(failed)


def _indexed_passages(conn) -> list[IndexedPassage]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT p.text, p.lang, p.section_path, d.title FROM passages p JOIN documents d USING (doc_id) ORDER BY p.row"
    )
    return [IndexedPassage(text=r[0], lang=r[1], section_path=r[2], title=r[3]) for r in rows]


def verify_build(directory: Path, n_passages: int) -> None:
    """Counts of SQLite, FAISS and BM25 must agree before a version may become current."""
    with connect(directory / DB_NAME, readonly=True) as conn:
        n_sql = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        rows = conn.execute("SELECT MIN(row), MAX(row) FROM passages").fetchone()
    n_faiss = faiss.read_index(str(directory / FAISS_NAME)).ntotal
    n_bm25 = len(LexicalIndex.load(directory / BM25_NAME))
    contiguous = n_sql == 0 or (rows[0] == 1 and rows[1] == n_sql)
    if not (n_sql == n_faiss == n_bm25 == n_passages and contiguous):
        raise InconsistentIndex(
            f"index check failed: {n_sql} passages in SQLite, {n_faiss} vectors, {n_bm25} BM25 rows"
            f" (expected {n_passages}); the previous version stays current"
        )


def ingest(
    directory: Path,
    index_dir: Path,
    embedder: Embedder,
    workers: int = 1,
    listener: IngestListener | None = None,
) -> IngestReport:
    """Ingest a folder into a new index version and make it current."""
    listener = listener or IngestListener()
    report = IngestReport()
    started = time.perf_counter()
    manifest = read_manifest(directory)
    files = discover(directory)
    listener.stage("extract", len(files))
    documents, report.failed = extract_all(files, manifest, workers, listener)
    report.seconds["extract"] = time.perf_counter() - started

    versions = IndexVersions(index_dir)
    with versions.build() as build_dir:
        started = time.perf_counter()
        store = FileStore(index_dir)
        with connect(build_dir / DB_NAME) as conn:
            for doc in documents:
                write_document(conn, doc)
                store.add(doc.doc_id, directory / doc.file_name)
            passages = _indexed_passages(conn)
        report.seconds["store"] = time.perf_counter() - started

        started = time.perf_counter()
        listener.stage("embed", len(passages))
        texts = [embedding_text(p.title, p.section_path, p.text) for p in passages]
        vectors, report.embedded = embedder.encode_passages(
            texts, EmbeddingCache(index_dir / CACHE_NAME), progress=listener.advance
        )
        report.seconds["embed"] = time.perf_counter() - started

        started = time.perf_counter()
        listener.stage("index", 1)
        write_search_files(build_dir, passages, vectors, embedder.model_id)
        verify_build(build_dir, len(passages))
        listener.advance(1)
        report.seconds["index"] = time.perf_counter() - started
        report.version = build_dir.name.removesuffix(versions.BUILDING_SUFFIX)
    report.indexed = [d.file_name for d in documents]
    report.passages = len(passages)
    return report
