"""Rank fusion and the re-weighting of fused candidates by what the question asks for.

Pure functions over (row, score) lists, so each step is testable on hand-made rankings.

1. :func:`fuse`: weighted reciprocal rank fusion of the dense and lexical rankings (RRF is
   robust to the two retrievers' incomparable score scales).
2. :func:`reweight`: multiply each fused score by one factor per signal the passage meets:
   it comes from a document the question names, it mentions a year the question asks about,
   or it covers the question's content words. A factor, not a filter: a wrong guess at a
   reference costs rank, not the answer.
"""

from __future__ import annotations

from collections.abc import Mapping

RRF_K = 15
"""The RRF constant: smaller keeps more of each retriever's head. Cormack et al.'s 60 was
tuned for long TREC runs; on the dev questions with document and year re-weighting,
k=60 gives MRR@10 0.827 and R@1 0.775, k=15 0.851 and 0.825 (grid k in {5, 15, 30} x lexical
weight in {0.2, 0.35, 0.5}; picked leave-one-out per question: MRR 0.831, R@1 0.80)."""


def fuse(rankings: list[tuple[list[tuple[int, float]], float]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    scores: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, (row, _) in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def reweight(ranked: list[tuple[int, float]], factors: Mapping[int, float]) -> list[tuple[int, float]]:
    """Each score times its row's factor (1 when absent), best first; ties keep row order."""
    scored = [(row, score * factors.get(row, 1.0)) for row, score in ranked]
    return sorted(scored, key=lambda item: (-item[1], item[0]))
