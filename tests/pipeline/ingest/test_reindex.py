"""Batch re-indexing: incremental by content hash, one writer, crash-safe under SIGKILL,
and search answering throughout."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from pipeline.errors import IngestLocked
from pipeline.index.vectors import IndexedPassage, all_embedding_units
from pipeline.index.versions import IndexVersions
from pipeline.ingest.lock import writer_lock
from pipeline.ingest.run import FAULT_ENV, ingest
from pipeline.search.hybrid import Filters
from pipeline.search.live import LiveIndex
from tests.conftest import ServerThread
from tests.helpers import CORPUS, SHARED

pytestmark = pytest.mark.slow
PRESS = "pressmeddelande-2025-12-03.pdf"
WEB = "about-region-norrbotten.html"
EXTRA = SHARED / "external" / "swedish" / "kammarkollegiet_remissvar_sou_2026-14.pdf"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (PRESS, WEB):
        shutil.copy(CORPUS / name, corpus / name)
    return corpus


@pytest.fixture()
def built(folder: Path, tmp_path: Path, embedder):  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "index"
    first = ingest(folder, index_dir, embedder)
    assert sorted(first.added) == [WEB, PRESS] and first.switched
    return index_dir


def test_unchanged_corpus_does_no_work(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    before = IndexVersions(built).current()
    os.utime(folder / PRESS)  # touched, same bytes
    report = ingest(folder, built, embedder)
    assert report.extracted == 0 and report.embedded == 0 and not report.switched
    assert sorted(report.unchanged) == [WEB, PRESS]
    assert IndexVersions(built).current() == before


def test_adding_one_pdf_embeds_only_its_passages(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(EXTRA, folder / EXTRA.name)
    report = ingest(folder, built, embedder)
    assert report.added == [EXTRA.name] and report.extracted == 1 and report.switched
    searcher = LiveIndex(built, embedder).searcher()
    doc_id = next(d for d, info in searcher.index.documents.items() if info.file_name == EXTRA.name)
    rows = searcher.index.store.conn.execute(
        "SELECT p.text, p.lang, p.section_path, d.title, p.kind FROM passages p JOIN documents d USING (doc_id)"
        " WHERE doc_id = ? ORDER BY row",
        (doc_id,),
    )
    units = all_embedding_units([IndexedPassage(*r) for r in rows])  # FAISS's texts and the sentences
    assert report.embedded == len(set(units.texts + units.sentences)) > len(set(units.texts))


def test_deleted_file_leaves_search(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    (folder / WEB).unlink()
    report = ingest(folder, built, embedder)
    assert report.removed == [WEB] and report.embedded == 0
    searcher = LiveIndex(built, embedder).searcher()
    hits = searcher.search("largest employer in Norrbotten county", k=20)
    assert hits and all(h.document.file_name != WEB for h in hits)


def test_changed_file_is_replaced(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    html = (folder / WEB).read_text(encoding="utf-8").replace("7 000 employees", "7 500 employees")
    (folder / WEB).write_text(html, encoding="utf-8")
    report = ingest(folder, built, embedder)
    assert report.updated == [WEB] and report.extracted == 1
    hits = LiveIndex(built, embedder).searcher().search("employees", k=5, filters=Filters(lang="en"))
    assert any("7 500 employees" in h.text for h in hits) and not any("7 000 employees" in h.text for h in hits)


def test_a_second_writer_is_refused(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with writer_lock(built):
        with pytest.raises(IngestLocked, match="--wait"):
            ingest(folder, built, embedder)
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "ingest", str(folder), "--index-dir", str(built)],
            capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 3 and "another ingest" in result.stderr


@pytest.mark.parametrize("point", ["extract", "embed", "swap"])
def test_sigkill_mid_ingest_leaves_the_old_version_serving(
    point: str, folder: Path, built: Path, embedder  # type: ignore[no-untyped-def]
) -> None:
    before = IndexVersions(built).current()
    shutil.copy(EXTRA, folder / EXTRA.name)
    env = {**os.environ, FAULT_ENV: point}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(folder), "--index-dir", str(built), "--workers", "1"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    assert IndexVersions(built).current() == before
    hits = LiveIndex(built, embedder).searcher().search("Filmpool Nord", k=3)
    assert hits and all(h.document.file_name != EXTRA.name for h in hits)
    report = ingest(folder, built, embedder)  # the next run completes and cleans up
    assert report.added == [EXTRA.name] and report.switched
    assert not [p for p in (built / "versions").iterdir() if p.name.endswith(".building")]


def test_search_answers_throughout_a_reindex(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    failures: list[str] = []
    versions_seen: set[str] = set()
    stop = threading.Event()
    with ServerThread(built) as server:

        def hammer() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                while not stop.is_set():
                    response = client.get("/search", params={"q": "remissvar Kammarkollegiet", "k": 3})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text[:200]}")
                    else:
                        versions_seen.add(response.json()["index_version"])

        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(1)
        shutil.copy(EXTRA, folder / EXTRA.name)
        report = ingest(folder, built, embedder)
        deadline = time.monotonic() + 10
        while report.version not in versions_seen and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        thread.join()
        body = httpx.get(f"{server.url}/search", params={"q": "remissvar Kammarkollegiet", "k": 3}, timeout=30).json()
    assert not failures, failures[:3]
    assert report.version in versions_seen and len(versions_seen) == 2
    assert body["results"][0]["document"]["file"] == EXTRA.name


def test_admin_endpoints_need_the_token(folder: Path, built: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from pipeline.config import Settings
    from search_api.app import create_app

    closed = TestClient(create_app(Settings(index_dir=built, corpus_dir=folder)))
    assert closed.post("/admin/reload").status_code == 403
    app = create_app(Settings(index_dir=built, corpus_dir=folder, admin_token="hemlig"))
    with TestClient(app) as client:
        assert client.post("/admin/reindex").status_code == 401
        assert client.get("/admin/status", headers={"Authorization": "Bearer fel"}).status_code == 401
        auth = {"Authorization": "Bearer hemlig"}
        assert client.post("/admin/reload", headers=auth).json()["index_version"]
        shutil.copy(EXTRA, folder / EXTRA.name)
        assert client.post("/admin/reindex", headers=auth).status_code == 202
        deadline = time.monotonic() + 120
        status = client.get("/admin/status", headers=auth).json()
        while status["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.5)
            status = client.get("/admin/status", headers=auth).json()
        assert status["state"] == "done", status
        assert status["report"]["added"] == [EXTRA.name] and status["files"][EXTRA.name] == "ok"
        health = client.get("/health").json()
        assert health["index_version"] == status["report"]["version"]
