"""Retrieval quality on the development queries: the acceptance figures of the retrieval
issue, measured on the session's real index with the real model."""

import pytest

from pipeline.search.evaluate import evaluate, read_queries
from tests.helpers import SHARED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(searcher):  # type: ignore[no-untyped-def]
    return evaluate(searcher, read_queries(SHARED / "eval" / "dev.jsonl"))


def test_hybrid_meets_the_targets(report) -> None:  # type: ignore[no-untyped-def]
    hybrid = report["hybrid"]
    assert hybrid["recall@5"] >= 0.85
    assert hybrid["mrr@10"] >= 0.70
    assert hybrid["groups"]["lang:en"]["recall@5"] >= 0.80


def test_hybrid_is_at_least_as_good_as_each_single_mode(report) -> None:  # type: ignore[no-untyped-def]
    for metric in ("recall@5", "mrr@10"):
        assert report["hybrid"][metric] >= report["dense"][metric]
        assert report["hybrid"][metric] >= report["lexical"][metric]
