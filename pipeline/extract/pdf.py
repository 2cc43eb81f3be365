"""PDF → raw pages: words with font size/weight and position grouped into line segments.

Only this module talks to pdfplumber. It returns lines in top-to-bottom order with
``region="full"``; cleaning (headers/footers) and layout (columns, blocks) come later.
Tables are found here because their cells must be removed from the body text.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import ExtractionError
from pipeline.extract.layout import find_gutter
from pipeline.extract.tables import find_tables, inside_any
from pipeline.records import Line, Page, Table
from pipeline.text.normalise import normalize_text

log = logging.getLogger(__name__)

BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demi")
ITALIC_MARKERS = ("italic", "oblique")
SEGMENT_GAP_EM = 1.6
"""A horizontal gap wider than this many font sizes splits a row into separate segments
(column gutters, label/value pairs); justified word spacing stays well below it."""
MIN_ICON_TILES = 6
GUTTER_GAP_EM = 0.8
"""At a known column gutter a narrower gap is enough to split, but not a plain word space."""
NEAR_ROWS = 4
"""Rows (in baseline order) on each side searched for the line a superscript belongs to."""


def _is_style(fontname: str, markers: tuple[str, ...]) -> bool:
    name = fontname.lower()
    return any(m in name for m in markers)


def merge_drop_caps(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Glue a drop cap (one large initial spanning several lines) to the word it starts."""
    out = list(words)
    for cap in [w for w in words if len(w["text"]) == 1 and w["text"].isalpha()]:
        followers = [
            w
            for w in out
            if w is not cap
            and cap["size"] >= 1.8 * w["size"]
            and -0.5 <= w["x0"] - cap["x1"] <= 0.3 * w["size"]
            and abs(w["top"] - cap["top"]) <= 0.6 * w["size"]
        ]
        if followers:
            first = min(followers, key=lambda w: w["top"])
            first["text"] = cap["text"] + first["text"]
            first["x0"] = cap["x0"]
            out.remove(cap)
    return out


def group_rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group words into visual rows by baseline.

    Words share a row when their bottoms are within a quarter of the font size; comparing
    baselines rather than boxes keeps tightly leaded lines apart. Afterwards a row of small
    words touching a word of a larger row (a superscript footnote mark) joins that row.
    """
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(merge_drop_caps(words), key=lambda w: (w["bottom"], w["x0"])):
        for row in reversed(rows[-4:]):
            ref = row[-1]
            if abs(word["bottom"] - ref["bottom"]) <= 0.25 * min(word["size"], ref["size"]):
                row.append(word)
                break
        else:
            rows.append([word])
    merged = [row for i, row in enumerate(rows) if not _attach_superscript(row, rows[max(0, i - NEAR_ROWS) : i + NEAR_ROWS + 1])]
    return sorted(merged, key=lambda r: (min(w["top"] for w in r), min(w["x0"] for w in r)))


def _attach_superscript(row: list[dict[str, Any]], rows: list[list[dict[str, Any]]]) -> bool:
    """Move a row of small words into the row of the larger word it touches (a footnote mark).

    `rows` are the neighbours in baseline order: a mark sits just above its line's baseline."""
    largest = max((w["size"] for other in rows if other is not row for w in other), default=0.0)
    if min(w["size"] for w in row) >= largest * 0.85:
        return False  # no word of the row is small beside any neighbour: most rows end here
    for word in row:
        for other in rows:
            if other is row or not other:
                continue
            for target in other:
                touching = -0.5 <= word["x0"] - target["x1"] <= 1.5 or -0.5 <= target["x0"] - word["x1"] <= 1.5
                if (
                    word["size"] < target["size"] * 0.85
                    and touching
                    and target["top"] - 1 <= (word["top"] + word["bottom"]) / 2 <= target["bottom"]
                ):
                    other.extend(row)
                    return True
    return False


def _dominant(values: list[Any], weights: list[int]) -> Any:
    counter: Counter[Any] = Counter()
    for value, weight in zip(values, weights):
        counter[value] += weight
    return counter.most_common(1)[0][0]


def _segment_to_line(words: list[dict[str, Any]], page_number: int) -> Line:
    weights = [len(w["text"]) for w in words]
    main_size = _dominant([round(w["size"], 1) for w in words], weights)
    parts: list[str] = []
    for prev, word in zip([None, *words[:-1]], words):
        glued = prev is not None and word["x0"] - prev["x1"] < 0.12 * min(word["size"], prev["size"])
        parts.append(word["text"] if glued or prev is None else " " + word["text"])
    body_words = [w for w in words if round(w["size"], 1) == main_size] or words
    return Line(
        text=normalize_text("".join(parts)),
        bbox=(
            min(w["x0"] for w in words),
            min(w["top"] for w in body_words),
            max(w["x1"] for w in words),
            max(w["bottom"] for w in body_words),
        ),
        size=main_size,
        bold=_dominant([_is_style(w["fontname"], BOLD_MARKERS) for w in words], weights),
        italic=_dominant([_is_style(w["fontname"], ITALIC_MARKERS) for w in words], weights),
        page=page_number,
    )


