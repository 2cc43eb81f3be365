"""Batch ingestion: a folder of PDF/HTML files into a new index version, incrementally.

`pipeline.ingest.plan` decides what changed against the served version; new and changed
files are extracted by the executor (`pipeline.ingest.executor`: here in parallel sandboxed
worker processes, or on a Ray cluster with `pipeline.ingest.cluster`);
a file that cannot be read is reported by name with its reason and skipped while the rest
is indexed. Passages and goal statements are embedded through the embedding cache, the
search files written, and `pipeline.ingest.commit` checks the version before it becomes
current. One writer at a time (`pipeline.ingest.lock`).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.config import EXACT_INDEX_LIMIT, KEEP_VERSIONS, Limits
from pipeline.crosscheck.goals import Goal, extract_goals
from pipeline.crosscheck.statements import Statement, statements_of
from pipeline.crosscheck.stored import goal_rows, statement_rows
from pipeline.embed.embedder import Embedder
from pipeline.errors import ExtractionError
from pipeline.extract.document import EXTRACTOR_VERSION
from pipeline.index.build import write_search_files
from pipeline.index.files import FileStore
from pipeline.index.manifest import DB_NAME, FORMAT_VERSION, GOAL_VECTORS_NAME, STATEMENT_VECTORS_NAME
from pipeline.index.manifest import read_manifest as read_index_manifest
from pipeline.index.store import (
    EmbeddingCache,
    connect,
    copy_documents,
    count_passages,
    document_ids,
    page_texts,
    passages_of,
    write_document,
    write_goal_rows,
    write_statement_rows,
)
from pipeline.index.vectors import IndexedPassage, all_embedding_units, indexed_passages
from pipeline.index.versions import IndexVersions
from pipeline.ingest.bounds import source_of
from pipeline.ingest.catalog import read_catalog
from pipeline.ingest.commit import prune_sources, verify_build
from pipeline.ingest.events import IngestListener
from pipeline.ingest.executor import Executor, LocalExecutor, extract_all
from pipeline.ingest.failures import Failure, load_failures, save_failures
from pipeline.ingest.lock import writer_lock
from pipeline.ingest.plan import Plan, plan_batch
from pipeline.records import Document, DocumentMeta

__all__ = ["CACHE_NAME", "IngestReport", "extract_all", "ingest"]

log = logging.getLogger(__name__)
CACHE_NAME = "embeddings.sqlite"
FAULT_ENV = "STYRDOK_FAULT_AT"
"""Fault injection for the crash tests: the process kills itself (SIGKILL) at this point."""


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
def _timed(report: IngestReport, stage: str) -> Iterator[None]:
    """Add the wall time of a block to ``report.seconds[stage]``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[stage] = report.seconds.get(stage, 0.0) + time.perf_counter() - started


def ingest(
    directory: Path,
    index_dir: Path,
    embedder: Embedder,
    workers: int = 1,
    listener: IngestListener | None = None,
    wait: bool = False,
    limits: Limits = Limits(),
    exact_limit: int = EXACT_INDEX_LIMIT,
    retry_failed: bool = False,
    keep_versions: int = KEEP_VERSIONS,
    executor: Executor | None = None,
) -> IngestReport:
    """Bring the index in line with a folder; a new version becomes current when anything changed.

    A version with fewer than `exact_limit` vectors is searched exactly, a larger one with IVF.
    Files that failed before with the same bytes are skipped unless `retry_failed`;
    `keep_versions` finished versions stay on disk. `executor` runs extraction and embedding
    elsewhere (a Ray cluster); by default `workers` local processes extract and the embedder's
    engine embeds. This process alone writes.
    """
    with writer_lock(index_dir, wait=wait):
        batch = _Batch(
            directory, index_dir, embedder, executor or LocalExecutor(workers), listener or IngestListener(), limits, exact_limit
        )
        batch.retry_failed = retry_failed
        batch.keep_versions = max(1, keep_versions)
        return batch.run()


