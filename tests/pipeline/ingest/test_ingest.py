"""`styrdok ingest` on a folder with good and broken files: the good ones are indexed,
each broken one is named with its reason, and the exit code says that some failed."""

import shutil
import sqlite3
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.index.manifest import DB_NAME
from pipeline.index.versions import IndexVersions
from tests.helpers import CORPUS

GOOD = "pressmeddelande-2025-12-03.pdf"


def _broken_corpus(folder: Path) -> None:
    shutil.copy(CORPUS / GOOD, folder / GOOD)
    shutil.copy(CORPUS / "about-region-norrbotten.html", folder / "about-region-norrbotten.html")
    data = (CORPUS / GOOD).read_bytes()
    (folder / "trasig.pdf").write_bytes(data[: len(data) // 2])
    (folder / "tom.pdf").write_bytes(b"")
    (folder / "anteckningar.docx").write_bytes(b"PK\x03\x04 not really a document")
    Image.new("RGB", (400, 500), "white").save(folder / "skannad.pdf")
    writer = PdfWriter(clone_from=PdfReader(CORPUS / GOOD))
    writer.encrypt(user_password="x", owner_password="x")
    with (folder / "krypterad.pdf").open("wb") as handle:
        writer.write(handle)


def test_ingest_reports_bad_files_and_indexes_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    _broken_corpus(corpus)
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--index-dir", str(index_dir), "--workers", "2"])
    assert result.exit_code == 1, result.output
    for name, reason in [
        ("trasig.pdf", "not a readable PDF"),
        ("tom.pdf", "empty"),
        ("anteckningar.docx", "unsupported file type"),
        ("skannad.pdf", "no text layer"),
        ("krypterad.pdf", "encrypted"),
    ]:
        assert name in result.output and reason in result.output, (name, result.output)
    assert "Traceback" not in result.output
    current = IndexVersions(index_dir).current()
    assert current is not None
    with sqlite3.connect(current / DB_NAME) as conn:
        files = {row[0] for row in conn.execute("SELECT file_name FROM documents")}
        n_passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    assert files == {GOOD, "about-region-norrbotten.html"}
    assert n_passages > 5


def test_ingest_of_a_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output
