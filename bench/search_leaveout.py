"""Leave-one-out and 5-fold check of the hybrid ranking's settings on the dev questions.

Run: ``.venv/bin/python -m bench.search_leaveout [../shared/eval/dev.jsonl]`` (the current
index of ``STYRDOK_INDEX_DIR``, built by ``styrdok ingest corpus``).

Each question's candidate lists are read once with the product's own parts (the dense list
of `Searcher._query_vectors` with its sentence scores, BM25 in the question's language, BM25
of the glossary rendering, which passages meet the document and year bonuses); then every
setting of a grid is applied offline with the product's `combine`, `boost` and `_collapse`,
so a setting ranks exactly as `pipeline.search.hybrid` would with those constants. Fitted:
the best setting on all questions (by MRR@10, then R@1, then R@5). Leave-one-out: each
question ranked by the setting best on the other 39; 5-fold likewise over five folds
(shuffled with seed 0). If the shipped constants were fitted to single questions, the
held-out figures would fall clearly below the fitted ones.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from sqlite3 import Row

import numpy as np

from pipeline.config import PROJECT_ROOT, get_settings
from pipeline.embed.embedder import Embedder
from pipeline.search import hybrid
from pipeline.search.evaluate import Query, answers, metrics, read_queries
from pipeline.search.fusion import boost, combine
from pipeline.search.live import LiveIndex
from pipeline.text.analysis import analyze

DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
GRID = {
    "sentence": [0.0, 0.3, 0.5, 0.7],
    "lexical": [0.5, 0.7, 1.0],
    "translated": [0.1, 0.2, 0.35],
    "document": [0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0],
    "year": [0.35, 0.5, 0.75],
}


@dataclass
class Candidates:
    query: Query
    lang: str
    dense: list[tuple[int, float]]
    best_sentence: dict[int, float]
    lexical: list[tuple[int, float]]
    lexical_share: float
    translated: list[tuple[int, float]]
    named: set[int]
    dated: set[int]
    rows: dict[int, Row]


def candidates(searcher: hybrid.Searcher, q: Query) -> Candidates:
    index = searcher.index
    parsed = searcher.understand(q.query)
    vector, _ = searcher._query_vectors(parsed)
    dense = index.dense(vector, hybrid.FUSION_DEPTH, None)
    best = index.sentences.best(vector, [row for row, _ in dense]) if index.sentences else {}
    same = index.in_language(parsed.lang)
    lexical = index.lexical.search(analyze(parsed.content, parsed.lang), hybrid.FUSION_DEPTH, same)
    translated = []
    if parsed.lang != "sv":
        translated = index.lexical.search(hybrid._swedish_terms(parsed), hybrid.FUSION_DEPTH, index.in_language("sv"))
    wanted = {row for row, _ in dense + lexical + translated}
    rows = index.passage_rows(sorted(wanted))
    named = {row for row, r in rows.items() if r["doc_id"] in parsed.documents}
    dated = {
        row for row, r in rows.items()
        if any(str(y) in r["text"] or str(y) in r["section_path"] for y in parsed.years)
    }
    share = float(np.count_nonzero(same)) / len(index)
    return Candidates(q, parsed.lang, dense, best, lexical, share, translated, named, dated, rows)


def first_rank(c: Candidates, setting: dict[str, float], file_of: dict[str, str]) -> int | None:
    w = setting["sentence"]
    dense = sorted(((row, (1 - w) * s + w * c.best_sentence.get(row, s)) for row, s in c.dense), key=lambda x: (-x[1], x[0]))
    rankings = [(dense, 1.0), (c.lexical, setting["lexical"] * c.lexical_share)]
    if c.lang != "sv":
        rankings.append((c.translated, setting["translated"]))
    bonus = {row: setting["document"] * (row in c.named) + setting["year"] * (row in c.dated) for row in c.rows}
    kept = hybrid._collapse(boost(combine(rankings), bonus), c.rows, 10)
    for rank, (row, _, also) in enumerate(kept, start=1):
        record = c.rows[row]
        pages = json.loads(record["pages_json"])
        hit_like = _HitLike(record["doc_id"], pages, hybrid._path(record["section_path"]), tuple(also))
        if answers(hit_like, c.query.gold, file_of):  # type: ignore[arg-type]
            return rank
    return None


@dataclass(frozen=True)
class _HitLike:
    """What `pipeline.search.evaluate.answers` reads of a hit."""

    doc_id: str
    pages: list[int]
    section_path: tuple[str, ...]
    also_at: tuple[hybrid.Citation, ...]

    @property
    def document(self) -> _HitLike:
        return self


def best_setting(ranks: list[dict[str, int | None]], subset: list[str]) -> int:
    """The grid setting with the best MRR@10 (then R@1, then R@5) on the subset (the first of equals)."""
    def score(j: int) -> tuple[float, float, float]:
        m = metrics([ranks[j][i] for i in subset])
        return (m["mrr@10"], m["recall@1"], m["recall@5"])

    return max(range(len(ranks)), key=score)


def held_out(ranks: list[dict[str, int | None]], ids: list[str], folds: list[list[str]]) -> dict[str, int | None]:
    """Each question ranked by the setting that is best without its fold."""
    out: dict[str, int | None] = {}
    for fold in folds:
        best = best_setting(ranks, [i for i in ids if i not in fold])
        out.update({i: ranks[best][i] for i in fold})
    return out


def report(name: str, ranks: dict[str, int | None], english: list[str], say: Callable[[str], None] = print) -> None:
    m = metrics(list(ranks.values()))
    en = metrics([ranks[i] for i in english])
    say(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['mrr@10']:.3f} | {en['recall@5']:.3f} |")


def main(path: Path) -> None:
    settings = get_settings()
    searcher = LiveIndex(settings.index_dir, Embedder(settings.model)).searcher()
    file_of = {doc_id: info.file_name for doc_id, info in searcher.index.documents.items()}
    questions = [q for q in read_queries(path) if q.gold]
    lists = [candidates(searcher, q) for q in questions]
    grid = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    ranks = [{c.query.id: first_rank(c, s, file_of) for c in lists} for s in grid]
    ids = [q.id for q in questions]
    english = [q.id for q in questions if q.lang == "en"]
    shipped = {"sentence": hybrid.SENTENCE_WEIGHT, "lexical": hybrid.HYBRID_LEXICAL_WEIGHT,
               "translated": hybrid.HYBRID_TRANSLATED_WEIGHT, "document": hybrid.DOC_REFERENCE_BONUS, "year": hybrid.YEAR_BONUS}
    print(f"grid: {json.dumps(GRID)}; shipped: {json.dumps(shipped)}")
    print("| | R@1 | R@5 | R@10 | MRR@10 | English R@5 |\n|---|---|---|---|---|---|")
    report("shipped", {c.query.id: first_rank(c, shipped, file_of) for c in lists}, english)
    fitted = best_setting(ranks, ids)
    report(f"best on all: {json.dumps(grid[fitted])}", ranks[fitted], english)
    report("leave-one-out", held_out(ranks, ids, [[i] for i in ids]), english)
    shuffled = ids[:]
    random.Random(0).shuffle(shuffled)
    report("5-fold", held_out(ranks, ids, [shuffled[f::5] for f in range(5)]), english)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV)
