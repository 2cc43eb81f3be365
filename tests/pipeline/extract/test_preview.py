"""Page previews with pdfium on the bundled strategic plan: sizes, bounds, and the passage's
words marked where they stand on the page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipeline.config import PROJECT_ROOT
from pipeline.extract.preview import MAX_PIXELS, Marks, PreviewError, matched_spans, page_count, render_page, scale_for

PLAN = PROJECT_ROOT / "corpus" / "strategisk-plan-2023-2025.pdf"
DEFENCE = (
    "Regeringen har sedan tidigare beslutat att planeringen för arbetet med civilt försvar ska återupptas "
    "och Region Norrbottens planering ska genomföras i samverkan med bland andra Socialstyrelsen"
)


def _image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_word_runs_are_matched_across_line_breaks() -> None:
    page = "Region Norrbotten ska även\r\ngå först och driva på inom de samhälls-\r\nviktiga funktionerna. Och så"
    spans = matched_spans(page, "Region Norrbotten ska även gå först och driva", 3)
    assert [page[a:b] for a, b in spans] == ["Region", "Norrbotten", "ska", "även", "gå", "först", "och", "driva"]
    assert matched_spans(page, "och så vidare", 3) == []  # two words in a row are chance, not the passage
    row = "Budget 2023 1 246,2 och 2,8"
    assert [row[a:b] for a, b in matched_spans(row, "2,8", 1)] == ["2,8"]  # a number with decimals is one word


def test_a_page_is_drawn_at_the_asked_width_and_poster_pages_are_capped() -> None:
    assert page_count(PLAN) == 52
    image = _image(render_page(PLAN, 15, 400))
    assert image.width == 400 and 560 <= image.height <= 580  # A4
    assert scale_for(10_000, 10_000, 1600) ** 2 * 10_000 * 10_000 <= MAX_PIXELS * 1.0001
    assert scale_for(595, 842, 800) == pytest.approx(800 / 595)


def test_out_of_range_pages_and_widths_are_refused() -> None:
    for page in (0, 53):
        with pytest.raises(PreviewError, match="out of range"):
            render_page(PLAN, page)
    with pytest.raises(PreviewError, match="width"):
        render_page(PLAN, 1, 5000)


def test_the_passage_is_marked_where_it_stands() -> None:
    plain = _image(render_page(PLAN, 15, 600))
    marked = _image(render_page(PLAN, 15, 600, Marks(passage=DEFENCE, answer=DEFENCE[:60])))
    assert plain.size == marked.size
    changed = [
        (x, y)
        for y in range(0, plain.height, 2)
        for x in range(0, plain.width, 2)
        if plain.getpixel((x, y)) != marked.getpixel((x, y))
    ]
    assert len(changed) > 1000
    # the civil-defence paragraph is the last one of p. 15: every mark lies in the lower fifth
    assert min(y for _, y in changed) > 0.78 * plain.height
    r, g, b = marked.getpixel(changed[len(changed) // 2])
    assert r > g > b  # yellow to orange over the text, never another colour
