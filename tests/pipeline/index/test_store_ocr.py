"""`Passage.ocr` in the store: written and read back, and a database written before the
column existed stays readable (its passages read as not OCR) and is migrated when a new
version copies documents from it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.index.store import (
    SCHEMA,
    StoreReader,
    connect,
    copy_documents,
    passages_of,
    write_passages,
)
from pipeline.records import Passage

OLD_SCHEMA = SCHEMA.replace(",\n    ocr INTEGER NOT NULL DEFAULT 0", "")


def _passage(ordinal: int, ocr: bool) -> Passage:
    return Passage(
        passage_id=f"p{ordinal}",
        doc_id="d1",
        text=f"Text {ordinal}",
        section_path=("Avsnitt",),
        pages=(ordinal + 1,),
        page_labels=(None,),
        bbox=None,
        lang="sv",
        lemmas="text",
        ordinal=ordinal,
        ocr=ocr,
    )


def _document_row(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO documents VALUES ('d1', 'a.pdf', 'application/pdf', 'A', 'dokument', NULL, 'sv', 2, 'now')"
    )


def _old_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    _document_row(conn)
    conn.execute(
        "INSERT INTO passages (passage_id, doc_id, ordinal, text, section_path, pages_json, labels_json, lang, kind,"
        " lemmas) VALUES ('p0', 'd1', 0, 'Gammal text', '', '[1]', '[null]', 'sv', 'text', 'gammal')"
    )
    conn.commit()
    conn.close()


def test_ocr_is_written_and_read_back(tmp_path: Path) -> None:
    db = tmp_path / "index.sqlite"
    with connect(db) as conn:
        _document_row(conn)
        write_passages(conn, [_passage(0, False), _passage(1, True)])
    with connect(db, readonly=True) as conn:
        assert [p.ocr for p in passages_of(conn, "d1")] == [False, True]
    reader = StoreReader(db)
    try:
        assert reader.ocr_passages("d1") == 1
        assert [bool(r["ocr"]) for r in reader.passage_rows([0, 1]).values()] == [False, True]
    finally:
        reader.close()


def test_a_database_without_the_column_is_read_as_not_ocr(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _old_database(db)
    with connect(db, readonly=True) as conn:
        assert [p.ocr for p in passages_of(conn, "d1")] == [False]
    reader = StoreReader(db)
    try:
        assert reader.ocr_passages("d1") == 0
    finally:
        reader.close()


def test_copying_from_an_old_version_keeps_its_passages(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    _old_database(old)
    new = tmp_path / "new.sqlite"
    with connect(new) as conn:
        copy_documents(conn, old, ["d1"])
    with connect(new, readonly=True) as conn:
        assert [(p.text, p.ocr) for p in passages_of(conn, "d1")] == [("Gammal text", False)]


def test_opening_an_old_database_for_writing_adds_the_column(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _old_database(db)
    with connect(db) as conn:
        write_passages(conn, [_passage(1, True)])
    with connect(db, readonly=True) as conn:
        assert [p.ocr for p in passages_of(conn, "d1")] == [False, True]
