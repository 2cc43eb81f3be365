"""Table layouts measured on small real PDFs written for each case (tests/minipdf.py): a unit on
a line of its own beside a table, header cells wrapped over lines in a table without rules, and
a table continued over a page break, with its header repeated or not."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from pipeline.extract.document import extract_document
from pipeline.extract.tables import find_tables, linearize_table
from pipeline.records import Table
from tests.minipdf import PdfPage, write_pdf

COLUMNS = (60.0, 300.0, 420.0)
PITCH = 18.0


def _rows(page: PdfPage, top: float, rows: list[tuple[str, ...]], bold_header: bool = True) -> float:
    """Write ``rows`` as an aligned-text table; returns the top of the next line below it."""
    for i, row in enumerate(rows):
        for x, text in zip(COLUMNS, row):
            page.text(x, top + PITCH * i, text, 10, bold=bold_header and i == 0)
    return top + PITCH * len(rows)


HEADER = ("Nämnd", "Budget 2024", "Budget 2025")
BUDGET = [("Hälso- och sjukvård", "12 400", "12 950"), ("Kultur", "310", "322"), ("Kollektivtrafik", "1 880", "1 940")]


def _tables(path: Path) -> list[Table]:
    with pdfplumber.open(path) as pdf:
        return [t for page in pdf.pages for t in find_tables(page, page.page_number)]


def test_unit_line_above_a_table_is_its_unit(tmp_path: Path) -> None:
    page = PdfPage()
    page.text(60, 60, "Driftbudget per nämnd", 12, bold=True)
    page.text(60, 100, "Belopp i mnkr", 9)
    _rows(page, 116, [HEADER, *BUDGET])
    [table] = _tables(write_pdf(tmp_path / "unit.pdf", [page]))
    assert table.unit == "mnkr"
    assert "Budget 2024: 12 400 mnkr" in linearize_table(table)[0]


def test_unit_line_between_two_tables_belongs_to_the_nearer_one(tmp_path: Path) -> None:
    page = PdfPage()
    below_first = _rows(page, 80, [HEADER, *BUDGET])
    page.text(60, below_first + 24, "Tkr", 9)
    costs = [("Enhet", "Utfall 2023", "Utfall 2024"), ("Ambulans", "41 200", "43 900"), ("Tolkservice", "8 100", "8 350")]
    _rows(page, below_first + 40, costs)
    page.text(60, 400, "Mnkr", 9)
    _rows(page, 420, [HEADER, *BUDGET])
    first, second, third = _tables(write_pdf(tmp_path / "units.pdf", [page]))
    assert (first.unit, second.unit, third.unit) == (None, "tkr", "mnkr")


def test_unit_line_below_a_table_is_its_unit(tmp_path: Path) -> None:
    page = PdfPage()
    below = _rows(page, 80, [HEADER, *BUDGET])
    page.text(60, below + 2, "Alla belopp anges i tkr.", 9)
    page.text(60, below + 60, "Löptext om budgeten följer här och hör inte till tabellen ovan.")
    [table] = _tables(write_pdf(tmp_path / "below.pdf", [page]))
    assert table.unit == "tkr"


def test_header_cells_wrapped_over_lines_are_one_header_row(tmp_path: Path) -> None:
    page = PdfPage()
    page.text(60, 60, "Nettokostnad per verksamhet", 12, bold=True)
    header = [(60, ["Verksamhet"]), (250, ["Budget", "2024"]), (340, ["Utfall", "2023"]), (430, ["Förändring", "mot", "föregående år"])]
    for x, lines in header:  # bottom-aligned, as header rows are set
        for k, text in enumerate(lines):
            page.text(x, 100 + 12 * (k + 3 - len(lines)), text, 10)
    body = [("Primärvård", "4 100", "3 950", "150"), ("Specialistvård", "9 800", "9 420", "380"), ("Tandvård", "700", "690", "10")]
    for i, row in enumerate(body):
        for x, text in zip((60, 250, 340, 430), row):
            page.text(x, 150 + PITCH * i, text, 10)
    [table] = _tables(write_pdf(tmp_path / "wrapped.pdf", [page]))
    assert table.n_header_rows == 1 and len(table.rows) == 4
    assert table.rows[0] == ("Verksamhet", "Budget\n2024", "Utfall\n2023", "Förändring\nmot\nföregående år")
    assert linearize_table(table)[0].endswith("Budget 2024: 4 100; Utfall 2023: 3 950; Förändring mot föregående år: 150")


def test_a_two_line_title_above_the_header_is_not_joined_to_it(tmp_path: Path) -> None:
    page = PdfPage()
    page.text(60, 60, "Tabell 4. Driftbudget", 10)
    page.text(60, 72, "per nämnd", 10)
    _rows(page, 84, [HEADER, *BUDGET], bold_header=False)
    [table] = _tables(write_pdf(tmp_path / "title.pdf", [page]))
    assert table.rows[0] == HEADER


def _continued_pdf(tmp_path: Path, repeat_header: bool, between: str | None = None) -> Path:
    first, second = PdfPage(), PdfPage()
    first.text(60, 60, "Driftbudget per verksamhet", 14, bold=True)
    first.text(60, 100, "Regionens budget fördelas på verksamheterna enligt tabellen nedan.")
    _rows(first, 500, [HEADER, *[(f"Verksamhet {n}", f"{100 + n} 000", f"{110 + n} 500") for n in range(1, 15)]])
    top = 60.0
    if between:
        second.text(60, top, between)
        top += 40
    rest = [(f"Område {n}", f"{200 + n} 000", f"{210 + n} 500") for n in range(1, 6)]
    below = _rows(second, top, [HEADER, *rest] if repeat_header else rest)
    second.text(60, below + 30, "Efter tabellen följer löptext om uppföljningen av budgeten under året.")
    return write_pdf(tmp_path / "continued.pdf", [first, second])


def test_table_continued_with_repeated_header_is_one_table(tmp_path: Path) -> None:
    [table] = extract_document(_continued_pdf(tmp_path, repeat_header=True)).tables
    assert table.page == 1 and table.n_header_rows == 1 and table.caption == "Driftbudget per verksamhet"
    assert len(table.rows) == 1 + 14 + 5 and table.rows.count(HEADER) == 1
    assert linearize_table(table)[-1] == "Driftbudget per verksamhet — Område 5 — Budget 2024: 205 000; Budget 2025: 215 500"


def test_table_continued_without_header_is_one_table(tmp_path: Path) -> None:
    [table] = extract_document(_continued_pdf(tmp_path, repeat_header=False)).tables
    assert len(table.rows) == 1 + 14 + 5 and table.rows[-1] == ("Område 5", "205 000", "215 500")


def test_text_between_the_parts_keeps_two_tables(tmp_path: Path) -> None:
    path = _continued_pdf(tmp_path, repeat_header=True, between="Investeringsbudgeten redovisas separat i nästa tabell.")
    assert [len(t.rows) for t in extract_document(path).tables] == [15, 6]


def test_a_next_table_with_its_own_header_is_not_joined(tmp_path: Path) -> None:
    first, second = PdfPage(), PdfPage()
    _rows(first, 560, [HEADER, *BUDGET * 4])
    investments = [("Investering", "Beslutad", "Status"), ("Sjukhus", "2022", "pågår"), ("Depå", "2023", "klar"), ("Skola", "2024", "nej")]
    _rows(second, 60, investments)
    path = write_pdf(tmp_path / "two.pdf", [first, second])
    assert [len(t.rows) for t in extract_document(path).tables] == [13, 4]
