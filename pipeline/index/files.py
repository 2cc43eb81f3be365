"""Content-addressed copies of the indexed source files, served by document id only.

A file is stored as `<index dir>/files/<sha256><suffix>`: its name is its content hash, so
a served PDF is always the exact file its passages came from, and no request path ever
reaches the file system.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

DOC_ID = re.compile(r"^[0-9a-f]{64}$")


class FileStore:
    def __init__(self, index_dir: Path) -> None:
        self.root = index_dir / "files"

    def add(self, doc_id: str, source: Path) -> Path:
        """Copy `source` in under its id (atomically; a no-op when already there)."""
        target = self.root / f"{doc_id}{source.suffix.lower()}"
        if not target.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
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
