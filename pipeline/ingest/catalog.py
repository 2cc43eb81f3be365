"""The corpus manifest (`manifest.toml` beside the documents): title, kind, date, language."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipeline.errors import CatalogError
from pipeline.records import DocumentMeta

MANIFEST_NAME = "manifest.toml"
KINDS = ("strategisk plan", "regional utvecklingsstrategi", "pressmeddelande", "webbsida", "dokument")



def read_catalog(directory: Path) -> dict[str, DocumentMeta]:
    """Metadata per file name; an absent manifest means no metadata (files still ingest)."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    out: dict[str, DocumentMeta] = {}
    for file_name, entry in data.get("documents", {}).items():
        kind = entry.get("kind", "dokument")
        if kind not in KINDS:
            raise CatalogError(f"{path}: [documents.\"{file_name}\"] kind '{kind}' is not one of {', '.join(KINDS)}")
        out[file_name] = DocumentMeta(
            title=str(entry.get("title", Path(file_name).stem)),
            kind=kind,
            date=str(entry["date"]) if "date" in entry else None,
            lang=str(entry.get("lang", "sv")),
        )
    return out
