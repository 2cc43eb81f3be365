"""Ruled-table extraction with pdfplumber, and the linear form used to index table rows.

Thresholds are named in :class:`pipeline.extract.options.TablesOptions`; every stage takes
``o`` so a caller (``bench.table_leaveout``) can try other values without editing code.

The corpus tables are ruled (drawn lines or thin rectangles), so tables are found with
pdfplumber's ``lines`` strategy. pdfplumber also reports layout boxes, figure grids and
framed cover pages as "tables"; ``_looks_like_data`` rejects those, because a false table
costs more than a missed one: its words are removed from the body text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise
from statistics import median
from typing import Any

import pdfplumber
from pdfplumber import utils
from pdfplumber.table import Table as PlumberTable

from pipeline.extract.options import TABLES, TablesOptions
from pipeline.extract.rotated import find_rotated
from pipeline.extract.unruled import find_unruled
from pipeline.records import BBox, Table

Cell = str | None
Row = tuple[Cell, ...]
Chars = list[dict[str, Any]]

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
NUMBER = re.compile(r"^[-−–+]?\s*\(?\d[\d\s.,]*\)?\s*%?$")
"""A cell that is a number: sign, parentheses for negatives, spaces or dots between thousands, a percent."""
_YEAR = re.compile(r"^(19|20)\d\d$")
_UNIT = re.compile(r"\b(?:tkr|mnkr|mkr|mdkr|kkr|msek|tsek|procent(?:uell\w*)?)\b|%", re.IGNORECASE)
"""Units a Swedish table states once for all its numbers: money scales and percent."""
_UNIT_ONLY = re.compile(
    r"^\(?(?:(?:alla\s+)?belopp(?:en)?\s+(?:anges\s+|redovisas\s+)?i\s+)?(?:tkr|mnkr|mkr|mdkr|kkr|msek|tsek|%)\)?[.:]?$",
    re.IGNORECASE,
)
"""A header cell or a line that holds nothing but a unit ("Mnkr", "(Tkr)", "Belopp i mnkr",
"Alla belopp anges i tkr")."""


def find_tables(
    page: pdfplumber.page.Page,
    page_number: int,
    words: Sequence[dict[str, Any]] | None = None,
    o: TablesOptions = TABLES,
) -> list[Table]:
    """Data tables on ``page``, top to bottom, with captions and header-row counts.

    ``words`` are the page's pdfplumber words with ``size`` and ``fontname`` when the
    caller has them already (extraction reads them anyway); unruled tables are found
    among the words outside the ruled ones.
    """
    grids = []
    for found in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        grid = _read_grid(page, found, o)
        if grid is not None:
            grids.append(grid)
    if words is None:
        words = page.extract_words(x_tolerance=o.word_gap, extra_attrs=["fontname", "size"])
    free = [w for w in words if w.get("upright", True) and not any(_centre_inside(w, g[2]) for g in grids)]
    turned = find_rotated(page.chars, float(page.width), float(page.height))
    for unruled in [*find_unruled(free, o), *turned]:
        bold_rows = [_is_bold(list(row), o) for row in unruled.row_words]
        grids.append((unruled.rows, bold_rows, unruled.bbox))
    return _with_captions(page, page_number, grids, o)


def _with_captions(
    page: pdfplumber.page.Page, page_number: int, grids: list[tuple[tuple[Row, ...], list[bool], BBox]], o: TablesOptions
) -> list[Table]:
    """Tables from the grids, top to bottom, with their titles (else section headings) and units."""
    if not grids:
        return []
    grids.sort(key=lambda g: (g[2][1], g[2][0]))
    bboxes = [bbox for _, _, bbox in grids]
    lines = _text_lines(page, bboxes, o)
    own_captions = [_own_caption(lines, bbox, o) for bbox in bboxes]
    taken = [line for caption in own_captions for line in caption]
    tables = []
    for (rows, bold_rows, bbox), own in zip(grids, own_captions):
        caption_lines = own or _section_heading(lines, bbox, taken, o)
        tables.append(
            Table(
                page=page_number,
                caption=" ".join(line["text"] for line in caption_lines),
                rows=rows,
                n_header_rows=_count_header_rows(rows, bold_rows),
                bbox=bbox,
                unit=_unit_line(lines, bbox, bboxes, o),
            )
        )
    return tables


def _unit_line(lines: Sequence[dict[str, Any]], bbox: BBox, others: Sequence[BBox], o: TablesOptions) -> str | None:
    """The unit a line of its own states right above or below the table ("Mnkr", "Belopp i tkr").

    A line below counts only when it does not stand right above another table (whose unit it is).
    """
    near = o.unit_line_max_gap
    for line in _lines_above(lines, bbox, o):
        if bbox[1] - line["bottom"] > near:
            break
        if _UNIT_ONLY.match(line["text"]):
            return _unit_in(line["text"])
    below = [line for line in lines if line["top"] >= bbox[3] - o.inside_tolerance and line["x1"] > bbox[0] and line["x0"] < bbox[2]]
    for line in sorted(below, key=lambda line: line["top"]):
        if line["top"] - bbox[3] > near:
            break
        heads_other = any(0 <= b[1] - line["bottom"] <= near and b != bbox for b in others)
        if _UNIT_ONLY.match(line["text"]) and not heads_other:
            return _unit_in(line["text"])
    return None


def inside_any(bbox: BBox, tables: Iterable[Table], o: TablesOptions = TABLES) -> bool:
    """True when the centre of ``bbox`` (a word or char) lies inside a table's bbox."""
    x = (bbox[0] + bbox[2]) / 2
    y = (bbox[1] + bbox[3]) / 2
    tol = o.inside_tolerance
    return any(
        t.bbox[0] - tol <= x <= t.bbox[2] + tol and t.bbox[1] - tol <= y <= t.bbox[3] + tol
        for t in tables
    )


