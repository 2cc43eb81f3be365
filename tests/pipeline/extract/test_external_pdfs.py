"""Real PDFs nobody here wrote: each ingests (the scanned one in test_unseen.py), and running
headers/footers of several of them stay out of the passages."""

import re
from pathlib import Path

import pytest

from pipeline.extract.document import extract_document
from tests.helpers import SHARED

EXTERNAL = SHARED / "external"
SCANNED = "prop_2008-09_5_bilaga1_scanned.pdf"
"""Read by OCR in `test_unseen.test_scanned_proposition_is_searchable`, so not read twice here."""
PDFS = [p for p in sorted((EXTERNAL / "swedish").glob("*.pdf")) + sorted((EXTERNAL / "english").glob("*.pdf")) if p.name != SCANNED]
RUNNING_BOILERPLATE = {
    "prop_2012-13_187_vissa_skolfragor.pdf": r"Prop\. 2012/13:187",
    "helsingborg_samsynsguiden_2023-10-10.pdf": r"Sid \d+ av 103",
    "simrishamn_kfn_arsbokslut_2025.pdf": r"DOCX SID \d+",
    "federal-register-2020-17221.pdf": r"VerDate Sep<11>2014|Federal Register / Vol\. 85",
}


@pytest.mark.slow
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_external_pdf_ingests(path: Path) -> None:
    doc = extract_document(path)
    assert doc.passages
    pattern = RUNNING_BOILERPLATE.get(path.name)
    if pattern:
        leaks = [p.text[:80] for p in doc.passages if re.search(pattern, p.text)]
        assert not leaks, leaks
        assert sum(bool(page.removed) for page in doc.pages) >= len(doc.pages) // 2
