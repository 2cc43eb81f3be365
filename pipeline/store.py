"""SQLite store for documents, pages, sections, tables and passages.

One database file per index version. Passages keep their ordinal so that a row number in
the FAISS/BM25 arrays maps to exactly one passage (`passages.row`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pipeline.goals import Goal
from pipeline.quantities import Quantity
from pipeline.records import PATH_SEPARATOR, Document, Passage

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    date TEXT,
    lang TEXT NOT NULL,
    n_pages INTEGER NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    label TEXT,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    path TEXT NOT NULL,
    level INTEGER NOT NULL,
    heading TEXT,
    page INTEGER,
    PRIMARY KEY (doc_id, ordinal)
);
CREATE TABLE IF NOT EXISTS tables (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    caption TEXT NOT NULL,
    n_header_rows INTEGER NOT NULL,
    rows_json TEXT NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);
CREATE TABLE IF NOT EXISTS passages (
    row INTEGER PRIMARY KEY,
    passage_id TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    section_path TEXT NOT NULL,
    pages_json TEXT NOT NULL,
    labels_json TEXT NOT NULL,
    bbox_json TEXT,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    lemmas TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE INDEX IF NOT EXISTS passages_pid ON passages(passage_id);
"""
PASSAGE_COLUMNS = (
    "passage_id, doc_id, ordinal, text, section_path, pages_json, labels_json, bbox_json, lang, kind, lemmas"
)


@contextmanager
def connect(path: Path, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path)
        conn.executescript(SCHEMA)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        yield conn
        if not readonly:
            conn.commit()
    finally:
        conn.close()


def write_document(conn: sqlite3.Connection, doc: Document) -> None:
    """Insert one document with everything extracted from it (replacing an older copy)."""
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
    conn.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.doc_id,
            doc.file_name,
            doc.media_type,
            doc.meta.title,
            doc.meta.kind,
            doc.meta.date,
            doc.meta.lang,
            len(doc.pages) if doc.media_type == "application/pdf" else 0,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        ),
    )
    conn.executemany(
        "INSERT INTO pages VALUES (?, ?, ?, ?)",
        [(doc.doc_id, p.number, p.label, "\n".join(l.text for l in p.lines)) for p in doc.pages],
    )
    conn.executemany(
        "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                doc.doc_id,
                i,
                s.path_text,
                s.level,
                s.heading.text if s.heading else None,
                s.heading.page if s.heading else (s.lines[0].page if s.lines else None),
            )
            for i, s in enumerate(doc.sections)
        ],
    )
    conn.executemany(
        "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?)",
        [
            (doc.doc_id, i, t.page, t.caption, t.n_header_rows, json.dumps(t.rows, ensure_ascii=False))
            for i, t in enumerate(doc.tables)
        ],
    )
    write_passages(conn, doc.passages)


def write_passages(conn: sqlite3.Connection, passages: Iterable[Passage]) -> None:
    conn.executemany(
        f"INSERT INTO passages ({PASSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                p.passage_id,
                p.doc_id,
                p.ordinal,
                p.text,
                PATH_SEPARATOR.join(p.section_path),
                json.dumps(p.pages),
                json.dumps(p.page_labels),
                json.dumps(p.bbox) if p.bbox else None,
                p.lang,
                p.kind,
                p.lemmas,
            )
            for p in passages
        ],
    )


def row_to_passage(row: sqlite3.Row) -> Passage:
    return Passage(
        passage_id=row["passage_id"],
        doc_id=row["doc_id"],
        text=row["text"],
        section_path=tuple(row["section_path"].split(PATH_SEPARATOR)) if row["section_path"] else (),
        pages=tuple(json.loads(row["pages_json"])),
        page_labels=tuple(json.loads(row["labels_json"])),
        bbox=tuple(json.loads(row["bbox_json"])) if row["bbox_json"] else None,
        lang=row["lang"],
        kind=row["kind"],
        lemmas=row["lemmas"],
        ordinal=row["ordinal"],
    )



def copy_documents(conn: sqlite3.Connection, source_db: Path, doc_ids: Iterable[str]) -> None:
    """Copy documents with all their rows from another version's database (no re-extraction).

    Passages get new, contiguous row numbers in the order they had in the source.
    """
    ids = list(doc_ids)
    conn.commit()
    conn.execute("ATTACH DATABASE ? AS source", (f"file:{source_db}?mode=ro",))
    try:
        marks = ",".join("?" * len(ids))
        for table in ("documents", "pages", "sections", "tables"):
            conn.execute(f"INSERT INTO {table} SELECT * FROM source.{table} WHERE doc_id IN ({marks})", ids)
        conn.execute(
            f"INSERT INTO passages ({PASSAGE_COLUMNS}) SELECT {PASSAGE_COLUMNS} FROM source.passages"
            f" WHERE doc_id IN ({marks}) ORDER BY row",
            ids,
        )
        conn.commit()
    finally:
        conn.execute("DETACH DATABASE source")


GOALS_SCHEMA = """
CREATE TABLE IF NOT EXISTS goals (
    row INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    goal_json TEXT NOT NULL
);
"""


def _quantity_from(data: dict) -> Quantity:
    return Quantity(**{**data, "span": tuple(data["span"])})


def goal_from_json(text: str) -> Goal:
    data = json.loads(text)
    for name in ("section_path", "pages", "page_labels", "years", "cues", "passage_ids"):
        data[name] = tuple(data[name])
    data["quantities"] = tuple(_quantity_from(q) for q in data["quantities"])
    data["baseline"] = tuple(_quantity_from(q) for q in data["baseline"])
    return Goal(**data)


def write_goals(conn: sqlite3.Connection, goals: Iterable[Goal]) -> None:
    """Store goal statements in row order (row i + 1 ↔ row i of the goal vectors)."""
    conn.executescript(GOALS_SCHEMA)
    conn.executemany(
        "INSERT INTO goals (doc_id, goal_json) VALUES (?, ?)",
        [(g.doc_id, json.dumps(asdict(g), ensure_ascii=False)) for g in goals],
    )


def read_goals(conn: sqlite3.Connection) -> list[Goal]:
    return [goal_from_json(r[0]) for r in conn.execute("SELECT goal_json FROM goals ORDER BY row")]
