"""Cross-check goals between documents: for each goal of a source, what the targets say.

Evidence comes from every statement of the targets (`pipeline.evidence`), not only from
their goals. Each goal is judged against its best candidates, indicator before numbers:

1. **numbers** — a candidate that measures the same indicator (a shared concept, or at
   least `INDICATOR_OVERLAP` of the goal's weighted lemmas) and sets a comparable number
   (same kind and unit; or a deadline against a deadline) decides: the same value and year
   ``agrees``, another value or year ``conflicts``. Numbers of different indicators are
   never compared (population 260 000 vs 1 200 people per year of net migration);
2. **absent** — the best candidate scores under `ABSENT_SCORE` and no statement sets a number
   for an indicator concept the goal sets one for: nothing addresses the topic (such a
   statement alone makes the goal ``partial``: "klimatneutralt 2045" for a transport-emission
   cut by 2030; dev: 25 → 26 right);
3. **partial** — a goal with a number the targets do not repeat, or a candidate between the
   thresholds (the same topic, vaguer or narrower);
4. **agrees** — a goal without numbers whose best candidate scores at least `AGREE_SCORE`.

The two thresholds are the only fitted values: chosen on `shared/eval/crosscheck_dev.json`
by `styrdok eval-compare --loo` (halfway between neighbouring scores), which also reports
the figure under leave-one-out (README: 28 of 41 right, 25 under leave-one-out).
Each row gets a confidence (how far its score lies from the threshold that decided it)
and a plain explanation in Swedish and English.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from pipeline.crosscheck.evidence import Candidate, EvidenceIndex, cached
from pipeline.crosscheck.explain import Explanation, QuantityPair, explain
from pipeline.crosscheck.goal_cues import goal_cues
from pipeline.crosscheck.goal_structure import StructuredGoal, Target, structure
from pipeline.crosscheck.goals import Goal, is_goal_heading
from pipeline.crosscheck.stored import stored_goals, stored_statements
from pipeline.errors import CompareError, UnknownDocument
from pipeline.search.fusion import fuse
from pipeline.search.hybrid import DENSE_WEIGHT, LEXICAL_WEIGHT, Searcher, SearchIndex
from pipeline.text.analysis import analyze

RELATIONS = ("agrees", "partial", "conflicts", "absent")
ABSENT_SCORE = 1.074
"""Best candidate score under which nothing in the targets addresses the goal (dev fit)."""
AGREE_SCORE = 1.140
"""Best candidate score from which a goal without numbers counts as restated (dev fit)."""
CANDIDATES = 10
"""Candidates read for numbers; statements sharing an indicator concept are always read."""
INDICATOR_OVERLAP = 0.5
"""Weighted lemma share at which a candidate measures the same thing as the goal."""
VALUE_TOLERANCE = 0.005
"""Relative difference under which two values count as the same (rounding in tables)."""
CONFIDENCE_SCALE = 0.04
"""Score distance that turns a margin into confidence (about the spread of dev scores)."""
NUMBER_CONFIDENCE = 0.9
"""Confidence of a decision taken on numbers of the same indicator."""
TOPIC_CONFIDENCE = 0.6
"""Confidence of a `partial` that rests only on a number for the same indicator concept in a
statement that otherwise scores low: the topic is there, how close it comes is unsure."""


@dataclass(frozen=True)
class Thresholds:
    absent: float = ABSENT_SCORE
    agree: float = AGREE_SCORE



@dataclass(frozen=True)
class Features:
    """What the decision depends on, kept so that thresholds can be refitted (leave-one-out)."""

    best_score: float
    has_numbers: bool
    numbers: str | None
    """``same`` or ``other`` when a candidate of the same indicator set a comparable number."""
    topic: bool = False
    """A target statement sets a number for an indicator concept the goal sets one for."""


@dataclass(frozen=True)
class GoalCheck:
    goal: Goal
    relation: str
    evidence: Candidate | None
    compared: tuple[QuantityPair, ...]
    confidence: float
    explanation: Explanation
    features: Features
    nearest: Candidate | None = None
    """The best candidate even when the goal is absent (shown as "closest")."""
    topical: Candidate | None = None
    """The best candidate that names one of the goal's indicator concepts."""

    @property
    def note(self) -> str:
        return self.explanation.en


@dataclass
class Comparison:
    source: str
    targets: tuple[str, ...]
    checks: list[GoalCheck] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {r: sum(1 for c in self.checks if c.relation == r) for r in RELATIONS}


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b), 1e-9)


def _comparable(a: Target, b: Target) -> bool:
    return a.kind == b.kind and (a.kind == "deadline" or a.unit == b.unit)


