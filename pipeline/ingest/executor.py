"""Where a batch's heavy work runs: here (processes on this machine) or on a cluster.

`pipeline.ingest.run` drives a batch through an `Executor`: `extract` reads files into
documents and `encoder` says what embeds the passages the cache lacks. `LocalExecutor` is
what a plain `styrdok ingest` does (sandboxed child processes, the embedder's own engine);
`pipeline.ingest.cluster.RayExecutor` does the same on Ray and is imported only when asked
for, so a local ingest never loads Ray. The driver writes the index version either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pipeline.config import Limits
from pipeline.embed.embedder import Embedder, TextEncoder
from pipeline.ingest.bounds import extract_within
from pipeline.ingest.events import IngestListener
from pipeline.ingest.sandbox import Outcome, run_isolated
from pipeline.records import Document, DocumentMeta


class Executor(Protocol):
    def extract(
        self, files: list[Path], manifest: dict[str, DocumentMeta], listener: IngestListener, limits: Limits
    ) -> tuple[list[Document], list[tuple[str, str]]]:
        """Documents in file order, and (file name, reason) for each file that failed."""
        ...

    def encoder(self, embedder: Embedder) -> TextEncoder | None:
        """What embeds texts for `embedder`; None: its own engine, in this process."""
        ...


def failure_reason(outcome: Outcome) -> str:
    assert outcome.error is not None
    return outcome.error + (f" — {outcome.hint}" if outcome.hint else "")


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
            if outcome.value.warnings:
                listener.file_warned(outcome.key, outcome.value.warnings)
        else:
            failed.append((outcome.key, failure_reason(outcome)))
            listener.file_done(outcome.key, failed[-1][1])

    tasks = [(p.name, extract_within, (p, manifest.get(p.name), limits)) for p in files]
    run_isolated(tasks, workers, limits, record)
    return [documents[p.name] for p in files if p.name in documents], sorted(failed)


class LocalExecutor:
    """Extraction in `workers` sandboxed processes here; embedding with the embedder's engine."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def extract(
        self, files: list[Path], manifest: dict[str, DocumentMeta], listener: IngestListener, limits: Limits
    ) -> tuple[list[Document], list[tuple[str, str]]]:
        return extract_all(files, manifest, self.workers, listener, limits)

    def encoder(self, embedder: Embedder) -> TextEncoder | None:
        return None
