"""The batch on a real local Ray cluster gives the local result, also when a node dies mid-batch.

The cluster is a head and a second worker node process, one CPU each, on loopback only,
started and stopped by the fixture. Vectors the local session ingest already computed come
from the embedding cache (keyed by model and exact input, so a hit is the same vector);
one document's passages are dropped from it, so the cluster's actors embed them for real.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.ingest.events import IngestListener
from pipeline.ingest.run import CACHE_NAME, ingest

os.environ.setdefault(LOOPBACK_ONLY := "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
# ^ read when Ray is imported: every node and the driver then use 127.0.0.1; otherwise Ray
#   rewrites 127.0.0.1 in an address to the machine's outward IP, where nothing listens.
ray = pytest.importorskip("ray")
cluster_utils = pytest.importorskip("ray.cluster_utils")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
LOOPBACK = "127.0.0.1"
FAST_FAILURE = {"health_check_period_ms": 500, "health_check_failure_threshold": 3, "health_check_timeout_ms": 500}
"""A lost node is noticed in about 2 s instead of Ray's default 30 s, so the test stays short."""
KILL_FILES = ("om-regional-utveckling.html", "about-region-norrbotten.html", "pressmeddelande-2025-12-03.pdf")
"""The node-loss test ingests three files: enough that extraction is under way on both nodes."""


@pytest.fixture
def ray_cluster() -> Iterator[Any]:
    cluster = cluster_utils.Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "node_ip_address": LOOPBACK, "include_dashboard": False, "_system_config": FAST_FAILURE},
    )
    try:
        cluster.add_node(num_cpus=1, node_ip_address=LOOPBACK)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()


def _snapshot(index_dir: Path) -> dict[str, Any]:
    """Per document: its passages, its goals and the vectors of its rows, from the current version."""
    import faiss

    from pipeline.crosscheck.stored import goal_from_json
    from pipeline.index.manifest import DB_NAME, FAISS_NAME, GOAL_VECTORS_NAME, ROW_DOC_NAME, read_manifest
    from pipeline.index.store import connect, document_ids, passages_of, read_goal_rows
    from pipeline.index.versions import IndexVersions

    version = IndexVersions(index_dir).current()
    assert version is not None
    with connect(version / DB_NAME) as conn:
        docs = {doc: passages_of(conn, doc) for doc in document_ids(conn)}
        goals = [goal_from_json(text) for text in read_goal_rows(conn)]
    index = faiss.read_index(str(version / FAISS_NAME))  # IndexIDMap2 over a flat index: id = passage row
    vectors = faiss.downcast_index(index.index).reconstruct_n(0, index.ntotal)
    row_doc = np.load(version / ROW_DOC_NAME)[faiss.vector_to_array(index.id_map)]
    codes = read_manifest(version)["row_codes"]["docs"]
    goal_vectors = np.load(version / GOAL_VECTORS_NAME)
    return {
        doc: {
            "passages": docs[doc],
            "goals": [g for g in goals if g.doc_id == doc],
            "vectors": vectors[row_doc == codes.index(doc)],
            "goal_vectors": goal_vectors[[i for i, g in enumerate(goals) if g.doc_id == doc]],
        }
        for doc in docs
    }


def _assert_same(local: dict[str, Any], clustered: dict[str, Any]) -> None:
    assert sorted(clustered) == sorted(local)
    for doc, mine in clustered.items():
        theirs = local[doc]
        assert mine["passages"] == theirs["passages"], doc  # ids, pages, texts, sections
        assert mine["goals"] == theirs["goals"], doc
        for key in ("vectors", "goal_vectors"):
            assert mine[key].shape == theirs[key].shape, (doc, key)
            cosines = (mine[key] * theirs[key]).sum(axis=1)
            assert cosines.size == 0 or cosines.min() >= 0.9999, (doc, key, cosines.min())


def _seed_cache(local_index: Path, target: Path, embedder, leave_out: str) -> int:  # type: ignore[no-untyped-def]
    """The local run's cache without the passages of `leave_out`; returns how many were dropped."""
    import hashlib

    from pipeline.index.manifest import DB_NAME, ROW_DOC_NAME, read_manifest
    from pipeline.index.store import EmbeddingCache, connect
    from pipeline.index.vectors import all_embedding_units, indexed_passages
    from pipeline.index.versions import IndexVersions

    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(local_index / CACHE_NAME, target / CACHE_NAME)
    version = IndexVersions(local_index).current()
    assert version is not None
    code = read_manifest(version)["row_codes"]["docs"].index(leave_out)
    row_doc = np.load(version / ROW_DOC_NAME)  # passages are in row order
    with connect(version / DB_NAME) as conn:
        passages = [p for i, p in enumerate(indexed_passages(conn)) if row_doc[i] == code]
    units = all_embedding_units(passages)
    texts = units.texts + units.sentences
    keys = list(dict.fromkeys(hashlib.sha256(embedder.passage_input(t).encode()).hexdigest() for t in texts))
    EmbeddingCache(target / CACHE_NAME).drop(embedder.model_id, keys)
    return len(keys)


def test_cluster_ingest_equals_local(ray_cluster, index_dir: Path, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pipeline.ingest.cluster import RayExecutor

    local = _snapshot(index_dir)
    smallest = min(local, key=lambda doc: len(local[doc]["vectors"]) or 10**9)
    target = tmp_path / "index"
    dropped = _seed_cache(index_dir, target, embedder, smallest)
    assert dropped > 0
    with RayExecutor(ray_cluster.address) as executor:
        report = ingest(PROJECT_ROOT / "corpus", target, embedder, executor=executor)
    assert not report.failed, report.failed
    assert report.embedded == dropped  # the actors embedded what the cache lacked, nothing else
    _assert_same(local, _snapshot(target))


class _KillAfterFirstFile(IngestListener):
    """Removes the worker node once the first file is back: the rest is then being extracted."""

    def __init__(self, kill: Any) -> None:
        self.kill = kill
        self.files = 0
        self.killed = threading.Event()

    def file_done(self, name: str, error: str | None) -> None:
        self.files += 1
        if self.files == 1:
            self.kill()
            self.killed.set()


def test_lost_worker_node_mid_batch(ray_cluster, index_dir: Path, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pipeline.ingest.cluster import RayExecutor

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (*KILL_FILES, "manifest.toml"):
        shutil.copyfile(PROJECT_ROOT / "corpus" / name, corpus / name)
    target = tmp_path / "index"
    target.mkdir()
    shutil.copyfile(index_dir / CACHE_NAME, target / CACHE_NAME)
    worker_node = ray_cluster.list_all_nodes()[1]
    listener = _KillAfterFirstFile(lambda: ray_cluster.remove_node(worker_node, allow_graceful=False))
    with RayExecutor(ray_cluster.address) as executor:
        report = ingest(corpus, target, embedder, executor=executor, listener=listener)
    assert listener.killed.is_set()
    assert not report.failed, report.failed
    assert sorted(report.added) == sorted(KILL_FILES)
    local = _snapshot(index_dir)
    clustered = _snapshot(target)
    _assert_same({doc: local[doc] for doc in clustered}, clustered)
