"""Batch bookkeeping: names printed as they are, failures remembered by hash, no new
version for an unchanged folder, exactly the configured number of versions, and exit
codes 0/1/2 (3, locked, is in test_reindex)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.index.versions import IndexVersions
from pipeline.ingest.failures import load_failures
from pipeline.ingest.run import ingest
from tests.helpers import CORPUS

pytestmark = pytest.mark.slow
WEB = "about-region-norrbotten.html"
BRACKETED = "Direktiv 2017 [slutlig].html"
BROKEN = "Rapport [trasig].pdf"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CORPUS / WEB, folder / BRACKETED)
    data = (CORPUS / "pressmeddelande-2025-12-03.pdf").read_bytes()
    (folder / BROKEN).write_bytes(data[: len(data) // 2])
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ingest", *args])
    return result.exit_code, result.output


def test_names_with_brackets_and_remembered_failures(tmp_path: Path) -> None:
    folder, index_dir = _folder(tmp_path), tmp_path / "index"
    code, output = _run(str(folder), "--index-dir", str(index_dir), "--workers", "1")
    assert code == 1, output
    assert BRACKETED in output and BROKEN in output
    assert "Traceback" not in output
    first = IndexVersions(index_dir).current()
    assert [f.name for f in load_failures(index_dir).values()] == [BROKEN]

    code, output = _run(str(folder), "--index-dir", str(index_dir), "--workers", "1")
    assert code == 1, output
    assert "known from an earlier run" in output and "nothing changed" in output
    assert IndexVersions(index_dir).current() == first

    code, output = _run(str(folder), "--index-dir", str(index_dir), "--workers", "1", "--retry-failed")
    assert code == 1 and "known from an earlier run" not in output and "not a readable PDF" in output, output
    assert IndexVersions(index_dir).current() == first  # read again, failed again: nothing new to index

    (folder / BROKEN).unlink()
    code, output = _run(str(folder), "--index-dir", str(index_dir), "--workers", "1")
    assert code == 0, output


def test_a_batch_that_cannot_write_its_index_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    blocked = tmp_path / "index"
    blocked.write_text("a file where the index folder should be")
    code, output = _run(str(folder), "--index-dir", str(blocked))
    assert code == 2, output
    assert "Traceback" not in output
    assert "writable" in output


def test_exactly_the_configured_number_of_versions_stays(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder, index_dir = tmp_path / "in", tmp_path / "index"
    folder.mkdir()
    html = (CORPUS / WEB).read_text(encoding="utf-8")
    for n in range(4):
        (folder / f"sida-{n}.html").write_text(html.replace("Region Norrbotten", f"Region Norrbotten {n}", 1))
        report = ingest(folder, index_dir, embedder, keep_versions=2)
        assert report.switched
        assert len(IndexVersions(index_dir).kept()) == min(n + 1, 2)
    assert IndexVersions(index_dir).current() in IndexVersions(index_dir).kept()
