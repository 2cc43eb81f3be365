"""Files that could not be read, remembered by content hash so that a batch does not read
them again until they change.

Without this, every re-index of an unchanged folder extracted each broken file again (36
of 148 files in the issue's test, minutes of work for the same reasons) and built a new
index version although nothing had changed. A remembered failure holds for the extractor
version that produced it: a new extractor (`EXTRACTOR_VERSION`) tries every file again, as
does ``styrdok ingest --retry-failed``. Kept as JSON beside the versions in the index folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FAILED_NAME = "failed.json"


@dataclass(frozen=True)
class Failure:
    name: str
    reason: str
    extractor: int


def load_failures(index_dir: Path) -> dict[str, Failure]:
    """content hash → the failure remembered for it (nothing when the file is missing or unreadable)."""
    try:
        raw = json.loads((index_dir / FAILED_NAME).read_text(encoding="utf-8"))
        return {sha: Failure(str(f["name"]), str(f["reason"]), int(f["extractor"])) for sha, f in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save_failures(index_dir: Path, failures: dict[str, Failure]) -> None:
    """Replace the remembered failures atomically."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f"{FAILED_NAME}.{os.getpid()}.tmp"
    data = {sha: {"name": f.name, "reason": f.reason, "extractor": f.extractor} for sha, f in sorted(failures.items())}
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, index_dir / FAILED_NAME)
