"""Cross-check goals between documents: for each goal of a source document, what the
target documents say about it.

Goal statements are extracted and embedded when a document is indexed (`pipeline.crosscheck.goals`,
stored with the index version). A source goal is compared with every goal statement of
the target documents; the match score is the cosine similarity of their embeddings (both
embedded as e5 queries, the symmetric setting) plus `LEXICAL_BONUS` times the share of
the goal's content words (lemmas) the statement repeats — embeddings of short Swedish
statements sit close together, and shared key words separate a restatement from a
neighbour. The closest statements are read for quantities. The relation is decided in
this order:

- `agrees` — a close statement that shares content words states the same quantity (same
  unit and value, and the same target year where both give one); or, for a goal without
  numbers, the closest statement is a restatement (score ≥ `AGREE_SCORE`);
- `conflicts` — such a statement states a comparable quantity (same unit) with another
  value, or the same value for another year (both numbers are shown);
- `partial` — the topic is there (score ≥ `ABSENT_SCORE`) but vaguer: no comparable
  number, or a looser wording;
- `absent` — no statement of the targets comes close (score under `ABSENT_SCORE`).

The thresholds were calibrated on `shared/eval/crosscheck_dev.json` (`styrdok eval-compare`
prints the figures) and are documented in the README.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from pipeline.crosscheck.goals import Goal
from pipeline.crosscheck.quantities import Quantity
from pipeline.crosscheck.stored import stored_goals
from pipeline.search.hybrid import Searcher
from pipeline.text.analysis import analyze

RELATIONS = ("agrees", "partial", "conflicts", "absent")
LEXICAL_BONUS = 0.2
ABSENT_SCORE = 0.93
AGREE_SCORE = 1.0
CANDIDATES = 5
MIN_SHARED_TERMS = 2
VALUE_TOLERANCE = 0.005
"""Relative difference under which two values count as the same (rounding in tables)."""
COMPARABLE_KINDS = frozenset({"percent", "count", "money", "rate", "mass", "energy", "speed", "number"})


@dataclass(frozen=True)
class Match:
    """A target statement and how close it is to the source goal."""

    goal: Goal
    score: float


@dataclass(frozen=True)
class QuantityPair:
    goal: str
    target: str
    same: bool


@dataclass(frozen=True)
class GoalCheck:
    goal: Goal
    relation: str
    evidence: Match | None
    compared: tuple[QuantityPair, ...] = ()
    note: str = ""


@dataclass
class Comparison:
    source: str
    targets: tuple[str, ...]
    checks: list[GoalCheck] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {r: sum(1 for c in self.checks if c.relation == r) for r in RELATIONS}


def _comparable(goal: Goal) -> list[Quantity]:
    return [q for q in goal.quantities if q.kind in COMPARABLE_KINDS]


def _same_value(a: Quantity, b: Quantity) -> bool:
    return abs(a.value - b.value) <= VALUE_TOLERANCE * max(abs(a.value), abs(b.value), 1e-9)


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in sorted(years)) or "no year"


def _terms(goal: Goal) -> frozenset[str]:
    return _analysed(goal.text)


@lru_cache(maxsize=4096)
def _analysed(text: str) -> frozenset[str]:
    return frozenset(analyze(text, "sv"))


def scores(goal: Goal, vector: np.ndarray, targets: Sequence[Goal], target_vectors: np.ndarray) -> np.ndarray:
    """Match score of one goal against each target statement (see the module docstring)."""
    terms = _terms(goal)
    coverage = np.array([len(terms & _terms(t)) / max(len(terms), 1) for t in targets], dtype=np.float32)
    return target_vectors @ vector + LEXICAL_BONUS * coverage


def judge(goal: Goal, matches: Sequence[Match]) -> GoalCheck:
    """Decide the relation of one goal to its closest target statements (best first)."""
    if not matches or matches[0].score < ABSENT_SCORE:
        best = matches[0].score if matches else 0.0
        return GoalCheck(goal, "absent", None, note=f"nothing close in the target (best score {best:.2f})")
    terms = _terms(goal)
    conflict: GoalCheck | None = None
    for match in matches:
        if match.score < ABSENT_SCORE or len(terms & _terms(match.goal)) < MIN_SHARED_TERMS:
            continue
        for want in _comparable(goal):
            for found in _comparable(match.goal):
                if found.unit != want.unit:
                    continue
                pair = (want.text, found.text)
                year_clash = bool(goal.years and match.goal.years and not set(goal.years) & set(match.goal.years))
                if _same_value(want, found) and not year_clash:
                    note = "same number" + (" and year" if goal.years and match.goal.years else "")
                    return GoalCheck(goal, "agrees", match, (QuantityPair(*pair, True),), note)
                if conflict is None:
                    what = "year" if _same_value(want, found) else "number"
                    note = f"different {what}: {want.text} ({_years(goal.years)}) vs {found.text} ({_years(match.goal.years)})"
                    conflict = GoalCheck(goal, "conflicts", match, (QuantityPair(*pair, False),), note)
    if conflict is not None:
        return conflict
    closest = matches[0]
    if _comparable(goal):
        return GoalCheck(goal, "partial", closest, note="same topic, but the target gives no comparable number")
    if closest.score >= AGREE_SCORE:
        return GoalCheck(goal, "agrees", closest, note="the target states the same goal")
    return GoalCheck(goal, "partial", closest, note="related wording, not the same goal")


def compare(searcher: Searcher, source: str, targets: Sequence[str]) -> Comparison:
    """Check every goal of `source` against the goal statements of the `targets`."""
    started = time.perf_counter()
    result = Comparison(source=source, targets=tuple(targets))
    goals, vectors = stored_goals(searcher.index)
    source_rows = [i for i, g in enumerate(goals) if g.doc_id == source]
    target_rows = np.array([i for i, g in enumerate(goals) if g.doc_id in set(targets)], dtype=np.int64)
    if source_rows and len(target_rows):
        target_goals = [goals[int(j)] for j in target_rows]
        target_vectors = np.asarray(vectors[target_rows])
        for row in source_rows:
            score = scores(goals[row], np.asarray(vectors[row]), target_goals, target_vectors)
            best = np.argsort(-score)[:CANDIDATES]
            result.checks.append(judge(goals[row], [Match(target_goals[j], float(score[j])) for j in best]))
    else:
        result.checks = [GoalCheck(goals[row], "absent", None, note="the targets state no goals") for row in source_rows]
    result.seconds = time.perf_counter() - started
    return result
