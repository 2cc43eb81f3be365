"""Faults: no index yet, an index built with another model, a damaged index file — the
service answers 503 with what to do, never a crash or a 500."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.config import Settings
from pipeline.index.manifest import FAISS_NAME
from pipeline.index.versions import IndexVersions
from search_api.app import create_app

pytestmark = pytest.mark.slow


def _client(index_dir: Path, **settings) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(Settings(index_dir=index_dir, **settings)))


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    with _client(tmp_path / "nothing") as client:
        for response in (client.get("/health"), client.get("/search", params={"q": "vision"})):
            assert response.status_code == 503
            assert "styrdok ingest" in response.json()["detail"]


def test_index_of_another_model_is_refused(index_dir: Path) -> None:
    with _client(index_dir, model="all-MiniLM-L6-v2") as client:
        response = client.get("/search", params={"q": "vision"})
    assert response.status_code == 503
    assert "multilingual-e5-small" in response.json()["detail"] and "STYRDOK_MODEL" in response.json()["detail"]


def test_damaged_index_file_is_detected(index_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    vectors = IndexVersions(copy).current() / FAISS_NAME  # type: ignore[operator]
    data = bytearray(vectors.read_bytes())
    data[len(data) // 2] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with _client(copy) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert "damaged" in response.json()["detail"] and "styrdok ingest" in response.json()["detail"]
