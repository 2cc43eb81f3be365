"""Check an index built from ``../shared/external/wild/`` (documents nobody here wrote).

Run after the ingest::

    styrdok ingest ../shared/external/wild --index-dir /tmp/wildidx --workers 2
    .venv/bin/python -m bench.wild /tmp/wildidx [--folder ../shared/external/wild] [--json]
    # a version still being built, failures from the CLI output:
    .venv/bin/python -m bench.wild /tmp/wildidx --db /tmp/wildidx/versions/BUILD/styrdok.sqlite --log ingest.log

It reads the current index version and the remembered failures of that index folder, and
checks each claim of issue 14 against the files themselves, with pdfium (Chrome's PDF
engine, not the reader the product uses) as the independent reference:

- every file is accounted for: indexed, or skipped with a reason that says what to do;
- no passage and no page text holds ``(cid:``;
- pages turned by ``/Rotate`` or with mostly sideways characters are read in order: the share
  of pdfium's consecutive word pairs on the page that are consecutive in the index's text;
- every HTML file is indexed with passages (those without a ``<p>`` are the div-only ones);
- languages: each document's label against the hand-checked `EXPECTED_LANG` (English files
  that must be ``en``; checked by reading each file, not derived from the product);
- each skipped file's reason against what pdfium sees in the file (encrypted? opens at all?
  text characters? images?), so that "encrypted" means encrypted and "no text" means none.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import typer

from pipeline.config import PROJECT_ROOT
from pipeline.index.manifest import DB_NAME
from pipeline.index.store import StoreReader, connect, passages_of
from pipeline.index.versions import IndexVersions
from pipeline.ingest.failures import load_failures

WILD = PROJECT_ROOT.parent / "shared" / "external" / "wild"
READ_TYPES = {".pdf", ".html", ".htm"}
UPRIGHT_SHARE = 0.5
"""A page with fewer upright characters than this share is "sideways" (read in its own frame)."""
EXPECTED_LANG = {
    "pdfjs__tracemonkey.pdf": "en",
    "plumber__federal-register-2020-17221.pdf": "en",
    "plumber__scotus-transcript-p1.pdf": "en",
    "pypdf__crazyones.pdf": "en",
    "plumber__nics-background-checks-2015-11.pdf": "en",
    "plumber__senate-expenditures.pdf": "en",
    "pdfjs__hello_world_rotated.pdf": "en",
    "pypdf__GeoBase_NHNC1_Data_Model_UML_EN.pdf": "en",
    "ferenda__pdfreader_sample.pdf": "en",
    "ferenda__pdfreader_custom-encoding.pdf": "sv",
    "pdfjs__TAMReview.pdf": "en",
    "plumber__150109DSP-Milw-505-90D.pdf": "en",
    "plumber__issue-13-151201DSP-Fond-581-90D.pdf": "en",
    "plumber__issue-848.pdf": "en",
    "pypdf__example.pdf": "en",
    "pdfminer__zen_of_python_corrupted.pdf": "en",
    "pdfminer__contrib_issue-598-cmap-other-fonts.pdf": "en",
    "plumber__issue-1054-example.pdf": "de",
    "ferenda__dirtrips_1987_42.html": "sv",
    "ferenda__dsregeringen_2016_46_index.html": "sv",
    "ferenda__propregeringen_2017-18_86_index.html": "sv",
    "ferenda__sfs.legacy_source_2013-363.html": "sv",
    "ferenda__afs_konsolidering-afs-2011_19_index.pdf": "sv",
    "ferenda__nfs_konsolidering-nfs-2007_10_index.pdf": "sv",
    "ferenda__dirregeringen_2016_15_dir.-201615-dataskyddsforordningen.pdf": "sv",
    "helsingborg__samsyn.pdf": "sv",
    "simrishamn__Bokslut_2025_Bokslut_2025.pdf": "sv",
    "plumber__2023-06-20-PV.pdf": "fr",
}
"""Documents whose language was checked by reading them (a sample of the folder)."""


@dataclass
class WildReport:
    files: int = 0
    indexed: int = 0
    skipped: int = 0
    passages: int = 0
    ocr_passages: int = 0
    cid_passages: int = 0
    cid_pages: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    wrong_language: list[str] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)
    html: dict[str, int] = field(default_factory=dict)
    rotated: dict[str, float] = field(default_factory=dict)
    reasons: list[dict[str, Any]] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def pair_recall(reference: str, ours: str) -> float:
    """Share of the reference's consecutive word pairs that are consecutive in `ours`."""
    ref, got = _words(reference), _words(ours)
    pairs = Counter(zip(ref, ref[1:], strict=False))
    have = Counter(zip(got, got[1:], strict=False))
    total = sum(pairs.values())
    return 1.0 if not total else sum(min(n, have[p]) for p, n in pairs.items()) / total