def linearize_table(table: Table) -> list[str]:
    """One searchable string per data row: caption — row label — header: value; …

    Column headers combine the header rows ("2024 (Budget)" under a merged "Budget"),
    a row whose label cell is covered by a spanning cell inherits the label above, and
    line breaks inside cells become spaces. Numbers get the unit their column header, row
    label, the table's corner cell or its caption states ("Resultatbudget, mnkr" →
    "2 639 mnkr"), so a value read alone still says what it counts.
    """
    headers = _column_headers(table)
    column_units, table_unit = _units(table, headers)
    strings = []
    label = ""
    for row in table.rows[table.n_header_rows :]:
        if row and row[0] is not None:
            label = _flat(row[0])
        row_unit = _unit_in(label) or table_unit
        units = [unit or row_unit for unit in column_units]
        values = [
            f"{headers[j]}: {_with_unit(cell, units[j])}" if headers[j] else _with_unit(cell, units[j])
            for j, cell in enumerate(row[1:], start=1)
            if cell
        ]
        parts = [p for p in (_flat(table.caption), label, "; ".join(values)) if p]
        strings.append(" — ".join(parts))
    return strings


def normalize_cell(text: str | None) -> str | None:
    """Collapse whitespace within each line, drop empty lines, keep ``\\n`` between lines."""
    if text is None:
        return None
    lines = (" ".join(line.split()) for line in text.translate(_LIGATURES).split("\n"))
    return "\n".join(line for line in lines if line)


def _unit_in(text: str) -> str | None:
    """The unit a caption or header states ("mnkr" in "Resultatbudget, mnkr", "%" in "Andel (%)")."""
    match = _UNIT.search(text)
    if match is None:
        return None
    word = match.group(0).lower()
    return "%" if word.startswith("procent") else word


def _units(table: Table, headers: Sequence[str]) -> tuple[list[str | None], str | None]:
    """The unit each column header states, and the table's: a unit-only header cell's, else that of
    a unit line beside the table, else the caption's.

    A value takes its column's unit, else its row label's ("Förändring (mnkr)"), else the table's.
    """
    corner = next(
        (
            _unit_in(cell)
            for row in table.rows[: table.n_header_rows]
            for cell in row
            if cell and _UNIT_ONLY.match(_flat(cell))
        ),
        None,
    )
    return [_unit_in(header) for header in headers], corner or table.unit or _unit_in(table.caption)


