"""What the JSON API, the web page and the CLI show of the index: one function per view,
shared so that every surface shows the same rows."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from pipeline.crosscheck.stored import stored_goals
from pipeline.records import file_link
from pipeline.search.hybrid import Filters, Searcher
from search_api.admission import Admission
from search_api.schemas import DocumentOut, ErrorOut, SearchRequest

ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut}}
"""The error responses every endpoint documents (the handlers live in `search_api.errors`)."""
LIMITED: dict[int | str, dict[str, Any]] = {**ERRORS, 413: {"model": ErrorOut}, 429: {"model": ErrorOut}}
"""What the searches and the cross-check document besides: a body over the limit, a client over its budget
(`search_api.limits`)."""


def current_searcher(request: Request) -> Searcher:
    """The searcher of the index version being served (switches when a new one is current)."""
    return request.app.state.live.searcher()


CurrentSearcher = Annotated[Searcher, Depends(current_searcher)]


def admission(request: Request) -> Admission:
    """The server's admission of search work by cost (`search_api.admission`)."""
    return request.app.state.admission


def known(value: str | None, allowed: AbstractSet[str], name: str) -> str | None:
    """`value` when it is one of `allowed` (or None); else a 422 listing the known values."""
    if value is not None and value not in allowed:
        raise HTTPException(
            status_code=422, detail=f"unknown {name} '{value}'; known values: {', '.join(sorted(allowed))}"
        )
    return value


def filters_for(searcher: Searcher, request: SearchRequest) -> Filters:
    """The search filters of a request, each checked against what the index holds."""
    return Filters(
        doc=searcher.index.resolve_document(request.doc) if request.doc else None,
        kind=known(request.kind, {d.kind for d in searcher.index.documents.values()}, "kind"),
        lang=known(request.lang, searcher.index.languages | {"sv", "en"}, "lang"),
        year=request.year,
    )


def document_out(searcher: Searcher, doc_id: str) -> DocumentOut:
    """One row of GET /documents and of the documents page."""
    info = searcher.index.documents[doc_id]
    store = searcher.index.store
    languages = store.languages(doc_id)
    return DocumentOut(
        id=doc_id,
        title=info.title,
        file=info.file_name,
        kind=info.kind,
        date=info.date,
        lang=info.lang,
        media_type=info.media_type,
        pages=info.n_pages,
        passages=sum(languages.values()),
        languages=languages,
        ocr_passages=store.ocr_passages(doc_id),
        indexed_at=store.indexed_at(doc_id),
        link=file_link(doc_id),
    )


def goal_count(searcher: Searcher, doc_id: str) -> int:
    """Goal statements found in the document (`pipeline.crosscheck`), 0 when none were stored."""
    try:
        goals, _ = stored_goals(searcher.index)
    except (OSError, ValueError):
        return 0
    return sum(1 for goal in goals if goal.doc_id == doc_id)
