"""Batch ingestion: every supported file of a folder into a new index version.

Files are extracted in parallel worker processes; a file that cannot be read is reported
by name with its reason and skipped while the rest is indexed. The new version is written
in its own directory and becomes current only when complete (see `pipeline.versions`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import MEDIA_TYPES, extract_document
from pipeline.errors import ExtractionError
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.records import Document, DocumentMeta
from pipeline.store import connect, write_document
from pipeline.versions import IndexVersions

log = logging.getLogger(__name__)
DB_NAME = "styrdok.sqlite"


@dataclass
class IngestReport:
    indexed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) for every file that was skipped."""
    passages: int = 0
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
    on_done: Callable[[str, str | None], None] = lambda name, error: None,
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Extract files in parallel; returns documents in file order and the failures."""
    documents: dict[str, Document] = {}
    failed: list[tuple[str, str]] = []

    def record(path: Path, result: Callable[[], Document]) -> None:
        try:
            documents[path.name] = result()
            on_done(path.name, None)
        except ExtractionError as exc:
            reason = exc.reason + (f" — {exc.hint}" if exc.hint else "")
            failed.append((path.name, reason))
            on_done(path.name, reason)
        except Exception as exc:  # a bug or a hostile file must not stop the batch
            log.exception("unexpected error while reading %s", path.name)
            reason = f"unexpected error ({type(exc).__name__}: {exc})"
            failed.append((path.name, reason))
            on_done(path.name, reason)

    supported = []
    for path in files:
        if path.suffix.lower() in MEDIA_TYPES:
            supported.append(path)
        else:
            reason = f"unsupported file type '{path.suffix or '(none)'}' — styrdok reads .pdf and .html files"
            failed.append((path.name, reason))
            on_done(path.name, reason)

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


def ingest(
    directory: Path,
    index_dir: Path,
    workers: int = 1,
    on_done: Callable[[str, str | None], None] = lambda name, error: None,
) -> IngestReport:
    """Ingest a folder into a new index version and make it current."""
    report = IngestReport()
    started = time.perf_counter()
    manifest = read_manifest(directory)
    documents, report.failed = extract_all(discover(directory), manifest, workers, on_done)
    report.seconds["extract"] = time.perf_counter() - started

    started = time.perf_counter()
    versions = IndexVersions(index_dir)
    with versions.build() as build_dir:
        with connect(build_dir / DB_NAME) as conn:
            for doc in documents:
                write_document(conn, doc)
        report.version = build_dir.name.removesuffix(versions.BUILDING_SUFFIX)
    report.seconds["write"] = time.perf_counter() - started
    report.indexed = [d.file_name for d in documents]
    report.passages = sum(len(d.passages) for d in documents)
    return report
