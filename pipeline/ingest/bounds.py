"""Per-document size limits, checked in the extraction child process.

The time and memory limits of `pipeline.ingest.sandbox` bound extraction only; what a
document costs afterwards grows with its text: a 50 MB HTML file became 33,162 passages and
its ingest grew to 5.9 GB, still embedding after 400 s. A document over `Limits.document_chars`
characters of text or `Limits.document_passages` passages is reported with its numbers and
skipped before it leaves the child (so the oversized result is never sent to the parent).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import ExtractionError
from pipeline.extract.document import extract_document
from pipeline.records import Document, DocumentMeta


def text_chars(document: Document) -> int:
    """Characters of extracted text (every line of every page, tables included)."""
    lines = sum(len(line.text) for page in document.pages for line in page.lines)
    cells = sum(len(cell or "") for table in document.tables for row in table.rows for cell in row)
    return lines + cells


def check_size(document: Document, limits: Limits) -> Document:
    """`document` when it is within `limits`; else an `ExtractionError` saying which and how to raise it."""
    chars = text_chars(document)
    if chars > limits.document_chars:
        raise ExtractionError(
            document.file_name,
            f"{chars:,} characters of text, more than the limit of {limits.document_chars:,} per document",
            "split the document, or raise STYRDOK_MAX_DOCUMENT_CHARS",
        )
    if len(document.passages) > limits.document_passages:
        raise ExtractionError(
            document.file_name,
            f"{len(document.passages):,} passages, more than the limit of {limits.document_passages:,} per document",
            "split the document, or raise STYRDOK_MAX_DOCUMENT_PASSAGES",
        )
    return document


def extract_within(path: Path, meta: DocumentMeta | None, limits: Limits) -> Document:
    """`extract_document`, then `check_size`: the task each extraction child runs."""
    return check_size(extract_document(path, meta), limits)
