"""GET /search and POST /search: passages that answer, best first, each with its citation."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Query, Request

from pipeline.config import MAX_K, MAX_QUERY_CHARS
from pipeline.search.hybrid import MODES, Searcher
from pipeline.search.suggest import corrected_query, suggest
from pipeline.search.understand import has_content
from pipeline.text.language import detect_query_language
from search_api.schemas import (
    BatchSearchRequest,
    BatchSearchResponse,
    SearchRequest,
    SearchResponse,
    SuggestionOut,
    hit_model,
    understood_model,
)
from search_api.views import LIMITED, CurrentSearcher, admission, filters_for

router = APIRouter(tags=["search"])


def run_search(searcher: Searcher, request: SearchRequest) -> SearchResponse:
    if not has_content(request.q):
        raise HTTPException(status_code=422, detail="the query has no letters or digits to search for: write a word or a number")
    found = searcher.answer(request.q, k=request.k, mode=request.mode, filters=filters_for(searcher, request))
    return SearchResponse(
        query=request.q,
        mode=request.mode,
        query_lang=detect_query_language(request.q),
        index_version=searcher.index.version,
        answerable=found.answerable,
        confidence=round(found.confidence, 4),
        understood=understood_model(found.parsed, searcher.index.documents),
        results=[hit_model(h) for h in found.hits],
        **suggestions_model(searcher, request.q),
    )


def suggestions_model(searcher: Searcher, query: str) -> dict[str, Any]:
    """The "Menade du …" fields of a response (`pipeline.search.suggest`)."""
    found = suggest(searcher.index, query)
    return {
        "suggestions": [SuggestionOut(word=s.word, start=s.start, end=s.end, suggestion=s.suggestion) for s in found],
        "suggested_query": corrected_query(query, found),
    }


@router.get("/search", response_model=SearchResponse, responses=LIMITED)
async def search_get(
    request: Request,
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
    one = SearchRequest(q=q, k=k, mode=mode, doc=doc, kind=kind, lang=lang, year=year)
    async with admission(request).cheap():
        return await to_thread.run_sync(run_search, searcher, one)


def check_batch_cost(body: BatchSearchRequest, max_chars: int, max_results: int) -> None:
    """422 for a batch over the cost bounds (query characters, results asked for); each query alone is valid."""
    chars = sum(len(request.q) for request in body.queries)
    results = sum(request.k for request in body.queries)
    if chars > max_chars or results > max_results:
        raise HTTPException(
            status_code=422,
            detail=f"the batch asks too much: {chars} query characters (at most {max_chars}) and "
            f"{results} results (at most {max_results}); split it into smaller requests",
        )


@router.post("/search", response_model=BatchSearchResponse, responses=LIMITED)
async def search_batch(request: Request, searcher: CurrentSearcher, body: BatchSearchRequest) -> BatchSearchResponse:
    """Several searches in one request (at most 20, with at most `STYRDOK_MAX_BATCH_CHARS` query
    characters and `STYRDOK_MAX_BATCH_RESULTS` results in all). A batch runs its queries one at a
    time on capacity the single searches leave free (`search_api.admission`)."""
    settings = request.app.state.settings
    check_batch_cost(body, settings.max_batch_chars, settings.max_batch_results)
    gate = admission(request)
    if len(body.queries) == 1:
        async with gate.cheap():
            return BatchSearchResponse(responses=[await to_thread.run_sync(run_search, searcher, body.queries[0])])
    return BatchSearchResponse(responses=[await gate.run_costly(run_search, searcher, one) for one in body.queries])
