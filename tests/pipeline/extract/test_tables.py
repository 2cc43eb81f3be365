"""Table extraction against the corpus ground truth, and the linear form of table rows."""

from __future__ import annotations

from functools import cache

import pdfplumber
import pytest

from bench.table_accuracy import CORPUS_PDFS, TableScore, best_match, normalize
from pipeline.extract.tables import find_tables, inside_any, linearize_table, normalize_cell
from pipeline.records import Table
from tests.helpers import CORPUS, SHARED, ground_truth

CORPUS_CELL_ACCURACY = 0.98
GT_TABLES = [
    pytest.param(file, index, id=f"{file}-{index}")
    for file in CORPUS_PDFS
    for index in range(len(ground_truth()["documents"][file]["tables"]))
]


@cache
def extracted(file: str) -> tuple[Table, ...]:
    with pdfplumber.open(CORPUS / file) as pdf:
        return tuple(t for page in pdf.pages for t in find_tables(page, page.page_number))


def gt_table(file: str, index: int) -> dict:
    return ground_truth()["documents"][file]["tables"][index]


def as_table(gt: dict) -> Table:
    rows = tuple(tuple(r) for r in gt["rows"])
    return Table(gt["page"], gt["caption"], rows, gt["n_header_rows"], (0.0, 0.0, 0.0, 0.0))


def match(file: str, index: int) -> tuple[TableScore, Table | None]:
    """Score of the best predicted table on the ground-truth table's page, and that table."""
    gt = gt_table(file, index)
    expected = [[normalize(c, False) for c in r] for r in gt["rows"]]
    on_page = [t for t in extracted(file) if t.page == gt["page"]]
    scores = [best_match(gt["caption"], gt["page"], expected, [t], False) for t in on_page]
    if not scores:
        return best_match(gt["caption"], gt["page"], expected, [], False), None
    best = max(range(len(scores)), key=lambda i: scores[i].correct)
    return scores[best], on_page[best]


@pytest.mark.parametrize(("file", "index"), GT_TABLES)
def test_ground_truth_table_found_on_its_page(file: str, index: int) -> None:
    score, table = match(file, index)
    assert table is not None, f"no table on page {score.page}"
    assert score.accuracy >= 0.9, score.mismatches[:5]


@pytest.mark.parametrize(("file", "index"), GT_TABLES)
def test_caption_and_header_rows(file: str, index: int) -> None:
    gt = gt_table(file, index)
    _, table = match(file, index)
    assert table is not None
    assert table.caption == gt["caption"]
    assert table.n_header_rows == gt["n_header_rows"]


def test_corpus_cell_accuracy() -> None:
    scores = [match(*param.values)[0] for param in GT_TABLES]
    cells = sum(s.cells for s in scores)
    correct = sum(s.correct for s in scores)
    assert correct / cells >= CORPUS_CELL_ACCURACY, [s.mismatches[:3] for s in scores if s.mismatches]


@pytest.mark.parametrize("file", CORPUS_PDFS)
def test_no_extra_tables(file: str) -> None:
    """Figures, framed covers and layout boxes must not come out as tables."""
    assert len(extracted(file)) == len(ground_truth()["documents"][file]["tables"])


def test_tables_sorted_top_to_bottom() -> None:
    tables = extracted(CORPUS_PDFS[0])
    assert list(tables) == sorted(tables, key=lambda t: (t.page, t.bbox[1]))


def test_layout_boxes_are_not_tables() -> None:
    """NFS 2007:10 has boxed two-column pages that pdfplumber reports as tables."""
    path = SHARED / "external" / "swedish" / "nfs_2007-10_inventering_rovdjur.pdf"
    if not path.exists():
        pytest.skip("external documents not available")
    with pdfplumber.open(path) as pdf:
        assert [t for page in pdf.pages for t in find_tables(page, page.page_number)] == []


def test_inside_any() -> None:
    table = extracted(CORPUS_PDFS[0])[0]
    x0, top, x1, bottom = table.bbox
    mid_x, mid_y = (x0 + x1) / 2, (top + bottom) / 2
    assert inside_any((mid_x - 5, mid_y - 4, mid_x + 5, mid_y + 4), [table])
    assert not inside_any((x0, top - 30, x1, top - 20), [table])


def test_normalize_cell() -> None:
    assert normalize_cell("  ﬁnans   och\tﬂöde \n\n  2 639 ") == "finans och flöde\n2 639"
    assert normalize_cell(None) is None


def _gt_by_caption(file: str, prefix: str) -> dict:
    return next(t for t in ground_truth()["documents"][file]["tables"] if t["caption"].startswith(prefix))


def test_linearized_row_has_label_year_and_value() -> None:
    gt = _gt_by_caption("strategisk-plan-2023-2025.pdf", "Resultatbudget")
    years = gt["rows"][gt["n_header_rows"] - 1]
    row = next(r for r in gt["rows"] if r[0] == "Skatteintäkter")
    col = years.index("2024")
    line = next(s for s in linearize_table(as_table(gt)) if "Skatteintäkter" in s)
    assert line.startswith(gt["caption"])
    assert f"2024 (Budget): {row[col]}" in line


def test_linearized_rows_inherit_merged_label_and_join_lines() -> None:
    gt = _gt_by_caption("rus-2030.pdf", "HÖG LIVSKVALITET")
    table = as_table(gt)
    data = table.rows[table.n_header_rows :]
    covered = next(i for i, r in enumerate(data) if r[0] is None)
    label = " ".join(data[covered - 1][0].split())
    header = gt["rows"][0][1]
    lines = linearize_table(table)
    assert len(lines) == len(data)
    assert f" — {label} — {header}: " in lines[covered]
    assert all("\n" not in s for s in lines)
