"""How sure a result is: calibrated confidence per passage and an answerable verdict per query.

A question the corpus cannot answer still gets ten nearest passages. Two signals separate
the real answers from those (measured on the 40 dev and 15 unanswerable dev questions,
figures in the README, "Search that answers"):

- **dense margin**: the passage's cosine score minus the mean score of the query's
  background (the dense ranks `BACKGROUND_FROM`..`BACKGROUND_TO`). The absolute score of the
  e5 model drifts with the query's wording; how far a passage stands out of the crowd does not.
- **coverage**: the idf-weighted share of the question's content words (document references
  removed) found among the passage's terms. Nonsense and out-of-domain words are rare or
  unknown in the index and carry the most weight, so they pull coverage down.

The confidence is a logistic function of the two, one passage at a time; the query's is that
of its most confident hit (some passage must both stand out in meaning and hold the rare
words), and the query is answerable when that reaches `ANSWERABLE_AT`. It is fitted on the
dev questions by alternating: pick each question's most confident hit under the current
weights, refit on those (`pipeline.search.calibrate` refits it and reports leave-one-out
figures). Taking the best margin and the best coverage from two different hits, as before,
let a query with one common word in one passage and a vaguely similar other passage pass:
with the score combination of `pipeline.search.fusion` it flagged 14 of 15 unanswerable
questions and falsely 4 of 40 (leave-one-out 5 of 40); the best hit flags 15 of 15 and falsely
2 of 40 (leave-one-out 14 of 15 and 3 of 40; README, "Search that answers").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BACKGROUND_FROM = 10
BACKGROUND_TO = 50
"""Dense ranks whose scores stand for 'any passage': deep enough to hold no answer."""
WEIGHTS = (-11.722, 264.543, 24.725)
"""(intercept, margin, coverage) of the logistic model; refit with `python -m pipeline.search.calibrate`."""
ANSWERABLE_AT = 0.5
"""Confidence of the best passage at and above which a query counts as answered."""


@dataclass(frozen=True)
class Signals:
    margin: float
    coverage: float


def idf(df: int, n: int) -> float:
    """BM25's idf (Lucene variant): unknown terms get the largest weight."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def coverage(query_weights: dict[str, float], passage_terms: Iterable[str]) -> float:
    """Idf-weighted share of the query's terms that the passage contains (0 without terms)."""
    total = sum(query_weights.values())
    if total <= 0:
        return 0.0
    present = set(passage_terms)
    return sum(w for term, w in query_weights.items() if term in present) / total


def background(dense_scores: Sequence[float]) -> float:
    """Mean dense score of the background ranks (of what there is when the list is short)."""
    tail = list(dense_scores[BACKGROUND_FROM:BACKGROUND_TO]) or list(dense_scores[-1:]) or [0.0]
    return sum(tail) / len(tail)


def query_confidence(per_hit: Sequence[Signals], weights: Sequence[float] | None = None) -> float:
    """A query's confidence: that of its most confident hit (0 without hits)."""
    return max((confidence(s, weights or WEIGHTS) for s in per_hit), default=0.0)


def best_hit(per_hit: Sequence[Signals], weights: Sequence[float] | None = None) -> Signals:
    """The signals of the most confident hit (zero signals without hits)."""
    return max(per_hit, key=lambda s: confidence(s, weights or WEIGHTS), default=Signals(0.0, 0.0))


def confidence(signals: Signals, weights: Sequence[float] = WEIGHTS) -> float:
    z = weights[0] + weights[1] * signals.margin + weights[2] * signals.coverage
    return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))
