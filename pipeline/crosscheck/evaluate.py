"""Cross-check figures (`styrdok eval-compare`) and goal-detection figures (`styrdok eval-goals`)."""

from __future__ import annotations

from collections import defaultdict

from pipeline.crosscheck.compare_eval import evaluate_examples
from pipeline.crosscheck.stored import stored_goals
from pipeline.search.hybrid import Searcher
from pipeline.text.analysis import jaccard, word_set

GOAL_MATCH = 0.6
"""Word overlap (Jaccard) at which an extracted goal is the labelled sentence."""


def _jaccard(a: str, b: str) -> float:
    return jaccard(word_set(a), word_set(b))


def evaluate_goals(searcher: Searcher, sentences: list[dict]) -> dict:
    """Precision and recall of goal detection on `goal_sentences.jsonl`-style items: a
    sentence is detected when a goal extracted from its document has its words (Jaccard
    ≥ `GOAL_MATCH`)."""
    goals, _ = stored_goals(searcher.index)
    by_file: dict[str, list[str]] = defaultdict(list)
    for goal in goals:
        by_file[searcher.index.documents[goal.doc_id].file_name].append(goal.text)
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    misses = []
    for item in sentences:
        found = any(_jaccard(item["text"], g) >= GOAL_MATCH for g in by_file.get(item["file"], []))
        key = ("tp" if found else "fn") if item["is_goal"] else ("fp" if found else "tn")
        counts[key] += 1
        if key in ("fp", "fn"):
            misses.append({"text": item["text"], "error": key})
    precision = counts["tp"] / max(counts["tp"] + counts["fp"], 1)
    recall = counts["tp"] / max(counts["tp"] + counts["fn"], 1)
    return {**counts, "precision": round(precision, 4), "recall": round(recall, 4), "errors": misses}


def evaluate_compare(searcher: Searcher, examples: list[dict], leave_one_out: bool = False) -> dict:
    """Relation accuracy, page accuracy, both right and a confusion matrix on
    `crosscheck_dev.json`-style examples; with ``leave_one_out`` also the thresholds refitted
    without each example (see `pipeline.crosscheck.compare_eval`)."""
    return evaluate_examples(searcher, examples, leave_one_out)
