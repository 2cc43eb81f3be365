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


def _swap_for_link(path: Path, target: Path) -> None:
    """Replace the regular file `path` by a symbolic link to `target`, atomically (rename over it)."""
    link = path.with_name(f".{path.name}.link")
    link.symlink_to(target)
    os.replace(link, path)
    assert path.is_symlink()


def test_a_file_swapped_for_a_link_after_planning_is_refused_when_read(tmp_path: Path) -> None:
    """TOCTOU: the plan saw a regular file; by the time it is read it is a link out of the folder."""
    corpus, outside = _corpus_with_links(tmp_path)
    plan = plan_batch(corpus, None, None, {})
    assert [p.name for p in plan.to_extract] == [WEB_PAGE]
    _swap_for_link(corpus / WEB_PAGE, outside / "secret.html")
    documents, failed = extract_all(plan.to_extract, {}, 1, IngestListener(), Limits())
    assert documents == []
    assert [name for name, _ in failed] == [WEB_PAGE]
    assert "symbolic link when opened" in failed[0][1], failed


def test_a_followed_link_swapped_after_planning_is_refused_when_read(tmp_path: Path) -> None:
    """With links followed, the target checked inside the folder is what is opened: a target swapped
    for a link out of the folder afterwards is refused too."""
    corpus, outside = _corpus_with_links(tmp_path)
    plan = plan_batch(corpus, None, None, {}, follow_symlinks=True)
    assert "inside.html" in [p.name for p in plan.to_extract]
    _swap_for_link(corpus / "archive" / "old.html", outside / "secret.html")
    documents, failed = extract_all(plan.to_extract, {}, 1, IngestListener(), Limits(follow_symlinks=True))
    assert [d.file_name for d in documents] == [WEB_PAGE]
    assert dict(failed)["inside.html"].startswith("a symbolic link to a file outside the corpus folder"), failed


class _SwapAtExtraction(IngestListener):
    """Swaps a planned file for a link when the extraction stage starts (after the plan)."""

    def __init__(self, path: Path, target: Path) -> None:
        self.path, self.target = path, target

    def stage(self, name: str, total: int) -> None:
        if name == "extract":
            _swap_for_link(self.path, self.target)


@pytest.mark.slow
def test_ingest_reports_a_file_swapped_for_a_link_and_indexes_nothing_of_the_target(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from pipeline.index.store import connect
    from pipeline.ingest.run import ingest

    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / WEB_PAGE).write_bytes((CORPUS / WEB_PAGE).read_bytes())
    (corpus / "second.html").write_text("<html><body><p>Regionen bygger cykelvägar.</p></body></html>", encoding="utf-8")
    (outside / "secret.html").write_text("<html><body><p>Hemligt utanför korpusen.</p></body></html>", encoding="utf-8")
    index = tmp_path / "index"
    report = ingest(corpus, index, embedder, listener=_SwapAtExtraction(corpus / "second.html", outside / "secret.html"))
    assert report.added == [WEB_PAGE]
    assert "symbolic link when opened" in dict(report.failed)["second.html"], report.failed
    stored = [p.read_bytes() for p in (index / "files").iterdir()]
    assert len(stored) == 1 and b"Hemligt" not in stored[0]
    with connect(index / "versions" / report.version / "styrdok.sqlite") as conn:  # type: ignore[operator]
        texts = [row[0] for row in conn.execute("SELECT text FROM passages")]
    assert texts and not any("Hemligt" in text for text in texts)


def test_the_file_store_copies_only_the_bytes_that_were_extracted(tmp_path: Path) -> None:
    """After extraction the source is copied into the index's file store: a source swapped for a
    link or for other bytes in between is refused, and a link left in the store is replaced."""
    from pipeline.errors import ExtractionError, NotRegularFile
    from pipeline.hashing import file_sha256
    from pipeline.index.files import FileStore

    corpus, outside = _corpus_with_links(tmp_path)
    source = corpus / WEB_PAGE
    doc_id = file_sha256(source)
    store = FileStore(tmp_path / "index")
    store.root.mkdir(parents=True)
    planted = store.root / f"{doc_id}.html"
    planted.symlink_to(outside / "secret.html")  # a link in the store is not taken for the file
    assert store.add(doc_id, source).read_bytes() == source.read_bytes() and not planted.is_symlink()
    planted.unlink()
    _swap_for_link(source, outside / "secret.html")
    with pytest.raises(NotRegularFile, match="symbolic link when opened"):
        store.add(doc_id, source)
    source.unlink()
    source.write_bytes(b"<html><body><p>Andra byte.</p></body></html>")
    with pytest.raises(ExtractionError, match="changed while it was being indexed"):
        store.add(doc_id, source)
    assert not any(store.root.iterdir())
