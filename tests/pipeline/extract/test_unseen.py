"""Unseen documents: rotated and mirrored text, fonts without a Unicode map, HTML text in
``<div>``s, language per document and passage. Real files: the corpus, turned with pypdf,
and the public regression files in ``shared/external/wild``."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter, Transformation

from pipeline.errors import ExtractionError
from pipeline.extract.document import extract_document
from pipeline.extract.pdf import extract_pdf_pages
from pipeline.extract.rotation import char_direction, make_frame
from pipeline.text.language import detect_language
from tests.helpers import CORPUS, SHARED

WILD = SHARED / "external" / "wild"
PRESS = CORPUS / "pressmeddelande-2025-12-03.pdf"


def _texts(path: Path) -> list[str]:
    return [line.text for page in extract_pdf_pages(path).pages for line in page.lines]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_turned_by_rotate_reads_like_the_upright_page(tmp_path: Path, degrees: int) -> None:
    writer = PdfWriter(clone_from=PdfReader(PRESS))
    for page in writer.pages:
        page.rotate(degrees)
    turned = tmp_path / f"turned-{degrees}.pdf"
    writer.write(turned)
    assert _texts(turned) == _texts(PRESS)


def test_text_drawn_sideways_in_the_content_stream_reads_in_order(tmp_path: Path) -> None:
    """The content is rotated inside the page (no /Rotate): a landscape page printed sideways."""
    reader = PdfReader(PRESS)
    writer = PdfWriter()
    for source in reader.pages:
        width, height = float(source.mediabox.width), float(source.mediabox.height)
        page = writer.add_blank_page(width=height, height=width)
        page.merge_transformed_page(source, Transformation().rotate(90).translate(tx=height, ty=0))
    sideways = tmp_path / "sideways.pdf"
    writer.write(sideways)
    assert _texts(sideways) == _texts(PRESS)


def test_mirrored_text_reads_left_to_right(tmp_path: Path) -> None:
    reader = PdfReader(PRESS)
    writer = PdfWriter()
    for source in reader.pages:
        width, height = float(source.mediabox.width), float(source.mediabox.height)
        page = writer.add_blank_page(width=width, height=height)
        page.merge_transformed_page(source, Transformation().scale(-1, 1).translate(tx=width, ty=0))
    mirrored = tmp_path / "mirrored.pdf"
    writer.write(mirrored)
    assert _texts(mirrored) == _texts(PRESS)


def test_frames_round_trip() -> None:
    for direction in [(0, False), (90, False), (180, False), (270, False), (0, True), (180, True)]:
        frame = make_frame(direction, 600.0, 800.0)
        box = (10.0, 20.0, 110.0, 32.0)
        assert frame.unbox(frame.box(box)) == pytest.approx(box)
    assert char_direction({"matrix": (0, -1, 1, 0, 0, 0)}) == (90, False)
    assert char_direction({"matrix": (-1, 0, 0, 1, 0, 0)}) == (180, True)


def test_wild_rotated_pages_are_read() -> None:
    pages = extract_pdf_pages(WILD / "pdfjs__hello_world_rotated.pdf").pages
    assert [[line.text for line in page.lines] for page in pages] == [["Hello world"]] * len(pages)


@pytest.mark.parametrize(
    "name",
    # pdfjs__TAMReview.pdf (23 pages read by OCR, about 2 minutes) is checked with the whole wild
    # folder by `python -m bench.wild`: 0 of its 1,493 passages hold "(cid:".
    ["pdfminer__contrib_issue-598-cmap-other-fonts.pdf", "ferenda__pdfreader_custom-encoding.pdf"],
)
def test_no_passage_holds_glyphs_without_a_unicode_map(name: str) -> None:
    try:
        doc = extract_document(WILD / name)
    except ExtractionError as error:  # a file with nothing readable is skipped with a reason
        assert error.hint
        return
    assert not any("(cid:" in p.text for p in doc.passages)


def test_html_text_in_divs_is_indexed_without_navigation() -> None:
    doc = extract_document(WILD / "ferenda__dirtrips_1987_42.html")
    text = " ".join(p.text for p in doc.passages)
    assert "Jag föreslår att en särskild utredare tillkallas" in text
    assert "Kommittéregistret" not in text  # the nav-bar
    assert "Regeringskansliets rättsdatabaser innehåller" not in text  # the site header


def test_html_without_text_is_a_failure_with_a_reason(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Start</a></nav><div class='footer'>© 2026</div></body></html>")
    with pytest.raises(ExtractionError) as error:
        extract_document(page)
    assert error.value.hint


def test_english_pdf_is_labelled_english() -> None:
    doc = extract_document(WILD / "plumber__issue-848.pdf")
    assert doc.meta.lang == "en"
    assert {p.lang for p in doc.passages} == {"en"}


def test_other_languages_are_labelled_as_such() -> None:
    french = "Le gouvernement a présenté hier un projet de loi relatif à la protection des données personnelles des citoyens."
    assert detect_language(french) == "fr"
    assert detect_language("日本語の文書は縦書きで印刷されることがあります。") == "ja"
    assert detect_language("Regionen ska samordna det regionala utvecklingsarbetet i länet.") == "sv"


OCR_PAGES = [4, 5, 6]
"""A few pages only: OCR takes 6–12 s a page here (the whole plan is `bench.ocr_quality`)."""


@pytest.fixture(scope="module")
def needs_tesseract() -> None:
    from pipeline.extract.ocr import missing_ocr

    if missing_ocr():
        pytest.skip(f"{missing_ocr()}: run `make ocr`")


def test_ocr_reads_97_percent_of_the_rendered_plan(tmp_path: Path, needs_tesseract: None) -> None:
    from bench.ocr_quality import ocr_recall

    recall = ocr_recall(OCR_PAGES, tmp_path)
    assert recall.expected > 500
    assert recall.share >= 0.97, f"{recall.found}/{recall.expected}"


def test_scanned_proposition_is_searchable() -> None:
    """A PDF without a text layer is read by OCR, or, where Tesseract is missing, reported with
    what to install (never indexed empty). The only full read of this scan in the suite (about 35 s)."""
    from pipeline.extract.ocr import missing_ocr

    path = SHARED / "external" / "swedish" / "prop_2008-09_5_bilaga1_scanned.pdf"
    if missing_ocr():
        with pytest.raises(ExtractionError) as error:
            extract_document(path)
        assert "Tesseract" in error.value.reason or "Tesseract" in error.value.hint
        return
    doc = extract_document(path)
    assert doc.passages and all(p.ocr for p in doc.passages)
    assert {p.lang for p in doc.passages} == {"sv"}
    text = " ".join(p.text for p in doc.passages).casefold()
    assert "byggarbetsplats" in text


def test_a_font_pdfminer_misreads_sends_the_page_to_ocr(tmp_path: Path, needs_tesseract: None) -> None:
    """The press release's fonts are Type0 with a /CIDToGIDMap stream: without their
    /ToUnicode pdfminer reads junk ("Re ,.0i2.66:.AAe0"); that page must go to OCR."""
    writer = PdfWriter(clone_from=PdfReader(PRESS))
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font.get_object().pop("/ToUnicode", None)
    bare = tmp_path / "no-tounicode.pdf"
    writer.write(bare)
    read = extract_pdf_pages(bare)
    assert all(page.ocr for page in read.pages)
    words = " ".join(line.text for page in read.pages for line in page.lines).split()
    original = " ".join(_texts(PRESS)).split()
    assert len(set(words) & set(original)) >= 0.9 * len(set(original))


def test_a_page_without_a_mediabox_is_read(tmp_path: Path) -> None:
    """No /MediaBox on the page nor its parents: viewers use US Letter, and so does pdfminer;
    pdfplumber used to raise, which read as "the page tree is broken"."""
    writer = PdfWriter(clone_from=PdfReader(PRESS))
    for page in writer.pages:
        page.pop("/MediaBox", None)
        page.pop("/CropBox", None)
    writer.root_object["/Pages"].get_object().pop("/MediaBox", None)
    bare = tmp_path / "no-mediabox.pdf"
    writer.write(bare)
    assert PdfReader(bare).pages[0].get("/MediaBox") is None
    read = extract_pdf_pages(bare)
    assert " ".join(line.text for page in read.pages for line in page.lines).split()[:20] == " ".join(_texts(PRESS)).split()[:20]


def _damage_pages(source: Path, dest: Path, numbers: set[int]) -> Path:
    """A copy whose pages `numbers` (1-based) have a content stream no decoder can read."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(source))
    for number, page in enumerate(writer.pages, start=1):
        if number in numbers:
            broken = DecodedStreamObject()
            broken.set_data(b"zz-not-hex")
            broken[NameObject("/Filter")] = NameObject("/ASCIIHexDecode")
            page[NameObject("/Contents")] = writer._add_object(broken)
    writer.write(dest)
    return dest