def _with_unit(cell: str, unit: str | None) -> str:
    text = _flat(cell)
    if unit is None or not _is_numeric_value(text) or text.endswith("%"):
        return text
    return f"{text} {unit}"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _read_grid(
    page: pdfplumber.page.Page, found: PlumberTable, o: TablesOptions
) -> tuple[tuple[Row, ...], list[bool], BBox] | None:
    """Cell texts and per-row boldness of a pdfplumber table; None when it is no data table."""
    rows: list[Row] = []
    bold_rows: list[bool] = []
    n_cells = n_gutter_cells = 0
    col_x0 = sorted({cell[0] for cell in found.cells})
    # each row's characters lie within the table; turned text is read in its own frame (rotated.py)
    table_chars = [c for c in page.chars if c.get("upright", True) and _centre_inside(c, found.bbox)]
    labels = _left_labels(page, found, table_chars, o)
    for i, row in enumerate(found.rows):
        row_chars = [c for c in table_chars if _centre_inside(c, row.bbox)]
        cells: list[Chars | None] = [labels[i]] if labels else []
        for j, cell in enumerate(row.cells, start=len(cells)):
            if j < len(cells):
                continue  # a column already filled by splitting a spanning cell
            if cell is None:
                cells.append(None)
            else:
                cell_chars = [c for c in row_chars if _centre_inside(c, cell)]
                cells.extend(_split_spanning(cell, cell_chars, col_x0, o))
        filled = [chars for chars in cells if chars and _visible(chars)]
        n_cells += len(filled)
        n_gutter_cells += sum(1 for chars in filled if _has_gutter(chars, o))
        for sub_row in _split_stacked(cells, o):
            rows.append(tuple(None if chars is None else _text(chars, o) for chars in sub_row))
            bold_rows.append(_is_bold([c for chars in sub_row if chars for c in chars], o))
    rows, bold_rows = _drop_empty(rows, bold_rows)
    if n_gutter_cells > o.max_gutter_cell_share * n_cells or not _looks_like_data(rows, o):
        return None
    x0, top, x1, bottom = found.bbox
    if labels:
        x0 = min(c["x0"] for chars in labels for c in chars)
    return tuple(rows), bold_rows, (float(x0), float(top), float(x1), float(bottom))


def _left_labels(page: pdfplumber.page.Page, found: PlumberTable, table_chars: Chars, o: TablesOptions) -> list[Chars] | None:
    """Per grid row, the characters of a row-label column printed left of the grid without rules.

    Only when most text rows of the grid have, on the same baseline just left of the grid,
    one run of text without a column gap, i.e. a label column rather than page prose.
    """
    x0, top, _, bottom = found.bbox
    left = [
        c
        for c in page.chars
        if c.get("upright", True) and c["x1"] <= x0 + o.inside_tolerance and top <= (c["top"] + c["bottom"]) / 2 < bottom
    ]
    if not left:
        return None
    labels: list[Chars] = []
    text_rows = labelled = 0
    for row in found.rows:
        inside = _visible([c for c in table_chars if _centre_inside(c, row.bbox)])
        label = _visible([c for c in left if row.bbox[1] <= (c["top"] + c["bottom"]) / 2 < row.bbox[3]])
        lines = _text_lines_of(label, o)
        aligned = bool(inside) and any(abs(c["top"] - inside[0]["top"]) <= o.line_tolerance for c in label)
        text_rows += bool(inside)
        labelled += aligned and len(lines) == 1 and not _has_gutter(label, o)
        labels.append(label)
    return labels if text_rows and labelled >= o.label_row_share * text_rows else None


def _has_gutter(chars: Chars, o: TablesOptions) -> bool:
    """True when a line of the cell has a gap wide enough to separate two table columns."""
    for _, line in _text_lines_of(chars, o):
        line.sort(key=lambda c: c["x0"])
        for prev, char in pairwise(line):
            if char["x0"] - prev["x1"] > o.column_gap_em * min(prev["size"], char["size"]):
                return True
    return False


def _text(chars: Chars, o: TablesOptions) -> str:
    return normalize_cell(utils.extract_text(chars, x_tolerance_ratio=o.word_gap_em)) or "" if chars else ""


