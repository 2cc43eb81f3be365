"""Cross-check figures on examples of the `crosscheck_dev.json` format (`styrdok eval-compare`)."""

from __future__ import annotations

from pipeline.crosscheck.compare import compare
from pipeline.search.hybrid import Searcher
from pipeline.text.analysis import jaccard, word_set


def evaluate_compare(searcher: Searcher, examples: list[dict]) -> dict:
    """Cross-check figures on `crosscheck_dev.json`-style examples.

    Each example's goal is located among the source's goals by word overlap (Jaccard) and
    checked against the documents the set's examples for that source match in; it is
    right when the relation matches and, unless the expected relation is `absent`, the
    evidence cites one of the expected target pages.
    """
    by_file = {info.file_name: doc_id for doc_id, info in searcher.index.documents.items()}
    file_of = {doc_id: name for name, doc_id in by_file.items()}
    results = []
    comparisons: dict[tuple[str, tuple[str, ...]], list] = {}
    for example in examples:
        source = by_file[example["goal"]["file"]]
        # an `absent` example names no match: its targets are those of the set's other
        # examples with the same source (the dev set compares RUS 2030 with the plan)
        target_files = {
            m["file"] for e in examples if e["goal"]["file"] == example["goal"]["file"] for m in e["matches"]
        }
        targets = tuple(sorted(by_file[f] for f in target_files))
        key = (source, targets)
        if key not in comparisons:
            comparisons[key] = compare(searcher, source, targets).checks
        wanted = word_set(example["goal"]["text"])
        check = max(comparisons[key], key=lambda c: jaccard(word_set(c.goal.text), wanted))
        cited = (
            (file_of[check.evidence.goal.doc_id], set(check.evidence.goal.pages)) if check.evidence else (None, set())
        )
        page_ok = example["relation"] == "absent" or any(
            m["file"] == cited[0] and m["page"] in cited[1] for m in example["matches"]
        )
        results.append(
            {
                "goal": example["goal"]["text"],
                "expected": example["relation"],
                "got": check.relation,
                "expected_pages": [m["page"] for m in example["matches"]],
                "cited_pages": sorted(cited[1]),
                "right": check.relation == example["relation"] and page_ok,
            }
        )
    return {"right": sum(r["right"] for r in results), "n": len(results), "examples": results}
