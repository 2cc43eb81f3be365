"""Versioned index directories with an atomically switched `CURRENT` pointer.

Layout under the index directory::

    CURRENT                 name of the version being served (replaced atomically)
    versions/<name>/        one complete index version
    versions/<name>.building/  a version being written; never read, removed if left over

A version becomes current only after its directory is complete and renamed into place,
so a reader never sees a half-written index and a crash leaves the previous one serving.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import KEEP_VERSIONS


class IndexVersions:
    BUILDING_SUFFIX = ".building"

    def __init__(self, root: Path, keep: int = KEEP_VERSIONS) -> None:
        self.root = root
        self.keep = keep
        self.versions = root / "versions"
        self.pointer = root / "CURRENT"

    def current(self) -> Path | None:
        """Directory of the version being served, or None when nothing was ingested yet."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.versions / name
        return path if name and path.is_dir() else None

    def _new_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"v{stamp}"

    def _switch(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(name + "\n", encoding="utf-8")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)

    def adopt(self, name: str) -> None:
        """Make a finished version that was copied in (`pipeline.index.publish`) current, then
        remove all but the two newest: a replica may still answer from the previous one."""
        if not (self.versions / name).is_dir():
            raise FileNotFoundError(f"no finished version {name} in {self.versions}")
        self._switch(name)
        self.clean_leftovers()

    def kept(self) -> list[Path]:
        """Finished versions still on disk, oldest first."""
        if not self.versions.is_dir():
            return []
        return sorted(p for p in self.versions.iterdir() if p.is_dir() and not p.name.endswith(self.BUILDING_SUFFIX))

    def clean_leftovers(self, keep: int | None = None) -> None:
        """Remove interrupted builds and all but the newest `keep` (default: the configured
        number) finished versions; the current one is never removed."""
        keep = self.keep if keep is None else keep
        if not self.versions.is_dir():
            return
        current = self.current()
        for path in self.versions.iterdir():
            if path.name.endswith(self.BUILDING_SUFFIX):
                shutil.rmtree(path, ignore_errors=True)
        for path in self.kept()[: max(len(self.kept()) - keep, 0)]:
            if path != current:
                shutil.rmtree(path, ignore_errors=True)
        for tmp in self.root.glob("CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)

    @contextmanager
    def build(self) -> Iterator[Path]:
        """Yield an empty directory to write a version into; on success it becomes current."""
        self.versions.mkdir(parents=True, exist_ok=True)
        self.clean_leftovers()
        name = self._new_name()
        building = self.versions / (name + self.BUILDING_SUFFIX)
        building.mkdir()
        try:
            yield building
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        final = self.versions / name
        os.replace(building, final)
        self._switch(name)
        self.clean_leftovers()  # after the switch: exactly `keep` versions stay, the new one among them
