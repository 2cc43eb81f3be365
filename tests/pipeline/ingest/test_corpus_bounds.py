"""The corpus is the folder, and one document has a size (issue 17): links and other
non-regular files are skipped with a reason, a link is followed only on request and only
inside the folder, and an oversized document is reported by its numbers and skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.ingest.events import IngestListener
from pipeline.ingest.plan import plan_batch
from pipeline.ingest.run import extract_all
from tests.helpers import CORPUS

WEB_PAGE = "om-regional-utveckling.html"


def _corpus_with_links(tmp_path: Path) -> tuple[Path, Path]:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "archive").mkdir(parents=True)
    outside.mkdir()
    (corpus / WEB_PAGE).write_bytes((CORPUS / WEB_PAGE).read_bytes())
    (outside / "secret.html").write_text("<html><body><p>Hemligt utanför korpusen.</p></body></html>", encoding="utf-8")
    (corpus / "archive" / "old.html").write_text("<html><body><p>Arkiverad sida.</p></body></html>", encoding="utf-8")
    (corpus / "outside.html").symlink_to(outside / "secret.html")
    (corpus / "passwd.html").symlink_to("/etc/passwd")
    (corpus / "inside.html").symlink_to(corpus / "archive" / "old.html")
    (corpus / "folder.html").symlink_to(corpus / "archive")
    os.mkfifo(corpus / "pipe.html")
    return corpus, outside


def test_links_and_pipes_are_skipped_with_a_reason(tmp_path: Path) -> None:
    corpus, _ = _corpus_with_links(tmp_path)
    plan = plan_batch(corpus, None, None, {})
    assert [p.name for p in plan.to_extract] == [WEB_PAGE]
    skipped = dict(plan.skipped)
    for name in ("outside.html", "passwd.html", "inside.html", "folder.html"):
        assert "symbolic link" in skipped[name], (name, skipped)
    assert "not a regular file" in skipped["pipe.html"]


def test_links_are_followed_on_request_only_inside_the_folder(tmp_path: Path) -> None:
    corpus, _ = _corpus_with_links(tmp_path)
    plan = plan_batch(corpus, None, None, {}, follow_symlinks=True)
    assert sorted(p.name for p in plan.to_extract) == ["inside.html", WEB_PAGE]
    skipped = dict(plan.skipped)
    assert "outside the corpus folder" in skipped["outside.html"]
    assert "outside the corpus folder" in skipped["passwd.html"]
    assert "not a regular file" in skipped["folder.html"]


def _long_page(path: Path, paragraphs: int) -> Path:
    body = "".join(
        f"<h2>Avsnitt {i}</h2><p>Regionen ska till år {2000 + i} öka andelen förnybar energi med {i} procent "
        f"i kommun nummer {i}, och insatsen följs upp varje år av nämnden för område {i}.</p>"
        for i in range(paragraphs)
    )
    path.write_text(f"<html><head><title>Lång sida</title></head><body>{body}</body></html>", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (Limits(document_passages=20), "passages, more than the limit of 20 per document"),
        (Limits(document_chars=5_000), "characters of text, more than the limit of 5,000 per document"),
    ],
)
def test_a_document_over_its_size_limit_is_reported_and_skipped(tmp_path: Path, limits: Limits, expected: str) -> None:
    long_page = _long_page(tmp_path / "lang.html", 200)
    small = tmp_path / WEB_PAGE
    small.write_bytes((CORPUS / WEB_PAGE).read_bytes())
    documents, failed = extract_all([long_page, small], {}, 2, IngestListener(), limits)
    assert [d.file_name for d in documents] == [WEB_PAGE]
    assert len(failed) == 1 and failed[0][0] == "lang.html"
    assert expected in failed[0][1] and "STYRDOK_MAX_DOCUMENT_" in failed[0][1], failed
