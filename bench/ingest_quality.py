"""Extraction quality of the ingestion core against the corpus ground truth.

Run: ``.venv/bin/python -m bench.ingest_quality [--json]``. Prints, per PDF: page labels
right, ground-truth lines found on the right page, reading order (longest common
subsequence of the found lines over the extracted order), headings precision/recall and
level accuracy, and boilerplate lines leaking into passages. The tests assert thresholds
on the same functions.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from pipeline.config import PROJECT_ROOT
from pipeline.extract.document import extract_document
from pipeline.ingest.catalog import read_catalog
from pipeline.records import Document

SHARED = PROJECT_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
CORPUS_PDFS = ("strategisk-plan-2023-2025.pdf", "rus-2030.pdf", "pressmeddelande-2025-12-03.pdf")
RESULTS = Path(__file__).resolve().parent / "results_ingest.json"


@cache
def ground_truth() -> dict:
    return json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))


@cache
def corpus_document(file_name: str) -> Document:
    """The extracted document, once per process (tests and the bench share it)."""
    return extract_document(CORPUS / file_name, read_catalog(PROJECT_ROOT / "corpus").get(file_name))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def printed_number(label: str | None) -> str | None:
    """"Sida 5 (52)" → "5", "Sida 1 av 2" → "1", "10" → "10"."""
    match = re.search(r"\d+", label or "")
    return match.group(0) if match else None


@dataclass
class Quality:
    file: str
    pages: int
    labels_right: int
    lines: int
    lines_found: int
    lines_in_order: int
    headings_found: int
    headings_expected: int
    headings_right: int
    headings_level_right: int
    boilerplate_in_passages: int

    @property
    def line_recall(self) -> float:
        return self.lines_found / max(self.lines, 1)

    @property
    def order(self) -> float:
        return self.lines_in_order / max(self.lines_found, 1)

    @property
    def heading_precision(self) -> float:
        return self.headings_right / max(self.headings_found, 1)

    @property
    def heading_recall(self) -> float:
        return self.headings_right / max(self.headings_expected, 1)

    @property
    def level_accuracy(self) -> float:
        return self.headings_level_right / max(self.headings_right, 1)


def boilerplate_strings(doc: Document, file_name: str) -> set[str]:
    """The ground truth's header lines, plus every line cleaning removed that matches the
    ground truth's footer pattern (the footer text differs per page)."""
    boiler = ground_truth()["documents"][file_name].get("boilerplate") or {}
    strings = set(boiler.get("header_lines", []))
    if isinstance(boiler.get("header"), str):
        strings.add(boiler["header"])
    footer = re.compile(boiler["footer_pattern"]) if boiler.get("footer_pattern") else None
    if footer:
        strings.update(text for page in doc.pages for text in page.removed if footer.fullmatch(text))
    return strings


def measure(file_name: str) -> Quality:
    doc = corpus_document(file_name)
    truth = ground_truth()["documents"][file_name]
    lines = found = in_order = labels = 0
    for page, expected_page in zip(doc.pages, truth["pages"]):
        labels += page.label == printed_number(expected_page["label"])
        expected = [_squash(t) for t in expected_page["text"].split("\n") if t.strip()]
        got = [_squash(line.text) for line in page.lines]
        expected_set, got_set = set(expected), set(got)
        found_here = [t for t in expected if t in got_set]
        extracted_order = [t for t in got if t in expected_set]
        matcher = difflib.SequenceMatcher(None, found_here, extracted_order, autojunk=False)
        lines += len(expected)
        found += len(found_here)
        in_order += sum(block.size for block in matcher.get_matching_blocks())
    got_headings = {(h.page, _key(h.text)): h.level for h in doc.headings}
    expected_headings = {(p["page"], _key(h["text"])): h["level"] for p in truth["pages"] for h in p["headings"]}
    right = [k for k in got_headings if k in expected_headings]
    boilerplate = boilerplate_strings(doc, file_name)
    leaks = sum(1 for p in doc.passages for text in boilerplate if text in p.text)
    return Quality(
        file=file_name,
        pages=len(doc.pages),
        labels_right=labels,
        lines=lines,
        lines_found=found,
        lines_in_order=in_order,
        headings_found=len(got_headings),
        headings_expected=len(expected_headings),
        headings_right=len(right),
        headings_level_right=sum(got_headings[k] == expected_headings[k] for k in right),
        boilerplate_in_passages=leaks,
    )


def main(as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON.")) -> None:
    results = [measure(name) for name in CORPUS_PDFS]
    rows = [
        {
            **asdict(q),
            "line_recall": round(q.line_recall, 4),
            "order": round(q.order, 4),
            "heading_precision": round(q.heading_precision, 3),
            "heading_recall": round(q.heading_recall, 3),
            "level_accuracy": round(q.level_accuracy, 3),
        }
        for q in results
    ]
    RESULTS.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = RichTable(title="Ingestion quality against ground_truth.json")
    for column in ("file", "labels", "lines found", "order", "heading P", "heading R", "level", "boilerplate"):
        table.add_column(column)
    for q in results:
        table.add_row(
            q.file,
            f"{q.labels_right}/{q.pages}",
            f"{q.lines_found}/{q.lines} ({q.line_recall:.2%})",
            f"{q.order:.2%}",
            f"{q.heading_precision:.3f}",
            f"{q.heading_recall:.3f}",
            f"{q.level_accuracy:.2%}",
            str(q.boilerplate_in_passages),
        )
    Console().print(table)


if __name__ == "__main__":
    typer.run(main)
