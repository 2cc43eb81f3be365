"""Content-addressed copies of the indexed source files, served by document id only.

A file is stored as `<index dir>/files/<sha256><suffix>`: its name is its content hash, so
a served PDF is always the exact file its passages came from, and no request path ever
reaches the file system. The source is copied through an open with O_NOFOLLOW and hashed as it
is copied: a file swapped (for a link or other bytes) after it was extracted is refused, not
stored under the id of what was extracted. The server opens a stored file the same way
(`search_api.routes.documents`): a link placed in `files/` is not followed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.hashing import open_regular

DOC_ID = re.compile(r"^[0-9a-f]{64}$")


class FileStore:
    def __init__(self, index_dir: Path) -> None:
        self.root = index_dir / "files"

    def add(self, doc_id: str, source: Path, name: str | None = None) -> Path:
        """Copy `source` in under its id (atomically; a no-op when a regular file is already
        there). `ExtractionError` when `source` is not a regular file or its bytes no longer
        hash to `doc_id` (it changed after extraction); `name` is the file's name in the corpus."""
        target = self.root / f"{doc_id}{(name and Path(name).suffix or source.suffix).lower()}"
        if _is_regular(target):
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        digest = hashlib.sha256()
        with open_regular(source) as handle, tmp.open("wb") as out:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != doc_id:
            tmp.unlink()
            raise ExtractionError(
                name or source.name, "the file changed while it was being indexed — not stored", "run styrdok ingest again"
            )
        os.replace(tmp, target)  # also replaces a link or other non-regular file left there
        return target

    def path_for(self, doc_id: str) -> Path | None:
        if not DOC_ID.match(doc_id):
            return None
        return next((p for p in self.root.glob(f"{doc_id}.*") if not p.name.endswith(".tmp")), None)

    def prune(self, keep: set[str]) -> None:
        """Remove stored files of documents no kept index version refers to."""
        if self.root.is_dir():
            for path in self.root.iterdir():
                if path.name.split(".")[0] not in keep:
                    path.unlink(missing_ok=True)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
