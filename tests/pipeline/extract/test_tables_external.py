"""Table behaviours on real PDFs nobody here wrote (ICDAR 2013, camelot's test files, a US
Senate report): words split at character gaps, unruled and turned tables found, units carried
into the linear form, contents lists left alone, and table sets scored by ``--expected``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from bench.table_accuracy import expected_scores, load_expected, summarize
from pipeline.extract.tables import find_tables, linearize_table
from pipeline.records import Table
from tests.helpers import CORPUS, SHARED

TABLES = SHARED / "external" / "tables"
pytestmark = pytest.mark.skipif(not TABLES.exists(), reason="shared table sets not available")


@cache
def page_tables(path: Path, page: int) -> tuple[Table, ...]:
    with pdfplumber.open(path) as pdf:
        return tuple(find_tables(pdf.pages[page - 1], page))


def cells(tables: tuple[Table, ...]) -> list[str]:
    return [cell for table in tables for row in table.rows for cell in row if cell]


def test_words_are_split_at_character_gaps_in_small_table_fonts() -> None:
    """The Senate report's 6 pt table has no space characters: a fixed 3 pt tolerance glued
    "DISTRICTDIRECTOR"; gaps relative to the font size keep the words apart."""
    text = "\n".join(cells(page_tables(SHARED / "external" / "english" / "senate-expenditures.pdf", 1)))
    assert "DISTRICT DIRECTOR" in text
    assert "PAYEE NAME" in text
    assert "DISTRICTDIRECTOR" not in text


def test_table_without_vertical_rules_is_found_with_its_columns() -> None:
    """ICDAR eu-027: summary statistics ruled only above and below, columns by alignment only."""
    tables = page_tables(TABLES / "icdar2013" / "eu-027.pdf", 3)
    table = next(t for t in tables if t.rows[0][:2] == ("Variable", "Mean"))
    assert table.rows[0] == ("Variable", "Mean", "Std. Dev.", "Min", "Max")
    assert ("Age", "50.8", "15.9", "21", "90") in table.rows
    assert ("Gross financial wealth - end of 2007 (Euro)", "38,855", "114,128", "0", "2,870,000") in table.rows


def test_unruled_table_keeps_its_header_and_leaves_the_prose_around_it() -> None:
    """ICDAR us-003: no lines at all; the year header sits a blank line above the body."""
    (table,) = page_tables(TABLES / "icdar2013" / "us-003.pdf", 1)
    assert table.rows[0] == ("", "1994", "1997", "2003")
    assert table.rows[-1] == ("Highest", "Greater than $25,771", "Greater than $40,888", "Greater than $66,900")
    assert len(table.rows) == 5


def test_table_turned_90_degrees_is_read_in_its_own_orientation() -> None:
    tables = page_tables(TABLES / "camelot" / "clockwise_table_1.pdf", 1)
    rows = [row for table in tables for row in table.rows]
    assert ("Kerala", "5738", "6633", "8864", "8297", "245", "2161", "3195", "1645", "2391") in rows
    assert not any(" " in cell and len(cell.replace(" ", "")) * 2 - 1 == len(cell) for cell in cells(tables))


def test_units_of_caption_and_header_reach_every_value() -> None:
    """Corpus budget tables state "mnkr" once (caption or corner cell); each linearised value carries it."""
    with pdfplumber.open(CORPUS / "strategisk-plan-2023-2025.pdf") as pdf:
        found = [t for n in (34, 38) for t in find_tables(pdf.pages[n - 1], n)]
    budget = next(t for t in found if t.caption.startswith("Resultatbudget"))
    line = next(s for s in linearize_table(budget) if "Verksamhetens intäkter" in s)
    assert "2024 (Budget): 883 mnkr" in line
    balance = next(t for t in found if t.caption == "Balansbudget")
    assert any(" mnkr" in s for s in linearize_table(balance))


def test_percent_header_reaches_values() -> None:
    (table,) = page_tables(TABLES / "icdar2013" / "eu-016.pdf", 3)
    line = next(s for s in linearize_table(table) if " — Austria — " in s)
    assert "domestic (%): 86.2 %" in line


def test_contents_list_is_not_a_table() -> None:
    """Titles and non-decreasing page numbers line up like a two-column table but are no data."""
    path = SHARED / "external" / "swedish" / "afs_2011-19_kemiska_arbetsmiljorisker.pdf"
    if not path.exists():
        pytest.skip("external documents not available")
    assert page_tables(path, 2) == ()


def test_expected_scores_any_shared_format_set(tmp_path: Path) -> None:
    """``bench.table_accuracy --expected`` reads files relative to the JSON's folder."""
    entries = load_expected(TABLES / "expected.json")
    picked = [e for e in entries if e["file"].endswith("eu-027.pdf")]
    pdf = tmp_path / "pdfs" / "eu-027.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes((TABLES / picked[0]["file"]).read_bytes())
    broken = {**picked[0], "file": "pdfs/eu-027.pdf", "rows": [["Variable", "Mean"], ["Age", "99.9"]]}
    path = tmp_path / "expected.json"
    path.write_text(json.dumps([{**picked[0], "file": "pdfs/eu-027.pdf"}, broken]), encoding="utf-8")
    summary = summarize(expected_scores(path))
    assert summary["tables"] == 2
    assert summary["found"] == 2
    assert summary["exact_tables"] == 1
    assert summary["cell_accuracy"] < 1.0


def test_expected_rejects_an_entry_without_its_file(tmp_path: Path) -> None:
    path = tmp_path / "expected.json"
    path.write_text(json.dumps([{"file": "missing.pdf", "page": 1, "rows": [["a"]]}]), encoding="utf-8")
    with pytest.raises(ValueError, match="missing.pdf"):
        load_expected(path)
