"""OCR quality: the corpus's strategic plan rendered to an image-only PDF and read back.

Run: ``.venv/bin/python -m bench.ocr_quality [--pages 1-52] [--dpi 200]``. Every page is
rendered by pdfium to a grey image (no text layer left), the images are saved as a PDF,
and `extract_pdf_pages` reads it: each page has no text, so each goes to Tesseract. The
score is the share of the ground truth's words (page text with headings, and the printed
page label) found on the same page, counted as a multiset (a word twice in the truth
must be read twice). The test asserts the same figure on a few pages.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import typer

from bench.ingest_quality import CORPUS, ground_truth
from pipeline.extract.pdf import extract_pdf_pages
from pipeline.records import Page

PLAN = "strategisk-plan-2023-2025.pdf"
SCAN_DPI = 200
"""The rendered "scan" resolution: an ordinary office scan (OCR itself renders at 300 dpi)."""
_WORD = re.compile(r"\w+")


def image_only_pdf(source: Path, dest: Path, pages: list[int], dpi: int = SCAN_DPI) -> Path:
    """Render `pages` (1-based) of `source` to images and save them as an image-only PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        images = [document[n - 1].render(scale=dpi / 72, grayscale=True).to_pil() for n in pages]
    finally:
        document.close()
    images[0].save(dest, save_all=True, append_images=images[1:], resolution=float(dpi))
    return dest


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


@dataclass(frozen=True)
class Recall:
    expected: int
    found: int
    pages: int
    seconds: float

    @property
    def share(self) -> float:
        return self.found / max(self.expected, 1)


def truth_words(page_number: int) -> Counter[str]:
    """The ground truth's words of one page of the plan: text (headings included) and label."""
    page = ground_truth()["documents"][PLAN]["pages"][page_number - 1]
    heading_text = " ".join(h["text"] for h in page["headings"] if h["text"] not in page["text"])
    return words(f"{page['text']} {heading_text} {page['label'] or ''}")


def page_recall(read: Page, page_number: int) -> tuple[int, int]:
    """(ground-truth words, of which found) for one OCR'd page."""
    expected = truth_words(page_number)
    got = words(" ".join(line.text for line in read.lines))
    return sum(expected.values()), sum(min(n, got[w]) for w, n in expected.items())


def ocr_recall(pages: list[int], workdir: Path, dpi: int = SCAN_DPI) -> Recall:
    scan = image_only_pdf(CORPUS / PLAN, workdir / "plan-scan.pdf", pages, dpi)
    started = time.perf_counter()
    read = extract_pdf_pages(scan, ocr_budget_s=float("inf")).pages  # every page, however long
    seconds = time.perf_counter() - started
    expected = found = 0
    for page, number in zip(read, pages):
        assert page.ocr, f"page {number} was not read by OCR"
        n, f = page_recall(page, number)
        expected, found = expected + n, found + f
    return Recall(expected, found, len(pages), seconds)


def main(pages: str = "1-52", dpi: int = SCAN_DPI) -> None:
    import tempfile

    first, _, last = pages.partition("-")
    numbers = list(range(int(first), int(last or first) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        result = ocr_recall(numbers, Path(tmp), dpi)
    print(
        f"OCR of {PLAN} rendered at {dpi} dpi, pages {pages}: {result.found}/{result.expected} ground-truth words "
        f"= {result.share:.1%}; {result.seconds:.0f} s = {result.pages / result.seconds:.2f} pages/s"
    )


if __name__ == "__main__":
    typer.run(main)
