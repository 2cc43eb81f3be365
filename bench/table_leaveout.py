"""Leave-half-out check of the aligned-text table parameters on the 19 shared ICDAR 2013 tables.

Run: ``.venv/bin/python -m bench.table_leaveout``; prints a markdown table.

The tables are split into two halves (even and odd entries). For each half, the setting of
``COLUMN_GAP_EM`` × ``MAX_LINE_GAP_EM`` that scores best on that half is chosen, and then
scored on the *other* half beside the shipped defaults. If the defaults were fitted to the
set, the setting chosen on one half would beat them on the other by a clear margin; if the
shipped values generalise, the two are close.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pdfplumber
import typer

from bench.table_accuracy import (
    EXTERNAL_TABLES,
    N_ICDAR,
    Grid,
    best_grid_match,
    load_expected,
    normalize,
    summarize,
)
from pipeline.extract import tables, unruled

COLUMN_GAPS = (0.6, 0.8, 1.0, 1.4, 1.8)
LINE_GAPS = (2.0, 2.6, 3.2)


@contextmanager
def settings(column_gap: float, line_gap: float) -> Iterator[None]:
    saved = (unruled.COLUMN_GAP_EM, unruled.MAX_LINE_GAP_EM, tables.COLUMN_GAP_EM)
    unruled.COLUMN_GAP_EM = tables.COLUMN_GAP_EM = column_gap
    unruled.MAX_LINE_GAP_EM = line_gap
    try:
        yield
    finally:
        unruled.COLUMN_GAP_EM, unruled.MAX_LINE_GAP_EM, tables.COLUMN_GAP_EM = saved


@cache
def _pdf_words(path: Path, page: int) -> tuple[pdfplumber.page.Page, list]:
    pdf = pdfplumber.open(path)
    p = pdf.pages[page - 1]
    return p, p.extract_words(x_tolerance=tables.WORD_GAP, extra_attrs=["fontname", "size"])


def accuracy(entries: Sequence[dict], column_gap: float, line_gap: float) -> float:
    scores = []
    with settings(column_gap, line_gap):
        for entry in entries:
            page, words = _pdf_words(EXTERNAL_TABLES / entry["file"], entry["page"])
            grids: list[Grid] = [t.rows for t in tables.find_tables(page, entry["page"], words)]
            expected = [[normalize(c, True) for c in r] for r in entry["rows"]]
            scores.append(best_grid_match(entry["file"], entry["page"], expected, grids, True))
    return float(summarize(scores)["cell_accuracy"])


def main() -> None:
    icdar = load_expected(EXTERNAL_TABLES / "expected.json")[:N_ICDAR]
    halves = {"even": icdar[0::2], "odd": icdar[1::2]}
    default = (unruled.COLUMN_GAP_EM, unruled.MAX_LINE_GAP_EM)
    grid = list(itertools.product(COLUMN_GAPS, LINE_GAPS))
    table = {name: {g: accuracy(half, *g) for g in grid} for name, half in halves.items()}
    head = "| chosen on | best (column gap, line gap) em | score there | other half: chosen | other half: shipped |"
    lines = [head, "|---|---|---|---|---|"]
    for name, other in (("even", "odd"), ("odd", "even")):
        best = max(grid, key=lambda g: (table[name][g], g == default))
        lines.append(
            f"| {name} | {best} | {table[name][best]:.1%} | {table[other][best]:.1%} | {table[other][default]:.1%} |"
        )
    typer.echo(f"shipped defaults: {default}; grid {COLUMN_GAPS} × {LINE_GAPS}\n")
    typer.echo("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