def pdfium_facts(path: Path) -> dict[str, Any]:
    """What pdfium sees: opens?, encrypted?, pages, text characters and images on the first pages."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        return {"opens": False, "encrypted": "password" in str(exc).casefold(), "error": str(exc)}
    facts: dict[str, Any] = {"opens": True, "encrypted": False, "pages": len(document), "chars": 0, "images": 0}
    for index in range(min(len(document), 20)):
        page = document[index]
        facts["chars"] += len(page.get_textpage().get_text_range().strip())
        facts["images"] += sum(1 for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
        facts["size"] = [round(v) for v in page.get_size()]
    document.close()
    return facts


def reason_holds(path: Path, reason: str) -> tuple[bool, str]:
    """Whether a skip reason agrees with the file itself, and what was checked."""
    if "unsupported file type" in reason:
        return path.suffix.lower() not in READ_TYPES, f"suffix {path.suffix}"
    if "empty (0 bytes)" in reason:
        return path.stat().st_size == 0, f"{path.stat().st_size} bytes"
    head = path.read_bytes()[:1024]
    if "not a PDF" in reason:
        return b"%PDF" not in head, f"starts {head[:16]!r}"
    facts = pdfium_facts(path)
    if "encrypted" in reason or "password" in reason:
        return bool(facts["encrypted"]), f"pdfium: {facts}"
    if "not a readable PDF" in reason or "page tree" in reason:
        return not facts["opens"] or facts.get("pages", 0) == 0, f"pdfium: {facts}"
    if "no page can be read" in reason:
        return not facts["opens"] or facts.get("chars", 0) == 0, f"pdfium: {facts}"
    if "to read" in reason and "took" in reason:  # a limit: true by measurement; say how big the file is
        return True, f"{path.stat().st_size} bytes; pdfium: {facts}"
    if "no text on any page" in reason:
        return facts["opens"] and facts["chars"] == 0 and facts["images"] == 0, f"pdfium: {facts}"
    if "OCR could read no page" in reason:
        return facts["opens"] and facts["images"] + facts["chars"] > 0, f"pdfium (check the image by eye): {facts}"
    return False, f"unknown reason; pdfium: {facts}"


def rotated_pages(path: Path) -> list[int]:
    """1-based pages turned by /Rotate or whose characters are mostly not upright."""
    import pdfplumber

    found: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                chars = page.chars
                upright = sum(1 for c in chars if c.get("upright", True))
                if page.rotation or (chars and upright < UPRIGHT_SHARE * len(chars)):
                    found.append(number)
    except Exception:  # noqa: BLE001  (a file pdfplumber cannot open has no pages to compare)
        return []
    return found


def pdfium_page_text(path: Path, number: int) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return str(document[number - 1].get_textpage().get_text_range())
    finally:
        document.close()


def check_documents(db: Path, folder: Path, report: WildReport) -> None:
    reader = StoreReader(db)
    try:
        rows = reader.documents()
        with connect(db, readonly=True) as conn:
            for row in rows:
                _check_document(conn, reader, row, folder, report)
    finally:
        reader.close()


def _check_document(conn: Any, reader: StoreReader, row: Any, folder: Path, report: WildReport) -> None:
    name, doc_id = row["file_name"], row["doc_id"]
    passages = passages_of(conn, doc_id)
    report.indexed += 1
    report.passages += len(passages)
    report.ocr_passages += sum(p.ocr for p in passages)
    report.cid_passages += sum("(cid:" in p.text for p in passages)
    pages = reader.page_texts(doc_id, list(range(1, row["n_pages"] + 1)))
    report.cid_pages += sum("(cid:" in text for text in pages.values())
    report.languages[row["lang"]] = report.languages.get(row["lang"], 0) + 1
    if name in EXPECTED_LANG and EXPECTED_LANG[name] != row["lang"]:
        report.wrong_language.append(f"{name}: {row['lang']} (expected {EXPECTED_LANG[name]})")
    path = folder / name
    if path.suffix.lower() in {".html", ".htm"}:
        report.html[name] = len(passages)
    elif path.suffix.lower() == ".pdf":
        for number in rotated_pages(path):
            report.rotated[f"{name} p{number}"] = round(pair_recall(pdfium_page_text(path, number), pages.get(number, "")), 3)


def logged_failures(log: Path) -> list[tuple[str, str]]:
    """(file, reason) from the output of `styrdok ingest` ("  ✗ NAME: REASON" lines)."""
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*✗ (.+?): (.*)", line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def check_failures(failures: list[tuple[str, str]], folder: Path, report: WildReport) -> None:
    for name, reason in sorted(failures):
        path = folder / name
        if not path.exists():
            continue
        holds, checked = reason_holds(path, reason)
        report.skipped += 1
        report.reasons.append({"file": name, "reason": reason, "true": holds, "says_what_to_do": " — " in reason, "checked": checked})


def run(index_dir: Path, folder: Path = WILD, db: Path | None = None, log: Path | None = None) -> WildReport:
    """Check the current version of `index_dir` (or the database `db`, e.g. of a version still
    being built) and the remembered failures (or those printed in the ingest output `log`)."""
    if db is None:
        current = IndexVersions(index_dir).current()
        if current is None:
            raise SystemExit(f"no index version in {index_dir}: run `styrdok ingest {folder} --index-dir {index_dir}` first")
        db = current / DB_NAME
    report = WildReport(files=sum(1 for p in folder.iterdir() if p.is_file()))
    check_documents(db, folder, report)
    failures = logged_failures(log) if log else [(f.name, f.reason) for f in load_failures(index_dir).values()]
    check_failures(failures, folder, report)
    reader = StoreReader(db)
    accounted = {r["file"] for r in report.reasons} | {row["file_name"] for row in reader.documents()}
    reader.close()
    report.unaccounted = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in accounted)
    return report


def _print(report: WildReport) -> None:
    print(f"files {report.files}: indexed {report.indexed}, skipped {report.skipped}, unaccounted {report.unaccounted or 0}")
    print(f"passages {report.passages} (read by OCR {report.ocr_passages}); with '(cid:': {report.cid_passages} passages, {report.cid_pages} pages")
    print(f"languages {dict(sorted(report.languages.items()))}; wrong of {len(EXPECTED_LANG)} checked: {report.wrong_language or 0}")
    print(f"HTML passages: {report.html}")
    print("rotated/sideways pages, share of pdfium's word pairs read in the same order:")
    for page, share in report.rotated.items():
        print(f"  {share:.3f}  {page}")
    true = sum(r["true"] for r in report.reasons)
    hinted = sum(r["says_what_to_do"] for r in report.reasons)
    print(f"skipped files: reason agrees with the file {true}/{len(report.reasons)}, says what to do {hinted}/{len(report.reasons)}")
    for r in report.reasons:
        mark = "ok " if r["true"] and r["says_what_to_do"] else "CHECK"
        print(f"  {mark} {r['file']}: {r['reason']}\n        [{r['checked']}]")


def main(
    index_dir: Path = typer.Argument(..., help="The index folder the wild files were ingested into."),
    folder: Path = typer.Option(WILD, help="The folder that was ingested."),
    db: Path | None = typer.Option(None, help="Check this database instead of the current version's."),
    log: Path | None = typer.Option(None, help="Take the skipped files from this `styrdok ingest` output."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    report = run(index_dir, folder, db, log)
    if as_json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=1))
    else:
        _print(report)


if __name__ == "__main__":
    typer.run(main)
