"""POST /compare: the goals of one document checked against others."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from pipeline.crosscheck.compare import compare
from search_api.compare_view import comparison_response
from search_api.schemas import CompareRequest, CompareResponse
from search_api.views import LIMITED, CurrentSearcher

router = APIRouter(tags=["cross-check"])


@router.post("/compare", response_model=CompareResponse, responses=LIMITED)
def compare_documents(searcher: CurrentSearcher, body: CompareRequest) -> CompareResponse:
    """For each goal of the source document, what the targets say: agrees, partial,
    conflicts or absent, with the best evidence and the numbers compared."""
    source = searcher.index.resolve_document(body.source)
    targets = [searcher.index.resolve_document(t) for t in body.targets]
    if source in targets:
        raise HTTPException(status_code=422, detail="the source document cannot also be a target")
    return comparison_response(compare(searcher, source, targets), searcher.index.documents)
