"""Find the statements of the target documents that speak to a goal.

Every sentence, list item, table row and heading of a target (`pipeline.statements`) is a
candidate, so a goal restated in running text that is not phrased as a goal is found too.
The match score is hybrid, like the search: the cosine of the e5 vectors (goal and
statement both embedded as queries, the symmetric setting) plus `LEXICAL_WEIGHT` times the
share of the goal's IDF-weighted content lemmas that the statement repeats. A lemma that
only meets a compound part ("upphandlingsprocesser" ~ "upphandling") counts
`PART_CREDIT`; IDF is squared so that the rare word of a goal ("gymnasieskola",
"collegesamverkan") decides more than "Norrbotten" or "utveckling". Scoring every
statement is exhaustive and cheap (a matrix product and set lookups): RUS against the plan
is ~170 × 950 pairs.

An :class:`EvidenceIndex` is built once per index version and kept (`cached`).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pipeline.crosscheck.goal_structure import Indicator, compound_parts, indicator_of
from pipeline.crosscheck.statements import Statement

LEXICAL_WEIGHT = 0.6
"""Weight of the lexical share next to the cosine (cosines of e5 sit in 0.80–0.97, so a
full lexical match moves a statement past any merely similar one)."""
PART_CREDIT = 0.5
"""A goal lemma that only meets a compound part counts half."""
IDF_POWER = 2
"""Squared IDF: rare words decide (dev set, leave-one-out: 20 of 41 right against 16 with plain IDF)."""
PASSAGE_WEIGHT = 0.1
"""Bonus of a statement whose passage the hybrid passage search ranks first for the goal
(1/rank falling off): passages carry their section and neighbours, which single statements
lack (dev set: evidence page right 15 → 19 of 30, leave-one-out 20 → 23 of 41)."""


@dataclass(frozen=True)
class Candidate:
    row: int
    statement: Statement
    score: float
    cosine: float
    lexical: float


@dataclass(frozen=True)
class _Slice:
    """The statements of one target selection, ready for scoring."""

    lemmas: sparse.csc_matrix
    words: sparse.csc_matrix
    vectors: np.ndarray
    passages: dict[str, np.ndarray]
    """Positions of each passage's statements in the slice, by passage id."""


