"""The index a running server answers from, switched to a new version without a restart.

The `CURRENT` pointer is checked at most once per `CHECK_INTERVAL` seconds (and on an
explicit `reload()`); a new version is opened and verified completely before it replaces
the old one, so in-flight queries finish on the version they started with.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from pipeline.embed.embedder import Embedder
from pipeline.errors import NoIndex
from pipeline.index.versions import IndexVersions
from pipeline.search.hybrid import Searcher, SearchIndex

log = logging.getLogger(__name__)
CHECK_INTERVAL = 1.0



class LiveIndex:
    def __init__(self, index_dir: Path, embedder: Embedder) -> None:
        self.versions = IndexVersions(index_dir)
        self.embedder = embedder
        self._searcher: Searcher | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _load(self) -> None:
        directory = self.versions.current()
        if directory is None:
            if self._searcher is None:
                raise NoIndex(
                    f"no index in {self.versions.root}: run `styrdok ingest` (or `make run`) to build one"
                )
            return
        if self._searcher is not None and self._searcher.index.directory == directory:
            return
        # the old searcher is not closed: queries that started on it finish on it
        self._searcher = Searcher(SearchIndex(directory), self.embedder)
        log.info("serving index version %s", directory.name)

    def searcher(self) -> Searcher:
        """The searcher for the current version, switching when the pointer moved."""
        now = time.monotonic()
        if self._searcher is None or now - self._checked >= CHECK_INTERVAL:
            with self._lock:
                self._checked = now
                self._load()
        assert self._searcher is not None
        return self._searcher

    def reload(self) -> str:
        """Switch to the current version now; returns its name."""
        with self._lock:
            self._checked = time.monotonic()
            self._load()
        assert self._searcher is not None
        return self._searcher.index.version