def _split_spanning(cell: Sequence[float], chars: Chars, col_x0: Sequence[float], o: TablesOptions) -> list[Chars]:
    """A cell's characters; per column when the cell is a spanning cell that should not be.

    Tables ruled only between rows (or with vertical rules only in the header) come out of
    pdfplumber as one cell spanning all columns per row. When such a cell's words fall
    into two or more of the columns it spans and no word straddles a column border, its
    characters are split per column (empty columns become ``""``). A real merged cell
    ("Budget" centred over three year columns) has its text in one column or across a
    border, and stays merged (``None`` in the covered columns).
    """
    edges = [x for x in col_x0 if cell[0] - o.inside_tolerance < x < cell[2] - o.inside_tolerance]
    if len(edges) > 1 and chars:
        borders = edges[1:]
        words = utils.extract_words(chars)
        straddles = any(
            w["x0"] < x - o.inside_tolerance and w["x1"] > x + o.inside_tolerance for w in words for x in borders
        )
        spans = list(zip(edges, [*borders, cell[2]]))
        columns = [[c for c in chars if lo <= (c["x0"] + c["x1"]) / 2 < hi] for lo, hi in spans]
        if not straddles and sum(1 for col in columns if _visible(col)) > 1:
            return columns
    return [chars]


def _split_stacked(cells: list[Chars | None], o: TablesOptions) -> list[list[Chars | None]]:
    """Split a row that holds several records, one per text line, for lack of row rules.

    Only when the label cell has at least ``min_stacked_lines`` lines and every other cell
    holds one number per label line: multi-line labels and paragraphs stay one row.
    """
    label = cells[0] if cells else None
    label_lines = _text_lines_of(label or [], o)
    others = [chars for chars in cells[1:] if chars is not None and _visible(chars)]
    if len(label_lines) < o.min_stacked_lines or not others:
        return [cells]
    tops = [top for top, _ in label_lines]
    for chars in others:
        for top, line in _text_lines_of(chars, o):
            aligned = any(abs(top - t) <= o.line_tolerance for t in tops)
            text = _text(line, o)
            if not (aligned and (_is_numeric_value(text) or _YEAR.match(text))):
                return [cells]
    return [
        [
            None if chars is None else [c for c in chars if abs(c["top"] - top) <= o.line_tolerance]
            for chars in cells
        ]
        for top in tops
    ]


def _text_lines_of(chars: Chars, o: TablesOptions) -> list[tuple[float, Chars]]:
    """Visible characters grouped into lines by their top, top to bottom."""
    lines: list[tuple[float, Chars]] = []
    for char in sorted(_visible(chars), key=lambda c: c["top"]):
        if lines and char["top"] - lines[-1][0] <= o.line_tolerance:
            lines[-1][1].append(char)
        else:
            lines.append((char["top"], [char]))
    return lines


def _visible(chars: Chars) -> Chars:
    return [c for c in chars if c["text"].strip()]


