"""Measure the cross-check on `crosscheck_dev.json`-style examples, and fit its two thresholds.

Each example names a goal (file, page, text), the target files and the expected relation
and evidence pages. The goal is looked up among the goals extracted from the source (word
overlap, Jaccard ≥ `GOAL_FOUND`); a goal the extraction missed is checked from the
example's own text, and the report counts how many were found. An example is right when
the relation matches and, unless it is ``absent``, the evidence cites one of the expected
target pages.

Only `ABSENT_SCORE` and `AGREE_SCORE` are fitted. `fit` picks them on a set of checks
(most examples right); `leave_one_out` fits them on all examples but one and judges that
one, for every example: the figure that says how much the fit flatters the dev set.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.crosscheck.compare import RELATIONS, GoalCheck, Thresholds, check_goal, evidence_index, rejudge
from pipeline.crosscheck.evidence import Candidate
from pipeline.crosscheck.goals import Goal
from pipeline.crosscheck.stored import stored_goals
from pipeline.search.hybrid import Searcher
from pipeline.text.analysis import jaccard, word_set

GOAL_FOUND = 0.5
"""Word overlap at which an extracted goal is the example's goal."""


def _jaccard(a: str, b: str) -> float:
    return jaccard(word_set(a), word_set(b))


def _example_goal(searcher: Searcher, example: dict, source: str) -> tuple[Goal, np.ndarray, bool]:
    """The extracted goal that is the example's goal, with its vector; else one made from the text."""
    goals, vectors = stored_goals(searcher.index)
    text = example["goal"]["text"]
    scored = [(_jaccard(text, g.text), row) for row, g in enumerate(goals) if g.doc_id == source]
    overlap, row = max(scored, default=(0.0, -1))
    if overlap >= GOAL_FOUND:
        return goals[row], np.asarray(vectors[row]), True
    page = example["goal"].get("page")
    goal = Goal(
        goal_id=f"example:{text}", doc_id=source, passage_id="", text=text, section_path=(),
        pages=(page,) if page else (), page_labels=(None,) if page else (), quantities=(), years=(),
        direction=None, source="example",
    )
    return goal, searcher.embedder.encode_query(text), False


def run_checks(searcher: Searcher, examples: Sequence[dict]) -> tuple[list[GoalCheck], int]:
    """One check per example with the current thresholds, and how many goals were extracted."""
    by_file = {info.file_name: doc_id for doc_id, info in searcher.index.documents.items()}
    names = {doc_id: info.title for doc_id, info in searcher.index.documents.items()}
    index = evidence_index(searcher)
    checks, found = [], 0
    for example in examples:
        source = by_file[example["goal"]["file"]]
        targets = [by_file[f] for f in example["targets"]]
        goal, vector, extracted = _example_goal(searcher, example, source)
        found += extracted
        checks.append(check_goal(goal, vector, index, targets, names, searcher_index=searcher.index))
    return checks, found


def _page_right(check: GoalCheck, example: dict, file_of: dict[str, str]) -> bool:
    return example["relation"] == "absent" or _on_gold_page(check.evidence, example, file_of)


def _right(check: GoalCheck, example: dict, file_of: dict[str, str]) -> bool:
    return check.relation == example["relation"] and _page_right(check, example, file_of)


def _on_gold_page(candidate: Candidate | None, example: dict, file_of: dict[str, str]) -> bool:
    if candidate is None:
        return False
    s = candidate.statement
    return any(m["file"] == file_of[s.doc_id] and m["page"] == s.page for m in example["matches"])


