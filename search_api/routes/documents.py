"""GET /documents, /documents/{id} and /documents/{id}/file: what is indexed, and the sources."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from search_api.schemas import DocumentDetail, DocumentOut, SectionOut
from search_api.views import ERRORS, CurrentSearcher, document_out, goal_count

router = APIRouter(tags=["documents"])
SOURCE_CSP = {
    "text/html": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "application/pdf": "frame-ancestors 'none'",
}
"""An ingested web page is shown in a sandbox: its own opaque origin, no script, nothing fetched
(it may come from anywhere). A PDF keeps the browser's viewer, which a sandbox would switch off."""


@router.get("/documents", response_model=list[DocumentOut], responses=ERRORS)
def documents(searcher: CurrentSearcher) -> list[DocumentOut]:
    """Every indexed document with its kind, date, pages, passages and language mix."""
    return [document_out(searcher, doc_id) for doc_id in searcher.index.documents]


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS)
def document(searcher: CurrentSearcher, doc_id: str) -> DocumentDetail:
    """One document with its section tree, its tables and goals counted."""
    doc_id = searcher.index.resolve_document(doc_id)
    store = searcher.index.store
    sections = [SectionOut(path=list(path), level=level, page=page) for path, level, page in store.sections(doc_id)]
    return DocumentDetail(
        **document_out(searcher, doc_id).model_dump(),
        sections=sections,
        tables=store.count_tables(doc_id),
        goals=goal_count(searcher, doc_id),
    )


@router.get("/documents/{doc_id}/file", responses={**ERRORS, 200: {"content": {"application/pdf": {}}}})
def document_file(request: Request, searcher: CurrentSearcher, doc_id: str) -> FileResponse:
    """The source file (PDF or HTML), by document id only. Link to `…/file#page=N`.
    A web page is shown sandboxed: its scripts do not run."""
    info = searcher.index.documents.get(doc_id)
    path = request.app.state.files.path_for(doc_id) if info else None
    if info is None or path is None:
        raise HTTPException(status_code=404, detail=f"no indexed document with id '{doc_id}'")
    policy = SOURCE_CSP.get(info.media_type, SOURCE_CSP["text/html"])
    return FileResponse(
        path,
        media_type=info.media_type,
        filename=info.file_name,
        content_disposition_type="inline",
        headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"},
    )