def _pair(want: Target, found: Target) -> tuple[bool, QuantityPair]:
    """(same?, the pair shown): same value and, where both give one, the same year."""
    same_value = want.kind == "deadline" or (
        want.value is not None and found.value is not None and _same_value(want.value, found.value)
    )
    same_year = want.year is None or found.year is None or want.year == found.year
    show = lambda t: t.text if t.kind == "deadline" or t.year is None else f"{t.text} ({t.year})"  # noqa: E731
    return same_value and same_year, QuantityPair(show(want), show(found), same_value and same_year)


def _states_goal(candidate: Candidate) -> bool:
    statement = candidate.statement
    in_goal_section = any(is_goal_heading(h) for h in statement.section_path)
    return bool(goal_cues(statement.text, statement.lang, in_goal_section=in_goal_section))


def number_match(goal: StructuredGoal, candidates: Sequence[Candidate], index: EvidenceIndex) -> tuple[
        str | None, Candidate | None, QuantityPair | None]:
    """The first candidate of the same indicator with a comparable number: same or other.

    Another number only conflicts when the candidate itself states a goal: "befolkningen
    kommer att minska till 2027" is a forecast, not a competing target."""
    other: tuple[Candidate, QuantityPair] | None = None
    for candidate in candidates:
        found = structure(candidate.statement.text, candidate.statement.lang)
        measured = index.indicators[candidate.row]  # the evidence's indicator (suspended parts as parts)
        concept = bool(goal.indicator.shared_concepts(measured))
        if not concept and index.overlap(goal.indicator, measured) < INDICATOR_OVERLAP:
            continue
        for want in goal.targets:
            if want.kind == "deadline" and not concept:
                continue  # a year alone is compared only for a named indicator
            for have in found.targets:
                if not _comparable(want, have):
                    continue
                same, pair = _pair(want, have)
                if same:
                    return "same", candidate, pair
                if other is None and _states_goal(candidate):  # a forecast with another number is no conflict
                    other = (candidate, pair)
    return ("other", *other) if other else (None, None, None)


def topic_match(goal: StructuredGoal, candidates: Sequence[Candidate], index: EvidenceIndex) -> Candidate | None:
    """The best candidate that sets a number for one of the indicator concepts the goal sets a
    number for ("klimatneutralt 2045" for "växthusgasutsläpp … ska minska med 70 % … 2030"):
    the target addresses the same indicator, with a number that is not comparable. Only
    numbered statements count on both sides: a concept word in passing ("alla invånare")
    names no indicator."""
    if not goal.targets:
        return None
    return next((c for c in candidates
                 if goal.indicator.shared_concepts(index.indicators[c.row])
                 and structure(c.statement.text, c.statement.lang).targets), None)


def evidence_for(relation: str, features: Features, thresholds: Thresholds, best: Candidate | None,
                 topical: Candidate | None) -> Candidate | None:
    """What a row cites: nothing when absent; the statement naming the concept when only the
    concept kept the goal from being absent; else the best candidate."""
    if relation == "absent":
        return None
    if features.best_score < thresholds.absent and topical is not None:
        return topical
    return best


def decide(features: Features, thresholds: Thresholds) -> str:
    """The relation, from the features and thresholds (see the module docstring)."""
    if features.numbers == "same":
        return "agrees"
    if features.numbers == "other":
        return "conflicts"
    if features.best_score < thresholds.absent:
        return "partial" if features.topic else "absent"
    if features.has_numbers or features.best_score < thresholds.agree:
        return "partial"
    return "agrees"


def confidence(relation: str, features: Features, thresholds: Thresholds) -> float:
    """0.5 at the threshold that decided, towards 1 the further the score lies from it."""
    if features.numbers is not None:
        return NUMBER_CONFIDENCE
    s = features.best_score
    if relation == "partial" and s < thresholds.absent:
        return TOPIC_CONFIDENCE
    margins = {
        "absent": thresholds.absent - s,
        "agrees": s - thresholds.agree,
        "partial": min(s - thresholds.absent, thresholds.agree - s) if not features.has_numbers
        else s - thresholds.absent,
    }
    return round(1 / (1 + math.exp(-margins[relation] / CONFIDENCE_SCALE)), 3)


PASSAGE_DEPTH = 20
"""Passages the hybrid search returns per goal for the passage bonus."""


def passage_ranks(index: SearchIndex, texts: Sequence[str], vectors: np.ndarray,
                  targets: Sequence[str]) -> list[dict[str, int]]:
    """For each goal, the rank of each passage of the targets that the hybrid search (dense +
    BM25, fused by weighted reciprocal rank as `Searcher.rank` did before its score combination)
    finds for it, by passage id. The goals' stored vectors are the query vectors, so nothing is
    embedded here; the dense side is one batched search."""
    mask = np.isin(index.row_doc, [index.doc_ids.index(t) for t in targets if t in index.doc_ids])
    dense = index.dense_many(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1), PASSAGE_DEPTH, mask)
    fused = [
        fuse([(d, DENSE_WEIGHT), (index.lexical.search(analyze(text, "sv"), PASSAGE_DEPTH, mask), LEXICAL_WEIGHT)])
        [:PASSAGE_DEPTH]
        for text, d in zip(texts, dense)
    ]
    rows = index.passage_rows(sorted({row for ranked in fused for row, _ in ranked}))
    return [
        {rows[row]["passage_id"]: rank for rank, (row, _) in enumerate(ranked, start=1) if row in rows}
        for ranked in fused
    ]


