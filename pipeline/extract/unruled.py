"""Tables without ruling lines, found by text alignment (the stream method of Tabula/camelot).

Within a text line, words of one cell are a word space apart (0.25–0.45 em on the
ICDAR 2013 and camelot sets) while neighbouring cells are at least ~1.4 em apart, so a
line is cut into *segments* at gaps wider than ``COLUMN_GAP_EM``. A run of consecutive
lines with two or more segments whose gaps line up is a table candidate; its columns are
the x ranges between *gutters*, the vertical white strips that almost no segment crosses.
Every segment of a line then goes to the column where it starts, so a header spanning
columns keeps its text in its first (top-left) cell, the ICDAR convention.

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

Word = dict[str, Any]
BBox = tuple[float, float, float, float]

COLUMN_GAP_EM = 1.0
"""A gap wider than this many font sizes separates cells; word spaces stay below 0.5 em."""
LINE_MERGE_EM = 0.3
"""Words whose bottoms differ by at most this many font sizes share a text line."""
MAX_LINE_GAP_EM = 2.6
"""Lines further apart than this (top to top, in font sizes) are not rows of one table: rows
are 1.1–1.8 em apart and one blank line (two pitches, ~2.4 em) may set a header off the body."""
MIN_ROWS = 3
"""Fewer multi-cell lines than this are a label/value pair, not a table."""
MAX_SINGLE_RUN = 2
"""At most this many one-cell lines in a row (section labels, wrapped labels) inside a table."""
SPAN_SHARE = 0.25
"""A gutter may be crossed by at most this share of the table's lines (spanning headers)."""
MAX_MEDIAN_CELL_CHARS = 30
"""Prose in page columns has lines of 40+ characters; data cells are shorter."""
DIGIT_SHARE = 0.6
"""A value column has a number at the start or end of at least this share of its non-empty
cells ("40", "$9,594 or less", "Greater than $25,771"); a line of law text that cites
"2 kap. 17 §" mid-sentence does not count."""
FILLED_SHARE = 0.5
"""The value column has text in at least this share of the rows and in ``MIN_ROWS`` of them
(a running header or page number beside two columns of prose fills one or two; wrapped
labels leave at most every other value cell empty)."""
SUPERSCRIPT_SIZE = 0.85
"""Words at most this factor of a neighbouring line's font size, lying within its height, are
footnote marks or exponents set on that line ("period¹"), not a line of their own."""
PAGE_GUTTER_FROM = 0.25
"""A page-column gutter lies between this share of the text width from the left and from the
right edge (columns are not slivers)."""
GLUE_GAP_EM = 0.12
"""Words closer than this share of the font size are one word (a footnote mark on its word)."""
ROW_PITCH_GAP = 1.8
"""A line continues a run when it lies at most this many of the run's own row pitches below the
last one, even past ``MAX_LINE_GAP_EM``: loosely set tables (rows 2.4 em apart) set off their
sections by one and a half pitches."""
GUTTER_SPLIT_EM = 0.5
"""Inside a run's gutter, a gap wider than this many font sizes splits a segment: twice a word
space, so a long cell that comes close to the next column ("7777 EAST APACHE DRIVE  TULSA")
is cut where the other lines show a column border, while words of one cell stay together."""
_DIGIT = re.compile(r"\d")
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


def find_unruled(words: Sequence[Word]) -> list[UnruledTable]:
    """Aligned-text tables among ``words`` (pdfplumber words with ``size``), top to bottom.

    Tables are first sought across the whole width; in the words left over, then within each
    page column when the page has two (a table in one column has its lines interleaved with
    the other column's prose, which would cut its run).
    """
    tables = _tables_in(words)
    rest = [w for w in words if not any(_inside(w, t.bbox) for t in tables)]
    for column in _page_columns(rest):
        tables.extend(_tables_in(column))
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def _tables_in(words: Sequence[Word]) -> list[UnruledTable]:
    tables = []
    for run in _runs(_lines(words)):
        table = _read(run)
        if table is not None:
            tables.append(table)
    return tables


