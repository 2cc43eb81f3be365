"""Passages read by OCR are marked as such in the API: a search hit's `ocr` and a document's
`ocr_passages`. Real parts: a page of the strategic plan rendered to an image-only PDF (so it
goes to Tesseract), the press release as a text PDF, a real ingest and a server on a socket."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ServerThread
from tests.helpers import CORPUS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SCAN_PAGE = 5
"""One page: OCR takes 6–12 s a page on the shared machine."""


@pytest.fixture(scope="module")
def ocr_server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[ServerThread]:  # type: ignore[no-untyped-def]
    from bench.ocr_quality import PLAN, image_only_pdf
    from pipeline.extract.ocr import missing_ocr
    from pipeline.ingest.run import ingest

    if missing_ocr():
        pytest.skip(f"{missing_ocr()}: run `make ocr`")
    folder = tmp_path_factory.mktemp("ocr-corpus")
    image_only_pdf(CORPUS / PLAN, folder / "skannad-plan.pdf", [SCAN_PAGE])
    shutil.copyfile(CORPUS / "pressmeddelande-2025-12-03.pdf", folder / "pressmeddelande.pdf")
    index_dir = tmp_path_factory.mktemp("ocr-index")
    report = ingest(folder, index_dir, embedder, workers=1)
    assert not report.failed, report.failed
    with ServerThread(index_dir) as running:
        yield running


def _documents(server: ServerThread) -> dict[str, dict]:
    listed = httpx.get(f"{server.url}/documents", timeout=30).json()
    return {d["file"]: d for d in listed}


def test_documents_count_their_ocr_passages(ocr_server: ServerThread) -> None:
    docs = _documents(ocr_server)
    scan, text = docs["skannad-plan.pdf"], docs["pressmeddelande.pdf"]
    assert scan["ocr_passages"] == scan["passages"] > 0
    assert text["ocr_passages"] == 0 and text["passages"] > 0
    detail = httpx.get(f"{ocr_server.url}/documents/{scan['id']}", timeout=30).json()
    assert detail["ocr_passages"] == scan["passages"]


@pytest.mark.parametrize(("file", "ocr"), [("skannad-plan.pdf", True), ("pressmeddelande.pdf", False)])
def test_search_hits_say_whether_their_text_came_from_ocr(ocr_server: ServerThread, file: str, ocr: bool) -> None:
    doc = _documents(ocr_server)[file]
    response = httpx.get(f"{ocr_server.url}/search", params={"q": "Region Norrbotten", "k": 10, "doc": doc["id"]}, timeout=60)
    assert response.status_code == 200, response.text
    hits = response.json()["results"]
    assert hits and {hit["ocr"] for hit in hits} == {ocr}
