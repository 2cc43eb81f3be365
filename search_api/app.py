"""The FastAPI application: wiring only. The routes live in `search_api.routes` (JSON),
`search_api.admin` and `search_api.web` (the staff page); errors map to responses in
`search_api.errors`."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from pipeline.config import MAX_BODY_BYTES, Settings, get_settings
from pipeline.crosscheck.compare import evidence_index
from pipeline.embed.embedder import Embedder
from pipeline.errors import IndexUnavailable, ModelUnavailable
from pipeline.index.files import FileStore
from pipeline.search.live import LiveIndex
from search_api.admin import ReindexJob
from search_api.admin import router as admin_router
from search_api.admission import Admission
from search_api.document_page import router as document_page_router
from search_api.errors import install_error_handlers
from search_api.headers import SecurityHeaders
from search_api.limits import BodyLimit, ClientBudget, ClientLimits
from search_api.routes import compare, documents, pages, search, service
from search_api.web import router as web_router

log = logging.getLogger(__name__)
WARM_UP_QUERIES = ("vad säger planen om uppvärmning?", "what does the plan say about heating?")


def _load_model(live: LiveIndex) -> None:
    try:
        live.embedder.engine  # noqa: B018  (loads it)
    except ModelUnavailable as exc:
        log.error("%s", exc)


def _warm_up(live: LiveIndex) -> None:
    """Open the index, then load the model in its own thread (mostly outside the GIL) while
    this one loads the analysers with two searches; the first user waits for neither."""
    try:
        searcher = live.searcher()
        log.info("serving index %s", searcher.index.version)
        threading.Thread(target=_load_model, args=(live,), name="styrdok-model", daemon=True).start()
        for query in WARM_UP_QUERIES:
            searcher.search(query, k=1)
        evidence_index(searcher)  # the cross-check's statement index (seconds, once per version)
    except IndexUnavailable as exc:
        log.error("%s", exc)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # the server accepts requests at once; the model loads beside it (a first search waits)
    threading.Thread(target=_warm_up, args=(app.state.live,), name="styrdok-warm-up", daemon=True).start()
    yield


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    """Outermost first: security headers on every answer, then the per-client limit, then the
    body limit (a refused client's body is never read), then CORS."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"]
        )
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, timeout_s=settings.body_timeout_s)
    budget = ClientBudget(settings.client_concurrency, settings.client_rate_per_s, settings.client_burst)
    app.add_middleware(ClientLimits, budget=budget)
    app.add_middleware(SecurityHeaders, docs=settings.api_docs)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application over the index directory of `settings` (default: the environment's)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="styrdok",
        summary="Search and cross-check the governing documents of a Swedish region.",
        version="0.1.0",
        lifespan=_lifespan,
        docs_url="/docs" if settings.api_docs else None,
        redoc_url=None,
    )
    _install_middleware(app, settings)
    app.state.live = LiveIndex(settings.index_dir, Embedder(settings.model))
    app.state.files = FileStore(settings.index_dir)
    app.state.admission = Admission(reserve=os.cpu_count() or 1)
    app.state.settings = settings
    app.state.reindex_job = ReindexJob()
    install_error_handlers(app)
    app.include_router(admin_router)
    for module in (search, documents, pages, compare, service):
        app.include_router(module.router)
    app.include_router(web_router)  # the staff web page: /, /dokument, /jamfor, /static
    app.include_router(document_page_router)  # /dokument/{id}
    return app
