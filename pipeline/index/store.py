"""SQLite store for documents, pages, sections, tables, passages and goals: all of styrdok's SQL.

One database file per index version. Passages keep their ordinal so that a row number in
the FAISS/BM25 arrays maps to exactly one passage (`passages.row`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

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
    lemmas TEXT NOT NULL,
    ocr INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE INDEX IF NOT EXISTS passages_pid ON passages(passage_id);
"""
PASSAGE_COLUMNS = (
    "passage_id, doc_id, ordinal, text, section_path, pages_json, labels_json, bbox_json, lang, kind, lemmas, ocr"
)
OCR_COLUMN = "ocr INTEGER NOT NULL DEFAULT 0"
"""Added after the first index versions: a database written before it has no `ocr` column. It is
added (every passage 0, not read by OCR: OCR did not exist then) when such a database is opened
for writing, and read as 0 when it is opened read-only (`passage_is_ocr`)."""


def _has_ocr_column(conn: sqlite3.Connection, schema: str = "main") -> bool:
    return any(r[1] == "ocr" for r in conn.execute(f"PRAGMA {schema}.table_info(passages)"))


def passage_is_ocr(row: sqlite3.Row) -> bool:
    """Whether a passage row's text came from OCR (False for a row of a database without the column)."""
    return "ocr" in row.keys() and bool(row["ocr"])


@contextmanager
def connect(path: Path, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path)
        conn.executescript(SCHEMA)
        if not _has_ocr_column(conn):
            conn.execute(f"ALTER TABLE passages ADD COLUMN {OCR_COLUMN}")
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
            datetime.now(UTC).isoformat(timespec="seconds"),
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
        f"INSERT INTO passages ({PASSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                int(p.ocr),
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
        ocr=passage_is_ocr(row),
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
        # a source written before the `ocr` column has only passages not read by OCR
        selected = PASSAGE_COLUMNS if _has_ocr_column(conn, "source") else PASSAGE_COLUMNS.removesuffix("ocr") + "0"
        conn.execute(
            f"INSERT INTO passages ({PASSAGE_COLUMNS}) SELECT {selected} FROM source.passages"
            f" WHERE doc_id IN ({marks}) ORDER BY row",
            ids,
        )
        conn.commit()
    finally:
        conn.execute("DETACH DATABASE source")


JSON_ROW_TABLES = {"goals": "goal_json", "statements": "statement_json"}
"""The cross-check's records kept as JSON rows (table → column), row i + 1 ↔ row i of their vectors.

The store keeps them as JSON so that it does not depend on the cross-check's records;
`pipeline.crosscheck.stored` turns them back into records.
"""


def _write_json_rows(conn: sqlite3.Connection, table: str, rows: Iterable[tuple[str, str]]) -> None:
    column = JSON_ROW_TABLES[table]
    conn.executescript(
        f"CREATE TABLE IF NOT EXISTS {table} (row INTEGER PRIMARY KEY, "
        "doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE, "
        f"{column} TEXT NOT NULL);"
    )
    conn.executemany(f"INSERT INTO {table} (doc_id, {column}) VALUES (?, ?)", list(rows))


def _read_json_rows(conn: sqlite3.Connection, table: str) -> list[str]:
    """The table's JSON in row order; none in a version built before the table existed."""
    column = JSON_ROW_TABLES[table]
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return []
    return [r[0] for r in conn.execute(f"SELECT {column} FROM {table} ORDER BY row")]


def write_goal_rows(conn: sqlite3.Connection, rows: Iterable[tuple[str, str]]) -> None:
    """Store goal statements as (doc_id, JSON) in row order."""
    _write_json_rows(conn, "goals", rows)


def read_goal_rows(conn: sqlite3.Connection) -> list[str]:
    """The stored goal statements' JSON, in row order."""
    return _read_json_rows(conn, "goals")


def write_statement_rows(conn: sqlite3.Connection, rows: Iterable[tuple[str, str]]) -> None:
    """Store the cross-check's evidence statements as (doc_id, JSON) in row order."""
    _write_json_rows(conn, "statements", rows)


def read_statement_rows(conn: sqlite3.Connection) -> list[str]:
    """The stored statements' JSON in row order."""
    return _read_json_rows(conn, "statements")


def page_texts(conn: sqlite3.Connection, doc_id: str) -> dict[int, tuple[str | None, str]]:
    """(printed label, text) of each page of one document, by page number."""
    rows = conn.execute("SELECT page, label, text FROM pages WHERE doc_id = ? ORDER BY page", (doc_id,))
    return {r[0]: (r[1], r[2]) for r in rows}


def document_ids(conn: sqlite3.Connection) -> list[str]:
    """Every document's id in insertion order."""
    return [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY rowid").fetchall()]


def passages_of(conn: sqlite3.Connection, doc_id: str) -> list[Passage]:
    """One document's passages in reading order."""
    rows = conn.execute("SELECT * FROM passages WHERE doc_id = ? ORDER BY row", (doc_id,))
    return [row_to_passage(r) for r in rows]


def passage_index_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str]]:
    """(text, lang, section path, document title, kind) of every passage in row order: what the
    search files are built from."""
    rows = conn.execute(
        "SELECT p.text, p.lang, p.section_path, d.title, p.kind FROM passages p JOIN documents d USING (doc_id)"
        " ORDER BY p.row"
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def passage_doc_langs(db: Path) -> list[tuple[str, str]]:
    """(doc_id, lang) of every passage in row order."""
    with connect(db, readonly=True) as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT doc_id, lang FROM passages ORDER BY row")]


def count_passages(db: Path) -> int:
    with connect(db, readonly=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])


