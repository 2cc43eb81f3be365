"""Table extractors side by side: ours and the kept libraries, on the same table sets and scorer.

Run: ``.venv/bin/python -m bench.table_libraries [--only NAME ...] [--json PATH]``; prints a
markdown table. Every extractor is a :data:`bench.table_accuracy.PageGrids` and is scored
with the same alignment scorer as ``bench.table_accuracy`` on:

* ``ICDAR 19``: the 19 ICDAR 2013 tables of ``../shared/external/tables`` (human ground truth);
* ``camelot 19``: camelot's accepted outputs in the same ``expected.json``;
* ``corpus 27``: the corpus ground truth. Libraries mark covered cells ``""`` where the
  ground truth has ``None``, so here both sides compare ``None`` as ``""`` (the strict
  ``None`` check of ``bench.table_accuracy`` applies to our extractor only).

Only the pages that hold an expected table are read. ``tables/page`` is the mean number of
tables an extractor reports on those pages (1.0–1.1 is right for these sets; more means
false tables, whose words a product would take out of the body text). camelot and
img2table are optional: an extractor whose library does not import is reported as such.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import pdfplumber
import typer

from bench.table_accuracy import (
    CORPUS,
    CORPUS_PDFS,
    EXTERNAL_TABLES,
    N_ICDAR,
    Grid,
    PageGrids,
    TableScore,
    best_grid_match,
    load_expected,
    normalize,
    product_grids,
    summarize,
)

TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
TEXT_TIGHT_SETTINGS = {**TEXT_SETTINGS, "min_words_vertical": 2, "text_x_tolerance": 1.5}
"""Text strategy with word splitting at 1.5 pt (the product's word gap) and two-word columns."""
LINES_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
MIXED_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "lines"}
"""Rows from rules, columns from text alignment: tables ruled between rows only."""


def plumber(settings: dict[str, Any]) -> PageGrids:
    def extract(path: Path, page: int) -> Sequence[Grid]:
        with pdfplumber.open(path) as pdf:
            return pdf.pages[page - 1].extract_tables(settings)

    return extract


def plumber_lines_else_text(path: Path, page: int) -> Sequence[Grid]:
    """Ruled tables where pdfplumber finds any, else the text strategy (a common recipe)."""
    return plumber(LINES_SETTINGS)(path, page) or plumber(TEXT_SETTINGS)(path, page)


def camelot_flavor(flavor: str) -> PageGrids:
    def extract(path: Path, page: int) -> Sequence[Grid]:
        import camelot  # optional: only this benchmark uses it

        found = camelot.read_pdf(str(path), pages=str(page), flavor=flavor)
        return [t.df.astype(str).values.tolist() for t in found]

    return extract


def img2table_pdf(path: Path, page: int) -> list[Grid]:
    from img2table.document import PDF  # optional: only this benchmark uses it

    doc = PDF(str(path), pages=[page - 1], pdf_text_extraction=True)
    found = doc.extract_tables(implicit_rows=True, borderless_tables=True, min_confidence=50)
    return [
        [[cell.value for cell in row] for row in table.content.values()]
        for tables in found.values()
        for table in tables
    ]


EXTRACTORS: dict[str, PageGrids] = {
    "styrdok (ours)": product_grids,
    "pdfplumber lines": plumber(LINES_SETTINGS),
    "pdfplumber text": plumber(TEXT_SETTINGS),
    "pdfplumber text, 1.5 pt words": plumber(TEXT_TIGHT_SETTINGS),
    "pdfplumber text cols + line rows": plumber(MIXED_SETTINGS),
    "pdfplumber lines, else text": plumber_lines_else_text,
    "camelot lattice": camelot_flavor("lattice"),
    "camelot stream": camelot_flavor("stream"),
    "camelot hybrid": camelot_flavor("hybrid"),
    "img2table": img2table_pdf,
}


@dataclass(frozen=True)
class Case:
    """One expected table: its PDF, page and cells (``None`` read as ``""``)."""

    suite: str
    name: str
    path: Path
    page: int
    rows: tuple[tuple[str | None, ...], ...]


def cases() -> list[Case]:
    out = []
    for index, entry in enumerate(load_expected(EXTERNAL_TABLES / "expected.json")):
        suite = "ICDAR 19" if index < N_ICDAR else "camelot 19"
        rows = tuple(tuple(normalize(c, True) for c in r) for r in entry["rows"])
        out.append(Case(suite, f"{entry['file']} #{index}", EXTERNAL_TABLES / entry["file"], entry["page"], rows))
    truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    for file in CORPUS_PDFS:
        for gt in truth["documents"][file]["tables"]:
            rows = tuple(tuple(normalize(c, True) for c in r) for r in gt["rows"])
            out.append(Case("corpus 27", f"{file}: {gt['caption']}", CORPUS / file, gt["page"], rows))
    return out


def measure(name: str, extract: PageGrids, todo: Sequence[Case]) -> dict[str, Any]:
    """Scores per suite, seconds, and tables per page for one extractor."""
    grids: PageGrids = cache(extract)
    start = time.perf_counter()
    scores: dict[str, list[TableScore]] = {}
    try:
        for case in todo:
            found = grids(case.path, case.page)
            scores.setdefault(case.suite, []).append(best_grid_match(case.name, case.page, case.rows, found, True))
    except ImportError as exc:
        return {"extractor": name, "error": f"not installed ({exc.name})"}
    pages = {(c.path, c.page) for c in todo}
    per_page = sum(len(grids(*p)) for p in pages) / len(pages)
    return {
        "extractor": name,
        "suites": {suite: summarize(s) for suite, s in scores.items()},
        "tables_per_page": round(per_page, 2),
        "seconds": round(time.perf_counter() - start, 1),
    }


def markdown(results: Sequence[dict[str, Any]]) -> str:
    suites = ("ICDAR 19", "camelot 19", "corpus 27")
    head = ["extractor", *(f"{s} cells (exact)" for s in suites), "tables/page", "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['extractor']} | {r['error']} |" + " |" * (len(head) - 2))
            continue
        cells = [
            f"{r['suites'][s]['cell_accuracy']:.1%} ({r['suites'][s]['exact_tables']}/{r['suites'][s]['tables']})"
            for s in suites
        ]
        lines.append(f"| {r['extractor']} | " + " | ".join(cells) + f" | {r['tables_per_page']} | {r['seconds']} |")
    return "\n".join(lines)


def main(
    only: Annotated[list[str] | None, typer.Option("--only", help="Extractor names to run (default: all).")] = None,
    out: Annotated[Path | None, typer.Option("--json", help="Also write the results as JSON here.")] = None,
) -> None:
    chosen = {n: e for n, e in EXTRACTORS.items() if not only or n in only}
    if not chosen:
        raise typer.BadParameter(f"known extractors: {', '.join(EXTRACTORS)}", param_hint="--only")
    todo = cases()
    results = [measure(name, extract, todo) for name, extract in chosen.items()]
    if out is not None:
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(markdown(results))


if __name__ == "__main__":
    typer.run(main)
