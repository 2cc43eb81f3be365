"""Hostile PDFs: mutated corpus files never crash a batch; each bad file is reported and
skipped under a time and memory limit while good files in the same batch are indexed;
extraction memory does not grow with the page count."""

import random
import re
import shutil
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.extract.document import extract_document
from pipeline.ingest.events import IngestListener
from pipeline.ingest.run import extract_all
from pipeline.ingest.sandbox import Outcome, run_isolated
from tests.helpers import CORPUS
from tests.minipdf import PdfPage, write_pdf

pytestmark = pytest.mark.slow
GOOD = "pressmeddelande-2025-12-03.pdf"
LIMITS = Limits(seconds=60, memory_mb=1536)


def _mutants(source: bytes) -> dict[str, bytes]:
    rng = random.Random(20261123)
    flipped = bytearray(source)
    for i in rng.sample(range(len(flipped)), 400):
        flipped[i] ^= 0xFF
    nested = b"[" * 20000 + b"]" * 20000
    return {
        "truncated-10.pdf": source[: len(source) // 10],
        "truncated-90.pdf": source[: len(source) * 9 // 10],
        "byte-flips.pdf": bytes(flipped),
        "broken-xref.pdf": source.replace(b"xref", b"xxxx").replace(b"startxref", b"startxxxx"),
        "huge-page-count.pdf": re.sub(rb"/Count \d+", b"/Count 999999999", source),
        "zero-length-streams.pdf": re.sub(rb"/Length \d+", b"/Length 0", source),
        "deeply-nested.pdf": source.replace(b"/Type /Catalog", b"/Type /Catalog /Nest " + nested, 1),
        "not-a-pdf.pdf": b"<html>this is not a pdf</html>",
        "only-header.pdf": b"%PDF-1.7\n%%EOF\n",
    }


class Recorder(IngestListener):
    def __init__(self) -> None:
        self.files: dict[str, str | None] = {}

    def file_done(self, name: str, error: str | None) -> None:
        self.files[name] = error


def test_mutated_pdfs_are_reported_and_the_good_file_indexed(tmp_path: Path) -> None:
    source = (CORPUS / GOOD).read_bytes()
    files = []
    for name, data in _mutants(source).items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    shutil.copy(CORPUS / GOOD, tmp_path / GOOD)
    files.append(tmp_path / GOOD)
    recorder = Recorder()
    documents, failed = extract_all(files, {}, workers=2, listener=recorder, limits=LIMITS)
    assert set(recorder.files) == {f.name for f in files}, "every file gets an outcome"
    assert GOOD in {d.file_name for d in documents}
    good = next(d for d in documents if d.file_name == GOOD)
    assert len(good.passages) > 5
    reasons = dict(failed)
    for name in ("truncated-10.pdf", "not-a-pdf.pdf", "only-header.pdf"):
        assert name in reasons and reasons[name], name
    for _name, reason in failed:
        assert "Traceback" not in reason and len(reason) < 500


def test_a_file_over_the_time_limit_is_killed_and_reported(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    shutil.copy(CORPUS / "strategisk-plan-2023-2025.pdf", slow)
    documents, failed = extract_all([slow], {}, 1, IngestListener(), Limits(seconds=1, memory_mb=2048))
    assert not documents and failed == [("slow.pdf", failed[0][1])]
    # processor time, or three times the limit in wall-clock time on a machine too busy to give it 1 s
    assert "more than 1 s of processor time" in failed[0][1] or "longer than 3 s" in failed[0][1]


def test_a_file_over_the_memory_limit_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    shutil.copy(CORPUS / "rus-2030.pdf", path)
    documents, failed = extract_all([path], {}, 1, IngestListener(), Limits(seconds=120, memory_mb=200))
    assert not documents and failed and "memory" in failed[0][1]


LINES_PER_PAGE = 10
"""About 1,100 characters a page: extraction time is mostly per page, so short pages keep this fast."""
GROWTH_BUDGET_MB = 40
"""Peak memory the 70 extra pages may add. Keeping pdfplumber's character objects of every page
(about 1 KB each) would add about 75 MB; the pages' own text and passages take a few MB. The
500-page figure is `python -m bench.long_pdf`."""


def _text_pdf(path: Path, pages: int) -> Path:
    """A plain text PDF; every line differs, so no two passages are the same."""
    out = []
    for number in range(pages):
        page = PdfPage()
        page.text(60, 40, f"Kapitel {number + 1}", size=14, bold=True)
        for line in range(LINES_PER_PAGE):
            words = f"Sida {number + 1} rad {line + 1}: regionen ska stärka kompetensförsörjningen i länet"
            page.text(60, 70 + 15 * line, f"{words} till år {2025 + line}.", size=8)
        out.append(page)
    return write_pdf(path, out)


def peak_rss_of_extraction(path: Path) -> tuple[int, float]:
    """(pages read, peak resident MB) of extracting ``path`` in the sandboxed child."""
    outcomes: list[Outcome] = []
    run_isolated([(path.name, extract_document, (path, None))], 1, Limits(seconds=900, memory_mb=2048), outcomes.append)
    (outcome,) = outcomes
    assert outcome.error is None, outcome.error
    assert outcome.peak_rss_mb is not None
    return len(outcome.value.pages), outcome.peak_rss_mb


def test_memory_does_not_grow_with_the_page_count(tmp_path: Path) -> None:
    short_pages, short_peak = peak_rss_of_extraction(_text_pdf(tmp_path / "short.pdf", 10))
    long_pages, long_peak = peak_rss_of_extraction(_text_pdf(tmp_path / "long.pdf", 80))
    assert (short_pages, long_pages) == (10, 80)
    assert long_peak - short_peak < GROWTH_BUDGET_MB, (short_peak, long_peak)


def test_processor_time_of_a_working_child_is_measured() -> None:
    """The time limit counts the child's own work (`/proc/PID/stat`), not the machine's load."""
    import os
    import time as clock

    from pipeline.ingest.sandbox import cpu_seconds

    before = cpu_seconds(os.getpid())
    deadline = clock.process_time() + 0.5
    while clock.process_time() < deadline:
        pass
    assert cpu_seconds(os.getpid()) - before >= 0.4
    assert cpu_seconds(None) == 0.0