@dataclass
class _Batch:
    """One ingest run, stage by stage; `run` is the order, each method one stage."""

    directory: Path
    index_dir: Path
    embedder: Embedder
    executor: Executor
    listener: IngestListener
    limits: Limits
    exact_limit: int
    report: IngestReport = field(default_factory=IngestReport)
    retry_failed: bool = False
    keep_versions: int = KEEP_VERSIONS

    def run(self) -> IngestReport:
        versions = IndexVersions(self.index_dir, self.keep_versions)
        current = versions.current()
        served_manifest = read_index_manifest(current) if current is not None else None
        catalog = read_catalog(self.directory)
        known = {sha: f for sha, f in load_failures(self.index_dir).items() if f.extractor == EXTRACTOR_VERSION}
        with _timed(self.report, "scan"):
            failures = None if self.retry_failed else known
            plan = plan_batch(self.directory, current, served_manifest, catalog, failures, self.limits.follow_symlinks)
        self._note_plan(plan)
        reusable = current is not None and _reusable(served_manifest, self.embedder)
        if not plan.to_extract and not plan.removed and reusable:
            return self._keep_current(current, plan)
        documents = self._extract(plan, catalog)
        if not documents and not plan.removed and reusable:  # every new file failed: nothing to index
            return self._keep_current(current, plan)
        store = FileStore(self.index_dir)
        with versions.build() as build_dir:
            passages = self._store(build_dir, current, plan, documents, store)
            vectors, owners, sentences = self._embed(passages)
            self._goals(build_dir)
            self._index(build_dir, passages, vectors, owners, sentences)
            self.report.version = build_dir.name.removesuffix(versions.BUILDING_SUFFIX)
        self.report.switched = True
        self.report.passages = len(passages)
        prune_sources(store, versions)
        self._remember_failures(plan)
        return self.report

    def _keep_current(self, current: Path | None, plan: Plan) -> IngestReport:
        """Nothing to change: the served version stays current."""
        assert current is not None  # only called when the served version is reusable
        self.report.version = current.name
        self.report.passages = count_passages(current / DB_NAME)
        self._remember_failures(plan)
        return self.report

    def _remember_failures(self, plan: Plan) -> None:
        """Remember this run's failures by content hash, for the files still in the folder;
        a duplicate of a file that failed gets that file's reason."""
        reasons = dict(self.report.failed)
        failures = dict(plan.remembered)
        for name, sha in plan.hashes.items():
            if name in reasons and sha not in plan.remembered and name not in plan.duplicates:
                failures[sha] = Failure(name, reasons[name], EXTRACTOR_VERSION)
        for name, original in plan.duplicates.items():
            if original in reasons:
                reasons[name] = f"same content as {original}, which could not be read: {reasons[original]}"
        self.report.failed = sorted(reasons.items())
        save_failures(self.index_dir, failures)

    def _note_plan(self, plan: Plan) -> None:
        for name, reason in plan.skipped:
            self.report.failed.append((name, reason))
            self.listener.file_done(name, reason)
        self.report.unchanged = plan.unchanged
        self.report.removed = plan.removed

    def _extract(self, plan: Plan, catalog: dict[str, DocumentMeta]) -> list[Document]:
        with _timed(self.report, "extract"):
            self.listener.stage("extract", len(plan.to_extract))
            _fault_point("extract")
            documents, failed = self.executor.extract(plan.to_extract, catalog, self.listener, self.limits)
            self.report.failed = sorted(self.report.failed + failed)
            self.report.extracted = len(plan.to_extract)
            for doc in documents:
                (self.report.updated if doc.file_name in plan.served_by_name else self.report.added).append(doc.file_name)
        return documents

    def _store(
        self, build_dir: Path, current: Path | None, plan: Plan, documents: list[Document], store: FileStore
    ) -> list[IndexedPassage]:
        with _timed(self.report, "store"), connect(build_dir / DB_NAME) as conn:
            if plan.keep and current is not None:
                copy_documents(conn, current / DB_NAME, plan.keep)
            for doc in documents:
                if self._stored(store, doc):
                    write_document(conn, doc)
            return indexed_passages(conn)

    def _stored(self, store: FileStore, doc: Document) -> bool:
        """Copy the document's source into the file store; False (the file reported and left
        out) when it changed or became a link after it was extracted."""
        try:
            store.add(doc.doc_id, source_of(self.directory / doc.file_name, self.limits.follow_symlinks), doc.file_name)
        except (ExtractionError, FileNotFoundError, PermissionError) as exc:  # disk full stays a batch failure
            reason = exc.reason if isinstance(exc, ExtractionError) else f"cannot be read again ({exc.strerror or exc})"
            self.report.failed = sorted([*self.report.failed, (doc.file_name, reason + " — run styrdok ingest again")])
            self.listener.file_done(doc.file_name, reason)
            for names in (self.report.added, self.report.updated):
                if doc.file_name in names:
                    names.remove(doc.file_name)
            return False
        return True

    def _embed(self, passages: list[IndexedPassage]) -> tuple[np.ndarray, list[int], tuple[np.ndarray, list[int]]]:
        """FAISS's vectors with their passage rows, and the sentence vectors with theirs (one encoding pass)."""
        with _timed(self.report, "embed"):
            units = all_embedding_units(passages)
            self.listener.stage("embed", len(units.texts) + len(units.sentences))
            _fault_point("embed")
            vectors, self.report.embedded = self.embedder.encode_passages(
                units.texts + units.sentences,
                EmbeddingCache(self.index_dir / CACHE_NAME),
                progress=self.listener.advance,
                encoder=self.executor.encoder(self.embedder),
            )
        n = len(units.texts)
        return vectors[:n], units.owners, (vectors[n:], units.sentence_owners)

    def _goals(self, build_dir: Path) -> None:
        with _timed(self.report, "goals"):
            self.listener.stage("goals", 1)
            goals, statements = _extract_goals(build_dir / DB_NAME)
            cache = EmbeddingCache(self.index_dir / CACHE_NAME)
            encoder = self.executor.encoder(self.embedder)
            goal_vectors, _ = self.embedder.encode_passages([g.text for g in goals], cache, as_queries=True, encoder=encoder)
            np.save(build_dir / GOAL_VECTORS_NAME, goal_vectors)
            statement_vectors, _ = self.embedder.encode_passages(
                [s.text for s in statements], cache, as_queries=True, encoder=encoder
            )
            np.save(build_dir / STATEMENT_VECTORS_NAME, statement_vectors)
            self.listener.advance(1)

    def _index(
        self,
        build_dir: Path,
        passages: list[IndexedPassage],
        vectors: np.ndarray,
        owners: list[int],
        sentences: tuple[np.ndarray, list[int]],
    ) -> None:
        with _timed(self.report, "index"):
            self.listener.stage("index", 1)
            write_search_files(
                build_dir, passages, vectors, self.embedder.model_id, owners, EXTRACTOR_VERSION, self.exact_limit,
                sentences,
            )
            verify_build(build_dir, len(passages))
            self.listener.advance(1)
            _fault_point("swap")


def _reusable(manifest: dict | None, embedder: Embedder) -> bool:
    """True when the served version can stay as it is: same file format and same model."""
    return manifest is not None and manifest.get("format") == FORMAT_VERSION and manifest.get("model") == embedder.model_id


def _extract_goals(db: Path) -> tuple[list[Goal], list[Statement]]:
    """Goal statements and evidence statements (every sentence, item, row and heading with
    its page) of every document, stored beside the passages for the cross-check."""
    with connect(db) as conn:
        goals: list[Goal] = []
        statements: list[Statement] = []
        for doc_id in document_ids(conn):
            passages = passages_of(conn, doc_id)
            pages = page_texts(conn, doc_id)
            texts = {page: text for page, (_, text) in pages.items()}
            labels = {page: label for page, (label, _) in pages.items()}
            goals.extend(extract_goals(passages, texts))
            statements.extend(statements_of(passages, texts, labels))
        write_goal_rows(conn, goal_rows(goals))
        write_statement_rows(conn, statement_rows(statements))
    return goals, statements
