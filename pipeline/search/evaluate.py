"""Retrieval evaluation: page-exact and document-level Recall@1/5/10 and MRR@10, and abstention.

Queries with an empty `gold` are questions the corpus does not answer: they count only
towards `abstained` (share the search judged unanswerable); the others give the recall
figures and `false_abstention` (share wrongly judged unanswerable).

The query file is JSON lines: `{"id", "query", "lang", "kind", "gold": [{"file", "page"} |
{"file", "page": null, "section"}]}`. A hit answers a query when it (or a near-duplicate
collapsed into it) comes from a gold (file, page) — or for HTML a gold (file, section).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.search.hybrid import MODES, Hit, Searcher

CUTOFFS = (1, 5, 10)


@dataclass(frozen=True)
class Query:
    id: str
    query: str
    lang: str
    kind: str
    gold: tuple[dict, ...]


def read_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            queries.append(Query(item["id"], item["query"], item.get("lang", "sv"), item.get("kind", "-"), tuple(item["gold"])))
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a query line ({exc})") from exc
    return queries


def _citations(hit: Hit, file_of: dict[str, str]) -> list[tuple[str, int | None, tuple[str, ...]]]:
    own: list[tuple[str, int | None, tuple[str, ...]]] = [(file_of[hit.document.doc_id], page, hit.section_path) for page in hit.pages] or [
        (file_of[hit.document.doc_id], None, hit.section_path)
    ]
    return own + [(file_of[c.doc_id], c.page, c.section_path) for c in hit.also_at]


def answers(hit: Hit, gold: Iterable[dict], file_of: dict[str, str], page_exact: bool = True) -> bool:
    for file, page, path in _citations(hit, file_of):
        for g in gold:
            if g["file"] != file:
                continue
            if not page_exact:
                return True
            if g.get("page") is not None and g["page"] == page:
                return True
            if g.get("page") is None and g.get("section") in path:
                return True
    return False


def first_rank(hits: list[Hit], gold: Iterable[dict], file_of: dict[str, str], page_exact: bool) -> int | None:
    gold = list(gold)
    return next((hit.rank for hit in hits if answers(hit, gold, file_of, page_exact)), None)


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    out = {f"recall@{c}": sum(1 for r in ranks if r is not None and r <= c) / n for c in CUTOFFS}
    out["mrr@10"] = sum(1 / r for r in ranks if r is not None and r <= 10) / n
    return {k: round(v, 4) for k, v in out.items()}


def abstention(verdicts: dict[bool, list[bool]]) -> dict[str, float | None]:
    """`abstained`: share of no-answer queries (empty gold) judged unanswerable;
    `false_abstention`: share of answerable queries judged unanswerable (None without such queries)."""
    unanswerable, answerable = verdicts[False], verdicts[True]
    return {
        "abstained": round(sum(not v for v in unanswerable) / len(unanswerable), 4) if unanswerable else None,
        "false_abstention": round(sum(not v for v in answerable) / len(answerable), 4) if answerable else None,
        "n_unanswerable": len(unanswerable),
    }


def evaluate(searcher: Searcher, queries: list[Query], modes: Iterable[str] = MODES) -> dict:
    """Figures keyed by mode, then by group ('all', 'kind:…', 'lang:…', 'document-level')."""
    file_of = {doc_id: info.file_name for doc_id, info in searcher.index.documents.items()}
    report: dict[str, dict] = {}
    for mode in modes:
        page_ranks: dict[str, list[int | None]] = defaultdict(list)
        doc_ranks: list[int | None] = []
        verdicts: dict[bool, list[bool]] = {True: [], False: []}
        for q in queries:
            result = searcher.answer(q.query, k=max(CUTOFFS), mode=mode)
            verdicts[bool(q.gold)].append(result.answerable)
            if not q.gold:
                continue
            hits = result.hits
            rank = first_rank(hits, q.gold, file_of, page_exact=True)
            for group in ("all", f"kind:{q.kind}", f"lang:{q.lang}"):
                page_ranks[group].append(rank)
            doc_ranks.append(first_rank(hits, q.gold, file_of, page_exact=False))
        report[mode] = {**metrics(page_ranks["all"]), "n": len(page_ranks["all"]), **abstention(verdicts)}
        report[mode]["groups"] = {g: {**metrics(r), "n": len(r)} for g, r in sorted(page_ranks.items()) if g != "all"}
        report[mode]["document-level"] = metrics(doc_ranks)
    return report
