"""Making a built version current, only when it is complete and consistent.

The new version is built in its own directory (`pipeline.index.versions`), checked here
(SQLite, FAISS and BM25 agree on every passage row), and only then switched to; a crash at
any point before the switch leaves the previous version serving. Source files no version
refers to any more are pruned afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss

from pipeline.errors import InconsistentIndex
from pipeline.index.bm25 import LexicalIndex
from pipeline.index.files import FileStore
from pipeline.index.manifest import BM25_NAME, DB_NAME, FAISS_NAME
from pipeline.index.store import passage_row_range
from pipeline.index.versions import IndexVersions
from pipeline.ingest.plan import served_documents


def verify_build(directory: Path, n_passages: int) -> None:
    """Counts of SQLite, FAISS and BM25 must agree before a version may become current."""
    n_sql, low, high = passage_row_range(directory / DB_NAME)
    vectors: Any = faiss.read_index(str(directory / FAISS_NAME))
    owners = set(faiss.vector_to_array(vectors.id_map).tolist())
    n_bm25 = len(LexicalIndex.load(directory / BM25_NAME))
    contiguous = n_sql == 0 or (low == 1 and high == n_sql)
    if not (n_sql == len(owners) == n_bm25 == n_passages and owners == set(range(n_sql)) and contiguous):
        raise InconsistentIndex(
            f"index check failed: {n_sql} passages in SQLite, vectors for {len(owners)}, {n_bm25} BM25 rows"
            f" (expected {n_passages}); the previous version stays current"
        )


def prune_sources(store: FileStore, versions: IndexVersions) -> None:
    """Drop kept source files that no kept version refers to."""
    store.prune({doc_id for version in versions.kept() for doc_id in served_documents(version)})
