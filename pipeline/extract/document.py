"""One file in, one `Document` out: the ingestion stages wired together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.extract.clean import remove_boilerplate
from pipeline.extract.continued import join_continued
from pipeline.extract.html import extract_html
from pipeline.extract.layout import order_pages
from pipeline.extract.passages import build_passages
from pipeline.extract.pdf import extract_pdf_pages
from pipeline.extract.structure import build_outline
from pipeline.hashing import file_sha256
from pipeline.records import Document, DocumentMeta, Page, Section
from pipeline.text.language import document_language

EXTRACTOR_VERSION = 4
"""Bump when extraction output changes: ingest then re-extracts files whose bytes did not change.
2: text in every direction, OCR, HTML text in divs, language per document.
3: pages without /MediaBox, damaged pages left out, confident OCR lines of unreadable pages.
4: tables joined over page breaks, unit lines, wrapped header cells, unruled tables cut at gutters and found within one page column."""
MEDIA_TYPES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}


def _page_text(pages: Sequence[Page]) -> str:
    """Lines and table cells in page order: a document whose text is mostly tables (an expense
    report whose only line is "B-1191") is labelled by its tables, not by the default."""
    parts: list[str] = []
    for page in pages:
        parts.extend(line.text for line in page.lines)
        parts.extend(cell or "" for table in page.tables for row in table.rows for cell in row)
    return " ".join(parts)


def media_type(path: Path) -> str:
    try:
        return MEDIA_TYPES[path.suffix.lower()]
    except KeyError:
        raise ExtractionError(
            path.name,
            f"unsupported file type '{path.suffix or '(none)'}'",
            "styrdok reads .pdf and .html files: save or export it as PDF and add that",
        ) from None


def _cleaned(pages: list[Page]) -> list[Page]:
    """Pages without headers and footers; unless that leaves no line at all (a short file
    whose every page says the same thing): then the repeated lines are the text."""
    cleaned = remove_boilerplate(pages)
    return cleaned if any(page.lines for page in cleaned) else pages


def extract_document(path: Path, meta: DocumentMeta | None = None) -> Document:
    """Extract, clean, structure and cut one PDF or HTML file into passages.

    `meta` comes from the corpus manifest; without it the title comes from the file's own
    metadata and the kind is "dokument". Raises `ExtractionError` for unreadable input.
    """
    kind = media_type(path)
    doc_id = file_sha256(path)
    if kind == "application/pdf":
        read = extract_pdf_pages(path)
        pages = order_pages(_cleaned(list(read.pages)))
        own_title = str(read.metadata.get("Title") or "").strip() or None
        warnings: tuple[str, ...] = read.warnings
        default_lang = meta.lang if meta else "sv"
    else:
        page, own_title, default_lang = extract_html(path, meta.lang if meta else "sv")
        pages = [page]
        warnings = ()
    if meta is None:
        lang = document_language(_page_text(pages), default_lang)
        meta = DocumentMeta(title=own_title or path.stem, kind="dokument", date=None, lang=lang)
    outline = build_outline(pages, meta.title)
    tables = join_continued(outline.pages)
    labels = {page.number: page.label for page in outline.pages}
    paged = kind == "application/pdf"
    passages = build_passages(doc_id, outline.sections, tables, default_lang=meta.lang, page_labels=labels, paged=paged)
    if not passages:  # a file whose only text reads as headings: that text is its content
        body = tuple(replace(line, role="body") for page in outline.pages for line in page.lines)
        flat = (Section(path=(meta.title,), level=0, heading=None, lines=body),)
        passages = build_passages(doc_id, flat, tables, default_lang=meta.lang, page_labels=labels, paged=paged)
    if not passages:
        raise ExtractionError(path.name, "no text could be read from the file", "check that it holds text (not only pictures)")
    ocr_pages = {page.number for page in pages if page.ocr}
    if ocr_pages:
        passages = [replace(p, ocr=True) if ocr_pages.intersection(p.pages) else p for p in passages]
    return Document(
        doc_id=doc_id,
        file_name=path.name,
        media_type=kind,
        meta=meta,
        pages=outline.pages,
        sections=outline.sections,
        tables=tables,
        headings=outline.headings,
        passages=tuple(passages),
        warnings=tuple(warnings),
    )
