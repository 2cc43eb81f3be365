"""Remove running headers and footers and read the printed page label.

Boilerplate is found by repetition, not by a list of strings: a row in the top or bottom
band of a page whose text, digits removed, recurs at the same height on consecutive pages
(three are enough: running chapter titles recur only within their chapter) is a header or
footer. Rows at the same position and size as recurring boilerplate (a running chapter title
beside the page number) go too. The page number printed in a removed row becomes the
page's label.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from pipeline.records import Line, Page

BAND = 0.11
"""Fraction of the page height at the top and at the bottom searched for boilerplate."""
DIGITS = re.compile(r"\d+")
MIN_RUN_LONG_DOCUMENT = 3
MAX_GLUED_WORDS = 6
POSITION_TOLERANCE = 3.0
"""Points by which the same header or footer may move from page to page."""
LABEL_PATTERNS = (
    re.compile(r"\b(?:sida|sid\.?|page|s\.)\s*(\d+)\s*(?:\(\s*\d+\s*\)|av\s+\d+|of\s+\d+|/\s*\d+)?", re.IGNORECASE),
    re.compile(r"^\s*[-–]?\s*(\d{1,5})\s*[-–]?\s*$"),
    re.compile(r"^(\d{1,5})\s+\D"),
    re.compile(r"\D\s+(\d{1,4})$"),
)


def _rows(lines: tuple[Line, ...]) -> list[list[Line]]:
    """Group segments that share a baseline (a footer's page number and its title)."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: (l.top, l.x0)):
        if rows and abs(rows[-1][0].bottom - line.bottom) < 2.5:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _row_text(row: list[Line]) -> str:
    return " ".join(l.text for l in sorted(row, key=lambda l: l.x0))


def _signature(text: str) -> str:
    """Text with digits removed, so that a page number on the left of even pages and on
    the right of odd pages still matches."""
    return " ".join(DIGITS.sub(" ", text).split()).casefold()


def _band(row: list[Line], page: Page) -> str | None:
    # judged by the row's flattest line: text read sideways along a margin (a tall, narrow
    # line) that shares a baseline with a footer must not pull the footer out of its band
    ref = min(row, key=lambda line: line.bottom - line.top)
    if ref.bottom <= page.height * BAND:
        return "top"
    if ref.top >= page.height * (1 - BAND):
        return "bottom"
    return None


def find_label(texts: list[str]) -> str | None:
    """The printed page number in boilerplate text ("Sida 5 (52)" → "5"), if any."""
    for pattern in LABEL_PATTERNS:
        for text in texts:
            match = pattern.search(text)
            if match:
                return match.group(1)
    return None


def _recurring(occurrences: dict[tuple[str, str], list[tuple[int, float]]], min_run: int) -> set[tuple[str, str]]:
    """Signatures found at (nearly) the same height on `min_run` consecutive pages.

    A kicker that opens every chapter recurs too, but not on consecutive pages; running
    titles of a short chapter are caught afterwards by their position (`in_slot`).
    """
    found = set()
    for key, places in occurrences.items():
        for _, bottom in places:
            pages = {page for page, other in places if abs(other - bottom) <= POSITION_TOLERANCE}
            if any(all(page + i in pages for i in range(min_run)) for page in pages):
                found.add(key)
                break
    return found


def strip_glued(line: Line, band: str, recurring: set[tuple[str, str]]) -> tuple[Line, Line | None]:
    """Cut a recurring header or footer off the start or end of a line it was glued to
    (a margin header printed on the same baseline as the first body line)."""
    words = line.text.split()
    for n in range(min(MAX_GLUED_WORDS, len(words) - 1), 0, -1):
        for head, rest in ((words[:n], words[n:]), (words[-n:], words[:-n])):
            signature = _signature(" ".join(head))
            if len(signature) >= 4 and (band, signature) in recurring:
                return replace(line, text=" ".join(rest)), replace(line, text=" ".join(head))
    return line, None


def remove_boilerplate(pages: list[Page]) -> list[Page]:
    """Strip headers and footers from every page and set each page's printed label."""
    min_run = MIN_RUN_LONG_DOCUMENT if len(pages) >= 6 else 2
    band_rows = [[(row, _band(row, page)) for row in _rows(page.lines)] for page in pages]

    occurrences: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for page, rows in zip(pages, band_rows):
        for row, band in rows:
            if band:
                occurrences[(band, _signature(_row_text(row)))].append((page.number, row[0].bottom))
                for line in row:
                    occurrences[(band, _signature(line.text))].append((page.number, line.bottom))
    recurring = _recurring(occurrences, min_run)

    def by_signature(row: list[Line], band: str) -> list[Line]:
        if (band, _signature(_row_text(row))) in recurring:
            return row
        return [line for line in row if (band, _signature(line.text)) in recurring]

    # positions (band, rounded baseline, size) of boilerplate found by its text
    slots: set[tuple[str, int, float]] = set()
    for rows in band_rows:
        for row, band in rows:
            if band:
                slots.update((band, round(line.bottom), line.size) for line in by_signature(row, band))

    def in_slot(line: Line, band: str) -> bool:
        return any((band, round(line.bottom) + d, line.size) in slots for d in (-1, 0, 1))

    cleaned: list[Page] = []
    for page, rows in zip(pages, band_rows):
        kept: list[Line] = []
        removed: list[list[Line]] = []
        for row, band in rows:
            boilerplate = by_signature(row, band) if band else []
            dropped = [line for line in row if band and (line in boilerplate or in_slot(line, band))]
            for line in row:
                if line in dropped:
                    continue
                stripped, cut = strip_glued(line, band, recurring) if band else (line, None)
                kept.append(stripped)
                if cut:
                    dropped.append(cut)
            if dropped:
                removed.append(dropped)
        # bottom rows first: the page number is usually in the footer
        removed.sort(key=lambda r: -r[0].bottom)
        removed_texts = [_row_text(r) for r in removed]
        label = find_label([line.text for r in removed for line in r] + removed_texts)
        cleaned.append(replace(page, lines=tuple(kept), removed=tuple(removed_texts), label=label))
    return cleaned