def test_a_damaged_page_is_left_out_with_a_warning(tmp_path: Path) -> None:
    n_pages = len(PdfReader(PRESS).pages)
    assert n_pages >= 2
    damaged = _damage_pages(PRESS, tmp_path / "damaged.pdf", {1})
    read = extract_pdf_pages(damaged)
    assert not read.pages[0].lines and read.pages[1].lines
    assert any("pages 1 are damaged" in w for w in read.warnings)


def test_a_file_whose_every_page_is_damaged_is_a_failure(tmp_path: Path) -> None:
    n_pages = len(PdfReader(PRESS).pages)
    damaged = _damage_pages(PRESS, tmp_path / "all-damaged.pdf", set(range(1, n_pages + 1)))
    with pytest.raises(ExtractionError, match="no page can be read"):
        extract_pdf_pages(damaged)


def test_latin_lines_on_a_page_of_another_script_are_kept(needs_tesseract: None) -> None:
    """A page of Arabic calligraphy with English labels: the Arabic read as Latin is junk of low
    confidence, which used to drop the whole page; the confident label lines are kept."""
    read = extract_pdf_pages(WILD / "pdfjs__ThuluthFeatures.pdf")
    assert read.pages[0].ocr
    texts = {line.text for line in read.pages[0].lines}
    assert {"Contextual Forms OFF", "Wide Forms", "Islamic Ligature"} <= texts


def test_a_document_of_tables_is_labelled_by_its_tables() -> None:
    """An English expense report whose only text line is a code ("B-1191"): its language comes
    from the table cells, not the Swedish default."""
    doc = extract_document(WILD / "plumber__senate-expenditures.pdf")
    assert doc.meta.lang == "en"