def _right_counts(checks: Sequence[GoalCheck], examples: Sequence[dict], file_of: dict[str, str],
                  grids: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Examples right for every (absent, agree) threshold pair of the grids."""
    absent, agree = grids
    total = np.zeros((len(absent), len(agree)), dtype=np.int32)
    for check, example in zip(checks, examples):
        f, want = check.features, example["relation"]
        if f.numbers is not None:
            total += int(want == ("agrees" if f.numbers == "same" else "conflicts")
                         and _on_gold_page(check.evidence, example, file_of))
            continue
        is_absent = np.broadcast_to((f.best_score < absent)[:, None], total.shape)
        is_agree = np.broadcast_to((not f.has_numbers) & (f.best_score >= agree)[None, :], total.shape)
        got = np.where(is_absent, "partial" if f.topic else "absent", np.where(is_agree, "agrees", "partial"))
        if want == "absent":
            total += got == want
            continue
        best_ok = _on_gold_page(check.nearest, example, file_of)
        topic_ok = _on_gold_page(check.topical, example, file_of)
        page_ok = np.where(is_absent, topic_ok, best_ok)
        total += (got == want) & page_ok
    return total


def fit(checks: Sequence[GoalCheck], examples: Sequence[dict], file_of: dict[str, str]) -> Thresholds:
    """The thresholds with the most examples right, each halfway between two neighbouring observed
    scores (the widest margin to both; a threshold just above one example flips on a rounding
    difference); ties keep the lowest."""
    scores = np.unique(np.round([c.features.best_score for c in checks], 4))
    grid = np.concatenate([[scores[0] - 1.0], (scores[:-1] + scores[1:]) / 2, [scores[-1] + 1.0]])
    counts = _right_counts(checks, examples, file_of, (grid, grid))
    i, j = np.unravel_index(int(np.argmax(counts)), counts.shape)
    return Thresholds(float(grid[i]), float(grid[j]))


def leave_one_out(checks: Sequence[GoalCheck], examples: Sequence[dict], file_of: dict[str, str]) -> int:
    """Examples right when each is judged with thresholds fitted on all the others."""
    right = 0
    for i, (check, example) in enumerate(zip(checks, examples)):
        rest = [c for j, c in enumerate(checks) if j != i]
        thresholds = fit(rest, [e for j, e in enumerate(examples) if j != i], file_of)
        right += _right(rejudge(check, thresholds), example, file_of)
    return right


def evaluate_examples(searcher: Searcher, examples: list[dict], with_leave_one_out: bool = False) -> dict:
    """Relation accuracy, page accuracy, both right, a confusion matrix; and leave-one-out."""
    file_of = {doc_id: info.file_name for doc_id, info in searcher.index.documents.items()}
    checks, found = run_checks(searcher, examples)
    rows = []
    confusion = {want: dict.fromkeys(RELATIONS, 0) for want in RELATIONS}
    for check, example in zip(checks, examples):
        confusion[example["relation"]][check.relation] += 1
        s = check.evidence.statement if check.evidence else None
        rows.append({
            "goal": example["goal"]["text"], "expected": example["relation"], "got": check.relation,
            "expected_pages": [m["page"] for m in example["matches"]],
            "cited_pages": [s.page] if s else [], "cited": s.text if s else "",
            "confidence": check.confidence, "score": round(check.features.best_score, 4),
            "page_right": _page_right(check, example, file_of), "right": _right(check, example, file_of),
        })
    expect_evidence = [r for r in rows if r["expected"] != "absent"]
    report = {
        "n": len(rows), "right": sum(r["right"] for r in rows),
        "relation_right": sum(r["expected"] == r["got"] for r in rows),
        "page_right": sum(r["page_right"] for r in expect_evidence), "with_evidence": len(expect_evidence),
        "goals_extracted": found, "confusion": confusion, "examples": rows,
    }
    if with_leave_one_out:
        report["leave_one_out_right"] = leave_one_out(checks, examples, file_of)
        fitted = fit(checks, examples, file_of)
        report["fitted"] = {"absent": round(fitted.absent, 4), "agree": round(fitted.agree, 4)}
        report["right_with_fitted"] = sum(_right(rejudge(c, fitted), e, file_of) for c, e in zip(checks, examples))
    return report
