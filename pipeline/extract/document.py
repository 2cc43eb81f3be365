"""One file in, one `Document` out: the ingestion stages wired together."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.extract.clean import remove_boilerplate
from pipeline.extract.html import extract_html
from pipeline.extract.layout import order_pages
from pipeline.extract.passages import build_passages
from pipeline.extract.pdf import extract_pdf_pages
from pipeline.extract.structure import build_outline
from pipeline.hashing import file_sha256
from pipeline.records import Document, DocumentMeta

EXTRACTOR_VERSION = 1
"""Bump when extraction output changes: ingest then re-extracts files whose bytes did not change."""
MEDIA_TYPES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}


def media_type(path: Path) -> str:
    try:
        return MEDIA_TYPES[path.suffix.lower()]
    except KeyError:
        raise ExtractionError(
            path.name, f"unsupported file type '{path.suffix or '(none)'}'", "styrdok reads .pdf and .html files"
        ) from None


def extract_document(path: Path, meta: DocumentMeta | None = None) -> Document:
    """Extract, clean, structure and cut one PDF or HTML file into passages.

    `meta` comes from the corpus manifest; without it the title comes from the file's own
    metadata and the kind is "dokument". Raises `ExtractionError` for unreadable input.
    """
    kind = media_type(path)
    doc_id = file_sha256(path)
    if kind == "application/pdf":
        raw_pages, pdf_meta = extract_pdf_pages(path)
        pages = order_pages(remove_boilerplate(raw_pages))
        own_title = str(pdf_meta.get("Title") or "").strip() or None
        default_lang = meta.lang if meta else "sv"
    else:
        page, own_title, default_lang = extract_html(path, meta.lang if meta else "sv")
        pages = [page]
    meta = meta or DocumentMeta(title=own_title or path.stem, kind="dokument", date=None, lang=default_lang)
    outline = build_outline(pages, meta.title)
    tables = tuple(table for page in outline.pages for table in page.tables)
    passages = build_passages(
        doc_id,
        outline.sections,
        tables,
        default_lang=meta.lang,
        page_labels={page.number: page.label for page in outline.pages},
        paged=kind == "application/pdf",
    )
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
    )
