"""Cell-level accuracy of ``pipeline.extract.tables`` on the corpus and the external table set.

Run: ``.venv/bin/python -m bench.table_accuracy [--json]``. Writes ``bench/results_tables.json``.
``--expected PATH`` scores any table set in the shared ``expected.json`` format instead (a list
of ``{"file", "page", "rows"}``, files relative to the JSON's folder, covered cells ``""``);
it prints one summary (tables, found, exact_tables, cell_accuracy, ...) and writes nothing.

Each expected table is compared with the predicted table on its page that scores best.
Rows and columns are aligned separately (order-preserving, by overlap of cell texts), so
a missed or extra row costs that row's cells as *structure* errors instead of shifting
every cell below it; cells in aligned rows and columns that differ are *text* errors.

Suites:
* ``corpus``: ground truth of the test corpus; ``None`` (merged cell) must match ``None``.
* ``external-A``: ICDAR 2013 human ground truth, the real accuracy figure.
* ``external-B``: camelot's accepted outputs under camelot-specific settings; only a
  consistency signal (their row/column conventions differ legitimately).
In the external sets covered cells are ``""``, so ``None`` is compared as ``""`` there.
Rows and columns without any text are left out on both sides before scoring: the ICDAR
grids carry empty spacer rows/columns, and the extractor drops them by design.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated

import pdfplumber
import typer
from rich.console import Console
from rich.table import Table as RichTable

from pipeline.config import PROJECT_ROOT
from pipeline.extract.tables import find_tables
from pipeline.records import Table

SHARED = PROJECT_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EXTERNAL_TABLES = SHARED / "external" / "tables"
RESULTS = Path(__file__).resolve().parent / "results_tables.json"
CORPUS_PDFS = ("strategisk-plan-2023-2025.pdf", "rus-2030.pdf", "pressmeddelande-2025-12-03.pdf")
N_ICDAR = 19
"""Entries 0–18 of expected.json are ICDAR 2013 (kind A), the rest camelot outputs (kind B)."""

Grid = Sequence[Sequence[str | None]]
PageGrids = Callable[[Path, int], Sequence[Grid]]
"""An extractor under test: (PDF path, 1-based page) → the tables found on that page as cell grids."""
COLUMNS = ("table", "found", "cells", "accuracy", "text err", "struct err", "rows -/+", "cols -/+")


@dataclass
class TableScore:
    name: str
    page: int
    found: bool
    cells: int
    correct: int
    text_errors: int
    structure_errors: int
    missing_rows: int
    extra_rows: int
    missing_cols: int
    extra_cols: int
    mismatches: list[tuple[str | None, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cells if self.cells else 1.0


def normalize(cell: str | None, none_as_empty: bool) -> str | None:
    if cell is None:
        return "" if none_as_empty else None
    return " ".join(cell.split())


def without_empty_lines(grid: Grid) -> list[list[str | None]]:
    """``grid`` without rows and columns that hold no text."""
    rows = [list(r) for r in grid if any(r)]
    n_cols = max((len(r) for r in rows), default=0)
    keep = [j for j in range(n_cols) if any(j < len(r) and r[j] for r in rows)]
    return [[r[j] if j < len(r) else "" for j in keep] for r in rows]


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    """Multiset overlap of two groups of cell texts, 0..1 (empty cells carry no evidence)."""
    size = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / size if size else 0.0


def align(expected: Sequence[Counter[str]], predicted: Sequence[Counter[str]]) -> dict[int, int]:
    """Order-preserving alignment maximising total overlap (expected index → predicted index)."""
    n, m = len(expected), len(predicted)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = _overlap(expected[i], predicted[j])
            take = pair + best[i + 1][j + 1] if pair > 0 else 0.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        pair = _overlap(expected[i], predicted[j])
        if pair > 0 and abs(best[i][j] - (pair + best[i + 1][j + 1])) < 1e-9:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _groups(grid: Grid, by_column: bool) -> list[Counter[str]]:
    n_cols = max((len(r) for r in grid), default=0)
    lines = (
        [[r[j] if j < len(r) else "" for r in grid] for j in range(n_cols)] if by_column else grid
    )
    return [Counter(c for c in line if c) for line in lines]


def score(name: str, page: int, expected: Grid, predicted: Grid | None) -> TableScore:
    """Cell-level score of ``predicted`` against ``expected`` (both already normalised)."""
    n_cols = max(len(r) for r in expected)
    cells = sum(len(r) for r in expected)
    if predicted is None:
        return TableScore(name, page, False, cells, 0, 0, cells, len(expected), 0, n_cols, 0)
    p_cols = max((len(r) for r in predicted), default=0)
    if len(expected) == len(predicted) and n_cols == p_cols:
        rows = {i: i for i in range(len(expected))}
        cols = {j: j for j in range(n_cols)}
    else:
        rows = align(_groups(expected, False), _groups(predicted, False))
        cols = align(_groups(expected, True), _groups(predicted, True))
    correct = text_errors = 0
    mismatches = []
    for i, row in enumerate(expected):
        for j, want in enumerate(row):
            if i not in rows or j not in cols:
                continue
            got_row = predicted[rows[i]]
            got = got_row[cols[j]] if cols[j] < len(got_row) else ""
            if got == want:
                correct += 1
            else:
                text_errors += 1
                mismatches.append((want, got))
    return TableScore(
        name=name,
        page=page,
        found=True,
        cells=cells,
        correct=correct,
        text_errors=text_errors,
        structure_errors=cells - correct - text_errors,
        missing_rows=len(expected) - len(rows),
        extra_rows=len(predicted) - len(rows),
        missing_cols=n_cols - len(cols),
        extra_cols=p_cols - len(cols),
        mismatches=mismatches,
    )


def best_match(
    name: str, page: int, expected: Grid, candidates: Sequence[Table], none_as_empty: bool
) -> TableScore:
    """Score against every predicted table on the page and keep the best."""
    return best_grid_match(name, page, expected, [t.rows for t in candidates], none_as_empty)


def best_grid_match(
    name: str, page: int, expected: Grid, candidates: Sequence[Grid], none_as_empty: bool
) -> TableScore:
    """:func:`best_match` for plain cell grids (the output of any table extractor)."""
    expected = without_empty_lines(expected)
    grids = [without_empty_lines([[normalize(c, none_as_empty) for c in r] for r in g]) for g in candidates]
    scores = [score(name, page, expected, g) for g in grids] or [score(name, page, expected, None)]
    return max(scores, key=lambda s: (s.correct, -s.structure_errors))


def _page_tables(pdf_path: Path, page: int) -> list[Table]:
    with pdfplumber.open(pdf_path) as pdf:
        return find_tables(pdf.pages[page - 1], page)


def product_grids(pdf_path: Path, page: int) -> list[Grid]:
    """The product's extractor (:func:`pipeline.extract.tables.find_tables`) as a :data:`PageGrids`."""
    return [t.rows for t in _page_tables(pdf_path, page)]