def _inside(word: Word, bbox: BBox) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _page_columns(words: Sequence[Word]) -> list[list[Word]]:
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
    lo_mid, hi_mid = x0 + PAGE_GUTTER_FROM * (x1 - x0), x1 - PAGE_GUTTER_FROM * (x1 - x0)
    strips = [(a[1], b[0]) for a, b in pairwise(covered) if lo_mid <= (a[1] + b[0]) / 2 <= hi_mid]
    size = median(w["size"] for w in words)
    wide = [strip for strip in strips if strip[1] - strip[0] > COLUMN_GAP_EM * size]
    if not wide:
        return []
    gutter = max(wide, key=lambda strip: strip[1] - strip[0])
    return [[w for w in words if w["x1"] <= gutter[0]], [w for w in words if w["x0"] >= gutter[1]]]


def _lines(words: Sequence[Word]) -> list[Line]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        row = rows[-1] if rows else None
        if row and abs(word["bottom"] - row[-1]["bottom"]) <= LINE_MERGE_EM * min(word["size"], row[-1]["size"]):
            row.append(word)
        else:
            rows.append([word])
    return [_line(sorted(row, key=lambda w: w["x0"])) for row in _attach_superscripts(rows)]


def _attach_superscripts(rows: list[list[Word]]) -> list[list[Word]]:
    """Rows of small words only, lying within the height of the next or previous row, joined to it."""
    kept: list[list[Word]] = []
    for i, row in enumerate(rows):
        size = max(w["size"] for w in row)
        hosts = [r for r in (rows[i + 1] if i + 1 < len(rows) else None, kept[-1] if kept else None) if r]
        host = next((r for r in hosts if _carries(r, row, size)), None)
        if host is None:
            kept.append(row)
        else:
            host.extend(row)
    return kept


def _carries(host: list[Word], marks: list[Word], size: float) -> bool:
    top = min(w["top"] for w in host)
    bottom = max(w["bottom"] for w in host)
    small = size <= SUPERSCRIPT_SIZE * median(w["size"] for w in host)
    return small and all(top - LINE_MERGE_EM * size <= w["top"] and w["bottom"] <= bottom for w in marks)


def _line(row: list[Word]) -> Line:
    segments = [[row[0]]]
    for word in row[1:]:
        prev = segments[-1][-1]
        if word["x0"] - prev["x1"] > COLUMN_GAP_EM * min(word["size"], prev["size"]):
            segments.append([word])
        else:
            segments[-1].append(word)
    return Line(
        top=min(w["top"] for w in row),
        bottom=max(w["bottom"] for w in row),
        size=median(w["size"] for w in row),
        segments=tuple(tuple(s) for s in segments),
    )


def _runs(lines: Sequence[Line]) -> list[list[Line]]:
    """Maximal runs of close lines, mostly multi-segment, trimmed to start and end on one."""
    runs: list[list[Line]] = []
    current: list[Line] = []
    singles = 0
    for line in lines:
        close = bool(current) and line.top - current[-1].top <= _max_gap(current, line)
        multi = len(line.segments) > 1
        if current and close and (multi or singles < MAX_SINGLE_RUN):
            current.append(line)
            singles = 0 if multi else singles + 1
            continue
        runs.append(current)
        current, singles = ([line], 0) if multi else ([], 0)
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and len(run[-1].segments) == 1:
            run = run[:-1]
        if sum(len(line.segments) > 1 for line in run) >= MIN_ROWS:
            trimmed.append(run)
    return trimmed


def _max_gap(run: Sequence[Line], line: Line) -> float:
    """How far below the run's last line (top to top) ``line`` may lie and still continue it."""
    gap = MAX_LINE_GAP_EM * max(line.size, run[-1].size)
    pitches = [b.top - a.top for a, b in pairwise(run)]
    return max(gap, ROW_PITCH_GAP * median(pitches)) if len(pitches) >= MIN_ROWS - 1 else gap