def check_goal(goal: Goal, vector: np.ndarray, index: EvidenceIndex, targets: Sequence[str],
               names: dict[str, str], thresholds: Thresholds = Thresholds(),
               searcher_index: SearchIndex | None = None, ranks: Mapping[str, int] | None = None) -> GoalCheck:
    """Judge one goal against the statements of the targets (``searcher_index`` adds the
    passage search's ranking, unless the ``ranks`` are given)."""
    structured = structure(goal.text, "sv", goal.years)
    if ranks is None and searcher_index is not None:
        ranks = passage_ranks(searcher_index, [goal.text], vector, targets)[0]
    pool = index.candidates(vector, structured.indicator, targets, CANDIDATES, ranks)
    numbers, decisive, pair = number_match(structured, pool, index)
    best = pool[0] if pool else None
    topical = topic_match(structured, pool, index)
    features = Features(best.score if best else -1.0, bool(structured.targets), numbers, topical is not None)
    relation = decide(features, thresholds)
    evidence = decisive or (evidence_for(relation, features, thresholds, best, topical))
    return GoalCheck(
        goal=goal,
        relation=relation,
        evidence=evidence,
        compared=(pair,) if pair else (),
        confidence=confidence(relation, features, thresholds),
        explanation=explain(relation, structured, evidence, pair, names.get(goal.doc_id, ""),
                            names.get(evidence.statement.doc_id, "") if evidence else _targets_name(targets, names)),
        features=features,
        nearest=best,
        topical=topical,
    )


def _targets_name(targets: Sequence[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(t, t) for t in targets)


def rejudge(check: GoalCheck, thresholds: Thresholds) -> GoalCheck:
    """The same check under other thresholds (for leave-one-out); numbers decide as before."""
    relation = decide(check.features, thresholds)
    evidence = check.evidence if check.features.numbers is not None else evidence_for(
        relation, check.features, thresholds, check.nearest, check.topical)
    return replace(check, relation=relation, evidence=evidence,
                   confidence=confidence(relation, check.features, thresholds))


_RESULTS: dict[tuple[str, str, tuple[str, ...]], Comparison] = {}
_RESULTS_LOCK = threading.Lock()
MAX_CACHED = 64
"""Comparisons kept per process (a comparison is a few hundred rows)."""


def evidence_index(searcher: Searcher) -> EvidenceIndex:
    statements, vectors = stored_statements(searcher.index)
    return cached(searcher.index.version, statements, vectors)


def validate(searcher: Searcher, source: str, targets: Sequence[str]) -> None:
    """A clear error for what cannot be compared."""
    documents = searcher.index.documents
    for doc_id in (source, *targets):
        if doc_id not in documents:
            raise UnknownDocument(f"no indexed document with id '{doc_id}': run `styrdok ingest` first")
    if not targets:
        raise CompareError("name at least one target document")
    if source in targets:
        raise CompareError("the source document cannot also be a target")
    goals, _ = stored_goals(searcher.index)
    if not any(g.doc_id == source for g in goals):
        raise CompareError(f"'{documents[source].file_name}' states no goals to check")
    index = evidence_index(searcher)
    for target in targets:
        if not len(index.rows_of.get(target, ())):
            raise CompareError(f"'{documents[target].file_name}' has no text to check goals against")


def compare(searcher: Searcher, source: str, targets: Sequence[str]) -> Comparison:
    """Check every goal of ``source`` against the ``targets`` (cached per index version)."""
    key = (searcher.index.version, source, tuple(targets))
    with _RESULTS_LOCK:
        if key in _RESULTS:
            return _RESULTS[key]
    validate(searcher, source, targets)
    started = time.perf_counter()
    index = evidence_index(searcher)
    names = {doc_id: info.title for doc_id, info in searcher.index.documents.items()}
    goals, vectors = stored_goals(searcher.index)
    rows = [row for row, goal in enumerate(goals) if goal.doc_id == source]
    ranks = passage_ranks(searcher.index, [goals[r].text for r in rows], np.asarray(vectors[rows]), targets)
    result = Comparison(source=source, targets=tuple(targets))
    for row, goal_ranks in zip(rows, ranks):
        result.checks.append(check_goal(goals[row], np.asarray(vectors[row]), index, targets, names, ranks=goal_ranks))
    result.seconds = time.perf_counter() - started
    with _RESULTS_LOCK:
        if len(_RESULTS) >= MAX_CACHED:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = result
    return result
