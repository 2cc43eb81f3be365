"""GET /health: what is being served, for people and load balancers."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.schemas import Health
from search_api.views import ERRORS, CurrentSearcher

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, responses=ERRORS)
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