def _gutters(run: Sequence[Line]) -> list[tuple[float, float]]:
    """White strips between segments that at most ``SPAN_SHARE`` of the lines cross."""
    spans = [(s[0]["x0"], s[-1]["x1"]) for line in run if len(line.segments) > 1 for s in line.segments]
    allowed = int(SPAN_SHARE * len(run))
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


def _read(run: Sequence[Line]) -> UnruledTable | None:
    gutters = _gutters(run)
    if not gutters:
        return None
    bounds = [(a + b) / 2 for a, b in gutters]
    rows = []
    for line in run:
        cells = [""] * (len(bounds) + 1)
        for segment in _split_at_gutters(line, gutters):
            column = sum(1 for x in bounds if segment[0]["x0"] >= x)
            text = _segment_text(segment)
            cells[column] = f"{cells[column]} {text}".strip()
        rows.append(tuple(cells))
    # a caption or note line next to the table fills one cell only: the table starts and ends
    # with rows of two or more cells
    filled = [i for i, row in enumerate(rows) if sum(1 for c in row if c) > 1]
    if len(filled) < MIN_ROWS:
        return None
    run = run[filled[0] : filled[-1] + 1]
    rows = rows[filled[0] : filled[-1] + 1]
    if not _looks_like_data(rows):
        return None
    x0 = min(s[0]["x0"] for line in run for s in line.segments)
    x1 = max(s[-1]["x1"] for line in run for s in line.segments)
    row_words = tuple(tuple(w for s in line.segments for w in s) for line in run)
    return UnruledTable(tuple(rows), row_words, (x0, run[0].top, x1, run[-1].bottom))


def _segment_text(segment: Sequence[Word]) -> str:
    text = segment[0]["text"]
    for prev, word in pairwise(segment):
        glued = word["x0"] - prev["x1"] <= GLUE_GAP_EM * min(prev["size"], word["size"])
        text += ("" if glued else " ") + word["text"]
    return text


def _split_at_gutters(line: Line, gutters: Sequence[tuple[float, float]]) -> list[tuple[Word, ...]]:
    """The line's segments, each cut where a gap wider than ``GUTTER_SPLIT_EM`` overlaps a gutter."""
    pieces: list[tuple[Word, ...]] = []
    for segment in line.segments:
        current = [segment[0]]
        for prev, word in pairwise(segment):
            gap_lo, gap_hi = prev["x1"], word["x0"]
            wide = gap_hi - gap_lo > GUTTER_SPLIT_EM * min(prev["size"], word["size"])
            if wide and any(lo < gap_hi and gap_lo < hi for lo, hi in gutters):
                pieces.append(tuple(current))
                current = []
            current.append(word)
        pieces.append(tuple(current))
    return pieces


def _looks_like_data(rows: Sequence[tuple[str, ...]]) -> bool:
    texts = [cell for row in rows for cell in row if cell]
    if not texts or median(map(len, texts)) > MAX_MEDIAN_CELL_CHARS or _is_contents(rows):
        return False
    for j in range(1, len(rows[0])):
        column = [row[j] for row in rows if row[j]]
        filled = len(column) >= max(MIN_ROWS, FILLED_SHARE * len(rows))
        if filled and sum(1 for c in column if _is_value(c)) >= DIGIT_SHARE * len(column):
            return True
    return False


def _is_contents(rows: Sequence[tuple[str, ...]]) -> bool:
    """A table of contents: titles, then page numbers that never decrease down the last column."""
    pages = [row[-1] for row in rows if row[-1]]
    if len(pages) < MIN_ROWS or not all(_PAGE_NUMBER.match(p) for p in pages):
        return False
    numbers = [int(p) for p in pages]
    return numbers == sorted(numbers)


def _is_value(cell: str) -> bool:
    words = cell.split()
    return bool(_DIGIT.search(words[0]) or _DIGIT.search(words[-1]))
