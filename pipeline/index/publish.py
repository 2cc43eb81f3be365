"""Publish an index version to a shared place that several servers read (replicas).

An index version is an immutable directory, so scaling search out needs no coordination:
N servers behind a load balancer each run `styrdok serve --index-url SHARED` over one
shared (or synced) directory, and each switches to a new version the way one server does,
by watching the `CURRENT` pointer (`pipeline.search.live`, checked once a second). The
ingest machine publishes: the version directory and the source files of its documents are
copied under temporary names, renamed into place, and only then `CURRENT` is switched
(`IndexVersions.adopt`), so a replica never opens a half-copied version. `/health` says
which version each replica serves.

A target is a plain directory or a ``file://`` URL (a network file system mounted on every
replica); object storage would need a sync step to such a directory and is not built in.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

from pipeline.errors import IndexUnavailable
from pipeline.index.files import FileStore
from pipeline.index.manifest import DB_NAME
from pipeline.index.store import connect, document_ids
from pipeline.index.versions import IndexVersions


def index_location(url: str) -> Path:
    """The directory an ``--index-url`` names: a path or a ``file://`` URL."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path) if parsed.scheme else url)
    raise IndexUnavailable(f"unsupported index URL '{url}': give a directory or a file:// URL (sync object storage to one)")


def publish(source_root: Path, target_root: Path) -> str:
    """Make the current version of `source_root` current in `target_root`; returns its name."""
    version = IndexVersions(source_root).current()
    if version is None:
        raise IndexUnavailable(f"no index version in {source_root} to publish: run `styrdok ingest` first")
    source_files, target_files = FileStore(source_root), FileStore(target_root)
    with connect(version / DB_NAME, readonly=True) as conn:
        docs = document_ids(conn)
    for doc_id in docs:
        stored = source_files.path_for(doc_id)
        if stored is not None:
            target_files.add(doc_id, stored)
    target = IndexVersions(target_root)
    if not (target.versions / version.name).is_dir():
        target.versions.mkdir(parents=True, exist_ok=True)
        copying = target.versions / f"{version.name}.{os.getpid()}{IndexVersions.BUILDING_SUFFIX}"
        shutil.copytree(version, copying)
        os.replace(copying, target.versions / version.name)
    target.adopt(version.name)
    return version.name
