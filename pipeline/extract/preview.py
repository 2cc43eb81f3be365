"""A PDF page rendered to PNG with a cited passage's words highlighted, for the result page.

pdfium (pdfplumber's own renderer) draws the page; its text page gives every character with
its box, and the passage is found on the page by its words, not by its characters: the
stored passage is normalised text (hyphenation joined, running headers removed, table rows
linearised with their headers), so an exact string search finds it rarely. The page's words
and the passage's words are aligned with `difflib` and runs of at least `MIN_RUN_WORDS`
equal words in a row are marked (a single shared word like "och" is chance, not the
passage). A table row is linearised with its caption and headers, which stand elsewhere on
the page, so its shorter runs (the row label and its values) count as well. Measured on the strategic plan's p. 25
(2,489 characters): text page and boxes 42 ms, rendering at 800 px 168 ms on the shared
2-core machine; results are cached on disk by the caller.

pdfium is not thread-safe: every call into it holds `PDFIUM_LOCK`.
"""

from __future__ import annotations

import difflib
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import NotRegularFile, StyrdokError
from pipeline.hashing import open_regular

PDFIUM_LOCK = threading.Lock()
"""pdfium keeps global state: one rendering at a time in a process."""
MIN_WIDTH_PX, MAX_WIDTH_PX, DEFAULT_WIDTH_PX = 200, 1600, 800
"""Image widths a request may ask for: a thumbnail up to a readable full page on a wide screen."""
MAX_PIXELS = 1600 * 2400
"""Largest image drawn (about a 1600 px wide A4 page): a poster-sized or strip-shaped page is
scaled down to it, so no request can make the server draw an unbounded bitmap."""
MIN_RUN_WORDS = 3
"""Fewest consecutive equal words that mark prose: two common words in a row happen by chance."""
MIN_RUN_WORDS_TABLE = 1
"""A table row's label and values are short and stand apart from its caption and headers."""
MIN_TABLE_TOKEN_CHARS = 2
"""Shortest word of a table row matched alone ("a", "i" would match anywhere)."""
PASSAGE_FILL = (255, 221, 0, 90)
ANSWER_FILL = (255, 140, 0, 130)
"""Highlight colours (RGBA): the passage light yellow, its best sentence a stronger orange."""
BOX_PAD_PT = 1.0
"""Points a highlight box extends around its word, so marks read as one band over a line."""

_WORD = re.compile(r"\d+(?:[,.]\d+)*|\w+(?:[-–]\w+)*")
"""A number with its decimals ("2,8", "1246,2") is one word, as a word with its hyphens is."""


class PreviewError(StyrdokError):
    """The page cannot be drawn (out of range, or the file cannot be read)."""


PdfBox = tuple[float, float, float, float]
"""(left, bottom, right, top) in PDF points, origin bottom-left."""


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels, top-left origin."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Marks:
    """What to highlight: the passage's text, and the best sentence inside it."""

    passage: str = ""
    answer: str = ""
    table: bool = False


def _words(text: str) -> list[tuple[str, int, int]]:
    """(casefolded word, start, end) of each word; hyphenated words count as one."""
    return [(m.group(0).casefold().replace("–", "-"), m.start(), m.end()) for m in _WORD.finditer(text)]


def matched_spans(page_text: str, target: str, min_run: int) -> list[tuple[int, int]]:
    """Character spans of `page_text` whose words run equal with `target`'s words
    (at least `min_run` in a row)."""
    page_words, target_words = _words(page_text), _words(target)
    if not page_words or not target_words:
        return []
    if min_run <= 1:
        wanted = {w for w, _, _ in target_words if len(w) >= MIN_TABLE_TOKEN_CHARS}
        return [(a, b) for w, a, b in page_words if w in wanted]
    matcher = difflib.SequenceMatcher(None, [w for w, _, _ in page_words], [w for w, _, _ in target_words], autojunk=False)
    spans: list[tuple[int, int]] = []
    for block in matcher.get_matching_blocks():
        if block.size >= min(min_run, len(target_words)):
            spans.extend((page_words[i][1], page_words[i][2]) for i in range(block.a, block.a + block.size))
    return spans


