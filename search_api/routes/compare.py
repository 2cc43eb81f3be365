"""POST /compare: the goals of one document checked against others; POST /compare/matrix: the
same goals against each target on its own (which goals each target covers)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pipeline.crosscheck.compare import compare, validate
from search_api.compare_view import comparison_response, matrix_response
from search_api.schemas import CompareRequest, CompareResponse, MatrixResponse
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


@router.post("/compare/matrix", response_model=MatrixResponse, responses=LIMITED)
async def compare_matrix(request: Request, searcher: CurrentSearcher, body: CompareRequest) -> MatrixResponse:
    """Which goals of the source each target covers: one row per goal, one cell per target
    (relation, confidence, evidence and explanation against that target alone). The same
    errors as `POST /compare`; costly work, admitted like it."""
    source = searcher.index.resolve_document(body.source)
    targets = [searcher.index.resolve_document(t) for t in body.targets]
    validate(searcher, source, targets)  # the whole request first (source = target is a 422)
    rows = [await admission(request).run_costly(compare, searcher, source, [t]) for t in targets]
    return matrix_response(rows, searcher.index.documents)
