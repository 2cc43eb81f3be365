"""What a batch has to do: compare a folder with the version being served.

Documents are identified by the SHA-256 of their bytes. A file whose hash is already
indexed under the same name and catalogue entry is *unchanged* and copied over without
extraction; new and changed files are extracted; files that disappeared drop out; files of
an unknown type, empty files, files with the same bytes as another file, and files that
failed before with the same bytes (`pipeline.ingest.failures`) are reported and skipped.

The corpus is the folder: a symbolic link, a device, a pipe or a socket in it is skipped with
its reason (a probe linked `/etc/passwd` and a file outside the folder into the corpus, and
both were read, and the outside file indexed and served). With `follow_symlinks` a link is
followed only when its target is a regular file inside the folder. Every file is hashed through
an open with O_NOFOLLOW (`pipeline.hashing.open_regular`), as the extraction reads it, so an
entry swapped for a link after the check above is refused there too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import NotRegularFile
from pipeline.extract.document import EXTRACTOR_VERSION, MEDIA_TYPES
from pipeline.hashing import open_regular, stream_sha256
from pipeline.index.manifest import DB_NAME
from pipeline.index.store import document_signatures
from pipeline.ingest.bounds import source_of
from pipeline.ingest.catalog import MANIFEST_NAME
from pipeline.ingest.failures import Failure
from pipeline.records import DocumentMeta


@dataclass
class Plan:
    """The work of one batch against the served version."""

    keep: list[str] = field(default_factory=list)
    """doc ids copied from the served version."""
    unchanged: list[str] = field(default_factory=list)
    to_extract: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) of files that are not read at all."""
    served_by_name: dict[str, str] = field(default_factory=dict)
    """file name → doc id of every document of the served version."""
    hashes: dict[str, str] = field(default_factory=dict)
    """file name → content hash of every file that was hashed."""
    duplicates: dict[str, str] = field(default_factory=dict)
    """file name → the file with the same bytes that is read instead."""
    remembered: dict[str, Failure] = field(default_factory=dict)
    """content hash → failure of an earlier run that still holds (the file is skipped)."""


def discover(directory: Path) -> list[Path]:
    """The entries of a folder to ingest, sorted; the manifest itself is not a document.
    Sub-folders are not read; links and other non-regular files are listed (and skipped by
    `plan_batch` with the reason `_regular_file` gives)."""
    return sorted(
        p
        for p in directory.iterdir()
        if (p.is_symlink() or not p.is_dir()) and p.name != MANIFEST_NAME and not p.name.startswith(".")
    )


def _regular_file(path: Path, root: Path, follow_symlinks: bool = False) -> str | None:
    """None when `path` may be read as a document of the folder `root`; else why it is skipped."""
    if path.is_symlink():
        if not follow_symlinks:
            return "a symbolic link — skipped (the corpus is the folder; STYRDOK_FOLLOW_SYMLINKS=true follows links inside it)"
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            return "a symbolic link to a file outside the corpus folder — skipped"
        if not target.is_file():
            return "a symbolic link to something that is not a regular file — skipped"
        return None
    if not path.is_file():
        return "not a regular file (a device, pipe or socket) — skipped"
    return None


def served_documents(current: Path | None) -> dict[str, tuple[str, str]]:
    """doc_id → (file name, catalogue signature) of the version being served."""
    return {} if current is None else document_signatures(current / DB_NAME)


def signature(meta: DocumentMeta | None) -> str | None:
    return None if meta is None else f"{meta.title}|{meta.kind}|{meta.date}|{meta.lang}"


def plan_batch(
    directory: Path,
    current: Path | None,
    served_manifest: dict | None,
    catalog: dict[str, DocumentMeta],
    failures: dict[str, Failure] | None = None,
    follow_symlinks: bool = False,
) -> Plan:
    """Sort the folder's files into kept, to extract, skipped; and find the removed ones.

    `failures` are the remembered failures that still hold (same extractor); their files
    are skipped with the remembered reason. Links and other non-regular files are skipped
    unless `follow_symlinks` (then only links to regular files inside the folder are read)."""
    same_extractor = served_manifest is not None and served_manifest.get("extractor") == EXTRACTOR_VERSION
    in_current = served_documents(current)
    served = in_current if same_extractor else {}  # another extractor version: re-extract all
    plan = Plan(served_by_name={name: doc_id for doc_id, (name, _) in in_current.items()})
    seen: dict[str, str] = {}  # doc id → file name, to index identical files once
    for path in discover(directory):
        irregular = _regular_file(path, directory, follow_symlinks)
        if irregular is not None:
            plan.skipped.append((path.name, irregular))
            continue
        doc_id = _admit(path, plan, follow_symlinks)
        if doc_id is None:
            continue
        if doc_id in seen:
            plan.duplicates[path.name] = seen[doc_id]
            plan.skipped.append((path.name, f"same content as {seen[doc_id]} — indexed once, under that name"))
            continue
        seen[doc_id] = path.name
        known = served.get(doc_id)
        meta_same = known is not None and signature(catalog.get(path.name)) in (None, known[1])
        if known is not None and known[0] == path.name and meta_same:
            plan.keep.append(doc_id)
            plan.unchanged.append(path.name)
        elif failures and doc_id in failures:
            plan.remembered[doc_id] = failures[doc_id]
            reason = f"{failures[doc_id].reason} (known from an earlier run: change the file, or pass --retry-failed)"
            plan.skipped.append((path.name, reason))
        else:
            plan.to_extract.append(path)
    present = {p.name for p in plan.to_extract} | set(plan.unchanged) | {name for name, _ in plan.skipped}
    plan.removed = sorted(name for name in plan.served_by_name if name not in present)
    return plan


def _admit(path: Path, plan: Plan, follow_symlinks: bool = False) -> str | None:
    """The content hash of a file worth reading, or None after noting why it is skipped."""
    if path.suffix.lower() not in MEDIA_TYPES:
        reason = f"unsupported file type '{path.suffix or '(none)'}' — styrdok reads .pdf and .html files: export it as PDF"
        plan.skipped.append((path.name, reason))
        return None
    try:
        with open_regular(source_of(path, follow_symlinks)) as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                plan.skipped.append((path.name, "the file is empty (0 bytes) — replace it with the complete file"))
                return None
            plan.hashes[path.name] = stream_sha256(handle)
    except NotRegularFile as exc:
        plan.skipped.append((path.name, exc.reason_with_hint))
        return None
    except OSError as exc:
        plan.skipped.append((path.name, f"cannot read the file ({exc.strerror or exc}) — check its permissions"))
        return None
    return plan.hashes[path.name]