def passage_row_range(db: Path) -> tuple[int, int | None, int | None]:
    """(count, smallest row, largest row) of the passages: rows must run 1..count."""
    with connect(db, readonly=True) as conn:
        n = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        low, high = conn.execute("SELECT MIN(row), MAX(row) FROM passages").fetchone()
    return int(n), low, high


def document_signatures(db: Path) -> dict[str, tuple[str, str]]:
    """doc_id → (file name, "title|kind|date|lang") of every document of a version."""
    with connect(db, readonly=True) as conn:
        return {
            r["doc_id"]: (r["file_name"], f"{r['title']}|{r['kind']}|{r['date']}|{r['lang']}")
            for r in conn.execute("SELECT doc_id, file_name, title, kind, date, lang FROM documents")
        }


class StoreReader:
    """A version's database opened read-only for serving (shared by the request threads)."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.has_ocr = _has_ocr_column(self.conn)

    def documents(self) -> list[sqlite3.Row]:
        """Every document row, ordered by title."""
        return self.conn.execute("SELECT * FROM documents ORDER BY title").fetchall()

    def passage_rows(self, rows: list[int]) -> dict[int, sqlite3.Row]:
        """Passage rows by 0-based index row (SQLite's `row` is 1-based)."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        found = self.conn.execute(f"SELECT * FROM passages WHERE row IN ({marks})", [r + 1 for r in rows])
        return {r["row"] - 1: r for r in found}

    def page_texts(self, doc_id: str, pages: list[int]) -> dict[int, str]:
        """The extracted text of some pages of a document, by page number."""
        if not pages:
            return {}
        marks = ",".join("?" * len(pages))
        found = self.conn.execute(
            f"SELECT page, text FROM pages WHERE doc_id = ? AND page IN ({marks})", [doc_id, *pages]
        )
        return {int(r[0]): r[1] for r in found}

    def passage(self, doc_id: str, passage_id: str) -> sqlite3.Row | None:
        """One passage of a document by its id (None when the document has no such passage)."""
        query = f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE doc_id = ? AND passage_id = ? LIMIT 1"
        row: sqlite3.Row | None = self.conn.execute(query, (doc_id, passage_id)).fetchone()
        return row

    def passage_texts(self) -> list[str]:
        """Every passage's text in row order."""
        return [r[0] for r in self.conn.execute("SELECT text FROM passages ORDER BY row")]

    def sections(self, doc_id: str) -> list[tuple[tuple[str, ...], int, int | None]]:
        """(path, level, page) of a document's sections in order."""
        rows = self.conn.execute("SELECT path, level, page FROM sections WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [(tuple(r["path"].split(PATH_SEPARATOR)), r["level"], r["page"]) for r in rows]

    def page_labels(self, doc_id: str) -> dict[int, str | None]:
        """The printed page label of each page of a document, by page number."""
        rows = self.conn.execute("SELECT page, label FROM pages WHERE doc_id = ?", (doc_id,))
        return {int(r[0]): r[1] for r in rows}

    def count_tables(self, doc_id: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM tables WHERE doc_id = ?", (doc_id,)).fetchone()[0])

    def indexed_at(self, doc_id: str) -> str:
        return str(self.conn.execute("SELECT indexed_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0])

    def ocr_passages(self, doc_id: str) -> int:
        """Passages of a document whose text was read by OCR (0 in a database without the column)."""
        if not self.has_ocr:
            return 0
        return int(self.conn.execute("SELECT COUNT(*) FROM passages WHERE doc_id = ? AND ocr", (doc_id,)).fetchone()[0])

    def languages(self, doc_id: str) -> dict[str, int]:
        """Passages of a document per language."""
        rows = self.conn.execute("SELECT lang, COUNT(*) FROM passages WHERE doc_id = ? GROUP BY lang", (doc_id,))
        return {r[0]: int(r[1]) for r in rows}

    def goal_rows(self) -> list[str]:
        return read_goal_rows(self.conn)

    def statement_rows(self) -> list[str]:
        return read_statement_rows(self.conn)

    def close(self) -> None:
        self.conn.close()


class EmbeddingCache:
    """SQLite table of vectors keyed by (model id, input hash); shared by all index versions."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT, key TEXT, vector BLOB, PRIMARY KEY (model, key))"
            )

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with sqlite3.connect(self.path) as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                rows = conn.execute(
                    f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({','.join('?' * len(chunk))})",
                    [model, *chunk],
                )
                found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        return found

    def put(self, model: str, items: Sequence[tuple[str, np.ndarray]]) -> None:
        with sqlite3.connect(self.path) as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
            )

    def drop(self, model: str, keys: Sequence[str]) -> None:
        """Forget vectors (they are embedded again next time): used to check a new engine."""
        with sqlite3.connect(self.path) as conn:
            conn.executemany("DELETE FROM embeddings WHERE model = ? AND key = ?", [(model, key) for key in keys])
