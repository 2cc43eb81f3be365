"""Peak memory of extracting a long PDF: `python -m bench.long_pdf [--copies N]` prints JSON.

The press release's two pages repeated into a 52-page and a 520-page PDF, each extracted in the
sandboxed child the batch uses (`pipeline.ingest.sandbox.run_isolated`), which reports the
child's peak resident memory. Extraction frees each page after reading it, so the two peaks
should be about the same; the test suite checks the same property on 10 and 80 short pages
(`test_memory_does_not_grow_with_the_page_count`), since 520 pages take about 2.5 minutes on
2 cores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from pipeline.config import PROJECT_ROOT, Limits
from pipeline.extract.document import extract_document
from pipeline.ingest.sandbox import Outcome, run_isolated

SOURCE = PROJECT_ROOT / "corpus" / "pressmeddelande-2025-12-03.pdf"


def _repeated(path: Path, copies: int) -> Path:
    reader = PdfReader(SOURCE)
    writer = PdfWriter()
    for _ in range(copies):
        for page in reader.pages:
            writer.add_page(page)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _measure(path: Path) -> dict[str, object]:
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    run_isolated([(path.name, extract_document, (path, None))], 1, Limits(seconds=1800, memory_mb=4096), outcomes.append)
    (outcome,) = outcomes
    if outcome.error is not None:
        return {"error": outcome.error}
    return {
        "pages": len(outcome.value.pages),
        "passages": len(outcome.value.passages),
        "peak_rss_mb": round(outcome.peak_rss_mb or 0.0, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=260, help="copies of the two pages in the long PDF (default 260)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        short = _measure(_repeated(Path(folder) / "short.pdf", max(1, args.copies // 10)))
        long = _measure(_repeated(Path(folder) / "long.pdf", args.copies))
    print(json.dumps({"short": short, "long": long}, indent=2))


if __name__ == "__main__":
    main()
