"""Test-wide settings and shared fixtures.

Model hubs are never reached (HF_HUB_OFFLINE). The bundled corpus is ingested once per
test session into a temporary index (real extraction, real model, real FAISS/BM25), and
every test that needs an index or a running server shares it.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"



@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from pipeline.embed.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """An index of the bundled corpus, built once per session.

    Vectors already in the project's own embedding cache (from `make run`) are reused:
    the cache is keyed by model and exact input text, so a hit is the same vector.
    """
    import shutil

    from pipeline.ingest.run import CACHE_NAME, ingest

    directory = tmp_path_factory.mktemp("index")
    known = PROJECT_ROOT / "var" / "index" / CACHE_NAME
    if known.exists():
        shutil.copyfile(known, directory / CACHE_NAME)
    report = ingest(PROJECT_ROOT / "corpus", directory, embedder, workers=2)
    assert not report.failed, report.failed
    return directory


@pytest.fixture(scope="session")
def searcher(index_dir: Path, embedder):  # type: ignore[no-untyped-def]
    from pipeline.search.live import LiveIndex

    return LiveIndex(index_dir, embedder).searcher()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerThread:
    """uvicorn serving the real app on a loopback port, in a thread of the test process
    (`settings` override the defaults, e.g. tight client limits)."""

    def __init__(self, index_dir: Path, **settings: object) -> None:
        import uvicorn

        from pipeline.config import Settings
        from search_api.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(Settings(index_dir=index_dir, **settings)), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(index_dir: Path) -> Iterator[ServerThread]:
    """The API over a real socket, against the session index."""
    with ServerThread(index_dir) as running:
        yield running