def _centre_inside(obj: dict[str, Any], bbox: Sequence[float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _is_bold(chars: Chars, o: TablesOptions) -> bool:
    visible = _visible(chars)
    if not visible:
        return False
    bold = sum(1 for c in visible if _BOLD_FONT.search(c.get("fontname", "")))
    return bold >= o.bold_share * len(visible)


def _drop_empty(rows: list[Row], bold_rows: list[bool]) -> tuple[list[Row], list[bool]]:
    """Drop rows and columns without any text (spacer rows, double rules, split borders)."""
    keep_rows = [i for i, row in enumerate(rows) if any(row)]
    rows = [rows[i] for i in keep_rows]
    bold_rows = [bold_rows[i] for i in keep_rows]
    n_cols = max((len(r) for r in rows), default=0)
    keep_cols = [j for j in range(n_cols) if any(j < len(r) and r[j] for r in rows)]
    return [tuple(row[j] for j in keep_cols) for row in rows], bold_rows


def _looks_like_data(rows: Sequence[Row], o: TablesOptions) -> bool:
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    texts = [cell for row in rows for cell in row if cell]
    real = sum(1 for row in rows for cell in row if cell is not None)
    return len(texts) >= o.min_text_cell_share * real and median(map(len, texts)) <= o.grid_max_median_cell_chars


def _is_numeric_value(cell: Cell) -> bool:
    if not cell:
        return False
    text = _flat(cell)
    return bool(NUMBER.match(text)) and not _YEAR.match(text)


def _count_header_rows(rows: Sequence[Row], bold_rows: Sequence[bool]) -> int:
    """Leading bold rows; without bold, the rows before the first row of numeric data.

    Year labels ("2023") are numbers but head columns, so they do not count as data.
    Tables without numeric data fall back to one header row, the common convention.
    """
    n_bold = next((i for i, bold in enumerate(bold_rows) if not bold), len(bold_rows))
    if 0 < n_bold < len(rows):
        return n_bold
    first_data = next(
        (i for i, row in enumerate(rows) if any(_is_numeric_value(c) for c in row[1:])), None
    )
    if not first_data:
        return 1
    return min(first_data, len(rows) - 1)


def _column_headers(table: Table) -> list[str]:
    """One label per column from the header rows, merged cells resolved.

    A ``None`` header cell continues the cell to its left when that one is a real cell
    or itself continued to the left (a merged group header); otherwise it continues
    the cell above (a header spanning rows).
    """
    n_cols = table.n_cols
    parts: list[list[str]] = [[] for _ in range(n_cols)]
    above: list[str] = [""] * n_cols
    for row in table.rows[: table.n_header_rows]:
        resolved: list[str] = []
        horizontal = False
        for j in range(n_cols):
            cell = row[j] if j < len(row) else ""
            if cell is not None:
                text, horizontal = _flat(cell), True
            elif horizontal and j > 0:
                text = resolved[j - 1]
            else:
                text, horizontal = above[j], False
            resolved.append(text)
            if text and text not in parts[j]:
                parts[j].append(text)
        above = resolved
    return [_combine(p) for p in parts]


def _combine(parts: list[str]) -> str:
    """``["Budget", "2024"]`` → ``"2024 (Budget)"``: the lowest header part leads."""
    if not parts:
        return ""
    *groups, leaf = parts
    return f"{leaf} ({' / '.join(groups)})" if groups else leaf


def _text_lines(page: pdfplumber.page.Page, table_bboxes: Sequence[BBox], o: TablesOptions) -> list[dict[str, Any]]:
    """Text lines outside the tables, bottom-most first, with size and boldness."""
    lines = []
    for line in page.extract_text_lines(return_chars=True):
        if any(_centre_inside(line, bbox) for bbox in table_bboxes):
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        lines.append(
            {
                "text": normalize_cell(line["text"]) or "",
                "x0": line["x0"],
                "x1": line["x1"],
                "top": line["top"],
                "bottom": line["bottom"],
                "size": median(c["size"] for c in chars) if chars else 0.0,
                "bold": _is_bold(chars, o),
            }
        )
    return sorted(lines, key=lambda line: -line["bottom"])


def _lines_above(lines: Sequence[dict[str, Any]], bbox: BBox, o: TablesOptions) -> list[dict[str, Any]]:
    """Lines above the table that overlap it horizontally, nearest first."""
    return [
        line
        for line in lines
        if line["bottom"] <= bbox[1] + o.inside_tolerance and line["x1"] > bbox[0] and line["x0"] < bbox[2]
    ]


def _bold_block(above: Sequence[dict[str, Any]], start: int, o: TablesOptions) -> list[dict[str, Any]]:
    """The bold line at ``start`` plus the bold lines of the same size right above it (a wrapped title)."""
    block = [above[start]]
    for line in above[start + 1 :]:
        last = block[-1]
        same_size = abs(line["size"] - last["size"]) < o.caption_same_size
        if not (line["bold"] and same_size and last["top"] - line["bottom"] <= o.caption_line_gap_em * last["size"]):
            break
        block.append(line)
    return block[::-1]


def _own_caption(lines: Sequence[dict[str, Any]], bbox: BBox, o: TablesOptions) -> list[dict[str, Any]]:
    """The table's own title: a bold line block directly above it."""
    above = _lines_above(lines, bbox, o)
    if above and above[0]["bold"] and bbox[1] - above[0]["bottom"] <= o.caption_max_gap:
        return _bold_block(above, 0, o)
    return []


def _section_heading(
    lines: Sequence[dict[str, Any]], bbox: BBox, taken: Sequence[dict[str, Any]], o: TablesOptions
) -> list[dict[str, Any]]:
    """The nearest bold heading above, past a few lines of lead text and other tables' titles."""
    above = [line for line in _lines_above(lines, bbox, o) if not any(line is t for t in taken)]
    for i, line in enumerate(above[: o.caption_max_body_lines + 1]):
        if line["bold"]:
            return _bold_block(above, i, o)
    return []
