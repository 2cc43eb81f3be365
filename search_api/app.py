"""The FastAPI application: JSON endpoints over `pipeline.search`, and the staff web page."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse

from pipeline.compare import compare
from pipeline.config import Settings, get_settings
from pipeline.embed import Embedder, ModelUnavailable
from pipeline.files import FileStore
from pipeline.index import CorruptIndex
from pipeline.language import detect_query_language
from pipeline.live import LiveIndex, NoIndex
from pipeline.search import MODES, Filters, IndexMismatch, Searcher
from search_api.admin import ReindexJob
from search_api.admin import router as admin_router
from search_api.compare_view import comparison_response
from search_api.schemas import (
    MAX_K,
    MAX_QUERY_CHARS,
    BatchSearchRequest,
    BatchSearchResponse,
    CompareRequest,
    CompareResponse,
    DocumentDetail,
    DocumentOut,
    ErrorOut,
    Health,
    SearchRequest,
    SearchResponse,
    SectionOut,
    hit_model,
)
from search_api.web import router as web_router

log = logging.getLogger(__name__)
ERRORS = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut}}
MAX_BODY_BYTES = 64 * 1024
"""Request bodies above this are refused (413): no endpoint needs more."""
WARM_UP_QUERIES = ("vad säger planen om uppvärmning?", "what does the plan say about heating?")


def current_searcher(request: Request) -> Searcher:
    """The searcher of the index version being served (switches when a new one is current)."""
    live: LiveIndex = request.app.state.live
    return live.searcher()


CurrentSearcher = Annotated[Searcher, Depends(current_searcher)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    live = LiveIndex(settings.index_dir, Embedder(settings.model))
    files = FileStore(settings.index_dir)

    def load_model() -> None:
        try:
            live.embedder.engine  # noqa: B018  (loads it)
        except ModelUnavailable as exc:
            log.error("%s", exc)

    def warm_up() -> None:
        # once the index is open, the model loads in its own thread (mostly outside the GIL)
        # while this one loads the analysers with two searches; the first user waits for neither
        try:
            searcher = live.searcher()
            log.info("serving index %s", searcher.index.version)
            threading.Thread(target=load_model, name="styrdok-model", daemon=True).start()
            for query in WARM_UP_QUERIES:
                searcher.search(query, k=1)
        except (NoIndex, CorruptIndex, IndexMismatch, ModelUnavailable) as exc:
            log.error("%s", exc)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the server accepts requests at once; the model loads beside it (a first search waits)
        threading.Thread(target=warm_up, name="styrdok-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="styrdok",
        summary="Search and cross-check the governing documents of a Swedish region.",
        version="0.1.0",
        lifespan=lifespan,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"]
        )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse(status_code=413, content={"detail": f"request body over {MAX_BODY_BYTES} bytes"})
        return await call_next(request)

    app.state.live = live
    app.state.settings = settings
    app.state.reindex_job = ReindexJob()
    app.include_router(admin_router)

    @app.exception_handler(NoIndex)
    @app.exception_handler(ModelUnavailable)
    @app.exception_handler(CorruptIndex)
    @app.exception_handler(IndexMismatch)
    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    def run_search(searcher: Searcher, request: SearchRequest) -> SearchResponse:
        filters = Filters(
            doc=_document_id(searcher, request.doc) if request.doc else None,
            kind=_known(request.kind, {d.kind for d in searcher.index.documents.values()}, "kind"),
            lang=_known(request.lang, searcher.index.languages | {"sv", "en"}, "lang"),
            year=request.year,
        )
        hits = searcher.search(request.q, k=request.k, mode=request.mode, filters=filters)
        return SearchResponse(
            query=request.q,
            mode=request.mode,
            query_lang=detect_query_language(request.q),
            index_version=searcher.index.version,
            results=[hit_model(h) for h in hits],
        )

    @app.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search_get(
        searcher: CurrentSearcher,
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="The question or words.")],
        k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
        mode: Annotated[str, Query(pattern="^(" + "|".join(MODES) + ")$")] = "hybrid",
        doc: Annotated[str | None, Query(description="Document id or file name.")] = None,
        kind: Annotated[str | None, Query(description="Document kind, e.g. 'strategisk plan'.")] = None,
        lang: Annotated[str | None, Query(description="Passage language: sv or en.")] = None,
        year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    ) -> SearchResponse:
        """Passages that answer the query, best first, each with its citation."""
        return run_search(searcher, SearchRequest(q=q, k=k, mode=mode, doc=doc, kind=kind, lang=lang, year=year))

    @app.post("/search", response_model=BatchSearchResponse, responses=ERRORS, tags=["search"])
    def search_batch(searcher: CurrentSearcher, body: BatchSearchRequest) -> BatchSearchResponse:
        """Several searches in one request (at most 20)."""
        return BatchSearchResponse(responses=[run_search(searcher, request) for request in body.queries])

    @app.get("/documents", response_model=list[DocumentOut], responses=ERRORS, tags=["documents"])
    def documents(searcher: CurrentSearcher) -> list[DocumentOut]:
        """Every indexed document with its kind, date, pages, passages and language mix."""
        return [_document_out(searcher, doc_id) for doc_id in searcher.index.documents]

    @app.get("/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS, tags=["documents"])
    def document(searcher: CurrentSearcher, doc_id: str) -> DocumentDetail:
        """One document with its section tree."""
        doc_id = _document_id(searcher, doc_id)
        sections = [
            SectionOut(path=r["path"].split(" › "), level=r["level"], page=r["page"])
            for r in searcher.index.conn.execute(
                "SELECT path, level, page FROM sections WHERE doc_id = ? ORDER BY ordinal", (doc_id,)
            )
        ]
        n_tables = searcher.index.conn.execute("SELECT COUNT(*) FROM tables WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        return DocumentDetail(**_document_out(searcher, doc_id).model_dump(), sections=sections, tables=n_tables)

    @app.get("/documents/{doc_id}/file", responses={**ERRORS, 200: {"content": {"application/pdf": {}}}}, tags=["documents"])
    def document_file(searcher: CurrentSearcher, doc_id: str) -> FileResponse:
        """The source file (PDF or HTML), by document id only. Link to `…/file#page=N`."""
        info = searcher.index.documents.get(doc_id)
        path = files.path_for(doc_id) if info else None
        if info is None or path is None:
            raise HTTPException(status_code=404, detail=f"no indexed document with id '{doc_id}'")
        return FileResponse(path, media_type=info.media_type, filename=info.file_name, content_disposition_type="inline")

    @app.post("/compare", response_model=CompareResponse, responses=ERRORS, tags=["cross-check"])
    def compare_documents(searcher: CurrentSearcher, body: CompareRequest) -> CompareResponse:
        """For each goal of the source document, what the targets say: agrees, partial,
        conflicts or absent, with the best evidence and the numbers compared."""
        source = _document_id(searcher, body.source)
        targets = [_document_id(searcher, t) for t in body.targets]
        if source in targets:
            raise HTTPException(status_code=422, detail="the source document cannot also be a target")
        return comparison_response(compare(searcher, source, targets), searcher.index.documents)

    @app.get("/health", response_model=Health, responses=ERRORS, tags=["service"])
    def health(searcher: CurrentSearcher) -> Health:
        """Index version, counts and model of what is being served."""
        manifest = searcher.index.manifest
        return Health(
            status="ok",
            index_version=searcher.index.version,
            documents=len(searcher.index.documents),
            passages=len(searcher.index),
            model=manifest["model"],
            dimension=manifest["dimension"],
            index_type=manifest["index_type"],
            model_loaded=searcher.embedder.loaded,
        )

    app.include_router(web_router)  # the staff web page: /, /dokument, /jamfor, /static
    return app


def _document_id(searcher: Searcher, ref: str) -> str:
    for doc_id, info in searcher.index.documents.items():
        if ref in (doc_id, info.file_name):
            return doc_id
    raise HTTPException(status_code=404, detail=f"no indexed document '{ref}' (use an id from GET /documents)")


def _known(value: str | None, allowed: set[str], name: str) -> str | None:
    if value is not None and value not in allowed:
        raise HTTPException(
            status_code=422, detail=f"unknown {name} '{value}'; known values: {', '.join(sorted(allowed))}"
        )
    return value


def _document_out(searcher: Searcher, doc_id: str) -> DocumentOut:
    info = searcher.index.documents[doc_id]
    conn = searcher.index.conn
    row = conn.execute("SELECT indexed_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    languages = dict(conn.execute("SELECT lang, COUNT(*) FROM passages WHERE doc_id = ? GROUP BY lang", (doc_id,)).fetchall())
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
        indexed_at=row["indexed_at"],
        link=f"/documents/{doc_id}/file",
    )
