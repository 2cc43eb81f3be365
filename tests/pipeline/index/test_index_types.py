"""Approximate and memory-mapped vector indexes give the same answers as exact in-memory search.

Real data throughout: passages extracted from corpus files, vectors from the real model, the
real `write_search_files`. The same passages are written twice, once below the exact limit
(flat) and once with `exact_limit=0` (IVF, the approximate type), and both are read back
memory-mapped and not.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.extract.document import extract_document
from pipeline.index.bm25 import LexicalIndex
from pipeline.index.build import write_search_files
from pipeline.index.manifest import BM25_NAME, DB_NAME, FAISS_NAME
from pipeline.index.store import connect, write_document
from pipeline.index.vectors import IVF_NPROBE, build_vector_index, embedding_text, indexed_passages
from pipeline.ingest.catalog import read_catalog
from pipeline.search.hybrid import Filters, Searcher, SearchIndex

CORPUS = PROJECT_ROOT / "corpus"
FILES = ("pressmeddelande-2025-12-03.pdf", "om-regional-utveckling.html", "about-region-norrbotten.html", "rus-2030.pdf")
MAX_PASSAGES_PER_FILE = 25
"""Keeps embedding time low: a few dozen real passages are enough to compare index types."""
QUERIES = (
    "Vad innehåller den nya planen för kompetens och kultur?",
    "regional utveckling i Norrbotten",
    "What does Region Norrbotten do?",
    "kompetensförsörjning",
    "Vem beslutar om den regionala utvecklingsstrategin?",
)


def _inner(index: faiss.Index) -> faiss.Index:
    """The flat or IVF index itself, inside the id-mapping wrapper when there is one."""
    return faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index


class QueryMemo:
    """The real embedder with query vectors memoised: every test asks the same few queries."""

    def __init__(self, embedder) -> None:  # type: ignore[no-untyped-def]
        self.embedder = embedder
        self.model_id = embedder.model_id
        self._queries: dict[str, np.ndarray] = {}

    def encode_query(self, query: str) -> np.ndarray:
        if query not in self._queries:
            self._queries[query] = self.embedder.encode_query(query)
        return self._queries[query]

    def encode_queries(self, queries):  # type: ignore[no-untyped-def]
        return np.stack([self.encode_query(q) for q in queries])

    def encode_passages(self, texts):  # type: ignore[no-untyped-def]
        return self.embedder.encode_passages(texts)


@pytest.fixture(scope="module")
def corpus_documents(embedder):  # type: ignore[no-untyped-def]
    """(documents, embedder): a few real corpus files extracted, and the real model."""
    manifest = read_catalog(CORPUS)
    documents = [extract_document(CORPUS / name, manifest.get(name)) for name in FILES]
    return [replace(doc, passages=doc.passages[:MAX_PASSAGES_PER_FILE]) for doc in documents], QueryMemo(embedder)


def _write_version(directory: Path, documents, vectors: np.ndarray, model_id: str, exact_limit: int) -> Path:  # type: ignore[no-untyped-def]
    directory.mkdir(parents=True)
    with connect(directory / DB_NAME) as conn:
        for doc in documents:
            write_document(conn, doc)
        passages = indexed_passages(conn)
    write_search_files(directory, passages, vectors, model_id, exact_limit=exact_limit)
    return directory


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, corpus_documents):  # type: ignore[no-untyped-def]
    """The same real passages and vectors written as a flat and as an IVF version."""
    documents, embedder = corpus_documents
    root = tmp_path_factory.mktemp("index_types")
    with connect(root / "passages.sqlite") as conn:
        for doc in documents:
            write_document(conn, doc)
        passages = indexed_passages(conn)
    vectors, _ = embedder.encode_passages([embedding_text(p.title, p.section_path, p.text) for p in passages])
    flat = _write_version(root / "flat", documents, vectors, embedder.model_id, exact_limit=10**9)
    ivf = _write_version(root / "ivf", documents, vectors, embedder.model_id, exact_limit=0)
    return flat, ivf


@pytest.fixture(scope="module")
def query_vectors(corpus_documents) -> np.ndarray:  # type: ignore[no-untyped-def]
    _, embedder = corpus_documents
    return np.stack([embedder.encode_query(q) for q in QUERIES]).astype(np.float32)


def test_index_type_is_chosen_by_size() -> None:
    vectors = np.random.default_rng(0).standard_normal((40, 8)).astype(np.float32)
    flat = build_vector_index(vectors)  # keep the wrapper alive: it owns the inner index
    assert isinstance(_inner(flat), faiss.IndexFlatIP)
    wrapper = build_vector_index(vectors, exact_limit=0)
    ivf = _inner(wrapper)
    assert isinstance(ivf, faiss.IndexIVFFlat)
    assert ivf.nprobe == min(IVF_NPROBE, ivf.nlist)
    assert ivf.metric_type == faiss.METRIC_INNER_PRODUCT


def test_versions_record_their_index_type(versions) -> None:  # type: ignore[no-untyped-def]
    flat, ivf = versions
    assert SearchIndex(flat).manifest["index_type"] == "flat"
    assert SearchIndex(ivf).manifest["index_type"] == "ivf"
    stored = faiss.read_index(str(ivf / FAISS_NAME))
    assert isinstance(_inner(stored), faiss.IndexIVFFlat)
    n = SearchIndex(flat).manifest["passages"]
    assert n >= 20, "the test needs a few dozen real passages"


def test_approximate_index_returns_the_exact_top_results(versions, query_vectors) -> None:  # type: ignore[no-untyped-def]
    flat, ivf = versions
    exact = faiss.read_index(str(flat / FAISS_NAME))
    approx = faiss.read_index(str(ivf / FAISS_NAME))
    exact_scores, exact_ids = exact.search(query_vectors, 10)
    approx_scores, approx_ids = approx.search(query_vectors, 10)
    np.testing.assert_array_equal(approx_ids, exact_ids)
    np.testing.assert_allclose(approx_scores, exact_scores, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "ivf"])
@pytest.mark.parametrize("flag", ["IO_FLAG_MMAP", "IO_FLAG_MMAP_IFC"])
def test_memory_mapped_read_equals_in_memory_read(versions, query_vectors, kind: str, flag: str) -> None:  # type: ignore[no-untyped-def]
    if not hasattr(faiss, flag):
        pytest.skip(f"this faiss has no {flag}")
    path = str(dict(zip(("flat", "ivf"), versions))[kind] / FAISS_NAME)
    in_memory = faiss.read_index(path)
    mapped = faiss.read_index(path, getattr(faiss, flag) | faiss.IO_FLAG_READ_ONLY)
    assert mapped.ntotal == in_memory.ntotal
    expected = in_memory.search(query_vectors, 10)
    found = mapped.search(query_vectors, 10)
    np.testing.assert_array_equal(found[1], expected[1])
    np.testing.assert_array_equal(found[0], expected[0])


def _results(searcher: Searcher, mode: str) -> list[list[tuple[str, float]]]:
    return [[(h.passage_id, round(h.score, 6)) for h in searcher.search(q, k=10, mode=mode)] for q in QUERIES]


def _in_memory(directory: Path) -> SearchIndex:
    """`SearchIndex` with FAISS and BM25 read fully into memory instead of memory-mapped."""
    index = SearchIndex(directory)
    index.vectors = faiss.read_index(str(directory / FAISS_NAME))
    index.lexical = LexicalIndex.load(directory / BM25_NAME, mmap=False)
    return index


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_search_index_mmap_equals_in_memory(versions, corpus_documents, mode: str) -> None:  # type: ignore[no-untyped-def]
    _, embedder = corpus_documents
    for directory in versions:
        mapped = Searcher(SearchIndex(directory), embedder)
        loaded = Searcher(_in_memory(directory), embedder)
        assert _results(mapped, mode) == _results(loaded, mode)


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_approximate_search_index_equals_flat(versions, corpus_documents, mode: str) -> None:  # type: ignore[no-untyped-def]
    _, embedder = corpus_documents
    flat, ivf = versions
    exact = Searcher(SearchIndex(flat), embedder)
    approx = Searcher(SearchIndex(ivf), embedder)
    for query in QUERIES:
        want = [(h.passage_id, round(h.score, 5)) for h in exact.search(query, k=10, mode=mode)]
        got = [(h.passage_id, round(h.score, 5)) for h in approx.search(query, k=10, mode=mode)]
        assert got == want, query
    filters = Filters(lang="sv")
    assert [h.passage_id for h in approx.search(QUERIES[0], k=5, filters=filters)] == [
        h.passage_id for h in exact.search(QUERIES[0], k=5, filters=filters)
    ]


@pytest.mark.parametrize(("limit", "expected"), [(None, "flat"), ("0", "ivf")])
def test_exact_search_limit_setting_picks_the_index_type(tmp_path: Path, monkeypatch, limit, expected) -> None:  # type: ignore[no-untyped-def]
    """`STYRDOK_EXACT_SEARCH_LIMIT` reaches the version `styrdok ingest` builds."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.config import get_settings
    from pipeline.index.manifest import read_manifest as read_index_manifest
    from pipeline.index.versions import IndexVersions
    from tests.helpers import CORPUS

    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(CORPUS / "pressmeddelande-2025-12-03.pdf", corpus)
    if limit is not None:
        monkeypatch.setenv("STYRDOK_EXACT_SEARCH_LIMIT", limit)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest", str(corpus), "--index-dir", str(tmp_path / "index")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    version = IndexVersions(tmp_path / "index").current()
    assert read_index_manifest(version)["index_type"] == expected  # type: ignore[arg-type]
