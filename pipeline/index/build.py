"""Writing the search files of a new index version: FAISS, BM25, row codes and the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

from pipeline.config import EXACT_INDEX_LIMIT
from pipeline.index.bm25 import LexicalIndex
from pipeline.index.manifest import (
    BM25_NAME,
    DB_NAME,
    FAISS_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    ROW_DOC_NAME,
    ROW_LANG_NAME,
    SENTENCE_FILES,
    UNIT_FILES,
    checksums,
)
from pipeline.index.store import passage_doc_langs
from pipeline.index.vectors import IndexedPassage, RowVectors, build_vector_index, index_type
from pipeline.records import PATH_SEPARATOR
from pipeline.text.analysis import analyze


def lexical_terms(passage: IndexedPassage) -> list[str]:
    """BM25 terms of a passage: its text and its section headings, analysed alike."""
    headings = passage.section_path.replace(PATH_SEPARATOR, " ")
    return analyze(f"{headings} {passage.text}", passage.lang)


def write_row_codes(directory: Path) -> dict[str, list[str]]:
    """Each passage row's document and language as integer codes, in two ``.npy`` files.

    The server memory-maps them for filters and language masks instead of reading every
    passage row from SQLite at start (seconds at a million passages). Returns the code
    tables (``docs``, ``langs``: code ``i`` is entry ``i``) for the manifest.
    """
    rows = passage_doc_langs(directory / DB_NAME)
    tables = {"docs": sorted({r[0] for r in rows}), "langs": sorted({r[1] for r in rows})}
    doc_code = {doc_id: i for i, doc_id in enumerate(tables["docs"])}
    lang_code = {lang: i for i, lang in enumerate(tables["langs"])}
    np.save(directory / ROW_DOC_NAME, np.array([doc_code[r[0]] for r in rows], dtype=np.int32))
    np.save(directory / ROW_LANG_NAME, np.array([lang_code[r[1]] for r in rows], dtype=np.uint8))
    return tables


def write_search_files(
    directory: Path,
    passages: list[IndexedPassage],
    vectors: np.ndarray,
    model_id: str,
    owners: list[int] | None = None,
    extractor: int = 0,
    exact_limit: int = EXACT_INDEX_LIMIT,
    sentences: tuple[np.ndarray, list[int]] | None = None,
) -> dict:
    """Write FAISS (and its vectors by passage), BM25, row codes, the sentence vectors and the
    manifest for passages in row order; returns the manifest.

    `owners[j]` is the passage row of vector j (default: one vector per passage); `sentences`
    the sentence vectors and the passage row of each (`pipeline.index.vectors.RowVectors`).
    """
    index = build_vector_index(vectors, exact_limit, None if owners is None else np.asarray(owners))
    faiss.write_index(index, str(directory / FAISS_NAME))
    rows = list(range(len(vectors))) if owners is None else owners
    RowVectors.write(vectors, rows, len(passages), directory, UNIT_FILES)
    if sentences is not None:
        RowVectors.write(*sentences, len(passages), directory, SENTENCE_FILES)
    tokens = [lexical_terms(p) for p in passages]
    if not any(tokens):
        tokens[0] = ["\u2205"]  # bm25s needs one term; an all-empty corpus matches nothing anyway
    LexicalIndex.build(tokens).save(directory / BM25_NAME)
    row_codes = write_row_codes(directory)
    manifest = {
        "format": FORMAT_VERSION,
        "extractor": extractor,
        "model": model_id,
        "dimension": int(vectors.shape[1]),
        "passages": len(passages),
        "vectors": int(index.ntotal),
        "index_type": index_type(index),
        "row_codes": row_codes,
        "files": checksums(directory),
    }
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest
