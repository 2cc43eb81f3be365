"""Tables without ruling lines, found by text alignment (the stream method of Tabula/camelot).

Within a text line, words of one cell are a word space apart (0.25–0.45 em on the
ICDAR 2013 and camelot sets) while neighbouring cells are at least ~1.4 em apart, so a
line is cut into *segments* at gaps wider than ``column_gap_em``. A run of consecutive
lines with two or more segments whose gaps line up is a table candidate; its columns are
the x ranges between *gutters*, the vertical white strips that almost no segment crosses.
Every segment of a line then goes to the column where it starts, so a header spanning
columns keeps its text in its first (top-left) cell, the ICDAR convention.

Thresholds are fields of :class:`pipeline.extract.options.TablesOptions`.

A two-column page layout also has aligned gutters, so a candidate is kept only when it
looks like data: short cells and a value column with digits in most of its cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

from pipeline.extract.options import TABLES, TablesOptions

Word = dict[str, Any]
BBox = tuple[float, float, float, float]

_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"^[-−–+]?\s*[$€£]?\s*\(?\d[\d\s.,]*\)?\s*%?$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class Line:
    """One text line: its segments (cells-to-be) as word lists, left to right."""

    top: float
    bottom: float
    size: float
    segments: tuple[tuple[Word, ...], ...]


@dataclass(frozen=True)
class UnruledTable:
    rows: tuple[tuple[str, ...], ...]
    row_words: tuple[tuple[Word, ...], ...]
    """The words of each row (for font checks such as bold header rows)."""
    bbox: BBox


def find_unruled(words: Sequence[Word], o: TablesOptions = TABLES) -> list[UnruledTable]:
    """Aligned-text tables among ``words`` (pdfplumber words with ``size``), top to bottom.

    Tables are first sought across the whole width; in the words left over, then within each
    page column when the page has two (a table in one column has its lines interleaved with
    the other column's prose, which would cut its run).
    """
    tables = _tables_in(words, o)
    rest = [w for w in words if not any(_inside(w, t.bbox) for t in tables)]
    for column in _page_columns(rest, o):
        tables.extend(_tables_in(column, o))
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def _tables_in(words: Sequence[Word], o: TablesOptions) -> list[UnruledTable]:
    tables = []
    for run in _runs(_lines(words, o), o):
        table = _read(run, o)
        if table is not None:
            tables.append(table)
    return tables


def _inside(word: Word, bbox: BBox) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _page_columns(words: Sequence[Word], o: TablesOptions) -> list[list[Word]]:
    """The words left and right of a page-column gutter, or nothing on a one-column page.

    The gutter is the widest vertical strip that no word crosses, in the middle half of the
    words' horizontal extent and wider than a column gap.
    """
    if not words:
        return []
    x0 = min(w["x0"] for w in words)
    x1 = max(w["x1"] for w in words)
    covered: list[list[float]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if covered and word["x0"] <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], word["x1"])
        else:
            covered.append([word["x0"], word["x1"]])
    lo_mid, hi_mid = x0 + o.page_gutter_from * (x1 - x0), x1 - o.page_gutter_from * (x1 - x0)
    strips = [(a[1], b[0]) for a, b in pairwise(covered) if lo_mid <= (a[1] + b[0]) / 2 <= hi_mid]
    size = median(w["size"] for w in words)
    wide = [strip for strip in strips if strip[1] - strip[0] > o.column_gap_em * size]
    if not wide:
        return []
    gutter = max(wide, key=lambda strip: strip[1] - strip[0])
    return [[w for w in words if w["x1"] <= gutter[0]], [w for w in words if w["x0"] >= gutter[1]]]


def _lines(words: Sequence[Word], o: TablesOptions) -> list[Line]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        row = rows[-1] if rows else None
        if row and abs(word["bottom"] - row[-1]["bottom"]) <= o.line_merge_em * min(word["size"], row[-1]["size"]):
            row.append(word)
        else:
            rows.append([word])
    return [_line(sorted(row, key=lambda w: w["x0"]), o) for row in _attach_superscripts(rows, o)]


def _attach_superscripts(rows: list[list[Word]], o: TablesOptions) -> list[list[Word]]:
    """Rows of small words only, lying within the height of the next or previous row, joined to it."""
    kept: list[list[Word]] = []
    for i, row in enumerate(rows):
        size = max(w["size"] for w in row)
        hosts = [r for r in (rows[i + 1] if i + 1 < len(rows) else None, kept[-1] if kept else None) if r]
        host = next((r for r in hosts if _carries(r, row, size, o)), None)
        if host is None:
            kept.append(row)
        else:
            host.extend(row)
    return kept


def _carries(host: list[Word], marks: list[Word], size: float, o: TablesOptions) -> bool:
    top = min(w["top"] for w in host)
    bottom = max(w["bottom"] for w in host)
    small = size <= o.superscript_size * median(w["size"] for w in host)
    return small and all(top - o.line_merge_em * size <= w["top"] and w["bottom"] <= bottom for w in marks)


def _line(row: list[Word], o: TablesOptions) -> Line:
    segments = [[row[0]]]
    for word in row[1:]:
        prev = segments[-1][-1]
        if word["x0"] - prev["x1"] > o.column_gap_em * min(word["size"], prev["size"]):
            segments.append([word])
        else:
            segments[-1].append(word)
    return Line(
        top=min(w["top"] for w in row),
        bottom=max(w["bottom"] for w in row),
        size=median(w["size"] for w in row),
        segments=tuple(tuple(s) for s in segments),
    )


def _runs(lines: Sequence[Line], o: TablesOptions) -> list[list[Line]]:
    """Maximal runs of close lines, mostly multi-segment, trimmed to start and end on one."""
    runs: list[list[Line]] = []
    current: list[Line] = []
    singles = 0
    for k, line in enumerate(lines):
        close = bool(current) and line.top - current[-1].top <= _max_gap(current, line, o)
        multi = len(line.segments) > 1
        if current and close and (multi or singles < o.max_single_run):
            current.append(line)
            singles = 0 if multi else singles + 1
            continue
        runs.append(current)
        current, singles = ([*_wrapped_above(lines[:k], line, o), line], 0) if multi else ([], 0)
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and len(run[-1].segments) == 1:
            run = run[:-1]
        if sum(len(line.segments) > 1 for line in run) >= o.min_rows:
            trimmed.append(run)
    return trimmed


def _wrapped_above(before: Sequence[Line], line: Line, o: TablesOptions) -> list[Line]:
    """One-cell lines set tight above ``line`` and right of its first cell: the upper lines of
    header cells wrapped upwards ("Förändring" over "mot föregående år"). A title starts at the
    left edge, above the label column, and is not taken."""
    taken: list[Line] = []
    label_end = line.segments[0][-1]["x1"]
    for upper in reversed(before[-(o.max_header_lines - 1) :]):
        below = taken[0] if taken else line
        if len(upper.segments) > 1 or upper.segments[0][0]["x0"] <= label_end or not _tight(upper, below, o):
            break
        taken.insert(0, upper)
    return taken


def _max_gap(run: Sequence[Line], line: Line, o: TablesOptions) -> float:
    """How far below the run's last line (top to top) ``line`` may lie and still continue it."""
    gap = o.max_line_gap_em * max(line.size, run[-1].size)
    pitches = [b.top - a.top for a, b in pairwise(run)]
    return max(gap, o.row_pitch_gap * median(pitches)) if len(pitches) >= o.min_rows - 1 else gap


def _gutters(run: Sequence[Line], o: TablesOptions) -> list[tuple[float, float]]:
    """White strips between segments that at most ``span_share`` of the lines cross."""
    spans = [(s[0]["x0"], s[-1]["x1"]) for line in run if len(line.segments) > 1 for s in line.segments]
    allowed = int(o.span_share * len(run))
    edges = sorted({x for span in spans for x in span})
    gutters: list[tuple[float, float]] = []
    for lo, hi in pairwise(edges):
        mid = (lo + hi) / 2
        crossing = sum(1 for line in run if any(s[0]["x0"] < mid < s[-1]["x1"] for s in line.segments))
        if crossing <= allowed and any(b <= lo for _, b in spans) and any(a >= hi for a, _ in spans):
            if gutters and gutters[-1][1] == lo:
                gutters[-1] = (gutters[-1][0], hi)
            else:
                gutters.append((lo, hi))
    return gutters


def _read(run: Sequence[Line], o: TablesOptions) -> UnruledTable | None:
    gutters = _gutters(run, o)
    if not gutters:
        return None
    bounds = [(a + b) / 2 for a, b in gutters]
    rows = []
    for line in run:
        cells = [""] * (len(bounds) + 1)
        for segment in _split_at_gutters(line, gutters, o):
            column = sum(1 for x in bounds if segment[0]["x0"] >= x)
            text = _segment_text(segment, o)
            cells[column] = f"{cells[column]} {text}".strip()
        rows.append(tuple(cells))
    # a caption or note line next to the table fills one cell only: the table starts and ends
    # with rows of two or more cells
    filled = [i for i, row in enumerate(rows) if sum(1 for c in row if c) > 1]
    if len(filled) < o.min_rows:
        return None
    start = filled[0]
    # …except a header line wrapped upwards: one cell, right of the label column, set tight on the header
    while start > 0 and not rows[start - 1][0] and _tight(run[start - 1], run[start], o):
        start -= 1
    run = list(run[start : filled[-1] + 1])
    rows = rows[start : filled[-1] + 1]
    if not _looks_like_data(rows, o):
        return None
    x0 = min(s[0]["x0"] for line in run for s in line.segments)
    x1 = max(s[-1]["x1"] for line in run for s in line.segments)
    groups = _header_groups(run, rows, bounds, o)
    joined = tuple(tuple("\n".join(rows[i][j] for i in group if rows[i][j]) for j in range(len(rows[0]))) for group in groups)
    row_words = tuple(tuple(w for i in group for s in run[i].segments for w in s) for group in groups)
    return UnruledTable(joined, row_words, (x0, run[0].top, x1, run[-1].bottom))


def _tight(upper: Line, lower: Line, o: TablesOptions) -> bool:
    """True when ``lower`` follows ``upper`` at a single line pitch (one cell's wrapped text)."""
    return lower.top - upper.top <= o.wrap_pitch_em * max(upper.size, lower.size)


def _header_groups(run: Sequence[Line], rows: Sequence[tuple[str, ...]], bounds: Sequence[float], o: TablesOptions) -> list[list[int]]:
    """Row indexes per output row: the lines of a wrapped header joined, every other line alone.

    The header is the lines above the first line with a number right of the label column (years
    are headings, not data). Its lines are one row when there are two to ``max_header_lines`` of
    them, each set tight on the next and none crossing a column border (a header spanning
    columns stays a row of its own, so the column it groups is not merged into one cell).
    """
    singles = [[i] for i in range(len(rows))]
    first_data = next((i for i, row in enumerate(rows) if any(_is_number(cell) for cell in row[1:])), 0)
    if not 2 <= first_data <= o.max_header_lines:
        return singles
    header = run[:first_data]
    crossing = any(s[0]["x0"] < x < s[-1]["x1"] for line in header for s in line.segments for x in bounds)
    if crossing or not all(_tight(a, b, o) for a, b in pairwise(header)):
        return singles
    return [list(range(first_data)), *singles[first_data:]]


def _segment_text(segment: Sequence[Word], o: TablesOptions) -> str:
    text = segment[0]["text"]
    for prev, word in pairwise(segment):
        glued = word["x0"] - prev["x1"] <= o.glue_gap_em * min(prev["size"], word["size"])
        text += ("" if glued else " ") + word["text"]
    return text


def _split_at_gutters(line: Line, gutters: Sequence[tuple[float, float]], o: TablesOptions) -> list[tuple[Word, ...]]:
    """The line's segments, each cut where a gap wider than ``gutter_split_em`` overlaps a gutter."""
    pieces: list[tuple[Word, ...]] = []
    for segment in line.segments:
        current = [segment[0]]
        for prev, word in pairwise(segment):
            gap_lo, gap_hi = prev["x1"], word["x0"]
            wide = gap_hi - gap_lo > o.gutter_split_em * min(prev["size"], word["size"])
            if wide and any(lo < gap_hi and gap_lo < hi for lo, hi in gutters):
                pieces.append(tuple(current))
                current = []
            current.append(word)
        pieces.append(tuple(current))
    return pieces


def _looks_like_data(rows: Sequence[tuple[str, ...]], o: TablesOptions) -> bool:
    texts = [cell for row in rows for cell in row if cell]
    if not texts or median(map(len, texts)) > o.unruled_max_median_cell_chars or _is_contents(rows, o):
        return False
    for j in range(1, len(rows[0])):
        column = [row[j] for row in rows if row[j]]
        filled = len(column) >= max(o.min_rows, o.filled_share * len(rows))
        if filled and sum(1 for c in column if _is_value(c)) >= o.digit_share * len(column):
            return True
    return False


def _is_contents(rows: Sequence[tuple[str, ...]], o: TablesOptions) -> bool:
    """A table of contents: titles, then page numbers that never decrease down the last column."""
    pages = [row[-1] for row in rows if row[-1]]
    if len(pages) < o.min_rows or not all(_PAGE_NUMBER.match(p) for p in pages):
        return False
    numbers = [int(p) for p in pages]
    return numbers == sorted(numbers)


def _is_number(cell: str) -> bool:
    """A numeric data value ("12 400", "(0.21)", "5 %"); a year is a heading."""
    return bool(_NUMBER.match(cell)) and not _YEAR.match(cell)


def _is_value(cell: str) -> bool:
    words = cell.split()
    return bool(_DIGIT.search(words[0]) or _DIGIT.search(words[-1]))
