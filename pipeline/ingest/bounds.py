"""Per-document size limits, checked in the extraction child process.

The time and memory limits of `pipeline.ingest.sandbox` bound extraction only; what a
document costs afterwards grows with its text: a 50 MB HTML file became 33,162 passages and
its ingest grew to 5.9 GB, still embedding after 400 s. A document over `Limits.document_chars`
characters of text or `Limits.document_passages` passages is reported with its numbers and
skipped before it leaves the child (so the oversized result is never sent to the parent).

The child reads the file once, opened with O_NOFOLLOW (`pipeline.hashing.open_regular`), into
a private copy that every reader then works on: the plan checked the folder's entries by path,
and an entry swapped for a symbolic link after that check is refused at this open with its
reason, instead of being read (the probe of issue 17 had links to `/etc/passwd` hashed). The
copy costs milliseconds per file against seconds of extraction.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import ExtractionError, NotRegularFile
from pipeline.extract.document import extract_document
from pipeline.hashing import open_regular
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


def source_of(path: Path, follow_symlinks: bool = False) -> Path:
    """What to open for the folder entry `path`: the entry itself; with `follow_symlinks`, for a
    link, its target when that is inside the entry's folder. Either is then opened with O_NOFOLLOW,
    so a link swapped in later is refused (`NotRegularFile`)."""
    if not (follow_symlinks and path.is_symlink()):
        return path
    target = path.resolve()
    if not target.is_relative_to(path.parent.resolve()):
        raise NotRegularFile(path.name, "a symbolic link to a file outside the corpus folder — skipped")
    return target


def extract_within(path: Path, meta: DocumentMeta | None, limits: Limits) -> Document:
    """Copy the file (opened by `open_regular`) into a private folder, then `extract_document`
    and `check_size` on the copy: the task each extraction child runs."""
    with open_regular(source_of(path, limits.follow_symlinks)) as handle, tempfile.TemporaryDirectory(prefix="styrdok-") as tmp:
        copy = Path(tmp) / path.name
        with copy.open("xb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
        return check_size(extract_document(copy, meta), limits)