def split_segments(row: list[dict[str, Any]], gutter: float | None = None) -> list[list[dict[str, Any]]]:
    """Split one visual row at wide horizontal gaps, and at a column gutter when one is known
    (a heading in one column can sit on the same baseline as text in the other)."""
    row = sorted(row, key=lambda w: w["x0"])
    segments = [[row[0]]]
    for word in row[1:]:
        prev = segments[-1][-1]
        gap = word["x0"] - prev["x1"]
        wide = gap > SEGMENT_GAP_EM * min(prev["size"], word["size"])
        across_gutter = (
            gutter is not None
            and prev["x1"] <= gutter + 1
            and word["x0"] >= gutter - 1
            and gap > GUTTER_GAP_EM * min(prev["size"], word["size"])
        )
        if wide or across_gutter:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


def page_lines(words: list[dict[str, Any]], page_number: int, width: float) -> list[Line]:
    """Turn pdfplumber words into line segments, top to bottom, left to right.

    Rows are cut at wide gaps first; if the segments show a column gutter, rows are cut
    again wherever a gap straddles it.
    """
    rows = group_rows(words)
    by_row = [[_segment_to_line(seg, page_number) for seg in split_segments(row)] for row in rows]
    lines = [line for row_lines in by_row for line in row_lines if line.text]
    gutter = find_gutter(lines, width)
    if gutter is None:
        return lines
    recut: list[Line] = []
    for row, row_lines in zip(rows, by_row):
        segments = split_segments(row, gutter)
        # the gutter only adds cuts, so as many segments as before means the same segments
        if len(segments) == len(row_lines):
            recut.extend(row_lines)
        else:
            recut.extend(_segment_to_line(seg, page_number) for seg in segments)
    return [line for line in recut if line.text]


def icon_grid_boxes(rects: list[dict[str, Any]], page_width: float) -> list[tuple[float, float, float, float]]:
    """Filled tiles of one size repeated at least `MIN_ICON_TILES` times (an icon grid such
    as the SDG goals): the text printed inside them belongs to a figure, not to the body."""
    by_size: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for rect in rects:
        width, height = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        if rect.get("fill") and 10 < width < 0.25 * page_width and 10 < height < 0.25 * page_width:
            by_size.setdefault((round(width), round(height)), []).append(
                (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
            )
    return [box for boxes in by_size.values() if len(boxes) >= MIN_ICON_TILES for box in boxes]


def _centre_in(word: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _open(path: Path) -> pdfplumber.PDF:
    if path.stat().st_size == 0:
        raise ExtractionError(path.name, "the file is empty (0 bytes)", "replace it with the complete PDF")
    try:
        return pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ExtractionError(path.name, "the PDF is encrypted", "save an unprotected copy") from exc
        raise ExtractionError(
            path.name, f"not a readable PDF ({type(cause).__name__})", "the file may be truncated or damaged"
        ) from exc


def extract_pdf_pages(path: Path) -> tuple[list[Page], dict[str, Any]]:
    """Read every page of a PDF into raw `Page` records (lines not yet cleaned).

    Returns the pages and the PDF's metadata dictionary. Raises `ExtractionError` for a file
    that is not a readable PDF, is encrypted, or has no text layer at all.
    """
    pdf = _open(path)
    try:
        pages: list[Page] = []
        n_images = 0
        for number, plumber_page in enumerate(pdf.pages, start=1):
            all_words = plumber_page.extract_words(extra_attrs=["fontname", "size"], x_tolerance=1.5)
            tables: list[Table] = find_tables(plumber_page, number, all_words)
            tiles = icon_grid_boxes(plumber_page.rects, float(plumber_page.width))
            words = [
                w
                for w in all_words
                if w.get("upright", True)
                and not inside_any((w["x0"], w["top"], w["x1"], w["bottom"]), tables)
                and not _centre_in(w, tiles)
            ]
            n_images += len(plumber_page.images)
            pages.append(
                Page(
                    number=number,
                    width=float(plumber_page.width),
                    height=float(plumber_page.height),
                    lines=tuple(page_lines(words, number, float(plumber_page.width))),
                    tables=tuple(tables),
                )
            )
            plumber_page.close()
        metadata = dict(pdf.metadata or {})
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files mid-document
        raise ExtractionError(
            path.name, f"the PDF is damaged ({type(exc).__name__}: {exc})", "re-export or re-download the file"
        ) from exc
    finally:
        pdf.close()
    if not pages:
        raise ExtractionError(path.name, "the PDF has no pages")
    if not any(page.lines or page.tables for page in pages):
        reason = "no text layer (scanned image only)" if n_images else "no text on any page"
        raise ExtractionError(path.name, reason, "run OCR on it first, then add the OCR'd PDF")
    return pages, metadata
