"""One writer at a time: an advisory lock file guards an index directory.

The lock is an `flock` on ``ingest.lock``, so the OS releases it when the process dies
(kill -9 included) and a stale lock never blocks the next run.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import IngestLocked

LOCK_NAME = "ingest.lock"


@contextmanager
def writer_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the index directory's ingest lock (released by the OS if the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IngestLocked(
                f"another ingest ({holder}) is writing to {index_dir}: wait for it, or pass --wait"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
