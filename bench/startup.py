"""What a server start spends its time on: `python -m bench.startup INDEX_DIR` prints JSON.

Replays the steps of `pipeline.search.SearchIndex.__init__` (same calls, same order) with a
timer around each, plus the imports and the model load that `create_app`'s lifespan does.
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

from pipeline.embed import Embedder  # noqa: E402
from pipeline.index import BM25_NAME, DB_NAME, FAISS_NAME, verify_files  # noqa: E402
from pipeline.lexical import LexicalIndex  # noqa: E402
from pipeline.search import SearchIndex  # noqa: E402
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
    rows = timed("passages doc_id/lang/kind query", lambda: conn.execute("SELECT doc_id, lang, kind FROM passages ORDER BY row").fetchall())
    doc_order = {r[0]: i for i, r in enumerate(conn.execute("SELECT doc_id FROM documents ORDER BY title"))}
    timed("row_doc array", lambda: np.array([doc_order[r[0]] for r in rows], dtype=np.int32))
    row_lang = timed("row_lang array", lambda: np.array([r[1] for r in rows]))
    timed("faiss.read_index IO_FLAG_MMAP", lambda: faiss.read_index(str(directory / FAISS_NAME), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY))
    if hasattr(faiss, "IO_FLAG_MMAP_IFC"):
        timed("faiss.read_index IO_FLAG_MMAP_IFC (alternative)", lambda: faiss.read_index(str(directory / FAISS_NAME), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY))
    timed("bm25 load mmap", lambda: LexicalIndex.load(directory / BM25_NAME, mmap=True))
    timed("per-request set(row_lang.tolist()) in app.run_search", lambda: set(row_lang.tolist()))
    timed("SearchIndex(directory) total", lambda: SearchIndex(directory))
    embedder = Embedder()
    timed("model load + first encode_query", lambda: embedder.encode_query("uppvärmning"))
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
