"""The manifest of an index version: its file names, format, model, counts and checksums.

The manifest records the model, dimension, counts, index type and a SHA-256 of every
file, so a server can refuse an index built with another model or damaged on disk.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.errors import CorruptIndex
from pipeline.hashing import file_sha256

FAISS_NAME = "vectors.faiss"
GOAL_VECTORS_NAME = "goals.npy"
STATEMENT_VECTORS_NAME = "statements.npy"
BM25_NAME = "bm25"
MANIFEST_NAME = "manifest.json"
DB_NAME = "styrdok.sqlite"
ROW_DOC_NAME = "row_doc.npy"
ROW_LANG_NAME = "row_lang.npy"
SENTENCES_NAME = "sentences.npy"
SENTENCE_OFFSETS_NAME = "sentence_offsets.npy"
UNITS_NAME = "units.npy"
UNIT_OFFSETS_NAME = "unit_offsets.npy"
SENTENCE_FILES = (SENTENCES_NAME, SENTENCE_OFFSETS_NAME)
"""The sentence vectors of each passage and where each passage's start (`vectors.RowVectors`)."""
UNIT_FILES = (UNITS_NAME, UNIT_OFFSETS_NAME)
"""The FAISS vectors again, grouped by passage (`vectors.RowVectors`)."""
FORMAT_VERSION = 8
"""Bumped when the files change shape or what ingest derives into them changes (6: statements
cut at hard line breaks; 7: sentence and unit vectors beside FAISS; 8: goal cues for any
region or municipality, goal words only in main clauses, headings that state a goal, goals cut at
hard line breaks, no break after a word no sentence ends on, verb forms need a present tense;
Swedish present tenses lemmatised as verbs); an index of another format is
rebuilt on ingest."""

def checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every index file under `directory` except the manifest, by relative path."""
    return {
        str(path.relative_to(directory)): file_sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }



def read_manifest(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def verify_files(directory: Path) -> dict:
    """Read the manifest and check every file's checksum; raises `CorruptIndex`.

    Files are hashed in parallel (hashlib releases the GIL), so the check costs about the
    largest file's read rather than the sum: ~1 s per GB at a million passages.
    """
    manifest = read_manifest(directory)
    if manifest is None:
        raise CorruptIndex(f"{directory} has no readable {MANIFEST_NAME}: re-run `styrdok ingest`")

    def intact(item: tuple[str, str]) -> bool:
        file = directory / item[0]
        return file.exists() and file_sha256(file) == item[1]

    files = sorted(manifest["files"].items())
    with ThreadPoolExecutor(max_workers=min(4, len(files) or 1)) as pool:
        for (name, _), ok in zip(files, pool.map(intact, files)):
            if not ok:
                raise CorruptIndex(
                    f"index file {directory / name} is missing or damaged (checksum mismatch): "
                    "re-run `styrdok ingest` to rebuild"
                )
    return manifest