def load_expected(path: Path) -> list[dict]:
    """Entries of a shared-format ``expected.json``; raises ``ValueError`` naming a bad entry."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise TypeError(f"{path}: expected a JSON list of tables")
    for index, entry in enumerate(entries):
        missing = {"file", "page", "rows"} - set(entry) if isinstance(entry, dict) else {"file", "page", "rows"}
        if missing:
            raise ValueError(f"{path}: entry {index} lacks {sorted(missing)}")
        if not (path.parent / entry["file"]).is_file():
            raise ValueError(f"{path}: entry {index}: no file {entry['file']} beside it")
    return entries


def expected_scores(path: Path, extract: PageGrids = product_grids) -> list[TableScore]:
    """One score per entry of a shared-format ``expected.json`` (covered cells are ``""``)."""
    scores = []
    for index, entry in enumerate(load_expected(path)):
        expected = [[normalize(c, True) for c in r] for r in entry["rows"]]
        grids = extract(path.parent / entry["file"], entry["page"])
        name = f"{entry['file']} p{entry['page']} #{index}"
        scores.append(best_grid_match(name, entry["page"], expected, grids, True))
    return scores


def corpus_scores(ground_truth: dict) -> tuple[list[TableScore], int]:
    """Scores for every ground-truth table, and the number of predicted tables in all."""
    scores, n_predicted = [], 0
    for file in CORPUS_PDFS:
        with pdfplumber.open(CORPUS / file) as pdf:
            found = [t for p in pdf.pages for t in find_tables(p, p.page_number)]
        n_predicted += len(found)
        for gt in ground_truth["documents"][file]["tables"]:
            expected = [[normalize(c, False) for c in r] for r in gt["rows"]]
            on_page = [t for t in found if t.page == gt["page"]]
            scores.append(best_match(f"{file}: {gt['caption']}", gt["page"], expected, on_page, False))
    return scores, n_predicted


def external_scores(extract: PageGrids = product_grids) -> dict[str, list[TableScore]]:
    scores = expected_scores(EXTERNAL_TABLES / "expected.json", extract)
    return {"external-A": scores[:N_ICDAR], "external-B": scores[N_ICDAR:]}


def summarize(scores: Sequence[TableScore]) -> dict[str, float | int]:
    cells = sum(s.cells for s in scores)
    correct = sum(s.correct for s in scores)
    return {
        "tables": len(scores),
        "found": sum(s.found for s in scores),
        "exact_tables": sum(s.correct == s.cells for s in scores),
        "cells": cells,
        "cell_accuracy": round(correct / cells, 4) if cells else 1.0,
        "text_errors": sum(s.text_errors for s in scores),
        "structure_errors": sum(s.structure_errors for s in scores),
        "missing_rows": sum(s.missing_rows for s in scores),
        "extra_rows": sum(s.extra_rows for s in scores),
        "missing_cols": sum(s.missing_cols for s in scores),
        "extra_cols": sum(s.extra_cols for s in scores),
    }


def _as_json(score: TableScore) -> dict:
    return {**asdict(score), "accuracy": round(score.accuracy, 4), "mismatches": score.mismatches[:5]}


def run(expected: Path | None = None) -> dict:
    """The default suites (corpus, external-A, external-B), or one suite for ``expected``."""
    start = time.perf_counter()
    if expected is not None:
        suites = {expected.parent.name or str(expected): expected_scores(expected)}
        summary = {name: summarize(scores) for name, scores in suites.items()}
    else:
        ground_truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
        corpus, n_predicted = corpus_scores(ground_truth)
        suites = {"corpus": corpus, **external_scores()}
        summary = {name: summarize(scores) for name, scores in suites.items()}
        summary["corpus"]["predicted_tables"] = n_predicted
    return {
        "summary": summary,
        "tables": {
            name: [_as_json(s) for s in scores]
            for name, scores in suites.items()
        },
        "seconds": round(time.perf_counter() - start, 1),
    }


def _print(results: dict, console: Console) -> None:
    for name, rows in results["tables"].items():
        table = RichTable(title=f"{name}: per table")
        for column in COLUMNS:
            table.add_column(column)
        for r in rows:
            table.add_row(
                r["name"],
                "yes" if r["found"] else "NO",
                str(r["cells"]),
                f"{r['accuracy']:.1%}",
                str(r["text_errors"]),
                str(r["structure_errors"]),
                f"{r['missing_rows']}/{r['extra_rows']}",
                f"{r['missing_cols']}/{r['extra_cols']}",
            )
        console.print(table)
    summary = RichTable(title=f"Table extraction accuracy ({results['seconds']} s)")
    keys = ("tables", "found", "exact_tables", "cells", "cell_accuracy", "text_errors", "structure_errors")
    summary.add_column("suite")
    for key in keys:
        summary.add_column(key)
    for name, s in results["summary"].items():
        summary.add_row(name, *(f"{s[k]:.1%}" if k == "cell_accuracy" else str(s[k]) for k in keys))
    console.print(summary)


def main(
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON instead of tables."),
    expected: Annotated[
        Path | None,
        typer.Option("--expected", help="Score this shared-format expected.json instead of the default suites."),
    ] = None,
) -> None:
    if expected is not None:
        expected = expected.resolve()
        try:
            load_expected(expected)
        except (OSError, ValueError, TypeError) as exc:  # missing file, bad JSON, bad entry
            raise typer.BadParameter(str(exc), param_hint="--expected") from exc
    results = run(expected)
    if expected is None:
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        _print(results, Console(width=max(Console().width, 140)))


if __name__ == "__main__":
    typer.run(main)
