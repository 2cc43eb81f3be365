"""OCR of pages without a usable text layer (scans, fonts without a Unicode map).

Each page is rendered with pdfium (pdfplumber's own renderer) and read by Tesseract
(Debian's ``tesseract-ocr`` with the Swedish and English models, ``make ocr``) through its
hOCR output, which gives every word a box and every line a box and a font-size estimate.
The words come back as pdfplumber-like word dicts in PDF points, so the same line, gutter
and heading code reads them. All words of one Tesseract line share the line's box: OCR word
boxes end at the ink (a word with descenders is taller), and baseline grouping needs one
line to look like one line.

Tesseract runs as a child of the extraction process, so it inherits the sandbox's memory
limit and dies with it at the time limit. It is limited to one thread: the batch already
runs one extraction per core. Measured on this machine: ~12 s per A4 page at 300 dpi.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

OCR_DPI = 300
"""Render resolution: Tesseract's models are trained on ~300 dpi text; below 200 dpi
9-point text loses accents (å/ä/ö read as a/a/o)."""
POINTS_PER_INCH = 72.0
LANGUAGES = "swe+eng"
"""Swedish first (the documents' language), English second."""
MIN_CONFIDENCE = 20
"""Words Tesseract is less sure of than this (0–100) are noise from pictures and rules."""
MIN_PAGE_CONFIDENCE = 60
"""A page whose words average less confidence than this is not text Tesseract can read with
its Swedish and English models (a script it has no model for, a photo): of such a page only
the lines that themselves average this much are kept (English labels on a page of Arabic
calligraphy, `pdfjs__ThuluthFeatures.pdf`; before, the whole page was dropped). Printed
Swedish or English text averages 90+; Arabic calligraphy read as Latin ~30."""
X_SIZE_TO_POINTS = 1.0
"""hOCR's ``x_size`` (pixels) over the render scale is close to the font size in points
(median ratio 0.98 against the text layer on a page of the strategic plan)."""
SIZE_NOISE = 0.15
"""OCR font sizes of body lines scatter by about this share; a line this close to the page's
median size gets the median, so the heading rules (which compare sizes) see one body size."""
PAGE_SECONDS = 120
"""One page may take this long; a page that takes longer is given up (the sandbox's file
limit still applies to the whole file)."""
INSTALL_HINT = "install Tesseract with `make ocr` (Debian tesseract-ocr, tesseract-ocr-swe, tesseract-ocr-eng)"

_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_CONF = re.compile(r"x_wconf (\d+)")


class OcrUnavailable(RuntimeError):
    """Tesseract or one of its language models is not installed."""


@functools.cache
def missing_ocr() -> str | None:
    """None when Tesseract with Swedish and English can run, else what is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "Tesseract is not installed"
    try:
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not run ({type(exc).__name__})"
    have = set(listed.stdout.split())
    missing = [lang for lang in LANGUAGES.split("+") if lang not in have]
    return f"Tesseract lacks the language models {', '.join(missing)}" if missing else None


def render_page(pdf_path: Path, index: int, out: Path, dpi: int = OCR_DPI) -> tuple[float, float]:
    """Render page `index` (0-based) to a PNG at `out`; returns the page's (width, height) in
    points as displayed (``/Rotate`` applied, like pdfplumber's coordinates)."""
    import pypdfium2 as pdfium  # pdfplumber's renderer; imported here so text PDFs never load it

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[index]
        width, height = page.get_size()
        rotation = page.get_rotation()
        page.render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil().save(out)
        page.close()
    finally:
        document.close()
    return (height, width) if rotation in (90, 270) else (width, height)


def run_tesseract(image: Path) -> str:
    """The hOCR of one image."""
    exe = shutil.which("tesseract")
    if exe is None or missing_ocr():
        raise OcrUnavailable(missing_ocr() or "Tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [exe, str(image), "stdout", "-l", LANGUAGES, "--psm", "3", "hocr"],
        capture_output=True,
        text=True,
        timeout=PAGE_SECONDS,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Tesseract failed: {done.stderr.strip()[:200]}")
    return done.stdout


def hocr_words(hocr: str, scale: float) -> list[dict[str, Any]]:
    """Word dicts (pdfplumber keys, points, and ``conf``) from hOCR; `scale` is pixels per point."""
    words: list[dict[str, Any]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # hOCR is XHTML; its classes need the HTML parser
        soup = BeautifulSoup(hocr, "lxml")
    for ordinal, line in enumerate(soup.select(".ocr_line, .ocr_caption, .ocr_header, .ocr_textfloat")):
        title = str(line.get("title", ""))
        box = _BBOX.search(title)
        size = _X_SIZE.search(title)
        if box is None:
            continue
        _, top, _, bottom = (int(v) / scale for v in box.groups())
        points = float(size.group(1)) / scale * X_SIZE_TO_POINTS if size else (bottom - top) * X_SIZE_TO_POINTS
        for word in line.select(".ocrx_word"):
            text = word.get_text(strip=True)
            word_title = str(word.get("title", ""))
            word_box, conf = _BBOX.search(word_title), _CONF.search(word_title)
            if not text or word_box is None or (conf and int(conf.group(1)) < MIN_CONFIDENCE):
                continue
            wx0, _, wx1, _ = (int(v) / scale for v in word_box.groups())
            words.append(
                {"text": text, "x0": wx0, "x1": wx1, "top": top, "bottom": bottom,
                 "size": points, "fontname": "ocr", "upright": True, "conf": int(conf.group(1)) if conf else 0,
                 "ocr_line": ordinal}
            )
    return words


def ocr_page(pdf_path: Path, index: int, dpi: int = OCR_DPI) -> tuple[list[dict[str, Any]], float, float]:
    """OCR page `index` (0-based): its words and its displayed (width, height) in points.

    No words when the page's mean confidence is below `MIN_PAGE_CONFIDENCE`."""
    with tempfile.TemporaryDirectory(prefix="styrdok-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        width, height = render_page(pdf_path, index, image, dpi)
        words = hocr_words(run_tesseract(image), dpi / POINTS_PER_INCH)
    if words and _mean_confidence(words) < MIN_PAGE_CONFIDENCE:
        words = confident_lines(words)
    return snap_sizes(words), width, height


def _mean_confidence(words: list[dict[str, Any]]) -> float:
    return sum(w["conf"] for w in words) / len(words)


def confident_lines(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The words of the lines whose own mean confidence reaches `MIN_PAGE_CONFIDENCE`."""
    lines: dict[int, list[dict[str, Any]]] = {}
    for word in words:
        lines.setdefault(word["ocr_line"], []).append(word)
    return [w for line in lines.values() if _mean_confidence(line) >= MIN_PAGE_CONFIDENCE for w in line]


def snap_sizes(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give words whose size is within `SIZE_NOISE` of the page's median (by characters) the median."""
    if not words:
        return words
    sizes = sorted((w["size"], len(w["text"])) for w in words)
    half, seen = sum(n for _, n in sizes) / 2, 0
    median = sizes[-1][0]
    for size, n in sizes:
        seen += n
        if seen >= half:
            median = size
            break
    return [{**w, "size": median} if abs(w["size"] - median) <= SIZE_NOISE * median else w for w in words]
