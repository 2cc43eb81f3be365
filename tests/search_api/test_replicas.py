"""Two servers over one shared index directory both switch when a new version is published."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.index.publish import index_location, publish
from pipeline.ingest.run import CACHE_NAME, ingest
from tests.conftest import ServerThread

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
SWITCH_SECONDS = 15.0
"""A replica checks `CURRENT` once a second; generous for two busy cores."""


def _versions_served(servers: list[ServerThread]) -> list[str]:
    return [httpx.get(f"{s.url}/health", timeout=30).json()["index_version"] for s in servers]


def test_two_replicas_switch_on_publish(index_dir: Path, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared"
    first = publish(index_dir, index_location(f"file://{shared}"))
    smaller = tmp_path / "smaller"
    (tmp_path / "docs").mkdir()
    shutil.copyfile(PROJECT_ROOT / "corpus" / "om-regional-utveckling.html", tmp_path / "docs" / "om-regional-utveckling.html")
    smaller.mkdir()
    shutil.copyfile(index_dir / CACHE_NAME, smaller / CACHE_NAME)  # same model, same inputs: no embedding
    report = ingest(tmp_path / "docs", smaller, embedder)
    assert report.version and report.version != first

    with ServerThread(shared) as one, ServerThread(shared) as two:
        assert _versions_served([one, two]) == [first, first]
        assert publish(smaller, shared) == report.version
        deadline = time.monotonic() + SWITCH_SECONDS
        while _versions_served([one, two]) != [report.version] * 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _versions_served([one, two]) == [report.version] * 2
        health = httpx.get(f"{two.url}/health", timeout=30).json()
        assert health["passages"] == report.passages
        (listed,) = httpx.get(f"{one.url}/documents", timeout=30).json()
        source = httpx.get(f"{one.url}/documents/{listed['id']}/file", timeout=30)  # published with the version
        assert source.status_code == 200
        assert source.content == (tmp_path / "docs" / "om-regional-utveckling.html").read_bytes()
    assert sorted(p.name for p in (shared / "versions").iterdir()) == sorted([first, report.version])


def test_index_url_refuses_unknown_schemes() -> None:
    from pipeline.errors import IndexUnavailable

    with pytest.raises(IndexUnavailable):
        index_location("s3://bucket/index")
    assert index_location("file:///srv/styrdok%20index") == Path("/srv/styrdok index")
