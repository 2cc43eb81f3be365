"""GET /documents, /documents/{id} and /documents/{id}/file: what is indexed, and the sources."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.types import Receive, Scope, Send

from pipeline.errors import NotRegularFile
from pipeline.hashing import open_regular
from search_api.schemas import DocumentDetail, DocumentOut, SectionOut
from search_api.views import ERRORS, CurrentSearcher, document_out, goal_count

router = APIRouter(tags=["documents"])
SOURCE_CSP = {
    "text/html": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "application/pdf": "frame-ancestors 'none'",
}
"""An ingested web page is shown in a sandbox: its own opaque origin, no script, nothing fetched
(it may come from anywhere). A PDF keeps the browser's viewer, which a sandbox would switch off."""


class RegularFileResponse(FileResponse):
    """A `FileResponse` (ranges included) whose file is opened with O_NOFOLLOW and must be the
    file that was checked: a link put in the file store is never followed. The ASGI `pathsend`
    extension (which hands the path to the server to open) is not used."""

    def __init__(self, path: Path, checked: os.stat_result, **kwargs: object) -> None:
        super().__init__(path, stat_result=checked, **kwargs)  # type: ignore[arg-type]
        self.checked = checked

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k != "http.response.pathsend"}
        await super().__call__({**scope, "extensions": extensions}, receive, send)

    @asynccontextmanager
    async def _open_file(self) -> AsyncIterator[anyio.AsyncFile[bytes]]:
        handle = await anyio.to_thread.run_sync(open_regular, Path(self.path))
        opened = os.fstat(handle.fileno())
        file = anyio.wrap_file(handle)
        try:
            if (opened.st_dev, opened.st_ino) != (self.checked.st_dev, self.checked.st_ino):
                raise RuntimeError(f"{self.path} was replaced after it was checked")
            yield file
        finally:
            with anyio.CancelScope(shield=True):
                await file.aclose()


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
def document_file(request: Request, searcher: CurrentSearcher, doc_id: str) -> RegularFileResponse:
    """The source file (PDF or HTML), by document id only. Link to `…/file#page=N`.
    A web page is shown sandboxed: its scripts do not run."""
    info = searcher.index.documents.get(doc_id)
    path = request.app.state.files.path_for(doc_id) if info else None
    if info is None or path is None:
        raise HTTPException(status_code=404, detail=f"no indexed document with id '{doc_id}'")
    try:
        with open_regular(path) as handle:
            checked = os.fstat(handle.fileno())
    except NotRegularFile as exc:
        detail = f"the stored file of document '{doc_id}' {exc.reason.split(' — ')[0]}: not served (run styrdok ingest to store it again)"
        raise HTTPException(status_code=404, detail=detail) from exc
    policy = SOURCE_CSP.get(info.media_type, SOURCE_CSP["text/html"])
    return RegularFileResponse(
        path,
        checked,
        media_type=info.media_type,
        filename=info.file_name,
        content_disposition_type="inline",
        headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"},
    )
