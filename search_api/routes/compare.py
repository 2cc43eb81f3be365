"""POST /compare: the goals of one document checked against others."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pipeline.crosscheck.compare import compare
from search_api.compare_view import comparison_response
from search_api.schemas import CompareRequest, CompareResponse
from search_api.views import LIMITED, CurrentSearcher, admission

router = APIRouter(tags=["cross-check"])


@router.post("/compare", response_model=CompareResponse, responses=LIMITED)
async def compare_documents(request: Request, searcher: CurrentSearcher, body: CompareRequest) -> CompareResponse:
    """For each goal of the source document, what the targets say: agrees, partial,
    conflicts or absent, with the best evidence, the numbers compared, a confidence and an
    explanation in Swedish and English. Source = target, a source without goals or a target
    without text is a 422. A cross-check is costly work: it runs on capacity the single searches
    leave free (`search_api.admission`)."""
    source = searcher.index.resolve_document(body.source)
    targets = [searcher.index.resolve_document(t) for t in body.targets]
    comparison = await admission(request).run_costly(compare, searcher, source, targets)
    return comparison_response(comparison, searcher.index.documents)
