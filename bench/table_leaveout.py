"""Leave-half-out check of the aligned-text table parameters on the 19 shared ICDAR 2013 tables.

Run: ``.venv/bin/python -m bench.table_leaveout``; prints one markdown table per parameter grid.

The tables are split into two halves (even and odd entries). For each half, the setting of a
grid (``column_gap_em`` × ``max_line_gap_em``; ``row_pitch_gap`` × ``gutter_split_em``, the other
fields at their shipped values) that scores best on that half is chosen, and then scored on the
*other* half beside the shipped defaults. If the defaults were fitted to the set, the setting
chosen on one half would beat them on the other by a clear margin; if the shipped values
generalise, the two are close.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

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
from pipeline.extract import tables
from pipeline.extract.options import TABLES

GRIDS: dict[tuple[str, str], tuple[tuple[float, ...], tuple[float, ...]]] = {
    ("column_gap_em", "max_line_gap_em"): ((0.6, 0.8, 1.0, 1.4, 1.8), (2.0, 2.6, 3.2)),
    ("row_pitch_gap", "gutter_split_em"): ((1.4, 1.8, 2.2), (0.35, 0.5, 0.8)),
}


@cache
def _pdf_words(path: Path, page: int) -> tuple[pdfplumber.page.Page, list]:
    pdf = pdfplumber.open(path)
    p = pdf.pages[page - 1]
    return p, p.extract_words(x_tolerance=TABLES.word_gap, extra_attrs=["fontname", "size"])


def accuracy(entries: Sequence[dict], setting: dict[str, Any]) -> float:
    options = replace(TABLES, **setting)
    scores = []
    for entry in entries:
        page, words = _pdf_words(EXTERNAL_TABLES / entry["file"], entry["page"])
        grids: list[Grid] = [t.rows for t in tables.find_tables(page, entry["page"], words, options)]
        expected = [[normalize(c, True) for c in r] for r in entry["rows"]]
        scores.append(best_grid_match(entry["file"], entry["page"], expected, grids, True))
    return float(summarize(scores)["cell_accuracy"])


def check(names: tuple[str, str], values: tuple[tuple[float, ...], tuple[float, ...]], halves: dict) -> list[str]:
    """Markdown lines: per half, the best setting there and both settings on the other half."""
    default = tuple(getattr(TABLES, name) for name in names)
    grid = list(itertools.product(*values))
    table = {name: {g: accuracy(half, dict(zip(names, g))) for g in grid} for name, half in halves.items()}
    lines = [
        f"{names[0]} × {names[1]}: shipped {default}; grid {values[0]} × {values[1]}",
        "",
        "| chosen on | best there | score there | other half: chosen | other half: shipped |",
        "|---|---|---|---|---|",
    ]
    for name, other in (("even", "odd"), ("odd", "even")):
        best = max(grid, key=lambda g: (table[name][g], g == default))
        lines.append(f"| {name} | {best} | {table[name][best]:.1%} | {table[other][best]:.1%} | {table[other][default]:.1%} |")
    return [*lines, ""]


def main() -> None:
    icdar = load_expected(EXTERNAL_TABLES / "expected.json")[:N_ICDAR]
    halves = {"even": icdar[0::2], "odd": icdar[1::2]}
    for names, values in GRIDS.items():
        typer.echo("\n".join(check(names, values, halves)))


if __name__ == "__main__":
    typer.run(main)
