"""What a server start spends its time on: `python -m bench.startup INDEX_DIR` prints JSON.

Replays the steps of `pipeline.search.hybrid.SearchIndex.__init__` (same calls, same order) with a
timer around each, plus the imports, the model load and the first search that `create_app`'s
warm-up does.
Run in a fresh process so imports and caches start cold (the OS page cache stays warm).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

started = time.perf_counter()
import faiss  # noqa: E402
import numpy as np  # noqa: E402

from pipeline.embed.embedder import Embedder  # noqa: E402
from pipeline.index.bm25 import LexicalIndex  # noqa: E402
from pipeline.index.manifest import BM25_NAME, DB_NAME, FAISS_NAME, ROW_DOC_NAME, ROW_LANG_NAME, verify_files  # noqa: E402
from pipeline.search.hybrid import Searcher, SearchIndex  # noqa: E402
from search_api.app import create_app  # noqa: E402,F401

IMPORTS = time.perf_counter() - started


def main() -> None:
    root = Path(sys.argv[1])
    directory = root / "versions" / (root / "CURRENT").read_text().strip()
    steps: dict[str, float] = {"imports": IMPORTS}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        value = fn()
        steps[name] = time.perf_counter() - t
        return value

    timed("verify_files (sha256 of every file)", lambda: verify_files(directory))
    conn = sqlite3.connect(f"file:{directory / DB_NAME}?mode=ro", uri=True)
    timed("documents query", lambda: conn.execute("SELECT * FROM documents ORDER BY title").fetchall())
    timed("row codes (np.load mmap)", lambda: (np.load(directory / ROW_DOC_NAME, mmap_mode="r"), np.load(directory / ROW_LANG_NAME, mmap_mode="r")))
    timed("faiss.read_index IO_FLAG_MMAP_IFC", lambda: faiss.read_index(str(directory / FAISS_NAME), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY))
    timed("bm25 load mmap", lambda: LexicalIndex.load(directory / BM25_NAME, mmap=True))
    index = timed("SearchIndex(directory) total", lambda: SearchIndex(directory))
    embedder = Embedder()
    timed("model load (onnxruntime session)", lambda: embedder.engine)
    searcher = Searcher(index, embedder)
    timed("first search (analysers, language profiles)", lambda: searcher.search("vad säger planen om uppvärmning?"))
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
