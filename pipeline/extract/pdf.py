"""PDF → raw pages: words with font size/weight and position grouped into line segments.

Only this module talks to pdfplumber. It returns lines in top-to-bottom order with
``region="full"``; cleaning (headers/footers) and layout (columns, blocks) come later.
Tables are found here because their cells must be removed from the body text.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import ExtractionError
from pipeline.extract.fonts import misread_fonts
from pipeline.extract.layout import find_gutter
from pipeline.extract.ocr import INSTALL_HINT, missing_ocr, ocr_page
from pipeline.extract.options import PDF
from pipeline.extract.rotation import (
    UPRIGHT,
    Frame,
    make_frame,
    split_by_direction,
    to_frame,
)
from pipeline.extract.tables import find_tables, inside_any
from pipeline.records import Line, Page, Table
from pipeline.text.normalise import normalize_text

log = logging.getLogger(__name__)

BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demi")
ITALIC_MARKERS = ("italic", "oblique")
CID_PREFIX = "(cid:"
"""pdfminer's text for a glyph whose font has no Unicode map: never text to index."""
SEGMENT_GAP_EM = PDF.segment_gap_em
GUTTER_GAP_EM = PDF.gutter_gap_em
NEAR_ROWS = PDF.near_rows
WORD_X_TOLERANCE = PDF.word_x_tolerance
MIN_ICON_TILES = PDF.min_icon_tiles
CID_OCR_SHARE = PDF.cid_ocr_share
OCR_BUDGET_SECONDS = PDF.ocr_budget_seconds
"""Short names for the options this module uses most (`pipeline.extract.options.PdfOptions`)."""

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
            and cap["size"] >= PDF.drop_cap_size * w["size"]
            and -PDF.touch_before <= w["x0"] - cap["x1"] <= PDF.drop_cap_gap_em * w["size"]
            and abs(w["top"] - cap["top"]) <= PDF.drop_cap_top_em * w["size"]
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
        for row in reversed(rows[-PDF.near_rows :]):
            ref = row[-1]
            if abs(word["bottom"] - ref["bottom"]) <= PDF.baseline_em * min(word["size"], ref["size"]):
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
    if min(w["size"] for w in row) >= largest * PDF.superscript_size:
        return False  # no word of the row is small beside any neighbour: most rows end here
    for word in row:
        for other in rows:
            if other is row or not other:
                continue
            for target in other:
                gaps = (word["x0"] - target["x1"], target["x0"] - word["x1"])
                touching = any(-PDF.touch_before <= gap <= PDF.touch_after for gap in gaps)
                if (
                    word["size"] < target["size"] * PDF.superscript_size
                    and touching
                    and target["top"] - PDF.superscript_lift <= (word["top"] + word["bottom"]) / 2 <= target["bottom"]
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
        glued = prev is not None and word["x0"] - prev["x1"] < PDF.glue_gap_em * min(word["size"], prev["size"])
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
        small = PDF.icon_max_share * page_width
        if rect.get("fill") and PDF.icon_min_side < width < small and PDF.icon_min_side < height < small:
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
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        raise ExtractionError(
            path.name, "not a PDF (the file does not start with a PDF header)", "replace it with the real PDF file"
        )
    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types on a damaged file
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ExtractionError(
                path.name, "the PDF is encrypted with a password", "save a copy without a password and add that"
            ) from exc
        raise ExtractionError(
            path.name,
            f"not a readable PDF ({type(cause).__name__})",
            "the file is damaged or truncated: download or export it again",
        ) from exc


@dataclass(frozen=True)
class PdfPages:
    """A PDF's raw pages, its metadata, and what could not be read."""

    pages: tuple[Page, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def usable_chars(chars: list[dict[str, Any]], misread: frozenset[str] = frozenset()) -> tuple[list[dict[str, Any]], int]:
    """The characters that have text, and the number without a Unicode map: ``(cid:N)``, or
    a font in `misread` (`pipeline.extract.fonts`)."""
    usable = [c for c in chars if not str(c.get("text", "")).startswith(CID_PREFIX) and c.get("fontname") not in misread]
    return usable, len(chars) - len(usable)


def frame_words(chars: list[dict[str, Any]], frame: Frame) -> list[dict[str, Any]]:
    """Words of characters of one writing direction, in that direction's upright frame."""
    extractor = WordExtractor(x_tolerance=WORD_X_TOLERANCE, extra_attrs=["fontname", "size"])
    return list(extractor.extract_words(chars if frame.upright else to_frame(chars, frame)))


def _page_text_lines(plumber_page: Any, number: int, chars: list[dict[str, Any]]) -> tuple[Frame, list[Line], list[Table]]:
    """Lines of every writing direction, in the frame of the dominant one, and the tables."""
    width, height = float(plumber_page.width), float(plumber_page.height)
    groups = split_by_direction(chars)
    main = make_frame(groups[0][0] if groups else UPRIGHT, width, height)
    frames = [main if index == 0 else make_frame(direction, width, height) for index, (direction, _) in enumerate(groups)]
    framed = [frame_words(group, frame) for frame, (_, group) in zip(frames, groups)]
    # table finding works on the page as printed: only where the text stands upright on it;
    # it takes the upright words read here instead of parsing the page again
    upright = main.upright and bool(chars)
    tables = [_without_cids(t) for t in find_tables(plumber_page, number, framed[0])] if upright else []
    tiles = icon_grid_boxes(plumber_page.rects, width) if upright else []
    lines: list[Line] = []
    for index, frame in enumerate(frames):
        words = []
        for word in framed[index]:
            on_page = frame.unbox((word["x0"], word["top"], word["x1"], word["bottom"]))
            centre = {"x0": on_page[0], "x1": on_page[2], "top": on_page[1], "bottom": on_page[3]}
            if not inside_any(on_page, tables) and not _centre_in(centre, tiles):
                words.append(word)
        found = page_lines(words, number, frame.width)
        if index > 0:
            found = [replace(line, bbox=main.box(frame.unbox(line.bbox))) for line in found]
        lines.extend(found)
    if len(groups) > 1:
        lines.sort(key=lambda line: (line.top, line.x0))
    return main, lines, tables


_CID = re.compile(r"\(cid:\d+\)")


def _without_cids(table: Table) -> Table:
    """Table cells read from the page's characters: drop the glyphs without a Unicode map."""
    if not any(cell and CID_PREFIX in cell for row in table.rows for cell in row):
        return table
    rows = tuple(tuple(_CID.sub("", cell).strip() if cell else cell for cell in row) for row in table.rows)
    return replace(table, rows=rows, caption=_CID.sub("", table.caption).strip())


def read_page(plumber_page: Any, number: int) -> tuple[Page, bool]:
    """One page's lines and tables, and whether it needs OCR (no usable text layer:
    a scan, or fonts without a Unicode map)."""
    misread = misread_fonts(plumber_page.page_obj.resources)
    chars, unmapped = usable_chars(plumber_page.chars, misread)
    unusable = unmapped >= CID_OCR_SHARE * (len(chars) + unmapped) and unmapped > 0
    if unusable:
        chars = []
    main, lines, tables = _page_text_lines(plumber_page, number, chars)
    needs_ocr = unusable or (not lines and not tables and bool(plumber_page.images))
    page = Page(number=number, width=main.width, height=main.height, lines=tuple(lines), tables=tuple(tables))
    return page, needs_ocr


def _plumber_pages(pdf: pdfplumber.PDF) -> list[pdfplumber.page.Page]:
    """pdfplumber's pages, also of a page without a /MediaBox (none of its own, none inherited).

    pdfminer falls back to US Letter for such a page (as pdfium and pdf.js do), but
    pdfplumber reads the missing box as None and raises a TypeError, which made a readable
    file (`pdfjs__operator_list_cycle.pdf`) "a broken page tree". The page gets the box
    pdfminer chose before pdfplumber wraps it.
    """
    pages: list[pdfplumber.page.Page] = []
    doctop = 0.0
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if resolve1(page_obj.attrs.get("MediaBox")) is None:
            page_obj.attrs["MediaBox"] = list(page_obj.mediabox)
        page = pdfplumber.page.Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
        doctop += float(page.height)
        pages.append(page)
    return pages


def _read_pages(pdf: pdfplumber.PDF, name: str) -> tuple[list[Page], list[int], list[str]]:
    """The pages, those that need OCR, and warnings. A page whose content cannot be decoded
    (a damaged stream) is left out with a warning: one bad page no longer costs the file
    (`pdfjs__poppler-90-0-fuzzed.pdf`: 12 of 16 pages damaged, 4 readable); only when no page
    can be read is the file a failure."""
    try:
        plumber_pages = _plumber_pages(pdf)
    except Exception as exc:
        raise ExtractionError(
            name,
            f"the PDF's page tree is broken ({type(exc).__name__})",
            "open it in a PDF viewer and save or print it as a new PDF, then add that",
        ) from exc
    pages: list[Page] = []
    to_ocr: list[int] = []
    damaged: list[tuple[int, Exception]] = []
    for number, plumber_page in enumerate(plumber_pages, start=1):
        try:
            page, needs_ocr = read_page(plumber_page, number)
        except Exception as exc:  # noqa: BLE001  (any error of a damaged page: the page is left out)
            damaged.append((number, exc))
            page, needs_ocr = Page(number=number, width=float(plumber_page.width), height=float(plumber_page.height), lines=()), False
        finally:
            _quietly(plumber_page.close)
        pages.append(page)
        if needs_ocr:
            to_ocr.append(number)
    if damaged and len(damaged) == len(pages):
        first, error = damaged[0]
        raise ExtractionError(
            name,
            f"no page can be read (page {first}: {type(error).__name__}: {error})",
            "the file is damaged: export or download it again",
        ) from error
    warnings = [f"pages {_ranges([n for n, _ in damaged])} are damaged and were left out"] if damaged else []
    return pages, to_ocr, warnings


def _quietly(close: Any) -> None:
    """Closing a damaged file can raise too; its pages are already read."""
    try:
        close()
    except Exception as exc:  # noqa: BLE001  (any error of a damaged file's close is harmless here)
        log.debug("ignored error on close: %s", exc)


def ocr_pages(
    path: Path, pages: list[Page], numbers: list[int], started: float, budget_s: float = OCR_BUDGET_SECONDS
) -> tuple[list[Page], list[str]]:
    """Replace the pages `numbers` by their OCR; returns the pages and warnings.
    `started` is when reading the file began (`time.monotonic`)."""
    if not numbers:
        return pages, []
    missing = missing_ocr()
    if missing:
        return pages, [f"pages {_ranges(numbers)} are scans or use fonts without text; {missing}: {INSTALL_HINT}"]
    out = list(pages)
    unread: list[int] = []
    warnings: list[str] = []
    for done, number in enumerate(numbers):
        if time.monotonic() - started > budget_s:
            warnings.append(f"pages {_ranges(numbers[done:])} were not read by OCR in time; split the file and add the parts")
            break
        words, width, height = ocr_page(path, number - 1)
        if not words:
            unread.append(number)
        lines = page_lines(words, number, width)
        out[number - 1] = Page(number=number, width=width, height=height, lines=tuple(lines), ocr=True)
    if unread:
        warnings.append(f"pages {_ranges(unread)} have no text layer and OCR could not read them (another script, or a picture)")
    return out, warnings


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3, 7"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def extract_pdf_pages(path: Path, ocr_budget_s: float = OCR_BUDGET_SECONDS) -> PdfPages:
    """Read every page of a PDF into raw `Page` records (lines not yet cleaned).

    Pages without a usable text layer are read by OCR. Any failure to read the file
    (opening, a page, the page tree) raises `ExtractionError` with a reason and what to
    do; an exception on closing is ignored, the pages being read by then. No OCR page is
    started later than `ocr_budget_s` after opening.
    """
    started = time.monotonic()
    pdf = _open(path)
    try:
        pages, to_ocr, damaged = _read_pages(pdf, path.name)
        metadata = _metadata(pdf)
    finally:
        _quietly(pdf.close)
    if not pages:
        raise ExtractionError(
            path.name, "no page could be found in the PDF (its page tree is empty or broken)",
            "open it in a PDF viewer and save or print it as a new PDF, then add that",
        )
    try:
        pages, warnings = ocr_pages(path, pages, to_ocr, started, ocr_budget_s)
    except Exception as exc:
        raise ExtractionError(path.name, f"OCR failed ({type(exc).__name__}: {exc})", INSTALL_HINT) from exc
    if not any(page.lines or page.tables for page in pages):
        raise _no_text(path.name, to_ocr)
    return PdfPages(tuple(pages), metadata, (*damaged, *warnings))


def _metadata(pdf: pdfplumber.PDF) -> dict[str, Any]:
    try:
        return {str(k): v for k, v in dict(pdf.metadata or {}).items()}
    except Exception:  # noqa: BLE001  # a damaged Info dictionary costs the title, not the document
        return {}


def _no_text(name: str, to_ocr: list[int]) -> ExtractionError:
    if to_ocr and missing_ocr():
        return ExtractionError(name, f"no text layer (a scan, or fonts without text) and {missing_ocr()}", INSTALL_HINT)
    if to_ocr:
        return ExtractionError(
            name,
            "no text layer, and OCR could read no page (another script, a picture, or a blank scan)",
            "if it is a scan of Swedish or English text, scan it again at 300 dpi; else it cannot be searched",
        )
    return ExtractionError(name, "no text on any page (and no scanned image)", "check that this is the right file")