class EvidenceIndex:
    """The statements of one index version, their vectors, indicators and term weights."""

    def __init__(self, statements: Sequence[Statement], vectors: np.ndarray) -> None:
        self.statements = list(statements)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.indicators = [indicator_of(s.text, s.lang) for s in self.statements]
        counts: Counter[str] = Counter()
        for indicator in self.indicators:
            counts.update(indicator.lemmas | indicator.parts)
        n = len(self.statements)
        self._idf = {t: (math.log((n + 1) / (c + 1)) + 1) ** IDF_POWER for t, c in counts.items()}
        self._default_idf = (math.log(n + 1) + 1) ** IDF_POWER
        self._columns: dict[str, int] = {}
        self._slices: dict[bytes, _Slice] = {}
        self._words = self._matrix([i.lemmas | i.parts for i in self.indicators])  # every column exists now
        self._lemmas = self._matrix([i.lemmas for i in self.indicators])
        rows: dict[str, list[int]] = {}
        for row, statement in enumerate(self.statements):
            rows.setdefault(statement.doc_id, []).append(row)
        self.rows_of = {doc_id: np.array(r, dtype=np.int64) for doc_id, r in rows.items()}

    def _matrix(self, term_sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
        """Statements × terms, 1 where the statement has the term (columns shared by both matrices)."""
        indptr, indices = [0], list[int]()
        for terms in term_sets:
            indices.extend(self._columns.setdefault(t, len(self._columns)) for t in terms)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(term_sets), max(len(self._columns), 1)))

    def _slice(self, rows: np.ndarray) -> _Slice:
        """Lemma and word matrices of the rows (column-major: a goal reads a few columns), their
        vectors and where each passage's statements lie, cached per row set (one per target
        selection: a goal then costs one matrix-vector product and a few column reads)."""
        key = rows.tobytes()
        if key not in self._slices:
            where: dict[str, list[int]] = {}
            for i, r in enumerate(rows.tolist()):
                where.setdefault(self.statements[r].passage_id, []).append(i)
            self._slices[key] = _Slice(self._lemmas[rows].tocsc(), self._words[rows].tocsc(),
                                       np.ascontiguousarray(self.vectors[rows]),
                                       {p: np.array(i, dtype=np.int64) for p, i in where.items()})
        return self._slices[key]

    def overlaps(self, goal: Indicator, rows: np.ndarray) -> np.ndarray:
        """`overlap` of the goal with each statement row, read from the postings of the sparse
        term matrices (the rows that have each term)."""
        terms = sorted(goal.lemmas)
        total = sum(self.idf(t) for t in terms)
        if not total or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        cut = self._slice(rows)
        lemmas, words = cut.lemmas, cut.words
        got = np.zeros(len(rows), dtype=np.float32)
        for term in terms:
            credit = np.zeros(len(rows), dtype=np.float32)
            for word in (term, *compound_parts(term)):
                column = self._columns.get(word)
                if column is not None:
                    credit[words.indices[words.indptr[column] : words.indptr[column + 1]]] = PART_CREDIT
            column = self._columns.get(term)
            if column is not None:
                credit[lemmas.indices[lemmas.indptr[column] : lemmas.indptr[column + 1]]] = 1.0
            got += self.idf(term) * credit
        return got / total

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._default_idf)

    def overlap(self, goal: Indicator, other: Indicator) -> float:
        """IDF-weighted share of the goal's lemmas found in ``other`` (compound parts count half)."""
        total = sum(self.idf(t) for t in goal.lemmas)
        if not total:
            return 0.0
        words = other.lemmas | other.parts
        got = 0.0
        for term in goal.lemmas:
            if term in other.lemmas:
                got += self.idf(term)
            elif term in other.parts or compound_parts(term) & words:
                got += PART_CREDIT * self.idf(term)
        return got / total

    def target_rows(self, targets: Sequence[str]) -> np.ndarray:
        empty = np.zeros(0, dtype=np.int64)
        return np.concatenate([empty, *(self.rows_of.get(t, empty) for t in targets)])

    def _scores(self, vector: np.ndarray, indicator: Indicator, rows: np.ndarray,
                passage_ranks: Mapping[str, int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scores, cosines, lexical shares) of the rows; ``passage_ranks`` are the ranks of the
        passages the hybrid search found for the goal (by passage id)."""
        cut = self._slice(rows)
        cosines = cut.vectors @ np.asarray(vector, dtype=np.float32)
        lexical = self.overlaps(indicator, rows)
        found = np.zeros(len(rows), dtype=np.float32)
        for passage_id, rank in (passage_ranks or {}).items():
            if passage_id in cut.passages:
                found[cut.passages[passage_id]] = rank
        bonus = np.where(found > 0, PASSAGE_WEIGHT * 2 / (1 + np.maximum(found, 1)), 0.0)
        return cosines + LEXICAL_WEIGHT * lexical + bonus, cosines, lexical

    def candidates(self, vector: np.ndarray, indicator: Indicator, targets: Sequence[str], k: int,
                   passage_ranks: Mapping[str, int] | None = None) -> list[Candidate]:
        """The ``k`` best statements of the target documents, then every other one that names
        one of the goal's indicator concepts (those are always read for numbers)."""
        rows = self.target_rows(targets)
        if not len(rows):
            return []
        scores, cosines, lexical = self._scores(vector, indicator, rows, passage_ranks)
        order = np.argsort(-scores, kind="stable")
        chosen = list(order[:k]) + [
            i for i in order[k:] if indicator.concepts and indicator.shared_concepts(self.indicators[int(rows[i])])
        ]
        return [
            Candidate(int(rows[i]), self.statements[int(rows[i])], float(scores[i]), float(cosines[i]),
                      float(lexical[i]))
            for i in chosen
        ]


_CACHE: dict[str, EvidenceIndex] = {}
_LOCK = threading.Lock()


def cached(version: str, statements: Sequence[Statement], vectors: np.ndarray) -> EvidenceIndex:
    """The evidence index of an index version, built on first use (the latest few are kept)."""
    with _LOCK:
        if version not in _CACHE:
            if len(_CACHE) >= 2:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[version] = EvidenceIndex(statements, vectors)
        return _CACHE[version]
