"""The document page of the staff web page, `/dokument/{id}`: what one indexed document is
(title, kind, date, language, pages, passages, tables, goals), its outline (section paths with
the page each starts on, each linking to the PDF at that page and to a search within the
document for the section's heading), and links to the source, a search in it and a cross-check.
Every result card links here."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pipeline.errors import UnknownDocument
from pipeline.records import file_link
from pipeline.search.hybrid import Searcher
from search_api.views import document_out, goal_count
from search_api.web import format_indexed, index_state, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class OutlineEntry:
    heading: str
    path: tuple[str, ...]
    level: int
    page: int | None
    page_label: str | None
    link: str


def outline(searcher: Searcher, doc_id: str) -> list[OutlineEntry]:
    """The document's sections in order, each with its page (and printed page label)."""
    store = searcher.index.store
    labels = store.page_labels(doc_id)
    return [
        OutlineEntry(
            heading=path[-1] if path else "",
            path=path,
            level=max(1, level),
            page=page,
            page_label=labels.get(page) if page is not None else None,
            link=file_link(doc_id, page),
        )
        for path, level, page in store.sections(doc_id)
        if path
    ]


@router.get("/dokument/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    searcher, error = index_state(request)
    if searcher is None:
        return render(request, "document.html", "documents", status_code=503, index_error=error, doc=None)
    try:
        resolved = searcher.index.resolve_document(doc_id)
    except UnknownDocument as exc:
        return render(request, "document.html", "documents", status_code=404, index_error=None, doc=None, missing=str(exc))
    return render(
        request,
        "document.html",
        "documents",
        index_error=None,
        doc=document_out(searcher, resolved),
        outline=outline(searcher, resolved),
        tables=searcher.index.store.count_tables(resolved),
        goals=goal_count(searcher, resolved),
        indexed=format_indexed,
    )
