"""PDF extraction against the ground truth: pages, printed labels, lines, reading order,
and broken files reported with a reason."""

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from bench.ingest_quality import CORPUS_PDFS, corpus_document, ground_truth, measure, printed_number
from pipeline.errors import ExtractionError
from pipeline.extract.pdf import extract_pdf_pages
from tests.helpers import CORPUS

LINE_RECALL = {"strategisk-plan-2023-2025.pdf": 0.99, "pressmeddelande-2025-12-03.pdf": 0.99, "rus-2030.pdf": 0.97}


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_page_count_and_printed_labels(file_name: str) -> None:
    doc = corpus_document(file_name)
    truth = ground_truth()["documents"][file_name]
    assert len(doc.pages) == truth["page_count"]
    assert [p.label for p in doc.pages] == [printed_number(p["label"]) for p in truth["pages"]]


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_lines_found_on_the_right_page_in_reading_order(file_name: str) -> None:
    quality = measure(file_name)
    assert quality.line_recall >= LINE_RECALL[file_name]
    assert quality.order >= LINE_RECALL[file_name]


def test_rus_reads_column_one_before_column_two() -> None:
    truth = ground_truth()["documents"]["rus-2030.pdf"]["pages"]
    doc = corpus_document("rus-2030.pdf")
    checked = 0
    for page, expected in zip(doc.pages, truth):
        texts = [line.text for line in page.lines]
        unique = {t for t in texts if texts.count(t) == 1}
        col1 = [b["lines"][0] for b in expected["blocks"] if b["region"] == "col1" and b["lines"][0] in unique]
        col2 = [b["lines"][0] for b in expected["blocks"] if b["region"] == "col2" and b["lines"][0] in unique]
        if col1 and col2:
            assert texts.index(col1[0]) < texts.index(col2[0]), f"page {page.number}"
            checked += 1
    assert checked >= 10


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_truncated_pdf_is_reported(tmp_path: Path) -> None:
    data = (CORPUS / "pressmeddelande-2025-12-03.pdf").read_bytes()
    path = _write(tmp_path, "truncated.pdf", data[: len(data) // 3])
    with pytest.raises(ExtractionError) as error:
        extract_pdf_pages(path)
    assert error.value.file_name == "truncated.pdf"


def test_zero_byte_pdf_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="empty"):
        extract_pdf_pages(_write(tmp_path, "empty.pdf", b""))


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(CORPUS / "pressmeddelande-2025-12-03.pdf"))
    writer.encrypt(user_password="hemligt", owner_password="hemligt")
    path = tmp_path / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ExtractionError, match="encrypted"):
        extract_pdf_pages(path)


def test_image_only_pdf_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path)
    with pytest.raises(ExtractionError, match="no text"):
        extract_pdf_pages(path)