def _to_image(box: PdfBox, frame: PdfBox, rotation: int, scale: float) -> Box:
    """A PDF-space box (left, bottom, right, top) as pixels of the page drawn with its /Rotate."""
    left, bottom, right, top = box
    x0, y0, x1, y1 = frame
    if rotation == 90:
        u0, v0, u1, v1 = bottom - y0, left - x0, top - y0, right - x0
    elif rotation == 180:
        u0, v0, u1, v1 = x1 - right, bottom - y0, x1 - left, top - y0
    elif rotation == 270:
        u0, v0, u1, v1 = y1 - top, x1 - right, y1 - bottom, x1 - left
    else:
        u0, v0, u1, v1 = left - x0, y1 - top, right - x0, y1 - bottom
    pad = BOX_PAD_PT
    return Box((u0 - pad) * scale, (v0 - pad) * scale, (u1 + pad) * scale, (v1 + pad) * scale)


def _char_boxes(textpage: Any, spans: list[tuple[int, int]], frame: PdfBox, rotation: int, scale: float) -> list[Box]:
    boxes = []
    for start, end in spans:
        chars = [textpage.get_charbox(i) for i in range(start, end)]
        chars = [c for c in chars if c[2] > c[0] and c[3] > c[1]]
        if chars:
            union = (min(c[0] for c in chars), min(c[1] for c in chars), max(c[2] for c in chars), max(c[3] for c in chars))
            boxes.append(_to_image(union, frame, rotation, scale))
    return boxes


def _open_pdf(pdf_path: Path) -> Any:
    """The stored PDF as a pdfium document, read through `open_regular` (a link swapped into
    the file store is refused, as `GET /documents/{id}/file` refuses it). Call under `PDFIUM_LOCK`."""
    import pypdfium2 as pdfium  # imported here: search and ingest never load the renderer

    try:
        with open_regular(pdf_path) as handle:
            data = handle.read()
    except NotRegularFile as exc:
        raise PreviewError(f"the stored file cannot be opened for a preview: {exc}") from None
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PreviewError(f"the PDF cannot be read for a preview ({exc})") from None


def page_count(pdf_path: Path) -> int:
    with PDFIUM_LOCK:
        document = _open_pdf(pdf_path)
        try:
            return len(document)
        finally:
            document.close()


def scale_for(width_pt: float, height_pt: float, width_px: int) -> float:
    """Pixels per point: `width_px` across the page, capped so the image stays under `MAX_PIXELS`."""
    scale = width_px / max(width_pt, 1.0)
    area = width_pt * height_pt * scale * scale
    return scale if area <= MAX_PIXELS else scale * (MAX_PIXELS / area) ** 0.5


def render_page(pdf_path: Path, page: int, width_px: int = DEFAULT_WIDTH_PX, marks: Marks | None = None) -> bytes:
    """PNG bytes of page `page` (1-based), `width_px` wide, with `marks` highlighted."""
    import pypdfium2 as pdfium

    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise PreviewError(f"width must be {MIN_WIDTH_PX}-{MAX_WIDTH_PX} pixels, not {width_px}")
    with PDFIUM_LOCK:
        document = _open_pdf(pdf_path)
        try:
            if not 1 <= page <= len(document):
                raise PreviewError(f"page {page} is out of range: the document has {len(document)} pages (1-{len(document)})")
            return _draw(document[page - 1], width_px, marks or Marks())
        except pdfium.PdfiumError as exc:
            raise PreviewError(f"page {page} cannot be drawn ({exc})") from None
        finally:
            document.close()


def _draw(pdf_page: Any, width_px: int, marks: Marks) -> bytes:
    from PIL import Image, ImageDraw

    rotation = pdf_page.get_rotation() % 360
    frame = pdf_page.get_bbox()
    width_pt, height_pt = pdf_page.get_size()
    if rotation in (90, 270):
        width_pt, height_pt = height_pt, width_pt
    scale = scale_for(width_pt, height_pt, width_px)
    image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
    layers = []
    if marks.passage or marks.answer:
        textpage = pdf_page.get_textpage()
        text = textpage.get_text_range()
        min_run = MIN_RUN_WORDS_TABLE if marks.table else MIN_RUN_WORDS
        layers = [
            (PASSAGE_FILL, _char_boxes(textpage, matched_spans(text, marks.passage, min_run), frame, rotation, scale)),
            (ANSWER_FILL, _char_boxes(textpage, matched_spans(text, marks.answer, min_run), frame, rotation, scale)),
        ]
        textpage.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for fill, boxes in layers:
        for box in boxes:
            draw.rectangle((box.left, box.top, box.right, box.bottom), fill=fill)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=False)
    pdf_page.close()
    return out.getvalue()
